"""Component 3: values. The date of a candidate (the nearest one before the trigger in its
clause, else one of an earlier clause, never a later one; for some classes the sentence
before's), its period, and the numbers its class takes (`values` in actions.yaml).
"""

from __future__ import annotations

from decimal import Decimal

from kg.extract.doc import Candidate, SentenceDoc
from kg.nlp.dates import ENDING_BOUNDS, DateMention
from kg.nlp.mention import settings as mention_settings
from kg.nlp.numbers import Quantity


def attach_values(doc: SentenceDoc) -> SentenceDoc:
    for c in doc.candidates:
        c.date = _date(doc, c) or _carried(doc, c) or _result_date(doc, c) or _inherited(doc, c)
        if _takes_effect(doc, c):
            c.effective, c.date = c.date, _announced(doc, c) or _story_day(doc)
        c.period = doc.periods[0][2] if "period" in c.spec.get("values", ()) and doc.periods else None
        c.values, c.currency = _numbers(doc, c)
    return doc


def _numbers(doc: SentenceDoc, c: Candidate) -> tuple[dict[str, Decimal], str | None]:
    """The numbers of the candidate's value slots, and the currency of its amount."""
    slots = c.spec.get("values", ())
    currency = None
    values: dict[str, Decimal] = {}
    in_clause = [q for q in doc.quantities if doc.in_clause(q.start, c.a, c.b)]
    pool = in_clause or (doc.quantities if c.spec.get("amount_from_sentence") else [])
    money = next((q for q in pool if q.kind == "money" and q.currency and not is_conversion(doc, q)), None)
    if money is not None and "amount" in slots:
        values.update(amount_values(money))
        currency = money.currency if values else None
    growth = next((q for q in in_clause if q.kind == "percent" and q.direction and q.value is not None
                   and not is_share(doc, q, c.spec.get("shares_of", ()))), None)
    if growth is not None and "percent" in slots:
        values["percent"] = growth.value * growth.direction
    count = next((q for q in in_clause if q.kind == "count" and q.value is not None), None)
    if count is not None and "quantity" in slots:
        values["quantity"] = count.value
    return values, currency


def amount_values(money: Quantity) -> dict[str, Decimal]:
    """cg:amount (or cg:minAmount/cg:maxAmount for a range) in the money's own currency, and the
    same as cg:amountUSD… when it is in dollars."""
    if money.value is not None:
        found = {"amount": money.value}
    elif money.low is not None and money.high is not None:
        found = {"minAmount": money.low, "maxAmount": money.high}
    else:
        return {}
    if money.currency == "USD":
        found.update({name + "USD": value for name, value in found.items()})
    return found


def is_share(doc: SentenceDoc, q: Quantity, nouns) -> bool:
    """수익 25%를 정부에 납부, 매출 비중이 30% 가까이 늘었다: a figure right after one of `nouns`
    (its particle aside) is a share of it, not a change of a price or a result."""
    before = doc.sentence.text[:q.start - doc.sentence.start].split()
    return bool(before) and (before[-1] in nouns or mention_settings().trailing_particle.sub("", before[-1]) in nouns)


def is_conversion(doc: SentenceDoc, money: Quantity) -> bool:
    """55억 달러(약 7조6000억 원): an amount in parentheses right after another, with at most one of
    `conversion_words` between, is the article's conversion of it, not a second amount."""
    base = doc.sentence.start
    earlier = [q.end for q in doc.quantities if q.kind == "money" and q.end <= money.start]
    if not earlier:
        return False
    gap = "".join(doc.sentence.text[max(earlier) - base:money.start - base].split())
    words = {"".join(w.split()) for w in doc.rules["conversion_words"]} | {""}
    return gap.startswith("(") and gap[1:] in words


def _date(doc: SentenceDoc, c: Candidate) -> DateMention | None:
    """The date nearest before the trigger in its clause, else the last one of an earlier
    clause; never one of a later clause. An unresolvable date in the clause means no date."""
    trigger = doc.tokens[c.index]
    in_clause = [d for d in doc.dates if doc.in_clause(d.start, c.a, c.b) and not doc.in_quote(d.start)
                 and d.bound not in ENDING_BOUNDS]  # 내년 11월 27일까지 중단: when it ends, not when it was done
    before = [d for d in in_clause if d.start < trigger.start]
    chosen = before[-1] if before else (in_clause[0] if in_clause else None)
    if chosen is None:
        clause_start = doc.tokens[c.a].start
        earlier = [d for d in doc.dates if d.start < clause_start and not doc.in_quote(d.start)]
        chosen = earlier[-1] if earlier else None
    return chosen if chosen is not None and chosen.value else None


def _carried(doc: SentenceDoc, c: Candidate) -> DateMention | None:
    """The previous sentence's date, for classes that allow it, when the clause names none."""
    if not c.spec.get("carry_date") or any(doc.in_clause(d.start, c.a, c.b) for d in doc.dates):
        return None
    return doc.carried_date


def _result_date(doc: SentenceDoc, c: Candidate) -> DateMention | None:
    """A result line that continues the one before (매출은 …) is for the same period."""
    return doc.carried_result.date if c.carried and doc.carried_result is not None else None


def _takes_effect(doc: SentenceDoc, c: Candidate) -> bool:
    """중국이 다음 달 15일부터 안티몬 수출을 통제한다: a day with a `from` bound after the story's
    day is when the measure takes effect; the measure itself is the story's (its announcement)."""
    date, day = c.date, doc.anchor or doc.article_date
    return bool(c.spec.get("inherit_date") and date is not None and date.bound == "from" and date.value
                and len(date.value) == 10 and day and len(day) == 10 and date.value > day)


def _announced(doc: SentenceDoc, c: Candidate) -> DateMention | None:
    """20일 12월 1일부터 시행한다고 발표했다: a day of the clause before the one the measure takes
    effect on, no later than the story's day, is when it was announced."""
    day = doc.anchor or doc.article_date or ""
    earlier = [d for d in doc.dates if d.start < c.date.start and doc.in_clause(d.start, c.a, c.b)
               and not doc.in_quote(d.start) and d.value and d.bound is None and d.value[:len(day)] <= day]
    return earlier[-1] if earlier else None


def _story_day(doc: SentenceDoc) -> DateMention:
    return DateMention(doc.sentence.start, doc.sentence.start, "", doc.anchor or doc.article_date, True, anchored=True)


def _inherited(doc: SentenceDoc, c: Candidate) -> DateMention | None:
    """The story's day (or the article date) for a past report whose sentence names no date:
    news tells the day once, in the dateline or lede. Not for plans and forecasts, not where
    the sentence names any date of its own (even one that cannot be resolved), and not for
    sentences that look back (앞서, 이미, 당시: `earlier_words`)."""
    if not c.spec.get("inherit_date") or c.modality not in ("Asserted", "Reported") or doc.dates:
        return None
    if any(t.form in doc.rules.earlier_words for t in doc.tokens) or _durative(doc, c):
        return None
    return _story_day(doc) if doc.anchor or doc.article_date else None


def _durative(doc: SentenceDoc, c: Candidate) -> bool:
    """제한해 왔다: the trigger's predicate goes on with a durative auxiliary."""
    auxiliary = doc.rules["tags"]["auxiliary"]
    return any(t.tag == auxiliary and t.form in doc.rules["durative_auxiliaries"]
               for t in doc.tokens[c.index + 1:min(c.b, c.index + 5)])
