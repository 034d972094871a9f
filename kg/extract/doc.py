"""The contract between the sentence components: a `SentenceDoc` and its `Candidate` actions.

Like a spaCy `Doc`, a `SentenceDoc` holds one sentence and everything worked out about it —
mentions and their cues, dates, numbers, clauses, quotes — computed on first use (most sentences
announce no action). Each component (`kg.extract.triggers`, `roles`, `values`, `modality`,
`assemble`) takes the doc and returns it, adding to or pruning `doc.candidates`: a candidate is
one trigger being turned into an action, and carries what each component found for it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Collection, Mapping, NamedTuple

from kg.extract.action import Action
from kg.extract.rules import Rules
from kg.lexicon import Gazetteer
from kg.nlp.cues import particle_role
from kg.nlp.dates import ENDING_BOUNDS, DateMention, find_dates, find_periods
from kg.nlp.mentions import Mention
from kg.nlp.morph import Sentence, Token
from kg.nlp.numbers import Quantity, find_quantities

_QUOTE = re.compile(r"[“\"]([^”\"]*)[”\"]")


@dataclass
class Candidate:
    """One trigger of one action class, on its way to becoming actions."""

    cls: str
    spec: Mapping[str, Any]
    index: int                      # the trigger's token index in the sentence
    clause_no: int
    a: int                          # the clause's token range [a, b)
    b: int
    in_clause: list[Mention]
    roles: dict[str, list[Mention]] = field(default_factory=dict)
    weak: int = 0                   # how many roles rest on weaker cues
    modality: str = "Asserted"
    reporters: tuple[str, ...] = ()
    date: DateMention | None = None
    effective: DateMention | None = None  # the day a measure takes effect (다음 달 1일부터)
    period: str | None = None
    values: dict[str, Decimal] = field(default_factory=dict)
    currency: str | None = None     # ISO 4217 code of the amount among `values`
    actions: list[Action] = field(default_factory=list)
    carried: bool = False           # its agent is a carried result's (SentenceDoc.result_agent)


class CarriedResult(NamedTuple):
    """The firm whose results a sentence gave, and their date: what later lines take."""

    agent: Mention
    date: DateMention | None


class SentenceDoc:
    """A sentence with its mentions, dates and numbers, cut into clauses, and its candidates."""

    def __init__(self, sentence: Sentence, mentions: list[Mention], article_date: str | None,
                 gaz: Gazetteer, rules: Rules, *, carried_date: DateMention | None = None,
                 carried_firm: Mention | None = None, carried_result: CarriedResult | None = None,
                 carried_speaker: Mention | None = None, told: tuple[Action, ...] = (), anchor: str | None = None,
                 headline: bool = False) -> None:
        self.sentence = sentence
        self.tokens: tuple[Token, ...] = sentence.tokens
        self.mentions = mentions
        self.article_date = article_date
        self.gaz = gaz
        self.rules = rules
        self.carried_date = carried_date
        self.carried_firm = carried_firm
        self.carried_result = carried_result
        self.carried_speaker = carried_speaker
        self.told = told  # the actions of the sentence before
        self.anchor = anchor
        self.headline = headline
        self.candidates: list[Candidate] = []

    @property
    def actions(self) -> list[Action]:
        return [action for candidate in self.candidates for action in candidate.actions]

    # --- analyses made on first use ------------------------------------------------------------

    @functools.cached_property
    def dates(self) -> list[DateMention]:
        text = self.sentence.text
        return [shift(d, self.sentence.start) for d in find_dates(text, self.article_date, anchor=self.anchor)
                if not self._comparison(text[d.end:d.end + 8])]

    @functools.cached_property
    def quantities(self) -> list[Quantity]:
        """The sentence's numbers, less the amounts others expected (예상치(4670억달러), 시장
        전망치인 …): an estimate is not the result it is compared with."""
        text = self.sentence.text
        return [shift(q, self.sentence.start) for q in find_quantities(text) if not self._estimate(text[:q.start])]

    def estimated(self, offset: int) -> bool:
        """The words just before `offset` name an estimate (전망치인 매출 …, 시장 예상치 …)."""
        return self._estimate(self.sentence.text[:offset - self.sentence.start])

    def _estimate(self, before: str) -> bool:
        words = re.sub(r"[(（]", " ", before).split()[-2:]
        return any(re.sub(r"(?:인|였던|이던|은|는|의)$", "", w).endswith(tuple(self.rules["estimate_words"]))
                   for w in words)

    @functools.cached_property
    def periods(self) -> list:
        return find_periods(self.sentence.text)

    @functools.cached_property
    def cues(self) -> dict[int, str]:
        """A listed name takes the particle of the list's last name (알리바바와 바이두 등 … 이); a
        headline drops particles, so a bare name it opens with is its subject (中 갈륨 수출 봉쇄)."""
        cues: dict[int, str] = {}
        mentions = self.mentions
        for i, mention in enumerate(mentions):
            j = i
            while mentions[j].cue == "coord" and j + 1 < len(mentions):
                j += 1
            cues[id(mention)] = mentions[j].cue
        if self.headline and mentions and cues[id(mentions[0])] == "bare" and not re.sub(
                r"[\W_]", "", self.sentence.text[:mentions[0].start - self.sentence.start]):
            cues[id(mentions[0])] = "subject"
        return cues

    @functools.cached_property
    def clauses(self) -> list[tuple[int, int]]:
        """Token index ranges [a, b) of the sentence's clauses, cut at connective endings."""
        tokens, rules = self.tokens, self.rules
        connective = rules["tags"]["connective"]
        cuts, start = [], 0
        for i, token in enumerate(tokens):
            comma_next = i + 1 < len(tokens) and tokens[i + 1].form == ","
            idiom = i > 0 and tokens[i - 1].form in rules["idiom_conditionals"]
            if token.tag == connective and not idiom and (
                    token.form in rules.breaks or comma_next and token.form in rules.comma_breaks) \
                    or self._time_clause_end(i):
                cuts.append((start, i + 1))
                start = i + 1
        cuts.append((start, len(tokens)))
        return [c for c in cuts if c[0] < c[1]]

    def _time_clause_end(self, i: int) -> bool:
        """출시한 뒤, 발표한 이후: a temporal noun after an adnominal ending closes a time clause."""
        tags = self.rules["tags"]
        return i > 0 and self.tokens[i].form in self.rules["temporal_heads"] \
            and self.tokens[i - 1].tag == tags["modifier_ending"]

    @functools.cached_property
    def chip_proxies(self) -> set[int]:
        """Firms named as the makers of unnamed chips: 화웨이 칩으로, 엔비디아 프로세서를."""
        tags = tuple(self.rules["tags"]["chip_word"])
        return {id(m) for m in self.mentions if m.type == "Firm" and
                any(t.form in self.rules.chip_words for t in self.tokens[m.last_token + 1:m.last_token + 3]
                    if t.tag.startswith(tags))}

    @functools.cached_property
    def titles(self) -> set[int]:
        """젠슨 황 엔비디아 CEO: a firm inside a person's title plays no role of its own."""
        found = set()
        text, base = self.sentence.text, self.sentence.start
        for before, mention in zip(self.mentions, self.mentions[1:]):
            gap = text[before.end - base:mention.start - base]
            after = text[mention.end - base:].lstrip()
            if before.type == "Person" and mention.type == "Firm" and not gap.strip() and \
                    any(after.startswith(w) for w in self.rules.titles):
                found.add(id(mention))
        return found

    @functools.cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Offsets of quoted speech ("…", “…”) in the sentence."""
        base = self.sentence.start
        return [(base + m.start(), base + m.end()) for m in _QUOTE.finditer(self.sentence.text)]

    # --- questions the components ask -------------------------------------------------------------

    def in_quote(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.quoted)

    def in_clause(self, offset: int, a: int, b: int) -> bool:
        tokens = self.tokens
        return tokens[a].start <= offset < (tokens[b].start if b < len(tokens) else self.sentence.end)

    def mentions_in(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.mentions if a <= m.first_token < b]

    def previous_clause(self, clause_no: int) -> list[Mention]:
        """Names of the clause before: coordinated clauses with one subject share arguments
        (라이선스를 요구하며 사실상 판매를 금지했다; 위반 혐의가 있다며 조사를 진행하겠다)."""
        if clause_no == 0:
            return []
        return self.mentions_in(*self.clauses[clause_no - 1])

    def earlier_subjects(self, clause_no: int, heads: Collection[str] = ()) -> list[Mention]:
        """The sentence subject, shared by later clauses that omit it; with `heads`, also a name
        before one of them that is the subject (퀄컴 주가는 …: the firm whose shares move)."""
        if clause_no == 0:
            return []
        limit = self.clauses[clause_no][0]
        return [m for m in self.mentions if m.first_token < limit and (
            self.cues[id(m)] in ("subject", "topic") or self._headed_subject(m, heads))]

    def _headed_subject(self, mention: Mention, heads: Collection[str]) -> bool:
        i = mention.last_token + 1
        return bool(heads) and i + 1 < len(self.tokens) and self.tokens[i].form in heads \
            and particle_role(self.tokens[i + 1]) in ("subject", "topic")

    def first_ending(self, index: int) -> Token | None:
        """The verbal ending that closes the trigger's own predicate: past particles, the
        governing verb and auxiliary constructions (하지 못하-, 해 오-) to the first EC/ETM/EF."""
        tokens, rules = self.tokens, self.rules
        tags = rules["tags"]
        for i in range(index + 1, len(tokens)):
            token = tokens[i]
            auxiliary = token.tag == tags["connective"] and i + 1 < len(tokens) and tokens[i + 1].tag == tags["auxiliary"]
            if token.tag in rules.endings and not auxiliary:
                return token
            if token.tag in rules.stops or token.tag.startswith(tags["quote_prefix"]):
                return None
        return None

    def chip_object(self, index: int, a: int) -> bool:
        """반도체를 개발, AI 반도체 개발: a chip word is what the trigger acts on."""
        tokens, rules = self.tokens, self.rules
        tags = rules["tags"]
        for j in range(max(a, index - 8), index):
            if tokens[j].form not in rules.chip_words:
                continue
            rest = tokens[j + 1:index]
            if all(t.tag in rules.chip_phrase_tags for t in rest) and len(rest) <= 4:
                return True
            if rest and rest[0].tag == tags["object_particle"] and not any(
                    t.tag in rules.verbs or t.tag == tags["modifier_ending"] for t in rest[1:]):
                return True  # not 반도체를 탑재한 신제품을 내놓: the chip is in what the clause before describes
        return False

    # --- what the next sentence inherits ----------------------------------------------------------

    def last_date(self) -> DateMention | None:
        """The last resolved date of a market sentence (or the one it carried itself), which a
        market report's next sentences often leave implicit (30일 … 약세. 엔비디아는 2.2% 하락 …)."""
        if not any(t.form in self.rules.market for t in self.tokens):
            return None
        resolved = [d for d in self.dates if d.value and not self.in_quote(d.start)]
        return resolved[-1] if resolved else (None if self.dates else self.carried_date)

    def speaker(self) -> Mention | None:
        """Who the sentence's last statement is by: a next sentence that goes on speaking
        without naming anyone (…라고 덧붙였다) is theirs."""
        said = [c for c in self.candidates if c.cls == "Statement" and c.roles.get("agent")]
        return said[-1].roles["agent"][0] if said else None

    def share_firm(self) -> Mention | None:
        """A firm whose shares the sentence talks about (엔비디아의 주가가 …): the next sentence
        of a market report often gives the numbers without naming it again."""
        words = self.rules.share_words
        for mention in self.mentions:
            if mention.type == "Firm" and any(t.form in words for t in self.tokens[mention.last_token + 1:mention.last_token + 4]):
                return mention
        return None

    def compilers(self, spec) -> list[Mention]:
        """LSEG가 집계한 평균 매출, 트렌드포스에 따르면: names right before one of the class's
        `compilers` (after their particle) compiled or estimated the figures; they fill no role,
        and a sentence that has them gives no carried firm its figures."""
        words = spec.get("compilers", ())
        return [m for m in self.mentions if words and self._word_after(m) in words]

    def _word_after(self, mention: Mention) -> str | None:
        after = (t for t in self.tokens[mention.last_token + 1:] if not t.tag.startswith("J"))
        word = next(after, None)
        return word.form if word is not None else None

    def result_agent(self) -> CarriedResult | None:
        """Whose results the next sentences go on giving without naming it (TSMC는 4분기 순이익이
        … 증가했다. 매출은 …), and for when: the agent and date of this sentence's last result (a
        class with `carry_agent`); else the one carried, unless the sentence turns to another firm."""
        results = [CarriedResult(c.roles["agent"][0], c.date) for c in self.candidates
                   if c.actions and c.spec.get("carry_agent") and c.roles.get("agent")]
        if results:
            return results[-1]
        if any(m.type == "Firm" and m.cue in ("subject", "topic") for m in self.mentions):
            return None
        return self.carried_result

    def next_anchor(self) -> str | None:
        """The day the story is about after this sentence (see `story_day`)."""
        return story_day(self.sentence.text, self.article_date, self.anchor, self.dates, self.in_quote,
                         self.sentence.start, self.rules["story_window_days"])

    def _comparison(self, following: str) -> bool:
        """전년 동기 대비, 1년 전보다: a date that is only the baseline of a comparison."""
        folded = following.replace(" ", "")
        for word in self.rules["comparison_skip"]:
            folded = folded.removeprefix(word)
        return any(folded.startswith(w) for w in self.rules["comparison_words"])


