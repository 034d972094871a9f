"""Actions in one sentence: clauses, triggers, roles, values, dates and modality.

A sentence is cut into clauses at connective endings (-면서, -지만, -며). A clause whose morphemes
include a trigger of an action class (ontology/lexicon/actions.yaml) becomes an action when its
roles can be filled: each role takes the mention of an allowed type whose particle fits best
(subject 이/가 for the agent, object 을/를 for the object, dative 에 for the target), near the
trigger; a role missing in the clause may come from an earlier clause of the same sentence, at
lower confidence. Modality, the date, numbers and the evidence sentence are attached, and a raw
score says how much rested on weaker cues (kg.extract.calibration turns it into a confidence).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from kg.lexicon import Gazetteer, lexicon
from kg.nlp.dates import DateMention, find_dates, find_periods
from kg.nlp.mentions import Mention
from kg.nlp.morph import Sentence, Token
from kg.nlp.numbers import Quantity, find_quantities

ROLES = ("agent", "object", "target")
_MODALITY_ORDER = ("Denied", "Hypothetical", "Planned", "Expected", "Reported", "Asserted")


@dataclass(frozen=True)
class Action:
    """One extracted action: class, roles (entity keys), values, modality and provenance."""

    cls: str
    roles: dict[str, tuple[str, ...]]
    modality: str
    evidence: str
    confidence: float
    sentence_start: int
    trigger: str
    date: DateMention | None = None
    values: dict[str, Decimal] = field(default_factory=dict)
    currency: str | None = None
    period: str | None = None
    reported_by: tuple[str, ...] = ()

    def identity(self, keys: list[str]) -> tuple:
        """The parts that make two reports the same event (see `identity` in actions.yaml)."""
        parts: list[Any] = [self.cls, self.modality]
        for key in keys:
            if key in ROLES:
                parts.append(tuple(sorted(self.roles.get(key, ()))))
            elif key == "year":
                parts.append(self.date.value[:4] if self.date and self.date.value else None)
            elif key == "date":
                parts.append(self.date.value if self.date else None)
            elif key == "period":
                parts.append(self.period)
            elif key == "evidence":
                parts.append(self.evidence)
            elif key == "amount":
                parts.append(tuple(str(self.values.get(k)) for k in ("amountUSD", "minAmountUSD", "maxAmountUSD")))
            else:
                parts.append(str(self.values.get(key)))
        return tuple(parts)


@functools.lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    data = lexicon("actions.yaml")
    index: dict[str, list[str]] = {}
    for name in data["priority"]:
        for form in data["classes"][name]["triggers"]:
            index.setdefault(form, []).append(name)
    data["_trigger_index"] = index
    data["_breaks"] = set(data["clause_breaks"])
    data["_comma_breaks"] = set(data["comma_breaks"])
    data["_not_before"] = set(data["not_before"])
    data["_chip_words"] = set(data["chip_words"])
    data["_titles"] = set(data["title_words"])
    data["_embedding"] = set(data["embedded_endings"])
    data["_reference_verbs"] = set(data["reference_verbs"])
    data["_market"] = set(data["market_words"])
    data["_modality_words"] = {m: set(words) for m, words in data["modality"].items()}
    return data


class SentenceContext:
    """A sentence with its mentions, dates and numbers, cut into clauses."""

    def __init__(self, sentence: Sentence, mentions: list[Mention], article_date: str | None,
                 gaz: Gazetteer, *, carried_date: DateMention | None = None,
                 carried_firm: Mention | None = None) -> None:
        self.sentence = sentence
        self.carried_date = carried_date
        self.carried_firm = carried_firm
        self.mentions = mentions
        self.gaz = gaz
        self.rules = rules()
        self.article_date = article_date

    # Most sentences announce no action: what only actions need is worked out on first use.

    @functools.cached_property
    def dates(self) -> list[DateMention]:
        text = self.sentence.text
        return [_shift(d, self.sentence.start) for d in find_dates(text, self.article_date)
                if not self._comparison(text[d.end:d.end + 8])]

    @functools.cached_property
    def quantities(self) -> list[Quantity]:
        return [_shift(q, self.sentence.start) for q in find_quantities(self.sentence.text)]

    @functools.cached_property
    def periods(self) -> list:
        return find_periods(self.sentence.text)

    @functools.cached_property
    def cues(self) -> dict[int, str]:
        return _effective_cues(self.sentence, self.mentions)

    def last_date(self) -> DateMention | None:
        """The last resolved date of a market sentence (or the one it carried itself), which a
        market report's next sentences often leave implicit (30일 … 약세. 엔비디아는 2.2% 하락 …)."""
        if not any(t.form in self.rules["_market"] for t in self.sentence.tokens):
            return None
        resolved = [d for d in self.dates if d.value and not self._in_quote(d.start)]
        return resolved[-1] if resolved else (None if self.dates else self.carried_date)

    def share_firm(self) -> Mention | None:
        """A firm whose shares the sentence talks about (엔비디아의 주가가 …): the next sentence
        of a market report often gives the numbers without naming it again."""
        words = set(self.rules["classes"]["StockMove"]["share_words"])
        tokens = self.sentence.tokens
        for mention in self.mentions:
            if mention.type == "Firm" and any(t.form in words for t in tokens[mention.last_token + 1:mention.last_token + 4]):
                return mention
        return None

    def _comparison(self, following: str) -> bool:
        """전년 동기 대비, 1년 전보다: a date that is only the baseline of a comparison."""
        folded = following.replace(" ", "").removeprefix("동기").removeprefix("의")
        return any(folded.startswith(w) for w in self.rules["comparison_words"])

    @functools.cached_property
    def clauses(self) -> list[tuple[int, int]]:
        """Token index ranges [a, b) of the sentence's clauses."""
        tokens = self.sentence.tokens
        cuts, start = [], 0
        for i, token in enumerate(tokens):
            comma_next = i + 1 < len(tokens) and tokens[i + 1].form == ","
            idiom = i > 0 and tokens[i - 1].form in self.rules["idiom_conditionals"]
            if token.tag == "EC" and not idiom and (token.form in self.rules["_breaks"]
                                                    or comma_next and token.form in self.rules["_comma_breaks"]):
                cuts.append((start, i + 1))
                start = i + 1
        cuts.append((start, len(tokens)))
        return [c for c in cuts if c[0] < c[1]]

    @functools.cached_property
    def chip_proxies(self) -> set[int]:
        """Firms named as the makers of unnamed chips: 화웨이 칩으로, 엔비디아 프로세서를."""
        tokens = self.sentence.tokens
        words = self.rules["_chip_words"]
        return {id(m) for m in self.mentions if m.type == "Firm" and
                any(t.form in words for t in tokens[m.last_token + 1:m.last_token + 3]
                    if t.tag.startswith("NN") or t.tag == "SL")}

    @functools.cached_property
    def titles(self) -> set[int]:
        """젠슨 황 엔비디아 CEO: a firm inside a person's title plays no role of its own."""
        found = set()
        for before, mention in zip(self.mentions, self.mentions[1:]):
            gap = self.sentence.text[before.end - self.sentence.start:mention.start - self.sentence.start]
            after = self.sentence.text[mention.end - self.sentence.start:].lstrip()
            if before.type == "Person" and mention.type == "Firm" and len(gap.strip()) == 0 and \
                    any(after.startswith(w) for w in self.rules["_titles"]):
                found.add(id(mention))
        return found

    @functools.cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Offsets of quoted speech ("…", “…”) in the sentence."""
        spans = []
        for m in re.finditer(r"[“\"]([^”\"]*)[”\"]", self.sentence.text):
            spans.append((self.sentence.start + m.start(), self.sentence.start + m.end()))
        return spans

    def _in_quote(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.quoted)

    def _trigger_classes(self, index: int) -> list[str]:
        """Classes a morpheme announces; a noun + 하 counts as the verb too (말 + 하 → 말하)."""
        tokens = self.sentence.tokens
        found = list(self.rules["_trigger_index"].get(tokens[index].form, ()))
        if index + 1 < len(tokens) and tokens[index + 1].tag == "XSV" and tokens[index + 1].form == "하":
            found += self.rules["_trigger_index"].get(tokens[index].form + "하", ())
        return found

    def actions(self) -> list[Action]:
        """At most one action per class and clause (StockMove splits by firm itself)."""
        found: list[Action] = []
        for clause_no, (a, b) in enumerate(self.clauses):
            done: set[str] = set()
            for index in range(a, b):
                if not self.sentence.tokens[index].tag.startswith(("NN", "VV", "VA", "XR")):
                    continue
                for cls in self._trigger_classes(index):
                    if cls in done:
                        continue
                    actions = self._action(cls, index, clause_no)
                    if actions:
                        done.add(cls)
                        found += actions
        return found

    # --- one trigger ---------------------------------------------------------------------

    def _action(self, cls: str, index: int, clause_no: int) -> list[Action]:
        spec = self.rules["classes"][cls]
        a, b = self.clauses[clause_no]
        forms = {t.form for t in self.sentence.tokens[a:b]}
        in_clause = [m for m in self.mentions if a <= m.first_token < b]
        if not self._needs_met(spec, forms, in_clause, index, a, b) or forms & set(spec.get("blocked_by", ())):
            return []
        if not self._trigger_needs(spec, index, forms) or self._descriptive(spec, index):
            return []
        if self._embedded(index) and self.sentence.tokens[index].form not in spec.get("embedding_ok", ()):
            return []
        roles, weak = self._fill_roles(spec, index, in_clause, clause_no)
        roles = self._self_reference(spec, roles, a, b)
        if spec.get("agent_from_developer") and not roles.get("agent") and roles.get("object"):
            developer = self.gaz.developer_of(roles["object"][0].key)
            if developer:
                roles["agent"] = [_pseudo_mention(developer, self.gaz)]
                weak += 1
        if spec.get("carry_object") and not roles.get("object") and self.carried_firm is not None:
            roles["object"] = [self.carried_firm]
            weak += 1
        met = [all(roles.get(r) for r in option) for option in spec["requires"]]
        if not any(met):
            return []
        weak += met.index(True) and spec.get("weak_alternatives", 0)
        if not self._needs_filled(spec, roles, index, a):
            return []
        if spec.get("firm_subject_blocks") and not roles.get("agent") and any(
                m.type == "Firm" and self.cues[id(m)] == "subject" for m in in_clause):
            return []
        return self._build(cls, spec, index, roles, weak, a, b)

    def _needs_met(self, spec, forms, in_clause, index, a, b) -> bool:
        needs = spec.get("needs_any")
        if not needs:
            return True
        for need in needs:
            if need.startswith("Type:") and any(m.type == need[5:] for m in in_clause):
                return True
            if need == "ChipObject" and self._chip_object(index, a):
                return True
            if need == "Money" and any(q.kind == "money" for q in self.quantities):
                return True
            if need == "Percent" and any(q.kind == "percent" and self._in_clause(q.start, a, b) for q in self.quantities):
                return True
            if need in forms:
                return True
        return False

    def _in_clause(self, offset: int, a: int, b: int) -> bool:
        tokens = self.sentence.tokens
        return tokens[a].start <= offset < (tokens[b].start if b < len(tokens) else self.sentence.end)

    def _chip_object(self, index: int, a: int) -> bool:
        """반도체를 개발, AI 반도체 개발: a chip word is what the trigger acts on."""
        tokens = self.sentence.tokens
        words = self.rules["_chip_words"]
        for j in range(max(a, index - 8), index):
            if tokens[j].form not in words:
                continue
            rest = tokens[j + 1:index]
            if all(t.tag in ("SL", "SN", "SSO", "SSC", "SW", "NNG", "JC", "SP") for t in rest) and len(rest) <= 4:
                return True
            if rest and rest[0].tag == "JKO" and not any(t.tag in ("VV", "VA") for t in rest[1:]):
                return True
        return False

    def _descriptive(self, spec, index: int) -> bool:
        """설계 업체, 개발 소식, 학습용, 규제에 맞춰, 규제를 피해: the trigger names a kind of
        thing, or refers to an action as the reason or frame of another."""
        tokens = self.sentence.tokens
        if index + 2 >= len(tokens):
            return False
        nxt, after = tokens[index + 1], tokens[index + 2]
        if nxt.form in self.rules["_not_before"] and nxt.tag in ("NNG", "XSN", "NNB"):
            return True
        if nxt.tag.startswith("JK") and after.form in self.rules["_reference_verbs"]:
            return True
        return nxt.tag == "JKB" and nxt.form in spec.get("reference_particles", ())

    def _first_ending(self, index: int) -> Token | None:
        """The verbal ending that closes the trigger's own predicate: past particles, the
        governing verb and auxiliary constructions (하지 못하-, 해 오-) to the first EC/ETM/EF."""
        tokens = self.sentence.tokens
        i = index + 1
        while i < len(tokens):
            token = tokens[i]
            auxiliary = token.tag == "EC" and i + 1 < len(tokens) and tokens[i + 1].tag == "VX"
            if token.tag in ("EC", "ETM", "EF") and not auxiliary:
                return token
            if token.tag in ("SF", "SP") or token.tag.startswith("SS"):
                return None
            i += 1
        return None

    def _embedded(self, index: int) -> bool:
        """구매하지 못하도록 지침, 사용하라는 권고: a trigger whose predicate ends in a
        complementiser is the content of another action, not an action of its own."""
        ending = self._first_ending(index)
        if ending is None or ending.form not in self.rules["_embedding"]:
            return False
        tokens = self.sentence.tokens
        before = tokens[tokens.index(ending) - 1]
        return before.tag in ("VV", "XSV", "VX", "VA")  # 중이라고 (copula) reports, 하라고 commands

    def _needs_filled(self, spec, roles, index: int, a: int) -> bool:
        """needs_after_roles: one of `Filled:ROLE` (the role got a filler) or `ChipObject`."""
        needs = spec.get("needs_after_roles")
        if not needs:
            return True
        return any(roles.get(n[7:]) if n.startswith("Filled:") else n == "ChipObject" and self._chip_object(index, a)
                   for n in needs)

    def _trigger_needs(self, spec, index: int, forms: set[str]) -> bool:
        """Some triggers count only with a word of their own nearby (요구 + 라이선스)."""
        needs = spec.get("trigger_needs", {}).get(self.sentence.tokens[index].form)
        return not needs or bool(forms & set(needs))

    def _fill_roles(self, spec, index, in_clause, clause_no):
        trigger = self.sentence.tokens[index]
        used: set[int] = set()
        roles: dict[str, list[Mention]] = {}
        weak = 0
        shared_subject = False
        for role in ROLES:
            role_spec = spec["roles"].get(role)
            if not role_spec:
                continue
            pick, preferred = self._best(role_spec, in_clause, trigger, used)
            if pick is None and role == "agent":
                pick, preferred = self._best(role_spec, self._earlier_subjects(clause_no), trigger, used)
                if pick is not None:
                    weak += 1
                    shared_subject = True
            if pick is None and role != "agent" and shared_subject:
                pick, preferred = self._best(role_spec, self._previous_clause(clause_no), trigger, used,
                                             any_cue=True)
                if pick is not None:
                    weak += 1
            if pick is None:
                continue
            weak += 0 if preferred else 1
            group = self._group(pick) if role_spec.get("many") else [pick]
            taken = {m.key for g in roles.values() for m in g}
            group = [m for m in group if self._fits(m, role_spec["types"]) and id(m) not in used
                     and m.key not in taken]
            if not group:
                continue
            used.update(id(m) for m in group)
            roles[role] = group
        return roles, weak

    def _fits(self, mention: Mention, types: list[str]) -> bool:
        if id(mention) in self.titles:
            return False
        return mention.type in types or ("Chip" in types and id(mention) in self.chip_proxies)

    def _best(self, role_spec, candidates, trigger: Token, used, any_cue: bool = False) -> tuple[Mention | None, bool]:
        """The mention that best fills a role: an allowed particle (earlier in the list is
        better), before the trigger, close to it."""
        scoring = self.rules["scoring"]
        cues = role_spec["cues"]
        best, best_score, best_pref = None, 0.0, False
        for mention in candidates:
            if id(mention) in used or not self._fits(mention, role_spec["types"]) or self._is_modifier(mention):
                continue
            cue = self.cues[id(mention)]
            if cue not in cues and not any_cue:
                continue
            rank = cues.index(cue) if cue in cues else len(cues)
            preferred = rank < 2
            score = scoring["preferred_cue"] - scoring["cue_rank_step"] * rank
            if mention.end <= trigger.start:
                score += scoring["before_trigger"]
            score -= scoring["distance_penalty"] * min(abs(trigger.start - mention.start), 40)
            if score > best_score:
                best, best_score, best_pref = mention, score, preferred
        return best, best_pref

    def _is_modifier(self, mention: Mention) -> bool:
        """엔비디아의 H20, 중국의 화웨이: a genitive name right before a name it can qualify
        (its product, person or organisation) modifies it; H20의 중국 수출 does not."""
        if self.cues[id(mention)] != "genitive":
            return False
        following = [m for m in self.mentions if m.start >= mention.end]
        if not following or following[0].type not in self.rules["modifies"].get(mention.type, ()):
            return False
        gap = self.sentence.text[mention.end - self.sentence.start:following[0].start - self.sentence.start]
        return len(gap.strip()) <= 4

    def _previous_clause(self, clause_no: int) -> list[Mention]:
        """Names of the clause before: coordinated clauses with one subject share arguments
        (라이선스를 요구하며 사실상 판매를 금지했다; 위반 혐의가 있다며 조사를 진행하겠다)."""
        if clause_no == 0:
            return []
        a, b = self.clauses[clause_no - 1]
        return [m for m in self.mentions if a <= m.first_token < b]

    def _earlier_subjects(self, clause_no: int) -> list[Mention]:
        """The sentence subject, shared by later clauses that omit it."""
        if clause_no == 0:
            return []
        limit = self.clauses[clause_no][0]
        return [m for m in self.mentions if m.first_token < limit and self.cues[id(m)] in ("subject", "topic")]

    def _group(self, mention: Mention) -> list[Mention]:
        """The coordinated list (A와 B, A·B 등) a mention belongs to."""
        ordered = self.mentions
        i = ordered.index(mention)
        start = i
        while start > 0 and ordered[start - 1].cue == "coord":
            start -= 1
        end = i
        while end < len(ordered) - 1 and ordered[end].cue == "coord":
            end += 1
        return ordered[start:end + 1]

    def _self_reference(self, spec, roles, a, b):
        """자국 기업에 지침: the target is the agent's own country."""
        target_spec = spec["roles"].get("target")
        if roles.get("target") or not target_spec or "Country" not in target_spec["types"] or not roles.get("agent"):
            return roles
        words = set(self.rules["self_reference"])
        if any(t.form in words for t in self.sentence.tokens[a:b]):
            country = self.gaz.country_of(roles["agent"][0].key)
            if country:
                roles = dict(roles, target=[_pseudo_mention(country, self.gaz)])
        return roles

    # --- values and assembly -------------------------------------------------------------

    def _build(self, cls, spec, index, roles, weak, a, b) -> list[Action]:
        trigger = self.sentence.tokens[index]
        modality, reporters = self._modality(index, a, b)
        values, currency = self._values(cls, spec, index, roles, a, b)
        confidence = float(spec["confidence"])
        scoring = self.rules["scoring"]
        confidence *= scoring["weak_role"] ** weak
        members = [m for group in roles.values() for m in group]
        if any(m.is_new for m in members):
            confidence *= scoring["new_entity"]
        confidence *= min((m.confidence for m in members), default=1.0)
        if all(roles.get(r) for r in spec["roles"]):
            confidence += scoring["full_roles_bonus"]
        base = dict(
            cls=cls, modality=modality, evidence=self.sentence.text, sentence_start=self.sentence.start,
            trigger=trigger.form, date=self._date(index, a, b) or self._carried(spec, a, b),
            period=self._period(cls),
            reported_by=reporters, confidence=round(min(confidence, 0.99), 3), currency=currency)
        key_roles = {r: tuple(sorted({m.key for m in g})) for r, g in roles.items()}
        split = spec.get("split")
        if cls == "StockMove":
            return self._stock_moves(base, roles, index, a, b)
        if split and len(key_roles.get(split, ())) > 1:
            return [Action(roles=dict(key_roles, **{split: (k,)}), values=values, **base)
                    for k in key_roles[split]]
        return [Action(roles=key_roles, values=values, **base)]

    def _stock_moves(self, base, roles, index, a, b) -> list[Action]:
        """브로드컴은 1.2%, AMD는 0.9% 하락: each firm with the numbers that follow it."""
        falling = set(self.rules["classes"]["StockMove"]["falling"])
        sign = -1 if self.sentence.tokens[index].form in falling else 1
        spec = self.rules["classes"]["StockMove"]["roles"]["object"]
        firms = [m for m in self.mentions if a <= m.first_token < b and m.type == "Firm"
                 and self.cues[id(m)] in spec["cues"] and id(m) not in self.titles]
        if not firms:  # 캠브리콘은 … 흑자를 냈으며, 주가는 … 올랐다: the subject of the sentence
            clause_no = self.clauses.index((a, b))
            firms = [m for m in self._earlier_subjects(clause_no) if m.type == "Firm"][-1:]
        if not firms:  # … 엔비디아의 주가가 반응했다. 16일 … 6.3% 하락했고: the firm of the sentence before
            firms = [m for m in roles.get("object", []) if m is self.carried_firm]
        actions = []
        for i, firm in enumerate(firms):
            limit = firms[i + 1].start if i + 1 < len(firms) else self.sentence.end
            numbers = [q for q in self.quantities if firm.end <= q.start < limit]
            values: dict[str, Decimal] = {}
            percent = next((q for q in numbers if q.kind == "percent" and q.value is not None), None)
            if percent is not None:
                direction = percent.direction or sign
                values["percent"] = percent.value * direction
            prices = [q for q in numbers if q.kind == "money" and q.value is not None]
            price = next((q for q in prices if q.direction), prices[0] if prices else None)  # 112달러에서 105달러까지
            if price is not None and price.currency == "USD":
                values["price"] = price.value
            if not values and not self._about_shares(firm, limit):
                continue
            actions.append(Action(roles={"object": (firm.key,)}, values=values, **dict(base, currency="USD" if "price" in values else None)))
        return actions

    def _about_shares(self, firm: Mention, limit: int) -> bool:
        """엔비디아의 주가가 급락했다: a move of the firm's shares, even without numbers."""
        words = set(self.rules["classes"]["StockMove"]["share_words"])
        return any(t.form in words for t in self.sentence.tokens if firm.end <= t.start < limit)

    def _values(self, cls, spec, index, roles, a, b) -> tuple[dict[str, Decimal], str | None]:
        values: dict[str, Decimal] = {}
        in_clause = [q for q in self.quantities if self._in_clause(q.start, a, b)]
        pool = in_clause or (self.quantities if cls == "Revenue" else [])
        money = next((q for q in pool if q.kind == "money" and q.currency == "USD"), None)
        if money is not None and cls in ("Revenue", "Purchase", "ExportControl", "Investigation"):
            if money.value is not None:
                values["amountUSD"] = money.value
            elif money.low is not None and money.high is not None:
                values["minAmountUSD"], values["maxAmountUSD"] = money.low, money.high
        growth = next((q for q in in_clause if q.kind == "percent" and q.direction and q.value is not None), None)
        if growth is not None and cls == "Revenue":
            values["percent"] = growth.value * growth.direction
        count = next((q for q in in_clause if q.kind == "count" and q.value is not None), None)
        if count is not None and cls in ("Purchase", "ModelTraining"):
            values["quantity"] = count.value
        return values, None

    def _date(self, index: int, a: int, b: int) -> DateMention | None:
        """The date nearest before the trigger in its clause, else the last one of an earlier
        clause; never one of a later clause. An unresolvable date in the clause means no date."""
        trigger = self.sentence.tokens[index]
        in_clause = [d for d in self.dates if self._in_clause(d.start, a, b) and not self._in_quote(d.start)]
        before = [d for d in in_clause if d.start < trigger.start]
        chosen = before[-1] if before else (in_clause[0] if in_clause else None)
        if chosen is None:
            clause_start = self.sentence.tokens[a].start
            earlier = [d for d in self.dates if d.start < clause_start and not self._in_quote(d.start)]
            chosen = earlier[-1] if earlier else None
        return chosen if chosen is not None and chosen.value else None

    def _carried(self, spec, a: int, b: int) -> DateMention | None:
        """The previous sentence's date, for classes that allow it, when the clause names none."""
        if not spec.get("carry_date") or any(self._in_clause(d.start, a, b) for d in self.dates):
            return None
        return self.carried_date

    def _period(self, cls: str) -> str | None:
        if cls != "Revenue" or not self.periods:
            return None
        return self.periods[0][2]

    def _modality(self, index: int, a: int, b: int) -> tuple[str, tuple[str, ...]]:
        """The strongest modality cue around the trigger, and who the report is attributed to."""
        tokens = self.sentence.tokens
        words = self.rules["_modality_words"]
        inside = self._in_quote(tokens[index].start)
        visible = [t for t in tokens if self._in_quote(t.start) == inside] if self.quoted else tokens
        after = [t for t in visible if t.start > tokens[index].start]
        in_clause_after = [t for t in tokens[index + 1:b]
                           if t.start > tokens[index].start and (not self.quoted or self._in_quote(t.start) == inside)]
        found = {"Asserted"}
        if any(t.form in words["Denied"] for t in after):
            found.add("Denied")
        ending = self._first_ending(index)
        if ending is not None and ending.form in words["Hypothetical"] and not self._idiom(ending):
            found.add("Hypothetical")
        near = in_clause_after[:self.rules["modality_window"]]
        if any(t.form in words["Planned"] for t in near):
            found.add("Planned")
        if any(t.form in words["Expected"] for t in near) or self._future(near):
            found.add("Expected")
        reporters = self._reporters()
        sources = set(self.rules["source_nouns"])
        if reporters or inside or any(t.form in words["Reported"] for t in after) or self._according_to() \
                or any(t.form in sources for t in visible):
            found.add("Reported")
        modality = next(m for m in _MODALITY_ORDER if m in found)
        return modality, reporters

    def _future(self, tokens: list[Token]) -> bool:
        future = self.rules["future"]
        return any(t.tag == "ETM" and t.form in future["endings"] and n.form == future["noun"]
                   for t, n in zip(tokens, tokens[1:]))

    def _idiom(self, ending: Token) -> bool:
        """이르면 (at the earliest): a conditional ending that states no condition."""
        tokens = self.sentence.tokens
        i = tokens.index(ending)
        return i > 0 and tokens[i - 1].form in self.rules["idiom_conditionals"]

    def _according_to(self) -> bool:
        verb, ending = self.rules["according_to"]
        tokens = self.sentence.tokens
        return any(t.form == verb and n.form == ending for t, n in zip(tokens, tokens[1:]))

    def _reporters(self) -> tuple[str, ...]:
        """Outlets (and people) the sentence attributes its content to."""
        verbs = set(self.rules["reporting_verbs"])
        if not any(t.form in verbs for t in self.sentence.tokens):
            return ()
        found = [m.key for m in self.mentions if m.type == "MediaOutlet" and self.cues[id(m)] in
                 ("subject", "topic", "dative", "bare", "coord") and not self._in_quote(m.start)]
        return tuple(sorted(set(found)))


def _effective_cues(sentence: Sentence, mentions: list[Mention]) -> dict[int, str]:
    """A listed name takes the particle of the list's last name (알리바바와 바이두 등 … 이)."""
    cues: dict[int, str] = {}
    for i, mention in enumerate(mentions):
        j = i
        while mentions[j].cue == "coord" and j + 1 < len(mentions):
            j += 1
        cues[id(mention)] = mentions[j].cue
    return cues


def _pseudo_mention(key: str, gaz: Gazetteer) -> Mention:
    entity = gaz.entities[key]
    return Mention(0, 0, entity.label, key, entity.type, 1.0, "gazetteer", -1, -1, "bare")


def _shift(span: DateMention | Quantity, base: int):
    """Sentence offsets → article offsets."""
    return replace(span, start=span.start + base, end=span.end + base)
