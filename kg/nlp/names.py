"""Names the gazetteer does not know, found by general patterns whose words live in
`ontology/lexicon/mentions.yaml`: a Hangul name with its Latin original in parentheses, proper
nouns with a company or agency suffix, quoted names after a type noun, and chip model codes;
each only with a word in the sentence that says what kind of thing it is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Callable

from kg.lexicon import Entity, Gazetteer
from kg.nlp.cues import replace_cue
from kg.nlp.mention import Mention, settings, surface, token_span
from kg.nlp.morph import Sentence, Token
from kg.text import normalize_name

QUOTES = "'\"‘’“”`「」『』《》〈〉"
_PAREN_NAME = re.compile(
    r"([가-힣][가-힣0-9]*(?: [가-힣][가-힣0-9]*){0,3}) ?\(([A-Z][A-Za-z0-9.&' -]{1,50}?)\)")
_ACRONYM = re.compile(r"^[A-Z0-9&.]{1,6}$")  # (ETF), (LLM), (EAR): glosses of terms, not names
_QUOTED = re.compile(r"['‘\"“]([^'’\"”\n]{2,30})['’\"”]")
_MODEL_NUMBER = re.compile(r"\d{3}[A-Z]")

#: The entity types a sentence's words hint at (Chip for 칩, Firm for 업체…), made on first use.
CueTypes = Callable[[], set[str]]
Finder = Callable[[Sentence, Gazetteer, CueTypes], list[Mention]]


def new_mentions(sentence: Sentence, gaz: Gazetteer, known: list[Mention], cue_types: CueTypes,
                 finders: tuple[Finder, ...]) -> list[Mention]:
    """Names found by general patterns, where no earlier finder claimed the span."""
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []
    for finder in finders:
        for mention in finder(sentence, gaz, cue_types):
            span = (mention.start, mention.end)
            if not any(a < span[1] and span[0] < b for a, b in taken):
                found.append(mention)
                taken.append(span)
    return found


def sentence_cue_types(sentence: Sentence) -> set[str]:
    words = settings().cue_words
    return {words[form] for form in map(normalize_name, (t.form for t in sentence.tokens)) if form in words}


def new_key(type_name: str, label_en: str | None, label_ko: str | None) -> str:
    """A stable key from the name: readable when there is a Latin name, hashed otherwise.

    The Korean spelling is part of the key when both exist, so two spellings in two articles
    are two entities rather than one entity with two Korean labels.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", (label_en or "").lower()).strip("-")
    if label_ko:
        digest = hashlib.sha1(normalize_name(label_ko).encode()).hexdigest()[:6 if slug else 10]
        slug = f"{slug}-{digest}" if slug else digest
    return f"new-{type_name.lower()}-{slug}"


def known_mention(sentence: Sentence, start: int, end: int, entity: Entity, confidence: float | None = None) -> Mention:
    """A mention of a gazetteer entity at a span found by a rule rather than by its alias."""
    first, last = token_span(sentence.tokens, start, end)
    return Mention(start, end, surface(sentence, start, end), entity.key, entity.type,
                   settings().confidence("gazetteer") if confidence is None else confidence, "gazetteer", first, last)


def _make_new(sentence: Sentence, start: int, end: int, type_name: str, method: str,
              ko: str | None, en: str | None) -> Mention:
    first, last = token_span(sentence.tokens, start, end)
    return Mention(start, end, surface(sentence, start, end), new_key(type_name, en, ko or en),
                   type_name, settings().confidence(method), method, first, last, label_ko=ko, label_en=en)


