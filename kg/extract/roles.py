"""Component 2: roles. Each role of a candidate takes the mention of an allowed type whose
particle fits best (subject 이/가 for the agent, object 을/를 for the object, dative 에 for the
target), near the trigger; a role missing in the clause may come from an earlier clause of the
same sentence, at lower confidence. Candidates whose roles do not meet the class's `requires`
are dropped.
"""

from __future__ import annotations

import re

from kg.extract.doc import Candidate, SentenceDoc, pseudo_mention
from kg.namespaces import ROLES
from kg.nlp.cues import particle_role
from kg.nlp.mention import settings as mention_settings
from kg.nlp.mentions import Mention
from kg.nlp.morph import Token
from kg.text import normalize_name


def fill_roles(doc: SentenceDoc) -> SentenceDoc:
    """Fill every candidate's roles; keep the candidates that have what their class requires."""
    doc.candidates = [c for c in doc.candidates if _fill(doc, c)]
    return doc


def _fill(doc: SentenceDoc, c: Candidate) -> bool:
    spec = c.spec
    c.roles, c.weak = _pick_roles(doc, c)
    _self_reference(doc, c)
    if spec.get("list_words"):
        _listed_firms(doc, c)
    if spec.get("recipient_words"):
        _recipients(doc, c)
    if spec.get("makers_chips"):
        _makers_chips(doc, c)
    if spec.get("buyer_not_maker"):
        _drop_maker_agents(doc, c)
    if spec.get("foreign_target"):  # after makers_chips: its chips name the maker to drop
        _destination(doc, c)
        _drop_own_country(doc, c)
        _drop_maker_target(doc, c)
    if spec.get("agent_from_developer") and not c.roles.get("agent") and c.roles.get("object"):
        developer = _sole_developer(doc)
        if developer:
            c.roles["agent"] = [pseudo_mention(developer, doc.gaz)]
            c.weak += 1
    if spec.get("carry_agent") and not c.roles.get("agent") and doc.carried_result is not None \
            and not doc.compilers(spec):
        c.roles["agent"] = [doc.carried_result.agent]
        c.carried = True
        c.weak += 1
    if spec.get("undoes") and not c.roles.get("object") and not c.roles.get("agent"):
        _undone(doc, c)
    if _goes_on_speaking(doc, c):
        c.roles["agent"] = [doc.carried_speaker]
        c.weak += 1
    if spec.get("carry_object") and not c.roles.get("object") and doc.carried_firm is not None:
        c.roles["object"] = [doc.carried_firm]
        c.weak += 1
    met = [all(c.roles.get(r) for r in option) for option in spec["requires"]]
    if not any(met):
        return False
    c.weak += met.index(True) and spec.get("weak_alternatives", 0)
    if not _needs_filled(doc, c):
        return False
    return not (spec.get("firm_subject_blocks") and not c.roles.get("agent") and any(
        m.type == "Firm" and doc.cues[id(m)] == "subject" for m in c.in_clause))


def _undone(doc: SentenceDoc, c: Candidate) -> None:
    """… H20의 수출을 불허했다. 그러나 7월 14일 수출 제한을 해제했다: a loosening that names neither
    who nor what undoes the measure of the sentence before (the class in `undoes`): its agent and
    objects, as far as the gazetteer knows them."""
    measure = next((a for a in reversed(doc.told) if a.cls == c.spec["undoes"] and a.roles.get("object")), None)
    if measure is None:
        return
    for role in ("agent", "object"):
        keys = [k for k in measure.roles.get(role, ()) if k in doc.gaz.entities]
        if keys:
            c.roles[role] = [pseudo_mention(k, doc.gaz) for k in keys]
            c.weak += 1


def _goes_on_speaking(doc: SentenceDoc, c: Candidate) -> bool:
    """“…”이라고 덧붙였다 with no one named as its subject: the speaker of the sentence before goes
    on (`carry_speaker` verbs of the class)."""
    if c.roles.get("agent") or doc.carried_speaker is None or doc.tokens[c.index].form not in c.spec.get("carry_speaker", ()):
        return False
    return not any(doc.cues[id(m)] in ("subject", "topic") and not doc.in_quote(m.start) for m in doc.mentions)


def _sole_developer(doc: SentenceDoc) -> str | None:
    """H20 매출, 910B와 910C도 개발했다: with no firm named, the one maker of every chip the sentence
    names is the agent; chips of two makers (엔비디아 H100을 능가하는 910D) leave it open."""
    if any(m.type == "Firm" for m in doc.mentions):
        return None
    makers = {doc.gaz.developer_of(m.key) for m in doc.mentions if m.type == "Chip"}
    return makers.pop() if len(makers) == 1 else None


