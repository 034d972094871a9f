"""Component 5: assembly. A candidate becomes actions: its raw confidence (the class's base
score, lowered for each weak cue and new entity), one action per object where the class splits
(A100 and H100 controlled together are two facts), one per firm for stock moves. Then each
clause keeps, per class, the first candidate that made an action. A results sentence that
gives several lines (sales, operating profit) makes one action per line.
"""

from __future__ import annotations

from decimal import Decimal

from kg.extract.action import Action
from kg.extract.doc import Candidate, SentenceDoc
from kg.extract.triggers import follows_required, trigger_classes
from kg.extract.values import amount_values, is_conversion, is_share
from kg.nlp.mentions import Mention
from kg.nlp.numbers import Quantity


def make_actions(doc: SentenceDoc) -> SentenceDoc:
    for c in doc.candidates:
        c.actions = _stock_moves(doc, c) if c.cls == "StockMove" else _actions(doc, c)
    return doc


def first_per_clause(doc: SentenceDoc) -> SentenceDoc:
    """At most one action-making trigger per class and clause: the first in the text."""
    kept, seen = [], set()
    for c in doc.candidates:
        if c.actions and (c.clause_no, c.cls) not in seen:
            seen.add((c.clause_no, c.cls))
            kept.append(c)
    doc.candidates = kept
    return doc


def _confidence(doc: SentenceDoc, c: Candidate) -> float:
    scoring = doc.rules["scoring"]
    confidence = float(c.spec["confidence"]) * scoring["weak_role"] ** c.weak
    members = [m for group in c.roles.values() for m in group]
    if any(m.is_new for m in members):
        confidence *= scoring["new_entity"]
    confidence *= min((m.confidence for m in members), default=1.0)
    if all(c.roles.get(r) for r in c.spec["roles"]):
        confidence += scoring["full_roles_bonus"]
    return round(min(confidence, 0.99), 3)


def _base(doc: SentenceDoc, c: Candidate) -> dict:
    return dict(cls=c.cls, modality=c.modality, evidence=doc.sentence.text, sentence_start=doc.sentence.start,
                trigger=doc.tokens[c.index].form, date=c.date, effective=c.effective, period=c.period, reported_by=c.reporters,
                confidence=_confidence(doc, c), currency=c.currency)


def _actions(doc: SentenceDoc, c: Candidate) -> list[Action]:
    base = _base(doc, c)
    key_roles = {r: tuple(sorted({m.key for m in g})) for r, g in c.roles.items()}
    if c.spec.get("split_metrics"):
        metrics = _metrics(doc, c)
        if len(metrics) > 1:
            return [Action(roles=key_roles, values=values, **dict(base, currency=currency))
                    for values, currency in metrics]
    split = c.spec.get("split")
    if split and len(key_roles.get(split, ())) > 1:
        return [Action(roles=dict(key_roles, **{split: (k,)}), values=c.values, **base) for k in key_roles[split]]
    return [Action(roles=key_roles, values=c.values, **base)]


def _metrics(doc: SentenceDoc, c: Candidate) -> list[tuple[dict[str, Decimal], str | None]]:
    """매출이 34% 증가한 32조8267억원, 영업이익이 68% 늘어난 19조1696억원: each line of a result
    (a trigger of the class) with the amount and change that follow it, up to the next line."""
    starts = [t.start for i, t in enumerate(doc.tokens[c.a:c.b], c.a)
              if c.cls in trigger_classes(doc, i) and follows_required(doc, c.spec, i)]
    respectively = _respectively(doc, c, starts)
    if respectively:
        return respectively
    bounds = list(zip(starts, starts[1:] + [doc.tokens[c.b - 1].end]))
    metrics = []
    for low, high in bounds:
        numbers = [q for q in doc.quantities if low <= q.start < high]
        money = next((q for q in numbers if q.kind == "money" and q.currency and not is_conversion(doc, q)), None)
        values = amount_values(money) if money is not None else {}
        change = next((q for q in numbers if q.kind == "percent" and q.direction and q.value is not None), None)
        if change is not None:
            values["percent"] = change.value * change.direction
        if values:
            priced = money is not None and ("amount" in values or "minAmount" in values)
            metrics.append((values, money.currency if priced else None))
    return metrics


