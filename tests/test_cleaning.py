"""Tests for wpmigrate.cleaning: one behaviour per test, exact strings."""

from __future__ import annotations

import pytest

from wpmigrate.cleaning import (
    DEFAULT_STEPS,
    STEPS,
    Cleaner,
    CleaningConfig,
    CleaningConfigError,
    decode_entities,
    drop_scripts,
    normalise_space,
    strip_block_comments,
    strip_more_markers,
    strip_screen_reader_text,
    strip_teasers,
    unwrap_shortcodes,
)

CFG = CleaningConfig()
DROP = CleaningConfig(unknown_shortcodes="drop")


# --------------------------------------------------------------------------
# interface
# --------------------------------------------------------------------------


def test_default_steps_and_registry():
    assert DEFAULT_STEPS == (
        "strip_block_comments",
        "strip_more_markers",
        "unwrap_shortcodes",
        "strip_teasers",
        "strip_screen_reader_text",
        "decode_entities",
        "normalise_space",
    )
    assert tuple(STEPS) == DEFAULT_STEPS
    for name, fn in STEPS.items():
        assert fn.__name__ == name
        assert fn("", CFG) == ""


def test_config_defaults():
    cfg = CleaningConfig()
    assert cfg.steps == DEFAULT_STEPS
    assert cfg.teasers == ()
    assert cfg.unknown_shortcodes == "keep_text"
    assert cfg.excerpt_words == 55


# --------------------------------------------------------------------------
# CleaningConfig.from_dict
# --------------------------------------------------------------------------


def test_from_dict_full():
    cfg = CleaningConfig.from_dict(
        {
            "steps": ["strip_block_comments", "normalise_space"],
            "teasers": ["Mehr erfahren", " Voir plus "],
            "unknown_shortcodes": "drop",
            "excerpt_words": 30,
        },
        source="site.toml",
    )
    assert cfg == CleaningConfig(
        steps=("strip_block_comments", "normalise_space"),
        teasers=("Mehr erfahren", "Voir plus"),
        unknown_shortcodes="drop",
        excerpt_words=30,
    )


def test_from_dict_empty_gives_defaults():
    assert CleaningConfig.from_dict({}) == CleaningConfig()


def test_from_dict_empty_steps_allowed():
    cfg = CleaningConfig.from_dict({"steps": []})
    assert cfg.steps == ()
    assert Cleaner(cfg).clean_html("<!-- wp:x --><p>a</p>") == "<!-- wp:x --><p>a</p>"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"steps": ["strip_block_comments", "strip_emoji"]},
            "site.toml: [cleaning] steps: unknown step 'strip_emoji'",
        ),
        ({"steps": "normalise_space"}, "site.toml: [cleaning] steps must be a list"),
        (
            {"steps": ["normalise_space", "normalise_space"]},
            "site.toml: [cleaning] steps: step 'normalise_space' is listed twice",
        ),
        ({"colour": "red"}, "site.toml: [cleaning] unknown key 'colour' = 'red'"),
        (
            {"unknown_shortcodes": "keep"},
            "site.toml: [cleaning] unknown_shortcodes must be 'keep_text' or 'drop', got 'keep'",
        ),
        (
            {"excerpt_words": 0},
            "site.toml: [cleaning] excerpt_words must be a positive integer, got 0",
        ),
        ({"excerpt_words": "55"}, "excerpt_words must be a positive integer, got '55'"),
        ({"excerpt_words": True}, "excerpt_words must be a positive integer, got True"),
        (
            {"teasers": "Read on"},
            "site.toml: [cleaning] teasers must be a list of phrases, got 'Read on'",
        ),
        ({"teasers": ["ok", "  "]}, "teasers: each teaser must be a non-empty string, got '  '"),
        ({"teasers": [3]}, "teasers: each teaser must be a non-empty string, got 3"),
    ],
)
def test_from_dict_errors(table, message):
    with pytest.raises(CleaningConfigError) as err:
        CleaningConfig.from_dict(table, source="site.toml")
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_from_dict_not_a_table():
    with pytest.raises(
        CleaningConfigError, match=r"^x\.toml: \[cleaning\] must be a table, got list"
    ):
        CleaningConfig.from_dict(["steps"], source="x.toml")


def test_from_dict_default_source():
    with pytest.raises(CleaningConfigError, match=r"^mapping: \[cleaning\] unknown key 'nope'"):
        CleaningConfig.from_dict({"nope": 1})


def test_direct_construction_is_validated():
    with pytest.raises(
        CleaningConfigError, match="CleaningConfig: \\[cleaning\\] steps: unknown step"
    ):
        CleaningConfig(steps=("bogus",))
    assert CleaningConfig(steps=["normalise_space"]).steps == ("normalise_space",)


# --------------------------------------------------------------------------
# strip_block_comments
# --------------------------------------------------------------------------


def test_block_comments_keep_inner_html():
    html = (
        "<!-- wp:paragraph -->\n<p>First</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:heading {"level":3} -->\n<h3>Second</h3>\n<!-- /wp:heading -->'
    )
    assert strip_block_comments(html, CFG) == "<p>First</p>\n\n<h3>Second</h3>\n"