def _pick_roles(doc: SentenceDoc, c: Candidate) -> tuple[dict[str, list[Mention]], int]:
    trigger = doc.tokens[c.index]
    used: set[int] = set()
    roles: dict[str, list[Mention]] = {}
    weak = 0
    shared_subject = False
    used.update(id(m) for m in doc.compilers(c.spec))
    used.update(id(m) for m in _set_aside(doc))
    if c.spec.get("speaker_outside_quote") and not doc.in_quote(trigger.start):
        used.update(id(m) for m in doc.mentions if doc.in_quote(m.start))
    passive = _passive(doc, c)
    subject_role = c.spec.get("subject_role", "agent")
    for role in ROLES:
        role_spec = c.spec["roles"].get(role)
        if not role_spec:
            continue
        pool = _after_own_subject(doc, c.spec, c.in_clause, trigger) if role == "agent" else c.in_clause
        if passive is not None:
            pool = _passive_pool(doc, c, pool, trigger, role == passive)
        pick, preferred = best_filler(doc, role_spec, pool, trigger, used)
        if pick is None and role == subject_role and pool is c.in_clause:
            pick, preferred = best_filler(doc, role_spec, doc.earlier_subjects(c.clause_no, c.spec.get("share_words", ())),
                                          trigger, used, any_cue=role != "agent")
            if pick is not None:
                weak += 1
                shared_subject = True
        if pick is None and role != "agent" and shared_subject:
            pick, preferred = best_filler(doc, role_spec, doc.previous_clause(c.clause_no), trigger, used,
                                          any_cue=True)
            if pick is not None:
                weak += 1
        if pick is None:
            continue
        weak += 0 if preferred else 1
        group = _group(doc, pick) if role_spec.get("many") else [pick]
        taken = {m.key for g in roles.values() for m in g}
        group = [m for m in group if fits(doc, m, role_spec["types"]) and id(m) not in used and m.key not in taken]
        if not group:
            continue
        used.update(id(m) for m in group)
        roles[role] = group
    return roles, weak


def _set_aside(doc: SentenceDoc) -> list[Mention]:
    """엔비디아 대신 화웨이에 주문했다: a name followed by an `instead_words` word is the one not
    chosen; it fills no role."""
    words = doc.rules["instead_words"]
    return [m for m in doc.mentions if m.last_token + 1 < len(doc.tokens) and doc.tokens[m.last_token + 1].form in words]


def _passive(doc: SentenceDoc, c: Candidate) -> str | None:
    """수출 제한을 받고 있다, 조사를 받았다: one of the class's `passive` nouns with the object
    particle and one of its verbs, or one of its passive `triggers` (명단에 오르다); the role the
    clause's subject then plays."""
    spec, tokens = c.spec.get("passive"), doc.tokens
    i = c.index
    if spec and tokens[i].form in spec.get("triggers", ()):
        return spec["role"]  # 블랙리스트에 올랐다: a verb that is passive itself
    if not spec or i + 2 >= len(tokens) or tokens[i].form not in spec["nouns"]:
        return None
    if tokens[i + 1].tag != doc.rules["tags"]["object_particle"] or tokens[i + 2].form not in spec["verbs"]:
        return None
    return spec["role"]


def _passive_pool(doc: SentenceDoc, c: Candidate, pool: list[Mention], trigger: Token, undergoer: bool) -> list[Mention]:
    """In a passive clause the undergoer is a subject or topic before the trigger; no other role
    comes from those names, nor from names after the verb (… 받고 있어 엔비디아는 A800을 만들어)."""
    before = [m for m in pool if m.end <= trigger.start]
    subjects = [m for m in before if doc.cues[id(m)] in ("subject", "topic")]
    return subjects if undergoer else [m for m in before if m not in subjects]


def _after_own_subject(doc: SentenceDoc, spec, mentions: list[Mention], trigger: Token) -> list[Mention]:
    """엔비디아는 미국이 발표한 (조치)…: when the trigger's own subject (이/가, the last before it)
    can fill none of the class's roles, the predicate is that subject's: no name before it is
    the agent. (A subject that can fill a role, H20의 수출이 금지됐다, blocks nothing.)"""
    own = [m for m in mentions if m.end <= trigger.start and doc.cues[id(m)] == "subject"]
    if not own or any(fits(doc, own[-1], r["types"]) for r in spec["roles"].values()):
        return mentions
    endings = doc.rules["tags"]["endings"]
    if any(t.tag in endings for t in doc.tokens if own[-1].end <= t.start < trigger.start):
        return mentions  # "중국이 …했다"고 말했다: a subject of another predicate before the trigger
    return [m for m in mentions if m.start > own[-1].start]


