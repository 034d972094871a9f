"""Files, folders and JSONL into clean articles.

`iter_articles` is the only entry point the build needs. It never raises for a bad input:
everything that is wrong with one file, line or manifest row becomes a `Problem` in the
stream (with what was done about it) and the rest of the input carries on. Only a broken
data file shipped with Chipgraph (`ontology/lexicon/boilerplate.yaml`) raises
`DataFileError`, because then every article would be cleaned wrongly.

Decisions a caller must know:

* Identifier: the file stem (`000_e3e1c4b4497a31e5.txt` → `000_e3e1c4b4497a31e5`) or the
  JSONL `id`. A second article with an identifier already yielded is skipped with a Problem
  ("duplicate id … first seen in …"); `a.txt` and `a.md` therefore collide.
* Same text, different id: skipped with a Problem ("same text as …"). Two files whose cleaned
  text is identical are the same story saved twice (a mirror, a re-post); building both would
  double every extracted action and inflate counts.
* Metadata precedence, per key: front matter > manifest row > the page's head (JSON-LD >
  `<meta>` such as `og:site_name` > `<title>`; see `kg.ingest.pagemeta`). A title taken from
  a page loses a suffix naming its site (` | 예시일보`); a title the input gives is kept as
  written. A JSONL line carries its own metadata; a manifest row naming a `.jsonl` file is
  ignored with a Problem.
* Dates: see `parse_date` (in `kg.ingest.dates`); a time stamp in UTC is dated in Korean time.
  A bad date never drops an article: it is built
  without a date (or with the next source's valid date) and a Problem says so.
* `content_hash` covers the decoded raw text (newlines normalised) and the final date, title,
  outlet and url, so a re-encoded but identical file keeps its hash and a metadata edit
  changes it. It does not cover the boilerplate lexicon: bump the pipeline version for that.
* Skipping unchanged input (`known`): each article carries a `Fingerprint` of its raw input
  (the file's name, bytes and manifest row, or the JSONL line) and of its cleaned text. A
  build passes the fingerprints it stored; an article whose raw input hashes the same is
  yielded as `Unchanged` without being decoded, cleaned or checked for metadata problems
  (those were reported when it was built). Its text key still joins the same-text check, so
  a new article repeating an unchanged one is caught, and an unchanged one repeating an
  earlier article in this run is skipped with the same Problem as before.
* JSONL files are read line by line (memory does not grow with the file) when they are
  UTF-8 without NUL bytes, which is what JSONL is; other encodings are decoded whole.
* Folders are read recursively in sorted name order; hidden entries (`.git`, `.DS_Store`)
  are skipped; a folder reached twice (symlink loop, folder given twice) is a Problem.
* Size limits, so one huge input cannot stall a build (extraction costs roughly 10–40 s per
  MB of Korean text): a .txt/.md/.html file over `MAX_FILE_BYTES` is skipped without being
  read; an article whose text (after HTML markup is removed, before cleaning) is over
  `MAX_ARTICLE_BYTES` of UTF-8 is skipped ("article too large"). JSONL files have no file
  limit; each line's text has the article limit.
* Overlong lines: a cleaned line over `MAX_LINE_CHARS` characters is cut into several lines
  (at a sentence end if it can; see `kg.ingest.clean`). Offsets stay consistent because the cleaned
  text is the article's text.
* Malformed HTML: a page not parsed within `kg.ingest.html.HTML_PARSE_SECONDS` of the
  reading thread's CPU time is skipped with a Problem (in any thread).

Where the work is done, one job a module: `walk` (paths, folders → files), `manifest`
(`manifest.csv`), `frontmatter`, `files` (.txt/.md/.html files), `jsonl`, `decode` (bytes →
text), `dates` (written dates → ISO), `html` (pages → text and head metadata, with the
deadline), `pagemeta` (what a page's head says: JSON-LD, `<meta>`, `<title>`), `boilerplate` (the lexicon), `spam` (keyword lines and runs), `clean` (furniture, spam and invisible characters
out; titles; metadata values), `assemble` (one input → `Article`), `dedupe` (ids, same
text, hashes, unchanged inputs) and `records` (what is yielded). This module walks the
inputs and hands each file to its reader.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.ingest.assemble import MAX_ARTICLE_BYTES
from kg.ingest.boilerplate import Boilerplate, default_boilerplate, load_boilerplate
from kg.ingest.clean import MAX_LINE_CHARS, clean_text
from kg.ingest.dates import parse_date
from kg.ingest.decode import decode_bytes
from kg.ingest.dedupe import Seen
from kg.ingest.files import MAX_FILE_BYTES, file_articles
from kg.ingest.jsonl import jsonl_articles
from kg.ingest.records import Article, Fingerprint, Known, Problem, Unchanged
from kg.ingest.walk import JSONL_SUFFIXES, Walk, expand

__all__ = [
    "MAX_ARTICLE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_LINE_CHARS",
    "Article",
    "Boilerplate",
    "Fingerprint",
    "Known",
    "Problem",
    "Unchanged",
    "clean_text",
    "decode_bytes",
    "iter_articles",
    "load_boilerplate",
    "parse_date",
]


def iter_articles(paths: Sequence[Path | str], *,
                  known: Known | None = None) -> Iterator[Article | Unchanged | Problem]:
    """Yield every article under `paths` (files or folders), and a Problem for each bad input.

    Deterministic: paths in the order given, folder entries sorted by name. Never raises for
    bad inputs; raises `DataFileError` only if the shipped boilerplate lexicon is broken.
    `known`: identifier → stored `Fingerprint`; an article whose raw input still matches it is
    yielded as `Unchanged` without being decoded or cleaned (see the module docstring).
    """
    default_boilerplate()  # fail fast, before any article, if the lexicon is broken
    walk, seen = Walk(), Seen(known=known)
    for given in paths:
        for item in expand(Path(given), walk):
            if isinstance(item, Problem):
                yield item
            elif item.suffix.lower() in JSONL_SUFFIXES:
                yield from jsonl_articles(item, walk, seen)
            else:
                yield from file_articles(item, walk, seen)