def test_block_comments_void_block_with_json_as_wordpress_writes_it():
    html = (
        '<p>a</p>\n<!-- wp:acme/map {"label":"x} /- ->y","note":"\\u002d\\u002d>",'
        '"deep":{"a":{"b":"}}"}}} /-->\n<p>b</p>'
    )
    assert strip_block_comments(html, CFG) == "<p>a</p>\n<p>b</p>"


def test_block_comments_end_at_the_first_close_like_a_browser():
    # WordPress never writes "-->" inside block attributes; if one is there, a browser ends
    # the comment at it and shows the rest as text: so do we.
    html = '<!-- wp:x {"a":"--> shown"} -->\n<p>b</p>'
    assert strip_block_comments(html, CFG) == ' shown"} -->\n<p>b</p>'


def test_block_end_followed_by_closing_tag_keeps_the_tag():
    html = (
        '<!-- wp:group -->\n<div class="wp-block-group"><!-- wp:paragraph -->\n<p>x</p>\n'
        "<!-- /wp:paragraph --></div>\n<!-- /wp:group -->\n\n"
        "<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>a</li>\n<!-- /wp:list-item --></ul>\n"
        "<!-- /wp:list -->\n\n<!-- wp:image -->\n<figure>"
        '<img src="/a.png" alt=""/></figure>\n<!-- /wp:image --><!-- wp:image -->\n'
        '<figure><img src="/b.png" alt=""/></figure>\n<!-- /wp:image -->'
    )
    assert Cleaner().clean_html(html) == (
        '<div class="wp-block-group">\n<p>x</p>\n</div>\n\n<ul>\n<li>a</li>\n</ul>\n\n'
        '<figure><img src="/a.png" alt=""/></figure>\n\n<figure><img src="/b.png" alt=""/></figure>'
    )


def test_comment_after_a_lone_angle_bracket_is_kept():
    # "<" then a comment then "p>" is text; without the comment it would be a tag
    html = "<p>a <<!-- x -->p> b<!-- y --></p>"
    assert strip_block_comments(html, CFG) == "<p>a <<!-- x -->p> b</p>"


def test_comment_look_alikes_that_are_not_comments_are_kept():
    html = (
        '<p title="<!-- not a comment -->">a</p><textarea><!-- text --></textarea>'
        "<![CDATA[ x <!-- ]]> y --><!-- real --><p>b<!-->c<!--->d</p>"
    )
    assert strip_block_comments(html, CFG) == (
        '<p title="<!-- not a comment -->">a</p><textarea><!-- text --></textarea>'
        "<![CDATA[ x <!-- ]]> y --><p>bcd</p>"
    )


def test_block_comments_namespaced_and_inline():
    html = '<p>x<!-- wp:core/spacer {"height":"20px"} /-->y</p><!-- /wp:my-ns/block-name -->'
    assert strip_block_comments(html, CFG) == "<p>xy</p>"


def test_block_comments_other_comments_removed_markers_kept():
    html = (
        "<!--[if IE]><p>old</p><![endif]--><p>a</p><!-- editor note --><!--more--><!--nextpage-->"
    )
    assert strip_block_comments(html, CFG) == "<p>a</p><!--more--><!--nextpage-->"


def test_block_comments_unclosed_comment_left_alone():
    html = "<!-- wp:paragraph --><p>a</p><!-- broken"
    assert strip_block_comments(html, CFG) == "<p>a</p><!-- broken"


def test_block_comments_fast_path_returns_same_object():
    html = "<p>no comments here</p>"
    assert strip_block_comments(html, CFG) is html


# --------------------------------------------------------------------------
# strip_more_markers
# --------------------------------------------------------------------------


def test_more_markers_all_variants():
    html = (
        '<p>Teaser</p>\n<!--more-->\n<p>Body <span id="more-123"></span>rest</p>'
        "<!--more Keep going-->\n<!--nextpage-->\n<!--noteaser--><p>End</p>"
    )
    assert strip_more_markers(html, CFG) == "<p>Teaser</p>\n\n<p>Body rest</p>\n\n<p>End</p>"


def test_more_markers_paragraph_holding_only_markers_removed():
    html = '<p>a</p>\n<p><!--more--></p>\n<p><span id="more-7"></span></p>\n<p>b</p>'
    assert strip_more_markers(html, CFG) == "<p>a</p>\n<p>b</p>"


def test_more_markers_block_form():
    html = "<p>a</p>\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n<p>b</p>"
    assert strip_more_markers(html, CFG) == "<p>a</p>\n\n\n\n<p>b</p>"
    assert Cleaner().clean_html(html) == "<p>a</p>\n\n<p>b</p>"


def test_more_markers_only_where_a_parser_sees_comments():
    html = (
        '<p title="<!--more-->">a</p>\n<!--more-->\n<textarea><!--more--></textarea>'
        '<p>b<span id="more-4"></span></p>'
    )
    assert strip_more_markers(html, CFG) == (
        '<p title="<!--more-->">a</p>\n<textarea><!--more--></textarea><p>b</p>'
    )