def fits(doc: SentenceDoc, mention: Mention, types) -> bool:
    """A mention of an allowed type, not part of a title. A chip's maker stands for unnamed chips;
    `Official` is a person who leads a government body or country (the gazetteer's cg:leads):
    러트닉 장관이 수출을 막았다 is the Commerce Department acting through its secretary."""
    if id(mention) in doc.titles:
        return False
    return mention.type in types or ("Chip" in types and id(mention) in doc.chip_proxies) or (
        "Official" in types and mention.type == "Person" and bool(doc.gaz.related("leads", mention.key)))


def best_filler(doc: SentenceDoc, role_spec, candidates, trigger: Token, used,
                any_cue: bool = False) -> tuple[Mention | None, bool]:
    """The mention that best fills a role: an allowed particle (earlier in the list is
    better), before the trigger, close to it."""
    scoring = doc.rules["scoring"]
    cues = role_spec["cues"]
    best, best_score, best_pref = None, 0.0, False
    for mention in candidates:
        if id(mention) in used or not fits(doc, mention, role_spec["types"]) or _is_modifier(doc, mention):
            continue
        if _beyond_predicate(doc, trigger, mention):
            continue
        cue = doc.cues[id(mention)]
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


def _beyond_predicate(doc: SentenceDoc, trigger: Token, mention: Mention) -> bool:
    """R1 모델을 출시한 뒤 … 화웨이의 어센드 칩을 사용해: a name after the trigger's own predicate
    has closed, with another verb between, belongs to that verb (not after an adnominal trigger,
    개발한 H20, whose head follows it, unless that head is a `temporal_heads` word: 출시한 뒤)."""
    if mention.start < trigger.start:
        return False
    index = doc.tokens.index(trigger)
    ending = doc.first_ending(index)
    if ending is None or ending.start > mention.start:
        return False
    after = doc.tokens.index(ending) + 1
    if ending.tag == doc.rules["tags"]["modifier_ending"] and not (
            after < len(doc.tokens) and doc.tokens[after].form in doc.rules["temporal_heads"]):
        return False
    return any(t.tag in doc.rules.verbs for t in doc.tokens if ending.end <= t.start < mention.start)


def _is_modifier(doc: SentenceDoc, mention: Mention) -> bool:
    """엔비디아의 H20, 중국의 화웨이, 중국 화웨이: a genitive (or bare, right before) name before a
    name it can qualify (its product, person or organisation) modifies it; H20의 중국 수출 does not."""
    cue = doc.cues[id(mention)]
    if cue not in ("genitive", "bare"):
        return False
    if cue == "bare" and mention.type == "Country" and _heads_examples(doc, mention):
        return True
    following = [m for m in doc.mentions if m.start >= mention.end]
    if not following or following[0].type not in doc.rules["modifies"].get(mention.type, ()):
        return False
    base = doc.sentence.start
    gap = doc.sentence.text[mention.end - base:following[0].start - base]
    if cue == "bare" and _describes(doc, mention.last_token + 1, following[0]):
        return True  # 중국 메모리 반도체 업체 YMTC: the country before a firm's description
    return len(gap.strip()) <= 4 if cue == "genitive" else not gap.strip() and len(gap) <= 1


def _describes(doc: SentenceDoc, start: int, mention: Mention) -> bool:
    """The tokens from `start` up to `mention` are a description of it: nouns ending in a word
    that names its type (AI 칩 업체 캄브리콘, 메모리 반도체 업체 YMTC)."""
    between = doc.tokens[start:mention.first_token]
    if not between or len(between) > 5 or any(t.tag not in doc.rules["tags"]["description"] for t in between):
        return False
    return mention_settings().cue_words.get(normalize_name(between[-1].form)) == mention.type


