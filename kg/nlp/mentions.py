"""Entity mentions in a sentence: gazetteer names and names the gazetteer does not know.

Gazetteer aliases are matched on folded text (no spaces, case or punctuation), so `어센드 910B`
and `어센드910B` are the same name, and a match must start and end on morpheme boundaries, so
particles (엔비디아의/는/가) fall outside the name. Unknown names come from general patterns
whose words live in `ontology/lexicon/mentions.yaml`: a Hangul name with its Latin original in
parentheses, proper nouns with a company or agency suffix, quoted names after a type noun, and
chip model codes; each only with a word in the sentence that says what kind of thing it is.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from kg.lexicon import Gazetteer, gazetteer, lexicon
from kg.text import fold_char, normalize_name
from kg.nlp.morph import Sentence, Token

_HARD_BOUNDARY = set(",()[]{}·ㆍ/;:!?|<>…")
_QUOTES = "'\"‘’“”`「」『』《》〈〉"
_HANGUL = re.compile(r"^[가-힣]+$")
_WORDCHAR = re.compile(r"\w")
_PAREN_NAME = re.compile(
    r"([가-힣][가-힣0-9]*(?: [가-힣][가-힣0-9]*){0,3}) ?\(([A-Z][A-Za-z0-9.&' -]{1,50}?)\)")
_ACRONYM = re.compile(r"^[A-Z0-9&.]{1,6}$")  # (ETF), (LLM), (EAR): glosses of terms, not names
# the entity types a sentence's words hint at (Chip for 칩, Firm for 업체…), made on first use
CueTypes = Callable[[], set[str]]
_QUOTED = re.compile(r"['‘\"“]([^'’\"”\n]{2,30})['’\"”]")


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a sentence and the entity it denotes.

    `cue` is the grammatical role signal that follows the name: subject, topic, object,
    genitive, dative, instrument, source, coord (a list continues) or bare (no particle).
    New entities (not in the gazetteer) carry their labels; gazetteer ones have them in the
    reference graph.
    """

    start: int
    end: int
    surface: str
    key: str
    type: str
    confidence: float
    method: str
    first_token: int
    last_token: int
    cue: str = "bare"
    label_ko: str | None = None
    label_en: str | None = None

    @property
    def is_new(self) -> bool:
        return self.method != "gazetteer" and self.method != "fuzzy"


@functools.lru_cache(maxsize=1)
def _settings() -> dict[str, Any]:
    data = lexicon("mentions.yaml")
    data["_chip_code"] = re.compile(data["chip_code"])
    data["_not_codes"] = {c.upper() for c in data.get("not_chip_codes", [])}
    data["_transparent"] = set(data.get("transparent_nouns", []))
    cue_words: dict[str, str] = {}
    for type_name, words in data.get("type_cues", {}).items():
        for word in words:
            cue_words.setdefault(normalize_name(word), type_name)
    data["_cue_words"] = cue_words
    data["_skip_nouns"] = data["_transparent"] | set(data["name_suffixes"]["Firm"])
    data["_examples"] = set(data["example_markers"])
    data["_titles"] = set(data["person_titles"])
    data["_prefixes"] = set(data["country_prefixes"])
    data["_firm_endings"] = tuple(w for w in data["name_suffixes"]["Firm"] if len(w) > 1)
    suffix_types: dict[str, list[str]] = {}
    for type_name, words in data["name_suffixes"].items():
        for word in words:
            suffix_types.setdefault(word, []).append(type_name)
    data["_suffix_types"] = suffix_types
    return data


def find_mentions(sentence: Sentence, gaz: Gazetteer | None = None) -> list[Mention]:
    """All entity mentions of a sentence, sorted by position, non-overlapping."""
    gaz = gaz or gazetteer()
    tokens = sentence.tokens
    cue_types = functools.cache(lambda: _sentence_cue_types(sentence))  # few sentences need them
    mentions = _gazetteer_mentions(sentence, gaz)
    mentions += _new_mentions(sentence, gaz, mentions, cue_types, (_parenthesised,))
    mentions += _fuzzy_mentions(sentence, gaz, mentions)
    mentions += _new_mentions(sentence, gaz, mentions, cue_types, (_quoted, _suffixed, _chip_codes))
    mentions.sort(key=lambda m: m.start)
    mentions = _merge_glosses(sentence, mentions)
    mentions = _drop_family_before_model(sentence, mentions)
    return [_with_cue(m, tokens, mentions) for m in mentions]


# --- gazetteer names -------------------------------------------------------------------------