def test_more_markers_other_spans_and_words_kept():
    html = '<p>More <span id="more-info">x</span> and <span id="morex-1"></span></p>'
    assert strip_more_markers(html, CFG) == html


# --------------------------------------------------------------------------
# unwrap_shortcodes
# --------------------------------------------------------------------------


def test_caption_becomes_figure():
    html = (
        '[caption id="attachment_5" align="alignleft" width="300"]'
        '<img src="/well.jpg" alt="A well" width="300" /> The new well in Kisumu[/caption]'
    )
    assert unwrap_shortcodes(html, CFG) == (
        '<figure><img src="/well.jpg" alt="A well" width="300" />'
        "<figcaption>The new well in Kisumu</figcaption></figure>"
    )


def test_caption_linked_image_and_paragraph_unwrapped():
    html = (
        '<p>[wp_caption id="a1"]<a href="/big.jpg"><img src="/s.jpg"></a> '
        "Kids at school[/wp_caption]</p>"
    )
    assert unwrap_shortcodes(html, CFG) == (
        '<figure><a href="/big.jpg"><img src="/s.jpg"></a>'
        "<figcaption>Kids at school</figcaption></figure>"
    )


def test_caption_texturized_attribute_quotes():
    html = (
        "[caption id=&#8221;attachment_9&#8243; align=&#8221;alignnone&#8243; "
        'caption=&#8221;Caption from the attribute&#8221;]<img src="/x.png" />[/caption]'
    )
    assert unwrap_shortcodes(html, CFG) == (
        '<figure><img src="/x.png" /><figcaption>Caption from the attribute</figcaption></figure>'
    )


def test_caption_curly_quotes_decoded():
    html = (
        "[caption id=\u201dattachment_9\u2033 caption=\u201dCurly\u201d]"
        '<img src="/x.png">[/caption]'
    )
    assert (
        unwrap_shortcodes(html, CFG)
        == '<figure><img src="/x.png"><figcaption>Curly</figcaption></figure>'
    )


def test_caption_without_text_is_just_the_image():
    assert (
        unwrap_shortcodes('[caption id="a"]<img src="/x.png">[/caption]', CFG)
        == '<img src="/x.png">'
    )


def test_media_and_form_shortcodes_dropped():
    html = (
        '<p>A</p>[gallery ids="1,2,3" columns="3"]<p>B</p>[audio mp3="/a.mp3"][/audio]'
        '[video width="640"]<a href="/v.mp4">v</a>[/video][playlist ids="4"]'
        '[contact-form-7 id="12" title="Contact"]<p>C</p>'
    )
    assert unwrap_shortcodes(html, CFG) == "<p>A</p><p>B</p><p>C</p>"


def test_embed_kept_as_link():
    html = "<p>Watch:</p>\n[embed]https://video.example.org/watch?v=abc&amp;t=5[/embed]"
    assert unwrap_shortcodes(html, CFG) == (
        '<p>Watch:</p>\n<a href="https://video.example.org/watch?v=abc&amp;t=5">'
        "https://video.example.org/watch?v=abc&amp;t=5</a>"
    )


def test_nested_builder_shortcodes_keep_text():
    html = (
        '[vc_row full_width="stretch"][vc_column width="1/2"][vc_column_text]'
        '<p>Our mission</p>[/vc_column_text][vc_single_image image="42"][/vc_column][/vc_row]'
    )
    assert unwrap_shortcodes(html, CFG) == "<p>Our mission</p>"


def test_nested_builder_shortcodes_drop_mode():
    html = (
        "<p>Keep</p>[et_pb_section][et_pb_row][et_pb_text]Gone[/et_pb_text]"
        "[/et_pb_row][/et_pb_section]"
    )
    assert unwrap_shortcodes(html, DROP) == "<p>Keep</p>"


def test_unknown_self_closing_dropped_in_both_modes():
    html = '<p>a [acme_button url="/x"] b [newsletter-signup] c [custom /]</p>'
    assert unwrap_shortcodes(html, CFG) == "<p>a  b  c </p>"
    assert unwrap_shortcodes(html, DROP) == "<p>a  b  c </p>"


def test_unknown_enclosing_plain_name_with_closer():
    assert unwrap_shortcodes("<p>[highlight]Key fact[/highlight]</p>", CFG) == "<p>Key fact</p>"
    assert unwrap_shortcodes("<p>[highlight]Key fact[/highlight]</p>", DROP) == "<p></p>"


def test_escaped_shortcode_printed_literally():
    html = '<p>Use [[gallery ids="1"]] or [[caption]] in posts.</p>'
    out = unwrap_shortcodes(html, CFG)
    assert out == '<p>Use &#91;gallery ids="1"] or &#91;caption] in posts.</p>'
    assert Cleaner().to_text(out) == 'Use [gallery ids="1"] or [caption] in posts.'
    assert unwrap_shortcodes(out, CFG) == out  # not parsed again