#: 2025.07.16, 2025-07-16: the form of photo captions and bylines, not of the story's own days
_NUMERIC_DATE = re.compile(r"\d{2,4}[.\-/]\s*\d")


def story_day(text: str, article_date: str | None, anchor: str | None, dates: list[DateMention] | None = None,
              in_quote=lambda offset: False, base: int = 0, window: int | None = None) -> str | None:
    """The day a story is about once a sentence is read: the last day the sentence names outside
    quotes (31일(현지시간), 지난 15일 — not 이날 or 전날, which count from it, nor a caption's
    2025.07.16), else the day before.
    Once that day is within `window` days of the article's date, an older day named in passing is
    background (… 지난달 26일 요구했다) and leaves it.

    Later sentences resolve 이날, 같은 날 and 전날 from it, and undated reports of classes with
    `inherit_date` take it as their date."""
    if dates is None:
        if "일" not in text and not any(ch.isdigit() for ch in text):
            return anchor
        dates = [shift(d, base) for d in find_dates(text, article_date, anchor=anchor)]
    days = [d.value for d in dates if d.value and len(d.value) == 10 and not d.anchored and not in_quote(d.start)
            and not _NUMERIC_DATE.match(d.surface) and d.bound not in ENDING_BOUNDS
            and not (article_date and len(article_date) == 10 and d.value > article_date)]  # a deadline, a plan
    if window is not None and _recent(anchor, article_date, window):
        days = [d for d in days if _recent(d, article_date, window)]
    return days[-1] if days else anchor


def _recent(day: str | None, article_date: str | None, window: int) -> bool:
    """`day` lies within `window` days of the article's date (both full dates)."""
    if not day or not article_date or len(article_date) < 10:
        return False
    try:
        gap = _dt.date.fromisoformat(article_date[:10]) - _dt.date.fromisoformat(day)
    except ValueError:
        return False
    return abs(gap.days) <= window


def pseudo_mention(key: str, gaz: Gazetteer) -> Mention:
    """A gazetteer entity standing in a role without being named in the sentence."""
    entity = gaz.entities[key]
    return Mention(0, 0, entity.label, key, entity.type, 1.0, "gazetteer", -1, -1, "bare")


def shift(span: DateMention | Quantity, base: int):
    """Sentence offsets → article offsets."""
    return replace(span, start=span.start + base, end=span.end + base)
