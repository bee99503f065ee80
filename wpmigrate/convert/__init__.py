"""Out of the archive: Markdown with front matter, JSON Lines, and redirect rules.

reader.py holds every SQL statement (the archive opened read-only); layout.py the paths;
links.py what old URLs become; body.py and frontmatter.py a file's two halves;
manifest.py what a run wrote; markdown.py, jsonl.py and redirects.py the three outputs.
"""