def _respectively(doc: SentenceDoc, c: Candidate, starts: list[int]) -> list[tuple[dict[str, Decimal], str | None]]:
    """매출과 영업이익은 각각 74조 원, 4조6000억 원: with a `respectively` word after the lines,
    the amounts after it go to the lines in order (only when there are as many of each)."""
    words = c.spec.get("respectively", ())
    after = [t.end for t in doc.tokens[c.a:c.b] if t.form in words and starts and t.start > starts[-1]]
    if len(starts) < 2 or not after:
        return []
    amounts = [q for q in doc.quantities if q.start >= after[0] and q.kind == "money" and q.currency
               and doc.in_clause(q.start, c.a, c.b) and not is_conversion(doc, q)]
    if len(amounts) != len(starts):
        return []
    return [(amount_values(q), q.currency) for q in amounts]


def _respective_percents(doc: SentenceDoc, c: Candidate, firms: list[Mention]) -> list[Quantity]:
    """삼성전자와 SK하이닉스의 주가는 각각 0.29%, 1.64% 상승: listed firms and, after `respectively`,
    as many percentages in the same order; else nothing."""
    if len(firms) < 2 or not {t.form for t in doc.tokens} & set(c.spec.get("respectively", ())):
        return []
    percents = [q for q in doc.quantities if q.kind == "percent" and q.value is not None and q.start >= firms[-1].end]
    return percents[:len(firms)] if len(percents) >= len(firms) else []


def _stock_moves(doc: SentenceDoc, c: Candidate) -> list[Action]:
    """브로드컴은 1.2%, AMD는 0.9% 하락: each firm with the numbers that follow it."""
    rules = doc.rules
    base = _base(doc, c)
    sign = -1 if doc.tokens[c.index].form in rules.falling else 1
    spec = c.spec["roles"]["object"]
    firms = [m for m in doc.mentions if c.a <= m.first_token < c.b and m.type == "Firm"
             and doc.cues[id(m)] in spec["cues"] and id(m) not in doc.titles]
    if not firms:  # 캠브리콘은 … 흑자를 냈으며, 주가는 … 올랐다: the subject of the sentence
        firms = [m for m in doc.earlier_subjects(c.clause_no, c.spec.get("share_words", ())) if m.type == "Firm"][-1:]
    if not firms:  # … 엔비디아의 주가가 반응했다. 16일 … 6.3% 하락했고: the firm of the sentence before
        firms = [m for m in c.roles.get("object", []) if m is doc.carried_firm]
    actions = []
    listed = _respective_percents(doc, c, firms)
    for i, firm in enumerate(firms):
        limit = firms[i + 1].start if i + 1 < len(firms) else doc.sentence.end
        numbers = _closing(doc, c, [q for q in doc.quantities if firm.end <= q.start < limit
                                    and not is_share(doc, q, c.spec.get("shares_of", ()))])
        values: dict[str, Decimal] = {}
        percent = listed[i] if listed else next((q for q in numbers if q.kind == "percent" and q.value is not None), None)
        if percent is not None:
            values["percent"] = percent.value * (percent.direction or sign)
        prices = [q for q in numbers if q.kind == "money" and q.value is not None and q.currency]
        price = next((q for q in prices if q.direction), prices[0] if prices else None)  # 112달러에서 105달러까지
        if price is not None:
            values["price"] = price.value
        if not values and not _about_shares(doc, firm, limit):
            continue
        actions.append(Action(roles={"object": (firm.key,)}, values=values,
                              **dict(base, currency=price.currency if "price" in values else None)))
    return actions


def _closing(doc: SentenceDoc, c: Candidate, numbers: list[Quantity]) -> list[Quantity]:
    """장중 한때 11.81% 급락한 7만200원까지 주저앉은 뒤 낙폭을 줄여 10.30% 하락한 7만1400원에
    마감: after the last of the class's `intraday_words`, the numbers up to the next connective
    ending are the intraday swing, the later ones the day's move (the swing only when no other)."""
    words = c.spec.get("intraday_words", ())
    text, base = doc.sentence.text, doc.sentence.start
    marks = [base + i for w in words for i in range(len(text)) if text.startswith(w, i)]
    if not marks:
        return numbers
    connective = doc.rules["tags"]["connective"]
    end = next((t.end for t in doc.tokens if t.start > max(marks) and t.tag == connective), None)
    later = [q for q in numbers if end is not None and q.start >= end]
    return later or numbers


def _about_shares(doc: SentenceDoc, firm: Mention, limit: int) -> bool:
    """엔비디아의 주가가 급락했다: a move of the firm's shares, even without numbers."""
    return any(t.form in doc.rules.share_words for t in doc.tokens if firm.end <= t.start < limit)