def _folded_chars(text: str, base: int) -> tuple[str, list[int], set[int]]:
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
    hard = {bisect.bisect_left(offsets, base + m.start()) for m in _HARD_BOUNDARY_RE.finditer(text)}
    return folded, offsets, hard


_HARD_BOUNDARY_RE = re.compile("[" + re.escape("".join(sorted(_HARD_BOUNDARY))) + "]")
_FOLDED: dict[str, str] = dict.fromkeys(_HARD_BOUNDARY, "")  # a hard boundary is no name character


def _fold_char(ch: str) -> str:
    """One character as `normalize_name` folds it, remembered in `_FOLDED` (texts reuse few chars)."""
    folded = _FOLDED[ch] = fold_char(ch)
    return folded


def _gazetteer_mentions(sentence: Sentence, gaz: Gazetteer) -> list[Mention]:
    """Longest gazetteer aliases that start and end on name boundaries, left to right.

    Only positions where some alias begins (by its first two folded characters) are examined,
    and only the lengths of those aliases are looked up: most positions start no name at all.
    """
    folded, offsets, hard = _folded_chars(sentence.text, sentence.start)
    starts = {t.start for t in sentence.tokens}
    ends = {t.end for t in sentence.tokens}
    heads = _alias_heads(gaz)
    found: list[Mention] = []
    p = 0
    prefixes = _settings()["_prefixes"]
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
        first, last = _token_span(sentence.tokens, start, end)
        return length, Mention(start, end, _surface(sentence, start, end), key, entity.type,
                               _conf("gazetteer"), "gazetteer", first, last)
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


def _token_span(tokens: tuple[Token, ...], start: int, end: int) -> tuple[int, int]:
    inside = [i for i, t in enumerate(tokens) if t.start < end and t.end > start]
    if not inside:
        nearest = min(range(len(tokens)), key=lambda i: abs(tokens[i].start - start)) if tokens else 0
        return nearest, nearest
    return inside[0], inside[-1]


def _surface(sentence: Sentence, start: int, end: int) -> str:
    return sentence.text[start - sentence.start:end - sentence.start]


def _conf(method: str) -> float:
    return float(_settings()["confidence"][method])


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
    minimum = int(_settings()["fuzzy"]["min_syllables"])
    covered = [(m.start, m.end) for m in known]
    found = []
    for i, token in enumerate(sentence.tokens):
        if token.tag != "NNP" or not _HANGUL.match(token.form) or len(token.form) < minimum:
            continue
        if any(a < token.end and token.start < b for a, b in covered) or token.form in gaz.alias_index:
            continue
        keys = {key for alias, key in _candidates(gaz, len(token.form)) if _near(token.form, alias)}
        if len(keys) == 1:
            key = keys.pop()
            found.append(Mention(token.start, token.end, token.form, key, gaz.entities[key].type,
                                 float(_settings()["fuzzy"]["confidence"]), "fuzzy", i, i))
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


# --- names the gazetteer does not know -------------------------------------------------------

def _new_mentions(sentence: Sentence, gaz: Gazetteer, known: list[Mention], cue_types: CueTypes,
                  finders) -> list[Mention]:
    """Names found by general patterns, where no earlier finder claimed the span.

    The parenthesised pattern runs before typo matching: `즈위안(Zhiyuan)` is a name given with
    its original, not a misspelling of a known one."""
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []
    for finder in finders:
        for mention in finder(sentence, gaz, cue_types):
            span = (mention.start, mention.end)
            if not any(a < span[1] and span[0] < b for a, b in taken):
                found.append(mention)
                taken.append(span)
    return found


def _sentence_cue_types(sentence: Sentence) -> set[str]:
    words = _settings()["_cue_words"]
    return {words[form] for form in map(normalize_name, (t.form for t in sentence.tokens)) if form in words}