def test_prose_brackets_untouched():
    html = (
        "<p>As shown [1] and [23], the data [sic] were [\u2026] incomplete [...] "
        "[see below] [Note: revised] [a] [Editor's note] [x]</p>"
    )
    assert unwrap_shortcodes(html, CFG) == html


def test_bracketed_prose_with_markup_or_loose_equals_kept():
    html = '<p>[see <a href="/methods" title="x">the methods</a>] and [x = y] and [cf. p=0.05]</p>'
    assert unwrap_shortcodes(html, CFG) == html


def test_unclosed_plain_bracket_word_kept_but_stray_builder_closer_dropped():
    html = "<p>[update] Text[/vc_row] end [/update-note]</p>"
    assert unwrap_shortcodes(html, CFG) == "<p>[update] Text end </p>"


def test_shortcodes_inside_pre_and_code_untouched():
    html = '<pre>[gallery ids="1"]</pre><p>[gallery]<code>[vc_row]x[/vc_row]</code></p>'
    assert (
        unwrap_shortcodes(html, CFG)
        == '<pre>[gallery ids="1"]</pre><p><code>[vc_row]x[/vc_row]</code></p>'
    )


def test_same_name_nesting_pairs_innermost():
    html = "[box_a]1[box_a]2[/box_a]3[/box_a]"
    assert unwrap_shortcodes(html, CFG) == "123"


def test_deep_nesting_does_not_recurse():
    depth = 5000
    html = "[x_box]" * depth + "core" + "[/x_box]" * depth
    assert unwrap_shortcodes(html, CFG) == "core"


# --------------------------------------------------------------------------
# strip_teasers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # WordPress core auto excerpt
        (
            "<p>Wells were dug in three villages [&hellip;]</p>\n",
            "<p>Wells were dug in three villages</p>",
        ),
        (
            "<p>Wells were dug in three villages [\u2026]</p>",
            "<p>Wells were dug in three villages</p>",
        ),
        (
            "<p>Wells were dug in three villages [...]</p>",
            "<p>Wells were dug in three villages</p>",
        ),
        # theme excerpt_more with a more-link
        (
            '<p>Wells were dug &hellip; <a class="more-link" href="/p/1">Read More</a></p>',
            "<p>Wells were dug</p>",
        ),
        # Twenty Seventeen
        (
            '<p>Wells were dug</p> &hellip; <p class="link-more"><a href="/p/1" class="more-link">'
            'Continue reading<span class="screen-reader-text"> "Wells"</span></a></p>',
            "<p>Wells were dug</p>",
        ),
        # plain links whose whole text is a teaser phrase
        ('<p>Wells were dug. <a href="/p/1">Read more</a></p>', "<p>Wells were dug.</p>"),
        ('<p>Wells were dug. <a href="/p/1">Read more &raquo;</a></p>', "<p>Wells were dug.</p>"),
        ('<p>Wells were dug. <a href="/p/1">Read more \u00bb</a></p>', "<p>Wells were dug.</p>"),
        ('<p>Wells were dug <a href="/p/1">Read more &rarr;</a></p>', "<p>Wells were dug</p>"),
        ('<p>Wells were dug <a href="/p/1">Continue reading</a></p>', "<p>Wells were dug</p>"),
        (
            '<p>Wells were dug <a href="/p/1">Continue Reading \u2192</a></p>',
            "<p>Wells were dug</p>",
        ),
        ('<p>Wells were dug <a href="/p/1">[Read More]</a></p>', "<p>Wells were dug</p>"),
        ('<p>Brunnen gebaut <a href="/p/1">Weiterlesen</a></p>', "<p>Brunnen gebaut</p>"),
        ('<p>Puits creus\u00e9s <a href="/p/1">Lire la suite</a></p>', "<p>Puits creus\u00e9s</p>"),
        ('<p>Pozos <a href="/p/1">Leer m&aacute;s</a></p>', "<p>Pozos</p>"),
        # core "(more…)" link with its aria-label span
        (
            '<p>Wells were dug <a href="/p/1#more-1" class="more">'
            '<span aria-label="Continue reading Wells">(more&hellip;)</span></a></p>',
            "<p>Wells were dug</p>",
        ),
        # teaser link in its own trailing paragraph
        ('<p>Wells were dug.</p>\n<p><a href="/p/1">Read more</a></p>\n', "<p>Wells were dug.</p>"),
        # typed into a manual excerpt
        ("<p>Wells were dug...Read More</p>", "<p>Wells were dug</p>"),
        ("Wells were dug... Read more", "Wells were dug"),
        ("Wells were dug. Continue reading \u2192", "Wells were dug."),
        ("Wells were dug (more\u2026)", "Wells were dug"),
        # _s / Twenty Twenty-One: phrase + screen-reader title, with or without link
        (
            '<p>Wells were dug <a href="/p/1">Continue reading <span class="screen-reader-text">'
            "&#8220;Wells&#8221;</span></a></p>",
            "<p>Wells were dug</p>",
        ),
        (
            "<p>Wells were dug Continue reading "
            '<span class="screen-reader-text">"Wells"</span></p>',
            "<p>Wells were dug</p>",
        ),
        # trailing ellipsis alone
        ("<p>Wells were dug&hellip;</p>", "<p>Wells were dug</p>"),
        ("<p>Wells were dug \u2026</p>", "<p>Wells were dug</p>"),
        ("<p>Wells were dug&#8230; <br></p>", "<p>Wells were dug</p>"),
    ],
)
def test_teaser_variants(html, expected):
    assert strip_teasers(html, CFG) == expected


