"""Cleaning of WordPress HTML: block comments, more markers, shortcodes, teasers.

Every step is a small pure function ``step(html, config) -> html`` registered in
:data:`STEPS`; :class:`Cleaner` composes the steps named in
:class:`CleaningConfig` and adds ``to_text`` / ``clean_excerpt`` /
``make_excerpt`` / ``clean_title``.  Everything is regex/``str`` based (no DOM):
each step first checks a cheap trigger substring and returns its input
unchanged when the trigger is absent.  Each step is safe in any order.
One module per job: ``config``, ``markup`` (reading markup as an HTML5 parser
does: comments, bogus comments, text-only elements), ``comments``,
``shortcodes``, ``teasers``, ``entities``, ``whitespace``, ``text``,
``cleaner``; ``removals``: the steps that remove text a reader would see
(teasers, screen-reader text, dropped shortcodes, scripts and styles) append
``(rule, text)`` to an optional ``removals`` list, only when they remove
something. ``debris`` applies a post type's template-debris rules (learned
by a crawl or pinned by a mapping) before the steps; it alone parses with lxml,
and only an item its rules may match.

**The invariant** (tests/html_structure.py checks it on every item the tests
export, from every source, and on generated block markup): ``content_html``
parsed by an HTML5 parser has the source's tree minus exactly what the rules
below remove (comments and block delimiters, dropped shortcodes, teaser
debris, scripts and styles, empty paragraphs): the same elements, nesting,
order and text.

Rules decided here (the tests pin them down):

* **Comments** -- ``strip_block_comments`` removes every HTML comment (block
  delimiters ``<!-- wp:… -->``, ``<!-- /wp:… -->``, void ``<!-- wp:… /-->``,
  conditional comments, editor notes) *except* the ``<!--more…-->``,
  ``<!--nextpage-->`` and ``<!--noteaser-->`` markers, which belong to
  ``strip_more_markers``.  A comment is what an HTML5 parser sees as one: it
  ends at the first ``-->`` or ``--!>`` (WordPress escapes ``--`` in block
  attributes as ``\\u002d\\u002d``, so ``}`` or ``/`` inside the JSON are
  harmless), ``<!-->`` and ``<!--->`` are empty comments, and ``<!--`` inside
  an attribute value or a text-only element (``<textarea>``, ``<title>``,
  ``<iframe>``…) or a bogus comment (``<![CDATA[…>``, ``<?…>``) is not one.
  Whatever follows a comment on its line stays (``<!-- /wp:paragraph --></div>``
  keeps its ``</div>``).  An unclosed ``<!--`` is left alone (a browser hides
  the rest either way).  A delimiter on a line of its own takes its line
  break with it.
* **Shortcodes** -- ``[name …]`` is a shortcode only if ``name`` matches
  ``[A-Za-z][A-Za-z0-9_-]*``, is followed by whitespace, ``]`` or ``/`` *and*
  at least one holds: the name is a known shortcode (:data:`KNOWN_SHORTCODES`),
  the name contains ``_`` or ``-``, the tag has a ``key=value`` attribute, it
  is written self-closing ``[name /]``, or a matching ``[/name]`` follows.
  Attributes never contain ``[ ] < >``.  So ``[1]``, ``[sic]``, ``[…]``,
  ``[see below]``, ``[Note: …]``, ``[x = y]`` or ``[see <a href=…>…</a>]``
  are never touched.  Opens and closes are paired with a stack (linear time,
  no recursion; same-name nesting pairs innermost first).  ``[caption]``/``[wp_caption]`` become
  ``<figure>media<figcaption>text</figcaption></figure>`` (a ``<p>`` holding
  only the figure is unwrapped); ``[embed]URL[/embed]`` becomes
  ``<a href="URL">URL</a>``; media/form shortcodes (gallery, audio, video,
  playlist, contact-form-7, …) and every other self-closing/unpaired shortcode
  are dropped; unknown enclosing shortcodes keep their inner HTML
  (``unknown_shortcodes="keep_text"``) or are dropped with it (``"drop"``).
  ``[[name]]`` prints ``&#91;name]`` (renders as ``[name]``; the entity keeps
  it from being parsed again).  Shortcodes inside ``<pre>``/``<code>`` are
  left alone.  Texturized attribute quotes (``&#8221;``, ``&#8243;``, “ ” ″)
  are normalised before attributes are read.
* **Teasers** -- ``a.more-link``/``a.read-more``/``a.readmore`` links and
  ``p|div|span.link-more|read-more|readmore`` containers are removed anywhere.
  At the *end* only (ignoring closing tags, ``<br>``, whitespace and
  ``&nbsp;``): ``[…]``, ``[&hellip;]``, ``[...]``, ``(…)``, a bare ``…`` /
  ``&hellip;`` (also ``To be continued…`` loses its final ellipsis), and a
  teaser phrase (:data:`DEFAULT_TEASERS` + ``config.teasers``, case-insensitive,
  entity spellings accepted, optionally bracketed and followed by
  arrows/``»``/``…``/``.``) that starts a text run: after a tag (so a link or
  paragraph whose whole text is the phrase), a line break, sentence
  punctuation + space, an ellipsis (``...Read More`` goes whole) or a spaced
  ``|``/dash.  ``(more…)`` and a phrase followed by a screen-reader span
  (``Continue reading <span class="screen-reader-text">"Title"</span>``) need
  no such boundary.  Inline elements emptied by the removal
  (``p div span a em strong b i u small``) go too.  "Read more about our
  methods.", "people should read more", a "Read more" link that is not last
  and mid-text ellipses are kept; nothing changes when no debris is found.
* **Entities** -- ``decode_entities`` decodes every known ``&name;`` /
  ``&#N;`` / ``&#xN;`` (with ``;``) except the markup-significant ones, which
  are normalised: ``&amp; &lt; &gt; &quot; &#39;`` and ``&#91;`` (``[``, so
  escaped shortcodes stay escaped).  ``&nbsp;`` becomes U+00A0 in HTML (it
  keeps "10 km" together); ``to_text`` turns U+00A0 into a plain space.
* **Scripts** -- ``<script>`` and ``<style>`` elements (with their content;
  an unclosed one runs to the end) are always dropped by
  ``Cleaner.clean_html`` (whatever the steps) and by ``to_text``.  Nothing
  else is sanitised (event-handler attributes, ``javascript:`` URLs, iframes
  stay): whoever renders the archive must sanitise.
* **Text** -- ``to_text`` does not run the steps; it drops scripts, styles and
  comments (an unclosed one hides the rest, as in a browser), maps block
  elements to blank lines, puts ``li``/``tr``/``dt``/``dd``/``figcaption``/
  ``summary``/``caption``/``legend``/``option`` on lines of their own (text
  after one starts a new line), ``<br>`` to a line break and cells to spaces,
  strips the other tags and bogus comments, decodes entities fully, keeps
  source line breaks (WordPress semantics:
  raw ``post_content`` uses them as ``<br>``/paragraphs), collapses other
  whitespace and keeps ``<pre>`` and ``<textarea>`` text verbatim; what a
  browser never shows (``<iframe>``, ``<noembed>``, ``<noframes>`` content)
  is left out.
* **Whitespace** -- ``normalise_space`` collapses runs of spaces/tabs (in
  attribute values too: ``class="a  b"`` becomes ``class="a b"``), trims
  line edges and the whole, removes empty paragraphs (``<p></p>``,
  ``<p>&nbsp;</p>``, ``<p><br></p>``), allows at most one blank line, and
  leaves ``<pre>``/``<textarea>`` content alone.

Speed: character-class-first and ``re.I`` patterns scan ~5 ns/char in
``re`` (no literal-prefix search), so hot patterns start with a literal and
are case-sensitive (``re.I`` twins only when upper-case tags are present);
whitespace is collapsed with ``str`` methods; the teaser matcher runs on a
lower-cased ~150-char tail.  Comments are removed by literal-first regex
passes whose comment pattern cannot run past the first ``-->`` (an atomic
group); only markup where a regex could be fooled (``<!--`` in an attribute,
text-only elements, bogus comments) is walked with a tokenizer.  Parsers were
measured against it (``python bench/cleaning.py``; figures in
bench/README.md): on real content all hold the invariant, lexbor
(selectolax) costs about the same per item and would be a new binary
dependency, lxml's parser and serialiser cost ~10x.
"""

from .cleaner import STEPS, Cleaner
from .comments import strip_block_comments, strip_more_markers
from .config import DEFAULT_STEPS, DEFAULT_TEASERS, CleaningConfig, CleaningConfigError
from .entities import decode_entities
from .markup import drop_scripts
from .shortcodes import KNOWN_SHORTCODES, unwrap_shortcodes
from .teasers import strip_screen_reader_text, strip_teasers
from .whitespace import normalise_space

__all__ = [
    "DEFAULT_STEPS",
    "DEFAULT_TEASERS",
    "KNOWN_SHORTCODES",
    "STEPS",
    "Cleaner",
    "CleaningConfig",
    "CleaningConfigError",
    "decode_entities",
    "drop_scripts",
    "normalise_space",
    "strip_block_comments",
    "strip_more_markers",
    "strip_screen_reader_text",
    "strip_teasers",
    "unwrap_shortcodes",
]
