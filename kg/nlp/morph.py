"""Sentences and morphemes, from kiwipiepy — the only module that imports it.

Kiwi loads its model once per process (about a second), so the analyser is created lazily and
shared: commands that only query the store never pay for it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple

# Copy often glues sentences together ("…떨어졌다.H20은 …"); Kiwi keeps those as one sentence.
_GLUED_END = re.compile(r"(?<=[다요죠음함]\.)(?=[가-힣A-Za-z0-9\[(]|['‘“\"][가-힣A-Za-z])"
                        r"|(?<=[다요죠]\.) (?=['‘“\"][가-힣A-Za-z])")
_NAME_WORD = re.compile(r"^[가-힣A-Za-z0-9]{2,}$")
# Kiwi raises UnicodeDecodeError on lone surrogates; U+FFFD keeps the length, so offsets hold
_SURROGATE = re.compile("[\ud800-\udfff]")


class Token(NamedTuple):
    """A morpheme with offsets into the article text (a named tuple: an article has thousands,
    and a tuple is the cheapest immutable record to make)."""

    form: str
    tag: str
    start: int
    end: int


# `Token(...)` runs a Python-level __new__; the tuple constructor makes the same named tuple
# without it (a build converts every morpheme of every article).
_new = tuple.__new__


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its offsets into the article text, its text and its morphemes."""

    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]


class Analyzer:
    """Kiwi with the gazetteer's names as user words, so names and particles split cleanly."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        from kiwipiepy import Kiwi  # imported here: loading the model is the slow part

        self._kiwi = Kiwi()
        for word in sorted(set(user_words)):
            if _NAME_WORD.match(word) and re.search(r"[가-힣]", word):
                self._kiwi.add_user_word(word, "NNP")

    def tokenize(self, text: str) -> list[Token]:
        """Morphemes of a text, offsets relative to it (used by the benchmark's baseline too)."""
        tokens = self._kiwi.tokenize(_SURROGATE.sub("\ufffd", text))
        return [Token(t.form, t.tag, t.start, t.end) for t in tokens]

    def sentences(self, text: str) -> list[Sentence]:
        """Split an article into sentences with morphemes, offsets into `text`."""
        result: list[Sentence] = []
        for chunk_start, chunk in _chunks(_SURROGATE.sub("\ufffd", text)):
            for sent in self._kiwi.split_into_sents(chunk, return_tokens=True, return_sub_sents=False):
                start, end = _strip_span(chunk, sent.start, sent.end)
                if start >= end:
                    continue
                base = chunk_start
                tokens = tuple([_new(Token, (t.form, t.tag, base + t.start, base + t.end)) for t in sent.tokens])
                result.append(Sentence(base + start, base + end, text[base + start:base + end], tokens))
        return result


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    """Lines, further cut where a sentence end is glued to the next sentence."""
    offset = 0
    for line in text.split("\n"):
        cuts = [0, *(m.start() for m in _GLUED_END.finditer(line)), len(line)]
        for a, b in zip(cuts, cuts[1:]):
            if line[a:b].strip():
                yield offset + a, line[a:b]
        offset += len(line) + 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@functools.lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    """The process-wide analyser, with the shipped gazetteer's names as user words."""
    from kg.lexicon import gazetteer

    names = [alias for entity in gazetteer().entities.values() for alias in entity.aliases]
    return Analyzer(names)
