"""Entity mentions in a sentence: gazetteer names, their typos, and names the gazetteer does
not know (kg.nlp.names), each with the particle cue that follows it (kg.nlp.cues).

Gazetteer aliases are matched on folded text (`kg.text.normalize_name`: no spaces, case or
punctuation), so `어센드 910B` and `어센드910B` are the same name, and a match must start and end
on morpheme boundaries, so particles (엔비디아의/는/가) fall outside the name.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Iterable

from kg.lexicon import Gazetteer, gazetteer
from kg.nlp.cues import with_cue
from kg.nlp.mention import Mention, settings, surface, token_span
from kg.nlp.morph import Sentence
from kg.nlp.people import titled_people
from kg.nlp.names import (chip_codes, drop_class_after_model, drop_family_before_model, family_siblings,
                          inner_glosses, known_mention, makers_variants, merge_glosses, model_codes, named_as, new_mentions, parenthesised, quoted, sentence_cue_types, share_names,
                          shared_heads, suffixed)
from kg.nlp.number_grammar import grammar
from kg.text import fold_char, normalize_name

__all__ = ["Mention", "find_mentions"]

HARD_BOUNDARY = set(",()[]{}·ㆍ/;:!?|<>…")
_HANGUL = re.compile(r"^[가-힣]+$")
_WORDCHAR = re.compile(r"\w")


def find_mentions(sentence: Sentence, gaz: Gazetteer | None = None) -> list[Mention]:
    """All entity mentions of a sentence, sorted by position, non-overlapping."""
    gaz = gaz or gazetteer()
    tokens = sentence.tokens
    cue_types = functools.cache(lambda: sentence_cue_types(sentence))  # few sentences need them
    mentions = _gazetteer_mentions(sentence, gaz)
    mentions += new_mentions(sentence, gaz, mentions, cue_types, (parenthesised,))
    mentions += _fuzzy_mentions(sentence, gaz, mentions)
    mentions += _guarded_mentions(sentence, gaz, mentions)
    mentions += new_mentions(sentence, gaz, mentions, cue_types, (quoted, suffixed, chip_codes, model_codes, share_names))
    mentions += titled_people(sentence, gaz, mentions)
    mentions += family_siblings(sentence, gaz, mentions)
    mentions += shared_heads(sentence, gaz, mentions)
    mentions.sort(key=lambda m: m.start)
    mentions = merge_glosses(sentence, inner_glosses(sentence, gaz, mentions))
    mentions = drop_family_before_model(sentence, drop_currency_countries(sentence, mentions))
    mentions = makers_variants(gaz, named_as(sentence, mentions))
    return drop_class_after_model(sentence, [with_cue(m, tokens, mentions) for m in mentions])


def drop_currency_countries(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """5057억대만달러, 홍콩 달러: a country named as part of a currency word (numbers.yaml's
    `currency_words`) names the currency, not the country."""
    words = _country_currencies()
    base = sentence.start
    return [m for m in mentions if m.type != "Country" or not any(
        normalize_name(sentence.text[m.start - base:m.start - base + len(w) + 2]).startswith(w) for w in words)]


@functools.lru_cache(maxsize=1)
def _country_currencies() -> tuple[str, ...]:
    """Currency words that are another currency word with a country before it (대만달러, 미국
    달러), folded."""
    folded = {normalize_name(w) for w in grammar().currency_words}
    return tuple(sorted(w for w in folded if any(w.endswith(s) and len(w) > len(s) for s in folded)))


# --- gazetteer names -------------------------------------------------------------------------

def folded_chars(text: str, base: int) -> tuple[str, list[int], set[int]]:
    """Text folded like `normalize_name`, each folded char mapped back to its offset, and the
    positions (in the folded text) of hard boundaries, which no name crosses.

    Every sentence passes here, so the work is done by C loops (map, join, bisect) over a
    memo of folded characters rather than character by character in Python."""
    parts = list(map(_FOLDED.get, text))
    if None in parts:
        parts = [_fold_char(ch) if part is None else part for part, ch in zip(parts, text)]
    folded = "".join(parts)
    if len(folded) == len(parts) - parts.count(""):  # every kept character folds to one
        offsets = [base + i for i, part in enumerate(parts) if part]
    else:
        offsets = [base + i for i, part in enumerate(parts) for _ in part]
    hard = {bisect.bisect_left(offsets, base + m.start()) for m in _BOUNDARY_RE.finditer(text)}
    return folded, offsets, hard


# A hard boundary, except a colon or slash inside a Latin code (NXT:2050i, A/B): model names use them.
_BOUNDARY_RE = re.compile("(?![:/](?<=[A-Za-z0-9][:/])(?=[A-Za-z0-9]))[" + re.escape("".join(sorted(HARD_BOUNDARY))) + "]")
_FOLDED: dict[str, str] = dict.fromkeys(HARD_BOUNDARY, "")  # a hard boundary is no name character


def _fold_char(ch: str) -> str:
    """One character as `normalize_name` folds it, remembered in `_FOLDED` (texts reuse few chars)."""
    folded = _FOLDED[ch] = fold_char(ch)
    return folded


def _gazetteer_mentions(sentence: Sentence, gaz: Gazetteer) -> list[Mention]:
    """Longest gazetteer aliases that start and end on name boundaries, left to right.

    Only positions where some alias begins (by its first two folded characters) are examined,
    and only the lengths of those aliases are looked up: most positions start no name at all.
    """
    folded, offsets, hard = folded_chars(sentence.text, sentence.start)
    starts = {t.start for t in sentence.tokens}
    ends = {t.end for t in sentence.tokens}
    heads = _alias_heads(gaz)
    found: list[Mention] = []
    p = 0
    prefixes = settings().prefixes
    while p < len(folded):
        match = None
        head = folded[p:p + 2]
        lengths = heads.get(head, ()) + heads.get(folded[p], ()) if len(head) == 2 else heads.get(head, ())
        if lengths:
            prefixed = _after_prefix(sentence, offsets[p], starts, prefixes)
            if prefixed or _is_start(sentence, offsets[p], starts):
                limit = min((h for h in hard if h > p), default=len(folded)) - p
                match = _longest_alias(sentence, gaz, folded, offsets, ends, p, lengths, limit)
                if match and prefixed and not _is_start(sentence, offsets[p], starts) and match[1].type != "Country":
                    match = None
        if match is None:
            p += 1
            continue
        length, mention = match
        found.append(mention)
        p += length
    return found


@functools.lru_cache(maxsize=4)
def _alias_heads(gaz: Gazetteer) -> dict[str, tuple[int, ...]]:
    """Folded alias lengths, longest first, keyed by the alias's first two characters (one-
    character aliases by their only character)."""
    table: dict[str, set[int]] = {}
    for alias in gaz.alias_index:
        table.setdefault(alias[:2], set()).add(len(alias))
    return {head: tuple(sorted(lengths, reverse=True)) for head, lengths in table.items()}


def _longest_alias(sentence, gaz, folded, offsets, ends, p, lengths, limit):
    for length in lengths:
        if length > limit or not _is_end(sentence, offsets[p + length - 1] + 1, ends):
            continue
        key = gaz.alias_index.get(folded[p:p + length])
        if key is None:
            continue
        start, end = offsets[p], offsets[p + length - 1] + 1
        entity = gaz.entities[key]
        first, last = token_span(sentence.tokens, start, end)
        return length, Mention(start, end, surface(sentence, start, end), key, entity.type,
                               settings().confidence("gazetteer"), "gazetteer", first, last)
    return None


def _after_prefix(sentence: Sentence, offset: int, starts: set[int], prefixes: set[str]) -> bool:
    """대중국 수출: a country name right after a directional prefix that begins the word."""
    rel = offset - sentence.start
    return rel > 0 and sentence.text[rel - 1] in prefixes and (offset - 1) in starts


def _is_start(sentence: Sentence, offset: int, starts: set[int]) -> bool:
    before = sentence.text[offset - sentence.start - 1] if offset > sentence.start else " "
    here = sentence.text[offset - sentence.start]
    if before.isascii() and before.isalnum() and here.isascii() and here.isalnum():
        return False
    return offset in starts or not _WORDCHAR.match(before) or (before.isascii() != here.isascii())


def _is_end(sentence: Sentence, offset: int, ends: set[int]) -> bool:
    rel = offset - sentence.start
    after = sentence.text[rel] if rel < len(sentence.text) else " "
    last = sentence.text[rel - 1]
    if after.isascii() and after.isalnum() and last.isascii() and last.isalnum():
        return False
    return offset in ends or not _WORDCHAR.match(after) or (after.isascii() != last.isascii())


# --- typos -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _hangul_aliases(gaz: Gazetteer) -> dict[int, list[tuple[str, str]]]:
    by_length: dict[int, list[tuple[str, str]]] = {}
    for alias, key in gaz.alias_index.items():
        if _HANGUL.match(alias):
            by_length.setdefault(len(alias), []).append((alias, key))
    return by_length


def _fuzzy_mentions(sentence: Sentence, gaz: Gazetteer, known: list[Mention]) -> list[Mention]:
    """Proper nouns one edit away from exactly one gazetteer name (엔디비아 → 엔비디아)."""
    s = settings()
    minimum = int(s["fuzzy"]["min_syllables"])
    covered = [(m.start, m.end) for m in known]
    found = []
    for i, token in enumerate(sentence.tokens):
        if token.tag != s.proper_noun or not _HANGUL.match(token.form) or len(token.form) < minimum:
            continue
        if any(a < token.end and token.start < b for a, b in covered) or token.form in gaz.alias_index:
            continue
        keys = {key for alias, key in _candidates(gaz, len(token.form)) if _near(token.form, alias)}
        if len(keys) == 1:
            key = keys.pop()
            found.append(Mention(token.start, token.end, token.form, key, gaz.entities[key].type,
                                 float(s["fuzzy"]["confidence"]), "fuzzy", i, i))
    return found


def _guarded_mentions(sentence: Sentence, gaz: Gazetteer, known: list[Mention]) -> list[Mention]:
    """대중 수출, 대중 반도체 규제: a word that names a country only before certain words
    (`guarded_aliases`), found where it begins a word and one of them begins the next."""
    found = []
    for word, rule in settings()["guarded_aliases"].items():
        after = "|".join(map(re.escape, rule["before"]))
        for match in re.finditer(rf"(?<![\w]){re.escape(word)}(?=\s*(?:{after}))", sentence.text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if any(m.start < end and start < m.end for m in known):
                continue
            found.append(known_mention(sentence, start, end, gaz.entities[rule["entity"]]))
    return found


def _candidates(gaz: Gazetteer, length: int) -> Iterable[tuple[str, str]]:
    table = _hangul_aliases(gaz)
    yield from table.get(length, ())


def _near(word: str, alias: str) -> bool:
    """One substitution or swap inside a name of the same length, first syllable intact.

    Misspellings in copy keep the name's length and start (엔디비아 for 엔비디아); a different
    length or start is more often another name (테크놀로지스 is not 델테크놀로지스)."""
    if word == alias or len(word) != len(alias) or word[0] != alias[0]:
        return False
    return _damerau(word, alias) == 1


def _damerau(a: str, b: str) -> int:
    """Optimal string alignment distance (edits and adjacent transpositions)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]
