"""Keyword spam: lines and runs of search-engine bait that are no part of a story.

Why this is its own module: a name inside `구글상단작업 네이버상위노출 디시인사이드자동댓글` is no
mention of Google or Naver, yet once the line reaches the NLP stage it is one. Spam comes
two ways, and both are told from prose by the same signs (no sentence structure, words of
the spam vocabulary; thresholds in `spam` of `ontology/lexicon/boilerplate.yaml`):

* a long line of keywords or #tags (`is_spam_line`: at least `min_tokens` tokens);
* short lines or a line's tail after its last sentence (`…밝혔다. 구글상단작업 상위노출 …`)
  that are mostly spam vocabulary: each such piece alone proves little (a subhead may say
  `부동산 대출`), so consecutive pieces are taken together as a run, and a run with at least
  `run_min_words` spam words goes (`drop_spam_runs`). A text with no sentence at all is
  judged piece by piece: there is no story for a spam word to belong to.

Prose is never cut inside a sentence: `화웨이칩으로 모델을 훈련했다.` and a sentence that names
spam words (`매크로 프로그램으로 댓글을 달았다.`) stay whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.ingest.boilerplate import Boilerplate, line_key

__all__ = ["SENTENCE_END", "Piece", "drop_spam_runs", "has_sentence_end", "is_prose", "is_spam_line"]

SENTENCE_END = re.compile(r"[.?!。？！](?=$|[\s\"'”’」』)\]>])")
"""Terminal punctuation at a word end (`다.`, `요.`, `?`, `!`), not a dot inside a token."""


_FINAL_MARKS = (".", "?", "!", "。", "？", "！")
_CLOSERS = "\"'”’」』)]>"


def has_sentence_end(line: str) -> bool:
    """True if the line has terminal punctuation at a word end (`다.`, `요.`, `?`, `!`).

    A dot inside a token (`thescoop.co.kr`, `2.2%`) does not count, so URLs and numbers in a
    keyword-spam line do not make it look like prose.
    """
    return bool(SENTENCE_END.search(line))


def is_prose(line: str, bp: Boilerplate) -> bool:
    """A sentence end, or a final 다/요 (prose, even when the final full stop is missing)."""
    return has_sentence_end(line) or line.rstrip("\"'”’)]").endswith(bp.prose_endings)


def is_spam_line(line: str, bp: Boilerplate) -> bool:
    """Keyword stuffing or a tag cloud: many tokens, repetitive or spam-worded, not prose."""
    words = line.split(" ")
    if len(words) < bp.min_tokens:
        return False
    spam_word = vocabulary_pattern(bp.spam_vocabulary)
    if is_prose(line, bp) and not spam_word.search(line_key(line)):
        return False  # the per-token checks below could only say "prose": skip them
    keyed = [(t, line_key(t)) for t in words]
    keyed = [(t, k) for t, k in keyed if k or t.startswith("#")]
    if len(keyed) < bp.min_tokens:
        return False
    tokens = [t for t, _ in keyed]
    keys = [k for _, k in keyed]
    vocab = sum(1 for k in keys if k and spam_word.search(k)) / len(tokens)
    if vocab >= bp.vocab_share_always:
        return True
    if is_prose(line, bp):
        return False
    repeats = 1 - len(set(keys)) / len(keys)
    hashtags = sum(1 for t in tokens if t.startswith("#")) / len(tokens)
    return repeats >= bp.max_repeat_ratio or vocab >= bp.max_vocab_share or hashtags >= bp.max_hashtag_share


@functools.lru_cache(maxsize=8)
def vocabulary_pattern(vocabulary: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding any spam word inside a token's key."""
    return re.compile("|".join(map(re.escape, sorted(vocabulary, key=len, reverse=True))) or "(?!)")


@dataclass(frozen=True)
class Piece:
    """A line, or the head or tail of one, as the run test sees it."""

    line: int          # index of the line it belongs to
    text: str
    prose: bool        # holds a sentence: never spam, and it ends a run
    spam_words: int    # tokens holding a spam-vocabulary word
    words: int         # tokens with a letter or digit


def drop_spam_runs(lines: list[str], bp: Boilerplate) -> tuple[list[str], list[str]]:
    """(lines without keyword-spam runs, the pieces dropped), see the module docstring."""
    pieces = list(_pieces(lines, bp))
    any_prose = any(piece.prose for piece in pieces)
    dropped: set[int] = set()
    run: list[int] = []
    for i, piece in enumerate([*pieces, None]):
        if piece is not None and _spam_like(piece, bp):
            run.append(i)
            continue
        if sum(pieces[j].spam_words for j in run) >= (bp.run_min_words if any_prose else 1):
            dropped.update(run)
        run = []
    return _rebuild(lines, pieces, dropped), [pieces[i].text for i in sorted(dropped)]


def _rebuild(lines: list[str], pieces: list[Piece], dropped: set[int]) -> list[str]:
    """The lines again: untouched where nothing of them went, else what is left of them."""
    left: dict[int, list[str]] = {}
    touched = {pieces[i].line for i in dropped}
    for i, piece in enumerate(pieces):
        if i not in dropped:
            left.setdefault(piece.line, []).append(piece.text)
    return [line if index not in touched else " ".join(left[index])
            for index, line in enumerate(lines) if index in left]


def _spam_like(piece: Piece, bp: Boilerplate) -> bool:
    return not piece.prose and piece.words > 0 and piece.spam_words >= bp.run_vocab_share * piece.words


def _pieces(lines: list[str], bp: Boilerplate) -> Iterator[Piece]:
    """Each line as one piece, or as its prose and the words after its last sentence end."""
    for index, line in enumerate(lines):
        if line.rstrip(_CLOSERS).endswith(_FINAL_MARKS + bp.prose_endings):
            yield _piece(index, line, bp, prose=True)  # most lines: a sentence to the end, no tail
            continue
        ends = [m.end() for m in SENTENCE_END.finditer(line)]
        tail = line[ends[-1]:].strip() if ends else ""
        if tail and not is_prose(tail, bp):
            yield _piece(index, line[:ends[-1]].rstrip(), bp, prose=True)
            yield _piece(index, tail, bp, prose=False)
        else:
            yield _piece(index, line, bp, prose=is_prose(line, bp))


def _piece(index: int, text: str, bp: Boilerplate, *, prose: bool) -> Piece:
    """A piece with its words counted (prose is never spam, so its words are not)."""
    if prose:
        return Piece(index, text, prose, 0, 0)
    keys = [key for key in map(line_key, text.split(" ")) if key]
    spam_word = vocabulary_pattern(bp.spam_vocabulary)
    return Piece(index, text, prose, sum(1 for key in keys if spam_word.search(key)), len(keys))
