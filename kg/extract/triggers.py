"""Component 1: triggers. A morpheme of an action class's `triggers` (actions.yaml) whose clause
holds one of the class's `needs_any` words becomes a candidate, unless the trigger only names a
kind of thing (설계 업체), refers to another action as its frame (규제에 맞춰, 규제를 피해) or is
the content of another action (구매하지 못하도록 지침). A reversal verb (통제를 유예, 허가를 취소)
announces the opposite of the noun it undoes (`reversals`).
"""

from __future__ import annotations

from kg.extract.doc import Candidate, SentenceDoc
from kg.nlp.cues import particle_role
from kg.nlp.morph import Token


def find_triggers(doc: SentenceDoc) -> SentenceDoc:
    """Every candidate of the sentence, clause by clause, in text order."""
    rules = doc.rules
    for clause_no, (a, b) in enumerate(doc.clauses):
        forms = {t.form for t in doc.tokens[a:b]}
        in_clause = doc.mentions_in(a, b)
        for index in range(a, b):
            if not doc.tokens[index].tag.startswith(rules.trigger_tags):
                continue
            reversal = reversed_class(doc, index, a)
            if reversal is not None:
                spec = rules.spec(reversal)
                if _announces(doc, spec, index, forms, in_clause, a, b, reversal=True):
                    doc.candidates.append(Candidate(reversal, spec, index, clause_no, a, b, in_clause))
                continue
            if _is_reversed(doc, index, b):
                continue
            for cls in trigger_classes(doc, index):
                spec = rules.spec(cls)
                if _announces(doc, spec, index, forms, in_clause, a, b):
                    cls = rules["negated_classes"].get(cls, cls) if negated(doc, index) else cls
                    doc.candidates.append(Candidate(cls, rules.spec(cls), index, clause_no, a, b, in_clause))
    return doc


def negated(doc: SentenceDoc, index: int) -> bool:
    """허용되지 않는다, 허가하지 않았다: the trigger's own predicate is negated."""
    ending = doc.first_ending(index)
    stop = doc.tokens.index(ending) if ending is not None else len(doc.tokens)
    return any(t.form in doc.rules["negations"] for t in doc.tokens[index + 1:stop])


def reversed_class(doc: SentenceDoc, index: int, a: int) -> str | None:
    """통제를 유예, 허가를 취소: the class a reversal verb announces, from the noun it undoes."""
    spec = doc.rules["reversals"]
    if doc.tokens[index].form not in spec["verbs"]:
        return None
    for j in range(index - 1, max(a, index - spec["window"]) - 1, -1):
        for cls, nouns in spec["classes"].items():
            if doc.tokens[j].form in nouns:
                return cls
    return None


def _is_reversed(doc: SentenceDoc, index: int, b: int) -> bool:
    """The noun a reversal verb after it undoes (통제 in 통제를 유예) is not a trigger itself."""
    spec = doc.rules["reversals"]
    if not any(doc.tokens[index].form in nouns for nouns in spec["classes"].values()):
        return False
    return any(doc.tokens[j].form in spec["verbs"] and reversed_class(doc, j, index) is not None
               for j in range(index + 1, min(b, index + spec["window"] + 1)))


def trigger_classes(doc: SentenceDoc, index: int) -> list[str]:
    """Classes a morpheme announces; a noun + 하 counts as the verb too (말 + 하 → 말하)."""
    tokens, index_of = doc.tokens, doc.rules.trigger_index
    found = list(index_of.get(tokens[index].form, ()))
    tag, form = doc.rules.light_verb
    if index + 1 < len(tokens) and tokens[index + 1].tag == tag and tokens[index + 1].form == form:
        found += index_of.get(tokens[index].form + form, ())
    return found


def _announces(doc: SentenceDoc, spec, index: int, forms: set[str], in_clause, a: int, b: int, *,
               reversal: bool = False) -> bool:
    if not _needs_met(doc, spec, forms, in_clause, index, a, b):
        return False
    if not reversal and _blocked(doc, spec, a, b, forms):
        return False
    if not _trigger_needs(doc, spec, index, forms) or _descriptive(doc, spec, index):
        return False
    if spec.get("values") and doc.estimated(doc.tokens[index].start):
        return False  # 월가 전망치인 매출 76억달러: the line of an estimate, not a result
    if _forecast_by_others(doc, spec, a, b):
        return False
    if _instead(doc, index) or _describes_name(doc, spec, index):
        return False
    return not (embedded(doc, index) and doc.tokens[index].form not in spec.get("embedding_ok", ()))


def _forecast_by_others(doc: SentenceDoc, spec, a: int, b: int) -> bool:
    """월가는 … 매출을 전망했다: a `forecasters` word is the subject or topic of the clause."""
    words = set(spec.get("forecasters", ()))
    tokens = doc.tokens
    return bool(words) and any(tokens[i].form in words and particle_role(tokens[i + 1]) in ("subject", "topic")
                               for i in range(a, min(b, len(tokens) - 1)))


def _blocked(doc: SentenceDoc, spec, a: int, b: int, forms: set[str]) -> bool:
    """A `blocked_by` word in the clause blocks the class, unless it follows one of the words
    `unblocked_after` gives it (판매할 수 있도록: a purpose, not a requirement)."""
    blocking = forms & set(spec.get("blocked_by", ()))
    exceptions = spec.get("unblocked_after", {})
    if not blocking or not blocking <= set(exceptions):
        return bool(blocking)
    tokens = doc.tokens
    return any(tokens[i].form in blocking and not (i > a and tokens[i - 1].form in exceptions[tokens[i].form])
               for i in range(a, b))