def _heads_examples(doc: SentenceDoc, mention: Mention) -> bool:
    """YMTC와 캄브리콘 등 중국 기업 36곳을, YMTC를 포함한 31개 중국 기업이: a country before a
    firm noun, after the marker that makes the names before it examples, says where the named
    firms are from; they, not the country, fill the role."""
    s = mention_settings()
    tokens = doc.tokens
    after = mention.last_token + 1
    if after >= len(tokens) or s.cue_words.get(normalize_name(tokens[after].form)) != "Firm":
        return False
    for i in range(mention.first_token - 1, max(mention.first_token - 5, -1), -1):
        token = tokens[i]
        if token.tag == s.modifier_ending_tag:
            return any(t.form in s.example_verbs for t in tokens[max(i - 2, 0):i])
        if token.form in s.examples and token.tag in s.example_marker_tags:
            return True
        if token.tag not in doc.rules["tags"]["count_words"]:
            return False
    return False


def _group(doc: SentenceDoc, mention: Mention) -> list[Mention]:
    """The coordinated list (A와 B, A·B 등) a mention belongs to: names joined by a list particle
    with nothing else between (산업부와 외신 등에 따르면 BIS는: 산업부 is listed with 외신, not BIS)."""
    ordered = doc.mentions
    i = ordered.index(mention)
    start = i
    while start > 0 and _joined(doc, ordered[start - 1], ordered[start]):
        start -= 1
    end = i
    while end < len(ordered) - 1 and _joined(doc, ordered[end], ordered[end + 1]):
        end += 1
    return ordered[start:end + 1]


def _joined(doc: SentenceDoc, left: Mention, right: Mention) -> bool:
    """`left` is listed with `right`: its cue is a list particle and at most that particle (and
    spaces, quotes) stands between them."""
    if left.cue != "coord":
        return False
    base = doc.sentence.start
    gap = doc.sentence.text[left.end - base:right.start - base]
    if len(re.sub(r"[\s'\"‘’“”)(]", "", gap)) <= doc.rules["coordination_gap"]:
        return True
    particle = next((i for i in range(left.last_token + 1, right.first_token)
                     if not doc.tokens[i].tag.startswith(doc.rules["tags"]["quote_prefix"])), None)
    return particle is not None and particle_role(doc.tokens[particle]) == "coord" and \
        _describes(doc, particle + 1, right)  # YMTC와 AI 칩 업체 캄브리콘


def _self_reference(doc: SentenceDoc, c: Candidate) -> None:
    """자국 기업에 지침: the target is the agent's own country."""
    target_spec = c.spec["roles"].get("target")
    if c.roles.get("target") or not target_spec or "Country" not in target_spec["types"] or not c.roles.get("agent"):
        return
    if any(t.form in doc.rules.self_reference for t in doc.tokens[c.a:c.b]):
        country = doc.gaz.country_of(c.roles["agent"][0].key)
        if country:
            c.roles = dict(c.roles, target=[pseudo_mention(country, doc.gaz)])


def _makers_chips(doc: SentenceDoc, c: Candidate) -> None:
    """미국은 … 확대해 엔비디아는 중국에 A800과 H800도 판매할 수 없게 됐다: a firm as the object
    stands for its chips; chips the gazetteer says it makes, named after it in its own clause,
    are the object instead."""
    taken = {id(m) for group in c.roles.values() for m in group}
    objects = []
    for mention in c.roles.get("object", []):
        objects += _chips_after(doc, mention, taken) if mention.type == "Firm" else [mention]
    if objects:
        c.roles["object"] = list({m.key: m for m in objects}.values())


def _chips_after(doc: SentenceDoc, firm: Mention, taken: set[int]) -> list[Mention]:
    """The firm's products named after it in its clause: chips the gazetteer says it makes, or,
    after the firm's genitive (ASML의 가장 진보된 DUV 노광장비), the first product that follows
    with no other firm between."""
    a, b = next((a, b) for a, b in doc.clauses if a <= firm.first_token < b)
    after = [m for m in doc.mentions_in(a, b) if m.start > firm.start and id(m) not in taken and id(m) not in doc.titles]
    chips = [m for m in after if m.type == "Chip" and doc.gaz.developer_of(m.key) == firm.key]
    if not chips and doc.cues[id(firm)] == "genitive" and after and after[0].type in ("Chip", "Equipment", "Material") \
            and not doc.gaz.developer_of(after[0].key):
        chips = [after[0]]
    return chips or [firm]


def _listed_firms(doc: SentenceDoc, c: Candidate) -> None:
    """화웨이를 블랙리스트에 올렸다, SMIC는 명단에 올랐다: firms put on a list (`list_words` in the
    clause) are whom the measure targets, not goods it controls."""
    objects = c.roles.get("object", [])
    if not objects or any(m.type != "Firm" for m in objects):
        return
    if not {t.form for t in doc.tokens[c.a:c.b]} & set(c.spec["list_words"]):
        return
    c.roles["target"] = list({m.key: m for m in c.roles.get("target", []) + objects}.values())
    c.roles.pop("object")