def _new_key(type_name: str, label_en: str | None, label_ko: str | None) -> str:
    """A stable key from the name: readable when there is a Latin name, hashed otherwise.

    The Korean spelling is part of the key when both exist, so two spellings in two articles
    are two entities rather than one entity with two Korean labels.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", (label_en or "").lower()).strip("-")
    if label_ko:
        digest = hashlib.sha1(normalize_name(label_ko).encode()).hexdigest()[:6 if slug else 10]
        slug = f"{slug}-{digest}" if slug else digest
    return f"new-{type_name.lower()}-{slug}"


def _make_new(sentence, start, end, type_name, method, ko, en):
    first, last = _token_span(sentence.tokens, start, end)
    return Mention(start, end, _surface(sentence, start, end), _new_key(type_name, en, ko or en),
                   type_name, _conf(method), method, first, last, label_ko=ko, label_en=en)


def _parenthesised(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """바이추안(Baichuan): a Hangul name followed by its Latin original."""
    found: list[Mention] = []
    if "(" not in sentence.text:
        return found
    for m in _PAREN_NAME.finditer(sentence.text):
        ko, en = m.group(1), m.group(2).strip()
        known = gaz.lookup(en) or gaz.lookup(ko)
        start = sentence.start + m.start(1)
        end = sentence.start + m.end()
        if known is not None:
            first, last = _token_span(sentence.tokens, start, end)
            found.append(Mention(start, end, _surface(sentence, start, end), known.key, known.type,
                                 _conf("gazetteer"), "gazetteer", first, last))
            continue
        ko = _trim_to_name(sentence, start, ko)
        if ko is None or _ACRONYM.match(en):
            continue
        type_name = _single_type(cue_types() - {"Regulator"})
        if type_name:
            start = sentence.start + m.end(1) - len(ko)
            found.append(_make_new(sentence, start, end, type_name, "parenthesised", ko, en))
    return found


def _trim_to_name(sentence: Sentence, start: int, ko: str) -> str | None:
    """The trailing proper-noun morphemes of a Hangul run; None when it ends in a common noun."""
    end = start + len(ko)
    tokens = [t for t in sentence.tokens if t.start >= start and t.end <= end]
    name_tokens: list[Token] = []
    for token in reversed(tokens):
        if token.tag not in ("NNP", "SL", "SN"):
            break
        name_tokens.insert(0, token)
    if not name_tokens or name_tokens[-1].tag != "NNP":
        return None
    return sentence.text[name_tokens[0].start - sentence.start:end - sentence.start]


def _single_type(types: set[str]) -> str | None:
    return next(iter(types)) if len(types) == 1 else None


def _quoted(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """반도체 '쓰위안 590', 모델 '어니': a quoted name right after or before its type noun."""
    found = []
    words = _settings()["_cue_words"]
    for m in _QUOTED.finditer(sentence.text):
        name = m.group(1).strip()
        if gaz.lookup(name) or len(name) > 20 or " " in name.strip() and len(name.split()) > 3:
            continue
        before = sentence.text[:m.start()].split()[-1:] or [""]
        after = sentence.text[m.end():].split()[:1] or [""]
        type_name = words.get(normalize_name(before[0])) or words.get(normalize_name(re.sub(r"[을를이가은는의에과와도]$", "", after[0])))
        if type_name in ("Chip", "AIModel") and not re.search(r"[다요]$|\s[가-힣]+다$", name):
            start = sentence.start + m.start(1)
            ascii_name = name if name.isascii() else None
            found.append(_make_new(sentence, start, start + len(m.group(1)), type_name, "quoted",
                                   None if ascii_name else name, ascii_name))
    return found


def _suffixed(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """Proper nouns ending in a company or agency suffix: `무어스레드 테크놀로지`."""
    endings = _settings()["_firm_endings"]
    suffix_types = _settings()["_suffix_types"]
    found = []
    tokens = sentence.tokens
    for i, token in enumerate(tokens):
        if token.tag == "NNP" and token.form.endswith(endings) and gaz.lookup(token.form) is None and any(
                token.form.endswith(w) and len(token.form) > len(w) + 1 for w in endings):
            found.append(_make_new(sentence, token.start, token.end, "Firm", "suffix", token.form, None))
            continue
        if i == 0 or token.form not in suffix_types:
            continue
        for type_name in suffix_types[token.form]:
            j = i
            while j > 0 and tokens[j - 1].tag == "NNP" and tokens[j - 1].end >= tokens[j].start - 1:
                j -= 1
            if j == i or (type_name == "Regulator" and j == i - 1 and gaz.lookup(tokens[j].form)):
                continue
            start, end = tokens[j].start, token.end
            name = _surface(sentence, start, end)
            if gaz.lookup(name) is None and not any(gaz.lookup(t.form) for t in tokens[j:i]):
                found.append(_make_new(sentence, start, end, type_name, "suffix", name, None))
    return found


def _chip_codes(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """Model codes like B40 or MI400 in a sentence that talks about chips."""
    settings = _settings()
    codes = list(settings["_chip_code"].finditer(sentence.text))
    if not codes or "Chip" not in cue_types():
        return []
    found = []
    for m in codes:
        code = m.group(0)
        if code.upper() in settings["_not_codes"] or gaz.lookup(code) or re.fullmatch(r"\d{3}[A-Z]", code) is None and code[0].isdigit():
            continue
        start = sentence.start + m.start()
        found.append(_make_new(sentence, start, start + len(code), "Chip", "chip_code", None, code))
    return found


# --- clean-up and roles ----------------------------------------------------------------------

def _merge_glosses(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """캠브리콘 테크놀로지스(Cambricon Technologies Corp.): one name with its gloss."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        gap = _surface(sentence, previous.end, mention.start) if previous else ""
        if previous is not None and previous.key == mention.key and gap.strip() == "(":
            close = sentence.text.find(")", mention.end - sentence.start)
            end = sentence.start + close + 1 if close >= 0 else mention.end
            merged[-1] = replace(previous, end=end, surface=_surface(sentence, previous.start, end),
                                 last_token=_token_span(sentence.tokens, previous.start, end)[1])
            continue
        merged.append(mention)
    return merged