def _describes_name(doc: SentenceDoc, spec, index: int) -> bool:
    """EUV 장비를 만드는 ASML, AI 칩을 설계하는 캠브리콘: a present-tense relative clause right
    before a name says what the named one does in general (`describes_with` endings), not an event."""
    endings = spec.get("describes_with")
    ending = doc.first_ending(index)
    if not endings or ending is None or ending.form not in endings:
        return False
    i = doc.tokens.index(ending)
    return any(m.first_token in range(i + 1, i + 4) for m in doc.mentions
               if m.type in spec["roles"]["agent"]["types"])


def _instead(doc: SentenceDoc, index: int) -> bool:
    """VEU 지위를 취소하는 대신 … 허용하기로 했다: the act a clause sets aside (-는 대신, -기보다) is
    the one not taken."""
    ending = doc.first_ending(index)
    if ending is None:
        return False
    i = doc.tokens.index(ending)
    return i + 1 < len(doc.tokens) and doc.tokens[i + 1].form in doc.rules["instead_words"]


def _needs_met(doc: SentenceDoc, spec, forms: set[str], in_clause, index: int, a: int, b: int) -> bool:
    """needs_any: a word, an entity type (Type:Chip), a chip word as object (ChipObject), money
    anywhere in the sentence (Money), a percentage in the clause (Percent) or a percentage change
    (Change: 48% 늘었다, not 58%를 차지)."""
    needs = spec.get("needs_any")
    if not needs:
        return True
    for need in needs:
        if need.startswith("Type:") and any(m.type == need[5:] for m in in_clause):
            return True
        if need == "ChipObject" and doc.chip_object(index, a):
            return True
        if need == "Money" and any(q.kind == "money" for q in doc.quantities):
            return True
        if need in ("Percent", "Change") and any(
                q.kind == "percent" and doc.in_clause(q.start, a, b) and (need == "Percent" or q.direction)
                for q in doc.quantities):
            return True
        if need in forms:
            return True
    return False


def follows_required(doc: SentenceDoc, spec, index: int) -> bool:
    """A trigger with `trigger_after` forms counts only right after one of them (…라고 했다, 영업이익);
    none counts right after a `not_after` word of its class (주당 순이익: a per-share figure)."""
    after = spec.get("trigger_after", {}).get(doc.tokens[index].form)
    if after and not (index > 0 and doc.tokens[index - 1].form in after):
        return False
    return not _after_word(doc, index, spec.get("not_after", ()))


def _after_word(doc: SentenceDoc, index: int, words) -> bool:
    """One of `words` ends the text before the trigger, spaces aside, but for its `trigger_after`
    prefix (주당 순 + 이익)."""
    if not words:
        return False
    base = doc.sentence.start
    before = doc.sentence.text[:doc.tokens[index].start - base].replace(" ", "")
    prefix = doc.tokens[index - 1].form if index > 0 else ""
    return any(before.endswith(w) or (prefix and before.endswith(w + prefix)) for w in words)


def _trigger_needs(doc: SentenceDoc, spec, index: int, forms: set[str]) -> bool:
    """Some triggers count only with a word of their own nearby (요구 + 라이선스), or right
    after a given form (…라고 했다)."""
    if not follows_required(doc, spec, index):
        return False
    needs = spec.get("trigger_needs", {}).get(doc.tokens[index].form)
    return not needs or bool(forms & set(needs))


def _descriptive(doc: SentenceDoc, spec, index: int) -> bool:
    """설계 업체, 개발 소식, 학습용, 규제에 맞춰, 규제를 피해: the trigger names a kind of
    thing, or refers to an action as the reason or frame of another (통제에 나서다, launching
    it, does report it)."""
    tokens, rules = doc.tokens, doc.rules
    if index + 2 >= len(tokens):
        return False
    nxt = tokens[index + 1]
    if nxt.form in rules.not_before and nxt.tag in rules.noun_like:
        return True
    if nxt.form in rules["measure_nouns"] and index + 3 < len(tokens):
        index += 1  # 수출 통제 정책에 동참: the measure's noun carries the particle
        nxt = tokens[index + 1]
    after = tokens[index + 2]
    tags = rules["tags"]
    if nxt.tag.startswith(tags["particle_prefix"]) and _verb_after(doc, index + 2).form in rules.reference_verbs:
        return True
    return nxt.tag == tags["adverbial_particle"] and nxt.form in spec.get("reference_particles", ()) \
        and after.form not in rules["launch_verbs"] and not _begins_figure(doc, after)


def _begins_figure(doc: SentenceDoc, token: Token) -> bool:
    """매출에서 467억 달러: a figure right after the particle is the result the noun names; a date
    there (수출 제한으로 3분기 …) is not."""
    return token.tag == doc.rules["tags"]["number"] and any(
        q.start == token.start and q.kind in ("money", "percent") for q in doc.quantities)


def _verb_after(doc: SentenceDoc, index: int) -> Token:
    """The token at `index`, past adverbs (규제를 완전히 준수하는: 준수)."""
    tokens, adverb = doc.tokens, doc.rules["tags"]["adverb"]
    while index + 1 < len(tokens) and tokens[index].tag == adverb:
        index += 1
    return tokens[index]


def embedded(doc: SentenceDoc, index: int) -> bool:
    """구매하지 못하도록 지침, 사용하라는 권고: a trigger whose predicate ends in a
    complementiser is the content of another action, not an action of its own."""
    ending = doc.first_ending(index)
    if ending is None or ending.form not in doc.rules.embedding:
        return False
    before = doc.tokens[doc.tokens.index(ending) - 1]
    return before.tag in doc.rules.embedding_heads  # 중이라고 (copula) reports, 하라고 commands