def _recipients(doc: SentenceDoc, c: Candidate) -> None:
    """삼성전자와 SK하이닉스의 중국 공장에 장비 반입: when the sentence is about what reaches a
    firm's plants, the firms are the recipients (targets) of the measure, not what it controls."""
    if not {t.form for t in doc.tokens} & set(c.spec["recipient_words"]):
        return
    firms = [m for m in c.roles.get("object", []) if m.type == "Firm"]
    if not firms:
        return
    rest = [m for m in c.roles["object"] if m.type != "Firm"]
    if rest:
        c.roles["object"] = rest
    else:
        c.roles.pop("object")
    c.roles["target"] = firms


def _drop_maker_agents(doc: SentenceDoc, c: Candidate) -> None:
    """엔비디아는 중국 기업들로부터 받은 H20 주문을 …: the maker of what is ordered sells it; it is
    not the buyer (nor is a firm named as the object the buyer of itself)."""
    objects = c.roles.get("object", [])
    makers = {k for m in objects for k in doc.gaz.inverse("develops", m.key)} | {m.key for m in objects}
    agents = [m for m in c.roles.get("agent", []) if m.key not in makers]
    if agents:
        c.roles["agent"] = agents
    else:
        c.roles.pop("agent", None)


def _drop_maker_target(doc: SentenceDoc, c: Candidate) -> None:
    """미국 정부는 엔비디아에 A100 수출 허가를 받으라고 요구했다: the maker of the chips a measure
    is about is whom it is addressed to, not where the chips may not go."""
    objects = c.roles.get("object", [])
    makers = {k for m in objects for k in doc.gaz.inverse("develops", m.key)}
    targets = c.roles.get("target", [])
    _keep_targets(c, [m for m in targets if not (m.type == "Firm" and m.key in makers)])


def _destination(doc: SentenceDoc, c: Candidate) -> None:
    """엔비디아에 중국 반도체 수출을 위한 라이선스를 요구: a country named bare right before the
    trade noun (중국 수출, 중국 반도체 수출) is where the goods may not go; a firm in the dative
    beside it is whom the measure is addressed to, not its target."""
    found = [m for m in c.in_clause if m.type == "Country" and doc.cues[id(m)] == "bare"
             and _before_trade_noun(doc, m, c.spec["needs_any"])]
    if not found:
        return
    agents = {m.key for m in c.roles.get("agent", [])}
    found = [m for m in found if m.key not in agents]
    targets = [m for m in c.roles.get("target", []) if not (m.type == "Firm" and doc.cues[id(m)] == "dative")]
    if found:
        c.roles["target"] = list({m.key: m for m in targets + found}.values())


def _before_trade_noun(doc: SentenceDoc, mention: Mention, nouns) -> bool:
    """The name is followed by one of `nouns`, with at most two bare nouns or Latin words between (중국 AI 반도체
    수출; not 중국 공장의 VEU)."""
    following = doc.tokens[mention.last_token + 1:mention.last_token + 4]
    for token in following:
        if token.form in nouns:
            return True
        if not token.tag.startswith(tuple(doc.rules["tags"]["chip_word"])):
            return False
    return False


def _drop_own_country(doc: SentenceDoc, c: Candidate) -> None:
    """미국 상무부가 … 미국산 장비의 중국 수출을 통제: a control is aimed abroad, so the agent's own
    country (or the agent itself) is no target of it."""
    agents = c.roles.get("agent", [])
    own = {m.key for m in agents} | {doc.gaz.country_of(m.key) for m in agents}
    _keep_targets(c, [m for m in c.roles.get("target", []) if m.key not in own])


def _keep_targets(c: Candidate, kept: list[Mention]) -> None:
    if kept:
        c.roles["target"] = kept
    else:
        c.roles.pop("target", None)


def _needs_filled(doc: SentenceDoc, c: Candidate) -> bool:
    """needs_after_roles: one of `Filled:ROLE` (the role got a filler) or `ChipObject`."""
    needs = c.spec.get("needs_after_roles")
    if not needs:
        return True
    return any(c.roles.get(n[7:]) if n.startswith("Filled:") else n == "ChipObject" and doc.chip_object(c.index, c.a)
               for n in needs)