def parenthesised(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """바이추안(Baichuan): a Hangul name followed by its Latin original.

    Runs before typo matching: `즈위안(Zhiyuan)` is a name given with its original, not a
    misspelling of a known one."""
    found: list[Mention] = []
    if "(" not in sentence.text:
        return found
    for m in _PAREN_NAME.finditer(sentence.text):
        ko, en = m.group(1), m.group(2).strip()
        known = gaz.lookup(en) or gaz.lookup(ko)
        start = sentence.start + m.start(1)
        end = sentence.start + m.end()
        if known is not None:
            first, last = token_span(sentence.tokens, start, end)
            found.append(Mention(start, end, surface(sentence, start, end), known.key, known.type,
                                 settings().confidence("gazetteer"), "gazetteer", first, last))
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
    s = settings()
    end = start + len(ko)
    tokens = [t for t in sentence.tokens if t.start >= start and t.end <= end]
    name_tokens: list[Token] = []
    for token in reversed(tokens):
        if token.tag not in s.name_parts:
            break
        name_tokens.insert(0, token)
    if not name_tokens or name_tokens[-1].tag != s.proper_noun:
        return None
    return sentence.text[name_tokens[0].start - sentence.start:end - sentence.start]


def _single_type(types: set[str]) -> str | None:
    return next(iter(types)) if len(types) == 1 else None


def quoted(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """반도체 '쓰위안 590', 모델 '어니': a quoted name right after or before its type noun."""
    s = settings()
    found = []
    words = s.cue_words
    for m in _QUOTED.finditer(sentence.text):
        name = m.group(1).strip()
        if gaz.lookup(name) or len(name) > 20 or " " in name.strip() and len(name.split()) > 3:
            continue
        before = sentence.text[:m.start()].split()[-1:] or [""]
        after = sentence.text[m.end():].split()[:1] or [""]
        type_name = words.get(normalize_name(before[0])) or words.get(normalize_name(s.trailing_particle.sub("", after[0])))
        if type_name in ("Chip", "AIModel") and not s.sentence_end.search(name):
            start = sentence.start + m.start(1)
            ascii_name = name if name.isascii() else None
            found.append(_make_new(sentence, start, start + len(m.group(1)), type_name, "quoted",
                                   None if ascii_name else name, ascii_name))
    return found


def suffixed(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """Proper nouns ending in a company or agency suffix: `무어스레드 테크놀로지`."""
    s = settings()
    endings, suffix_types, proper = s.firm_endings, s.suffix_types, s.proper_noun
    found = []
    tokens = sentence.tokens
    for i, token in enumerate(tokens):
        if token.tag == proper and token.form.endswith(endings) and gaz.lookup(token.form) is None and any(
                token.form.endswith(w) and len(token.form) > len(w) + 1 for w in endings):
            found.append(_make_new(sentence, token.start, token.end, "Firm", "suffix", token.form, None))
            continue
        if i == 0 or token.form not in suffix_types:
            continue
        for type_name in suffix_types[token.form]:
            j = i
            while j > 0 and tokens[j - 1].tag == proper and tokens[j - 1].end >= tokens[j].start - 1:
                j -= 1
            if j == i or (type_name == "Regulator" and j == i - 1 and gaz.lookup(tokens[j].form)):
                continue
            start, end = tokens[j].start, token.end
            name = surface(sentence, start, end)
            if gaz.lookup(name) is None and not any(gaz.lookup(t.form) for t in tokens[j:i]):
                found.append(_make_new(sentence, start, end, type_name, "suffix", name, None))
    return found


def share_names(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """마오타이 주가는: a proper noun before a share word (`share_names` in mentions.yaml) names a
    listed firm."""
    spec, s = settings()["share_names"], settings()
    tokens = sentence.tokens
    found = []
    for h in range(1, len(tokens) - 1):
        if tokens[h].form not in spec["heads"] or not tokens[h + 1].tag.startswith(s.particle_prefix):
            continue
        j = h - 1  # the word before the head, as Kiwi may cut it (마오/NNP 타이/NNG)
        while j > 0 and tokens[j - 1].end == tokens[j].start and tokens[j - 1].tag.startswith(("NN", "SL")):
            j -= 1
        start, end = tokens[j].start, tokens[h - 1].end
        name = surface(sentence, start, end)
        if tokens[j].tag == s.proper_noun and name not in spec["not_firms"] and gaz.lookup(name) is None \
                and not any(gaz.lookup(t.form) for t in tokens[j:h]):
            found.append(_make_new(sentence, start, end, "Firm", "shares", name, None))
    return found


def chip_codes(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """Model codes like B40 or MI400 in a sentence that talks about chips."""
    s = settings()
    codes = list(s.chip_code.finditer(sentence.text))
    if not codes or "Chip" not in cue_types():
        return []
    found = []
    for m in codes:
        code = m.group(0)
        if code.upper() in s.not_codes or gaz.lookup(code) or _MODEL_NUMBER.fullmatch(code) is None and code[0].isdigit():
            continue
        start = sentence.start + m.start()
        found.append(_make_new(sentence, start, start + len(code), "Chip", "chip_code", None, code))
    return found


def model_codes(sentence: Sentence, gaz: Gazetteer, cue_types: CueTypes) -> list[Mention]:
    """R2 모델, V4 모델: a short code right before a word for an AI model (`model_code` in
    mentions.yaml, its `code` group) names a new model."""
    found = []
    for m in settings().model_code.finditer(sentence.text):
        code = m.group("code")
        if code.upper() in settings().not_codes or gaz.lookup(code):
            continue
        start = sentence.start + m.start("code")
        found.append(_make_new(sentence, start, start + len(code), "AIModel", "chip_code", None, code))
    return found


_INNER_GLOSS = re.compile(r"([가-힣]{2,})\s?\(([A-Za-z][A-Za-z0-9]{1,5})\)\s?([가-힣]{2,})")


def inner_glosses(sentence: Sentence, gaz: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """극자외선(EUV) 노광장비, 고대역폭메모리(HBM) 칩: a Korean term glossed by its acronym in the
    middle of a name; the name with either form of the term (극자외선 노광장비, EUV 노광장비) is
    the gazetteer's, and it replaces the shorter names found inside the span."""
    text, base = sentence.text, sentence.start
    for match in _INNER_GLOSS.finditer(text):
        found = next(((entity, size) for size in range(len(match.group(3)), 1, -1)  # 노광장비의: less the particle
                      for entity in [gaz.lookup(f"{match.group(1)} {match.group(3)[:size]}")
                                     or gaz.lookup(f"{match.group(2)} {match.group(3)[:size]}")] if entity), None)
        if found is None:
            continue
        entity, size = found
        start, end = base + match.start(), base + match.start(3) + size
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        if any(m.start < start < m.end or m.start < end < m.end for m in mentions):
            continue
        mentions = [m for m in mentions if m not in inside] + [known_mention(sentence, start, end, entity)]
    return sorted(mentions, key=lambda m: m.start)


def merge_glosses(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """캠브리콘 테크놀로지스(Cambricon Technologies Corp.): one name with its gloss."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        gap = surface(sentence, previous.end, mention.start) if previous else ""
        if previous is not None and previous.key == mention.key and gap.strip() == "(":
            close = sentence.text.find(")", mention.end - sentence.start)
            end = sentence.start + close + 1 if close >= 0 else mention.end
            merged[-1] = replace(previous, end=end, surface=surface(sentence, previous.start, end),
                                 last_token=token_span(sentence.tokens, previous.start, end)[1])
            continue
        merged.append(mention)
    return merged


def drop_family_before_model(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """`어센드 '910B'`: a chip directly followed by another chip is the second (a family before
    one of its models is that model); a model directly followed by its own family (`910B 어센드
    칩을`) is the model, named by both words."""
    kept: list[Mention] = []
    for i, mention in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and _adjacent_chips(sentence, mention, nxt) and not _family_of(nxt, mention):
            continue
        last = kept[-1] if kept else None
        if last is not None and _adjacent_chips(sentence, last, mention) and _family_of(mention, last):
            kept[-1] = replace(last, end=mention.end, last_token=mention.last_token,
                               surface=surface(sentence, last.start, mention.end))
            continue
        kept.append(mention)
    return kept


def shared_heads(sentence: Sentence, gaz: Gazetteer, known: list[Mention]) -> list[Mention]:
    """식각·열처리·계측장비: words listed before a name with a shared head (`shared_heads` in
    mentions.yaml) are names too when the word with that head is in the gazetteer (열처리장비)."""
    found = []
    base = sentence.start
    for mention in known:
        head = next((h for h in settings()["shared_heads"] if mention.surface.endswith(h)
                     and len(mention.surface) > len(h)), None)
        end = mention.start
        while head is not None:
            match = re.search(r"([가-힣A-Za-z0-9]+)\s*[·ㆍ/]\s*$", sentence.text[:end - base])
            entity = gaz.lookup(match.group(1) + head) if match else None
            if entity is None or entity.type != mention.type:
                break
            start, end = base + match.start(1), base + match.end(1)
            found.append(known_mention(sentence, start, end, entity, mention.confidence))
            end = start
    return found


def named_as(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """'B20'으로 명명된 중국 판매용 블랙웰 칩: the chip the phrase goes on to name is the named one
    (`naming_phrases` in mentions.yaml); it keeps its place and particle, and takes the name's key."""
    phrases = tuple(settings()["naming_phrases"])
    base = sentence.start
    result = list(mentions)
    for i, name in enumerate(mentions):
        after = sentence.text[name.end - base:].lstrip(QUOTES + " ")
        if name.type != "Chip" or not after.startswith(phrases):
            continue
        limit = name.end + len(sentence.text[name.end - base:]) - len(after) + 30
        named = next((m for m in mentions[i + 1:] if m.type == "Chip" and m.start < limit), None)
        if named is not None:
            result[result.index(named)] = replace(named, key=name.key, method=name.method,
                                                  label_ko=name.label_ko, label_en=name.label_en)
    return result


def makers_variants(gaz: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """삼성전자는 … HBM3E 12단 제품: a generic chip class (no maker in the gazetteer) in a sentence
    that names one firm with its own variant of that class (samsung-hbm3e for hbm3e, by the
    gazetteer's key convention) is that variant; a new code that the gazetteer knows under a
    firm's name the sentence gives (딥시크 … R1 → 딥시크-R1) is that entity."""
    firms = {m.key for m in mentions if m.type == "Firm"}
    surfaces = [m.surface for m in mentions if m.type == "Firm"]
    result = []
    for mention in mentions:
        if mention.type == "Chip" and not mention.is_new and gaz.developer_of(mention.key) is None:
            variants = {(f, k) for f in firms for k in gaz.related("develops", f) if k.endswith("-" + mention.key)}
            if len({f for f, _ in variants}) == 1 and len(variants) == 1:
                mention = replace(mention, key=variants.pop()[1])
        elif mention.is_new and mention.type in ("Chip", "AIModel"):
            known = {e.key: e for e in (gaz.lookup(f + mention.surface) for f in surfaces) if e and e.type == mention.type}
            if len(known) == 1:  # 딥시크는 … R1 모델을: the gazetteer's 딥시크-R1
                mention = replace(mention, key=next(iter(known)), method="gazetteer", label_ko=None, label_en=None)
        result.append(mention)
    return result


def _adjacent_chips(sentence: Sentence, left: Mention, right: Mention) -> bool:
    """Nothing but spaces, quotes and closing brackets between two chips (어센드(Ascend))910D: a
    stray bracket after a gloss is still adjacency)."""
    return left.type == "Chip" and right.type == "Chip" and not surface(sentence, left.end, right.start).strip(
        " " + QUOTES + ")]）")


def _family_of(family: Mention, model: Mention) -> bool:
    """The gazetteer names a chip's models after its family's key (huawei-ascend → huawei-ascend-910b)."""
    return model.key.startswith(family.key + "-")


def drop_class_after_model(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """`NXT:2050i 노광장비를`: a named model directly followed by the name of its class is the
    model, with the particle after the class (for the types of `class_after_model` in mentions.yaml);
    so is a class directly followed by a model with a code (`노광장비 NXT 1970i와`)."""
    types = settings()["class_after_model"]
    kept: list[Mention] = []
    for mention in mentions:
        last = kept[-1] if kept else None
        if (last is not None and last.type == mention.type and mention.type in types
                and not surface(sentence, last.end, mention.start).strip(" " + QUOTES)):
            coded = _has_digit(mention.surface) and not _has_digit(last.surface)
            kept[-1] = mention if coded else replace_cue(last, mention.cue)
            continue
        kept.append(mention)
    return kept


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def family_siblings(sentence: Sentence, gaz: Gazetteer, known: list[Mention]) -> list[Mention]:
    """`어센드 960과 970`, `H20·H200`: a bare model code listed right after a chip whose name is a
    family and a code is the family's model of that code, when the gazetteer knows it."""
    tokens, coord = sentence.tokens, settings()["particles"]["coord"]["forms"]
    starts = {m.first_token for m in known}
    found = []
    for chip in (m for m in known if m.type == "Chip" and " " in m.surface):
        family = chip.surface.rsplit(" ", 1)[0]
        i = chip.last_token + 1
        while i + 1 < len(tokens) and tokens[i].form in coord and (i + 1) not in starts \
                and tokens[i + 1].tag in settings()["tags"]["name_parts"]:
            code = tokens[i + 1]
            entity = gaz.lookup(f"{family} {code.form}")
            if entity is None or entity.type != "Chip":
                break
            found.append(known_mention(sentence, code.start, code.end, entity))
            i += 2
    return found