def test_more_link_removed_anywhere_and_empty_paragraph_dropped():
    html = '<p>One</p><p><a class="more-link" href="/x">More</a></p><p>Two</p>'
    assert strip_teasers(html, CFG) == "<p>One</p><p>Two</p>"


def test_twenty_twenty_one_archive_teaser():
    html = (
        "<p>Wells were dug in three villages.</p>\n"
        '<div class="more-link-container"><a class="more-link" href="https://ex.org/wells/">'
        'Continue reading<span class="screen-reader-text">Wells</span></a></div>\n'
    )
    assert strip_teasers(html, CFG) == "<p>Wells were dug in three villages.</p>"


def test_trailing_empty_element_kept_when_no_debris():
    html = '<p>Map below.</p><div id="map"></div>'
    assert strip_teasers(html, CFG) is html


def test_read_more_prose_kept():
    html = (
        "<p>Read more about our methods in chapter 2.</p>\n"
        '<p>For details, <a href="/m">read more</a> on the methods page.</p>\n'
        "<p>Everyone should read more</p>"
    )
    assert strip_teasers(html, CFG) == html


def test_mid_sentence_ellipsis_kept():
    html = "<p>We waited\u2026 and waited [\u2026] until spring &hellip; came.</p>"
    assert strip_teasers(html, CFG) == html


def test_teaser_link_in_middle_kept():
    html = '<p><a href="/a">Read more</a></p><p>Actual last paragraph.</p>'
    assert strip_teasers(html, CFG) == html


def test_custom_teaser_phrases():
    cfg = CleaningConfig(teasers=("Mehr erfahren", "Voir l'article"))
    assert strip_teasers('<p>Text <a href="/x">MEHR ERFAHREN &raquo;</a></p>', cfg) == "<p>Text</p>"
    assert strip_teasers("Texte. Voir l&#8217;article", cfg) == "Texte."
    assert strip_teasers("Texte. Voir l\u2019article", cfg) == "Texte."
    assert strip_teasers('<p>Text <a href="/x">Mehr erfahren</a></p>', CFG) == (
        '<p>Text <a href="/x">Mehr erfahren</a></p>'
    )


def test_teasers_no_change_without_debris():
    html = "<p>Nothing to see here, more or less.</p>\n<p><br></p>\n"
    assert strip_teasers(html, CFG) is html


def test_teasers_do_not_descend_into_pre():
    html = "<pre>for x in xs: ... [...]</pre>"
    assert strip_teasers(html, CFG) == html


# --------------------------------------------------------------------------
# strip_screen_reader_text
# --------------------------------------------------------------------------


def test_screen_reader_text_removed():
    html = (
        '<p><a href="/x">Continue reading<span class="screen-reader-text"> "Wells"</span></a>'
        '<span class="sr-only">Opens in a new tab</span>'
        '<label class="visually-hidden" for="q">Search</label>'
        '<span class="icon screen-reader-text extra">x</span>Visible</p>'
    )
    assert strip_screen_reader_text(html, CFG) == '<p><a href="/x">Continue reading</a>Visible</p>'


def test_screen_reader_lookalike_classes_kept():
    html = (
        '<span class="screen-reader-text-toggle">Menu</span><span class="not-sr-only-x">Hi</span>'
    )
    assert strip_screen_reader_text(html, CFG) == html


# --------------------------------------------------------------------------
# decode_entities
# --------------------------------------------------------------------------


def test_decode_entities_text():
    html = "<p>Caf&eacute; &#8211; the team&#8217;s &#x201C;plan&#x201D; &hellip; 10&nbsp;km</p>"
    assert (
        decode_entities(html, CFG)
        == "<p>Caf\u00e9 \u2013 the team\u2019s \u201cplan\u201d \u2026 10\u00a0km</p>"
    )


def test_decode_entities_keeps_markup_characters_escaped():
    html = (
        '<p title="&quot;q&quot; &amp; &#39;s&#39;">'
        "a &amp; b &#38; c &lt;div&gt; &#60; &#x3E; &#91;x&#93;</p>"
    )
    assert decode_entities(html, CFG) == (
        '<p title="&quot;q&quot; &amp; &#39;s&#39;">'
        "a &amp; b &amp; c &lt;div&gt; &lt; &gt; &#91;x]</p>"
    )


def test_decode_entities_unknown_and_unterminated_left_alone():
    html = '<a href="/s?a=1&copy=2">&notanentity; &amp</a>'
    assert decode_entities(html, CFG) == html