def _drop_family_before_model(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """`어센드 '910B'`: a product family directly followed by one of its models is that model."""
    kept: list[Mention] = []
    for i, mention in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (nxt is not None and mention.type == "Chip" and nxt.type == "Chip"
                and not _surface(sentence, mention.end, nxt.start).strip(" " + _QUOTES)):
            continue
        kept.append(mention)
    return kept


def _particle_role(token: Token) -> str | None:
    return _role_of(token.form, token.tag)


@functools.lru_cache(maxsize=4096)
def _role_of(form: str, tag: str) -> str | None:
    for role, spec in _settings()["particles"].items():
        if form in spec.get("forms", ()) and (tag.startswith("J") or tag in ("SP", "NNB", "SO", "MAJ", "SS")):
            return role
        if tag in spec.get("tags", ()):
            return role
    return None


def _with_cue(mention: Mention, tokens: tuple[Token, ...], mentions: list[Mention]) -> Mention:
    """Read the particle after a name, skipping head nouns (칩, 반도체) and quotes.

    `A 같은 여러 중국 기업은` and `A 등 빅테크 기업들이`: the name is an example of the noun
    phrase that follows, so it takes that phrase's particle. A headline's subject is often
    followed by a comma (`중국정부, 자국기업에 …`): a comma not followed by another name reads
    as a topic, one followed by a name continues a list.
    """
    transparent = _settings()["_skip_nouns"]
    examples = _settings()["_examples"]
    starts = {m.first_token for m in mentions if m is not mention}
    i = mention.last_token + 1
    if mention.type == "Person":
        titled = _title_cue(tokens, i)
        if titled:
            return _replace_cue(mention, titled)
    example_mode = False
    for _ in range(10):
        if i >= len(tokens) or (i in starts and not example_mode):
            break
        token = tokens[i]
        if token.form in examples and token.tag in ("NNB", "VA", "ETM", "JKB"):
            example_mode = True
            i += 1
            continue
        role = _particle_role(token)
        if role == "genitive" and i + 1 < len(tokens) and tokens[i + 1].form in _settings()["genitive_topics"]:
            return _replace_cue(mention, "topic")
        if token.tag == "MAG" and token.form in _settings()["topic_adverbs"]:
            return _replace_cue(mention, "topic")
        if role == "coord" and token.form == "," and mention is mentions[0] and (i + 1) not in starts:
            return _replace_cue(mention, "topic")
        if role:
            return _replace_cue(mention, role)
        if token.tag in ("SSO", "SSC", "XSN", "SL", "SN", "SW", "NR", "NNB") or token.form in transparent or (
                example_mode and token.tag in ("NNG", "NNP", "MM", "XPN", "NNB")):
            i += 1
            continue
        break
    return _replace_cue(mention, "bare")


def _title_cue(tokens: tuple[Token, ...], i: int) -> str | None:
    """젠슨 황 엔비디아 CEO는, 도널드 트럼프 미국 대통령은: a person's title (with the firm or
    country it belongs to) stands between the name and its particle."""
    titles = _settings()["_titles"]
    seen_title = False
    for token in tokens[i:i + 8]:
        if token.form in titles:
            seen_title = True
            continue
        if token.tag.startswith(("NN", "SL", "SN", "SS", "XSN")):
            continue
        role = _particle_role(token)
        return role if seen_title and role else None
    return None


def _replace_cue(mention: Mention, cue: str) -> Mention:
    """The mention with its cue (built directly: `dataclasses.replace` is several times slower,
    and every mention of every sentence passes here)."""
    if mention.cue == cue:
        return mention
    m = mention
    return Mention(m.start, m.end, m.surface, m.key, m.type, m.confidence, m.method, m.first_token,
                   m.last_token, cue, m.label_ko, m.label_en)
