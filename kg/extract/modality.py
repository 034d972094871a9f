"""Component 4: modality. Whether a candidate is asserted, reported (and by whom), planned,
expected, denied or hypothetical, from the words after its trigger (보도, 계획, 것으로, 부인),
its own ending (봉쇄하면) and the sentence's sources (소식통, X에 따르면, quoted speech).
"""

from __future__ import annotations

from kg.extract.doc import Candidate, SentenceDoc
from kg.nlp.morph import Token

#: Strongest first: a planned action that is also reported is Planned.
MODALITY_ORDER = ("Denied", "Hypothetical", "Planned", "Expected", "Reported", "Asserted")


def attach_modality(doc: SentenceDoc) -> SentenceDoc:
    for c in doc.candidates:
        c.modality, c.reporters = modality_of(doc, c)
    return doc


def modality_of(doc: SentenceDoc, c: Candidate) -> tuple[str, tuple[str, ...]]:
    """The strongest modality cue around the trigger, and who the report is attributed to."""
    tokens, rules, index = doc.tokens, doc.rules, c.index
    words = rules.modality_words
    inside = doc.in_quote(tokens[index].start)
    visible = [t for t in tokens if doc.in_quote(t.start) == inside] if doc.quoted else tokens
    after = [t for t in visible if t.start > tokens[index].start]
    in_clause_after = [t for t in tokens[index + 1:c.b]
                       if t.start > tokens[index].start and (not doc.quoted or doc.in_quote(t.start) == inside)]
    found = {"Asserted"}
    if any(t.form in words["Denied"] for t in after):
        found.add("Denied")
    ending = doc.first_ending(index)
    if ending is not None and ending.form in words["Hypothetical"] and not _idiom(doc, ending):
        found.add("Hypothetical")
    near = in_clause_after[:rules["modality_window"]]
    if any(t.form in words["Planned"] for t in near):
        found.add("Planned")
    if any(t.form in words["Expected"] for t in near) or _forecast_frame(doc, in_clause_after):
        found.add("Expected")
    elif _future(doc, near):  # 허용할 것이라고 밝혔다: an actor's own coming act is a plan
        found.add("Planned" if _own_words(doc, c) and not inside else "Expected")
    reporters = _reporters(doc)
    quoted_other = inside and not _own_words(doc, c)
    if reporters or quoted_other or any(t.form in words["Reported"] for t in after) or _according_to(doc) \
            or any(t.form in rules.sources for t in visible):
        found.add("Reported")
    return next(m for m in MODALITY_ORDER if m in found), reporters


def _forecast_frame(doc: SentenceDoc, tokens: list[Token]) -> bool:
    """매출이 … 540억달러에 이를 것으로 내다봤다: 것으로 (`future` noun and frame) and an expectation
    word right after it frame the whole clause as a forecast, however far from the trigger."""
    future, expected = doc.rules["future"], doc.rules.modality_words["Expected"]
    forms = [t.form for t in tokens]
    for i in range(len(forms) - 1):
        if forms[i] == future["noun"] and forms[i + 1] == future["frame"]:
            return any(f in expected for f in forms[i + 2:i + 5])
    return False


def _own_words(doc: SentenceDoc, c: Candidate) -> bool:
    """트럼프 대통령은 “… 허용할 것”이라고 말했다, CAC는 “… 요구했다”고 밝혔다: an agent who says it of
    their own act, outside the quotation (a person, or the sentence's topic), announces it; the
    quote does not make it a report (업계는 미국이 허용할 것으로 내다봤다 is no word of 미국's)."""
    return any(not doc.in_quote(m.start) and (m.type == "Person" or doc.cues.get(id(m)) == "topic")
               for m in c.roles.get("agent", ()))


def _future(doc: SentenceDoc, tokens: list[Token]) -> bool:
    """ㄹ/을 + 것 (훈련시킬 것으로): the future form."""
    future = doc.rules["future"]
    tag = doc.rules["tags"]["modifier_ending"]
    return any(t.tag == tag and t.form in future["endings"] and n.form == future["noun"]
               for t, n in zip(tokens, tokens[1:]))


def _idiom(doc: SentenceDoc, ending: Token) -> bool:
    """이르면 (at the earliest): a conditional ending that states no condition."""
    i = doc.tokens.index(ending)
    return i > 0 and doc.tokens[i - 1].form in doc.rules["idiom_conditionals"]


def _according_to(doc: SentenceDoc) -> bool:
    """X에 따르면: a report, wherever it stands in the sentence."""
    verb, ending = doc.rules["according_to"]
    return any(t.form == verb and n.form == ending for t, n in zip(doc.tokens, doc.tokens[1:]))


def _reporters(doc: SentenceDoc) -> tuple[str, ...]:
    """Outlets (and people) the sentence attributes its content to."""
    if not any(t.form in doc.rules.reporting_verbs for t in doc.tokens):
        return ()
    found = [m.key for m in doc.mentions if m.type == "MediaOutlet" and doc.cues[id(m)] in
             ("subject", "topic", "dative", "bare", "coord") and not doc.in_quote(m.start)]
    return tuple(sorted(set(found)))