def test_decode_entities_unicode_passthrough():
    html = (
        "<p>\u00e9t\u00e9 \u0645\u0631\u062d\u0628\u0627 \U0001f469\u200d\U0001f52c &#128640;</p>"
    )
    assert (
        decode_entities(html, CFG) == "<p>\u00e9t\u00e9 \u0645\u0631\u062d\u0628\u0627 "
        "\U0001f469\u200d\U0001f52c \U0001f680</p>"
    )


# --------------------------------------------------------------------------
# normalise_space
# --------------------------------------------------------------------------


def test_normalise_space():
    html = (
        "  \n<p>a   b\t\tc </p>\n\n\n\n<p></p>\n<p>&nbsp;</p>\n<p> \u00a0 </p>\n"
        "<p><br /></p>\n<p>d</p>\r\n  "
    )
    assert normalise_space(html, CFG) == "<p>a b c</p>\n\n<p>d</p>"


def test_normalise_space_leaves_pre_alone():
    html = '<p>x</p>\n\n\n\n<pre class="code">  a   b\n\n\n\n  c\t</pre>\n\n\n<p>  y</p>'
    assert (
        normalise_space(html, CFG)
        == '<p>x</p>\n\n<pre class="code">  a   b\n\n\n\n  c\t</pre>\n\n<p>y</p>'
    )


def test_normalise_space_keeps_nbsp_inside_text():
    assert normalise_space("<p>10\u00a0km</p>", CFG) == "<p>10\u00a0km</p>"


# --------------------------------------------------------------------------
# scripts and styles
# --------------------------------------------------------------------------


def test_scripts_and_styles_dropped():
    html = (
        "<p>a</p><script type=\"text/javascript\">if (a < b) { alert('x') }</script>"
        "<STYLE>p { color: red }</STYLE><p>b</p><script>unclosed(); <p>c</p>"
    )
    assert drop_scripts(html) == "<p>a</p><p>b</p>"
    cleaner = Cleaner(CleaningConfig(steps=()))
    assert cleaner.clean_html(html) == "<p>a</p><p>b</p>"
    assert Cleaner().to_text(html) == "a\n\nb"


def test_noscript_and_iframe_kept():
    html = (
        '<iframe src="https://maps.example.org/x"></iframe><noscript><img src="/x.png"></noscript>'
    )
    assert Cleaner().clean_html(html) == html


# --------------------------------------------------------------------------
# Cleaner.clean_html (all steps)
# --------------------------------------------------------------------------


def test_clean_html_block_post():
    html = (
        "<!-- wp:paragraph -->\n<p>Water &amp; sanitation in 12&nbsp;districts&#8230; "
        "read more below.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:more -->\n<!--more-->\n"
        "<!-- /wp:more -->\n\n<!-- wp:paragraph -->\n<p>The committee&#8217;s report.</p>\n"
        "<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p></p>\n<!-- /wp:paragraph -->\n"
    )
    assert Cleaner().clean_html(html) == (
        "<p>Water &amp; sanitation in 12\u00a0districts\u2026 read more below.</p>\n\n"
        "<p>The committee\u2019s report.</p>"
    )


def test_clean_html_classic_post_with_shortcodes():
    html = (
        "Intro line with a note [1].\n\n"
        '[caption id="attachment_3" align="aligncenter" width="500"]<img src="/p.jpg" alt="" /> '
        "Photo: Ana Lima[/caption]\n\n"
        "[vc_row][vc_column][vc_column_text]Builder text &amp; more[/vc_column_text]"
        "[/vc_column][/vc_row]\n\n"
        '[gallery ids="4,5"]\n\nLast line.'
    )
    assert Cleaner().clean_html(html) == (
        "Intro line with a note [1].\n\n"
        '<figure><img src="/p.jpg" alt="" /><figcaption>Photo: Ana Lima</figcaption></figure>\n\n'
        "Builder text &amp; more\n\nLast line."
    )


def test_clean_html_rest_archive_teaser():
    html = (
        '<p>Summary of the findings &hellip; <a class="more-link" href="https://ex.org/r/">'
        'Continue reading <span class="screen-reader-text">"Findings"</span></a></p>\n'
    )
    assert Cleaner().clean_html(html) == "<p>Summary of the findings</p>"


def test_clean_html_autop_wrapped_builder_shortcodes():
    html = (
        "<p>[vc_row][vc_column][vc_column_text]</p>\n<p>Our mission is water.</p>\n"
        "<p>[/vc_column_text][/vc_column][/vc_row]</p>\n"
    )
    assert Cleaner().clean_html(html) == "<p>Our mission is water.</p>"


def test_steps_safe_in_any_order():
    html = (
        "<!-- wp:paragraph -->\n<p>Caf&eacute; notes [vc_column_text]inner[/vc_column_text] "
        "[[gallery]]</p>\n<!-- /wp:paragraph -->\n<!--more-->\n"
        '<p>Tail &hellip; <a class="more-link" href="/x">Read more'
        '<span class="screen-reader-text"> '
        "T</span></a></p>"
    )
    expected = "<p>Caf\u00e9 notes inner &#91;gallery]</p>\n\n<p>Tail</p>"
    assert Cleaner().clean_html(html) == expected
    reversed_cfg = CleaningConfig(steps=tuple(reversed(DEFAULT_STEPS)))
    assert Cleaner(reversed_cfg).clean_html(html) == expected


def test_clean_html_idempotent():
    cleaner = Cleaner()
    html = (
        '<!-- wp:image --><figure><img src="/a.png" alt="&quot;A&quot;"></figure><!-- /wp:image -->'
        "<p>[[caption]] &lt;b&gt; &amp;amp; [1]\u2026</p>"
    )
    once = cleaner.clean_html(html)
    assert (
        once == '<figure><img src="/a.png" alt="&quot;A&quot;"></figure>'
        "<p>&#91;caption] &lt;b&gt; &amp;amp; [1]</p>"
    )
    assert cleaner.clean_html(once) == once


def test_empty_and_none_input():
    cleaner = Cleaner()
    for value in ("", None):
        assert cleaner.clean_html(value) == ""
        assert cleaner.to_text(value) == ""
        assert cleaner.clean_excerpt(value) == ""
        assert cleaner.make_excerpt(value) == ""
        assert cleaner.clean_title(value) == ""
    assert cleaner.clean_html("   \n\n ") == ""
    assert cleaner.to_text("<p> </p>") == ""


def test_malformed_html_does_not_break():
    cleaner = Cleaner()
    html = '<p>Open <b>bold <a href="/x">link <div>unclosed [vc_row]text <p>more'
    assert (
        cleaner.clean_html(html) == '<p>Open <b>bold <a href="/x">link <div>unclosed text <p>more'
    )
    assert cleaner.to_text(html) == "Open bold link\n\nunclosed [vc_row]text\n\nmore"


def test_unicode_content():
    cleaner = Cleaner()
    html = (
        "<!-- wp:paragraph --><p>\u00c9t\u00e9 \u00e0 Z\u00fcrich \u2014 "
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 "
        "\U0001f30d\U0001f469\u200d\U0001f52c</p><!-- /wp:paragraph -->"
    )
    out = cleaner.clean_html(html)
    assert out == (
        "<p>\u00c9t\u00e9 \u00e0 Z\u00fcrich \u2014 \u0645\u0631\u062d\u0628\u0627 "
        "\u0628\u0627\u0644\u0639\u0627\u0644\u0645 \U0001f30d\U0001f469\u200d\U0001f52c</p>"
    )
    assert cleaner.to_text(out) == (
        "\u00c9t\u00e9 \u00e0 Z\u00fcrich \u2014 \u0645\u0631\u062d\u0628\u0627 "
        "\u0628\u0627\u0644\u0639\u0627\u0644\u0645 \U0001f30d\U0001f469\u200d\U0001f52c"
    )


def test_teaser_with_case_changing_characters():
    # "İ".lower() is two characters: the slow path must still work.
    assert strip_teasers("\u0130stanbul notes. Read more", CFG) == "\u0130stanbul notes."


# --------------------------------------------------------------------------
# to_text
# --------------------------------------------------------------------------


def test_to_text_blocks_and_lines():
    html = (
        "<h2>Results</h2><p>First &amp; <em>second</em><br>third line</p>"
        "<ul><li>one</li><li>two</li></ul><blockquote><p>Quote</p></blockquote>"
        "<table><tr><th>Year</th><td>2024</td></tr><tr><th>Wells</th><td>12</td></tr></table>"
        '<figure><img src="/x.png"><figcaption>Caption</figcaption></figure><div>Last</div>'
    )
    assert Cleaner().to_text(html) == (
        "Results\n\nFirst & second\nthird line\n\none\ntwo\n\nQuote\n\nYear 2024\nWells 12\n\n"
        "Caption\n\nLast"
    )


def test_to_text_no_text_runs_into_the_next_element():
    html = (
        "<details><summary>Summary</summary>Body</details>"
        "<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>"
        "<dl><dt>Term</dt><dd>Definition</dd></dl>"
        "<figure><img src='/a.png'><figcaption>Caption</figcaption></figure>after"
    )
    assert Cleaner().to_text(html) == (
        "Summary\nBody\n\none\n\nnested\n\ntwo\n\nTerm\nDefinition\n\nCaption\n\nafter"
    )


def test_to_text_unshown_and_text_only_elements():
    html = (
        '<p>a</p><iframe src="/map">no frames</iframe><textarea><!-- typed --> &amp; <b></textarea>'
        "<p>b<![CDATA[ hidden ]]></p><!-- unclosed <p>hidden too</p>"
    )
    assert Cleaner().to_text(html) == "a\n\n<!-- typed --> & <b>\n\nb"


def test_to_text_entities_fully_decoded():
    html = "<p>a &lt;b&gt; &amp;amp; &#91;x] &quot;q&quot; 10&nbsp;km \u00a0 caf&eacute;</p>"
    assert Cleaner().to_text(html) == 'a <b> &amp; [x] "q" 10 km caf\u00e9'


def test_to_text_whitespace_and_source_newlines():
    html = "  Line one\nLine two\n\n\n\nPara   two\twith  spaces  \r\n<p>x</p>\n\n\n<p>y</p>  "
    assert Cleaner().to_text(html) == "Line one\nLine two\n\nPara two with spaces\n\nx\n\ny"


def test_to_text_pre_kept_verbatim():
    html = "<p>Run:</p><pre><code>if x &lt; 3:\n    print(x)</code></pre><p>Done</p>"
    assert Cleaner().to_text(html) == "Run:\n\nif x < 3:\n    print(x)\n\nDone"


def test_to_text_comments_and_attributes_with_angle_brackets():
    html = '<!-- note > here --><p><img alt="a > b" src="/x.png">Text<!--more--></p>'
    assert Cleaner().to_text(html) == "Text"


def test_to_text_uppercase_tags():
    assert Cleaner().to_text("<P>One</P><P>Two<BR>Three</P>") == "One\n\nTwo\nThree"


# --------------------------------------------------------------------------
# clean_excerpt
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>Wells were dug in three villages [&hellip;]</p>\n",
            "Wells were dug in three villages",
        ),
        (
            '<p>Wells were dug &hellip; <a class="more-link" href="/p/1">Read More</a></p>',
            "Wells were dug",
        ),
        (
            ' &hellip; <p class="link-more"><a href="/p" class="more-link">Continue reading'
            '<span class="screen-reader-text"> "W"</span></a></p>',
            "",
        ),
        ("<p>A manual excerpt by hand...Read More</p>", "A manual excerpt by hand"),
        ("A manual excerpt. Read more &raquo;", "A manual excerpt."),
        ('<p>Wells &amp; pumps&#8230; <a href="/p">Weiterlesen</a></p>', "Wells & pumps"),
        ("<p>Para one.</p><p>Para two [&hellip;]</p>", "Para one.\n\nPara two"),
        ("<p>Read more about the wells.</p>", "Read more about the wells."),
    ],
)
def test_clean_excerpt(html, expected):
    assert Cleaner().clean_excerpt(html) == expected


def test_clean_excerpt_strips_teasers_even_if_step_disabled():
    cleaner = Cleaner(CleaningConfig(steps=("decode_entities",)))
    assert cleaner.clean_excerpt("<p>Summary [&hellip;]</p>") == "Summary"
    assert cleaner.clean_html("<p>Summary [&hellip;]</p>") == "<p>Summary […]</p>"


# --------------------------------------------------------------------------
# make_excerpt
# --------------------------------------------------------------------------


def test_make_excerpt_cuts_at_word_limit():
    text = " ".join(f"w{i}" for i in range(1, 61))
    assert Cleaner().make_excerpt(text) == " ".join(f"w{i}" for i in range(1, 56)) + "\u2026"


def test_make_excerpt_short_text_not_marked():
    assert (
        Cleaner().make_excerpt("Short text.\n\nSecond paragraph.")
        == "Short text. Second paragraph."
    )


def test_make_excerpt_exact_limit_and_punctuation():
    cleaner = Cleaner(CleaningConfig(excerpt_words=3))
    assert cleaner.make_excerpt("one two three") == "one two three"
    assert cleaner.make_excerpt("one two three, four") == "one two three\u2026"
    assert cleaner.make_excerpt("  one\u00a0two \n three four ") == "one two three\u2026"


# --------------------------------------------------------------------------
# clean_title
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Water &amp; Sanitation &#8211; 2024", "Water & Sanitation \u2013 2024"),
        ("Water &amp;amp; Sanitation", "Water & Sanitation"),
        ("<em>Annual</em>   report\n2024&nbsp;", "Annual report 2024"),
        ("Using &lt;div&gt; in HTML", "Using <div> in HTML"),
        (
            "Caf\u00e9 \U0001f375 \u0645\u0631\u062d\u0628\u0627",
            "Caf\u00e9 \U0001f375 \u0645\u0631\u062d\u0628\u0627",
        ),
    ],
)
def test_clean_title(title, expected):
    assert Cleaner().clean_title(title) == expected


# --------------------------------------------------------------------------
# size (speed and hostile inputs are measured by bench/cleaning.py)
# --------------------------------------------------------------------------


def _post(i: int) -> str:
    return (
        f"<!-- wp:paragraph -->\n<p>Post {i}: the team&#8217;s notes on water &amp; wells, "
        "read more about methods below &mdash; [1].</p>\n<!-- /wp:paragraph -->\n\n"
        f'[caption id="attachment_{i}"]<img src="/{i}.jpg"> Well {i}[/caption]\n\n'
    )


def test_huge_input():
    html = "".join(_post(i) for i in range(5000))
    assert len(html) > 1_000_000
    cleaner = Cleaner()
    out = cleaner.clean_html(html)
    text = cleaner.to_text(out)
    excerpt = cleaner.clean_excerpt(html)
    assert out.startswith("<p>Post 0: the team\u2019s notes on water &amp; wells,")
    assert out.endswith('<figure><img src="/4999.jpg"><figcaption>Well 4999</figcaption></figure>')
    assert text.endswith("read more about methods below \u2014 [1].\n\nWell 4999")
    assert excerpt.endswith("Well 4999")
