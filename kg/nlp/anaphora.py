"""Entities named again in a later sentence: people by surname and title or by a pronoun, firms
and chips by a demonstrative and a type noun (이 회사, 해당 제품).

Wire copy names a person in full once (젠슨 황 엔비디아 CEO) and then by surname and title
(황 CEO는) or by a pronoun (그는). Such a mention denotes the nearest person named before in
the article whose name ends in that surname (for 그, the last person named), at a lower
confidence than the full name; a surname that fits no one named before is left alone.
"""

from __future__ import annotations

from dataclasses import replace

from kg.lexicon import Gazetteer
from kg.nlp.cues import with_cue
from kg.nlp.mention import Mention, settings
from kg.nlp.morph import Sentence


def resolve_people(sentence: Sentence, found: list[Mention], people: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """`found` with the surname-and-title and pronoun mentions of `people` (earlier persons of
    the article, oldest first) added, sorted by position, with their cues."""
    if not people:
        return found
    spec = settings()["anaphora"]
    tokens = sentence.tokens
    found = [_as_named_before(m, sentence, people, gaz, spec) for m in found]
    taken = {i for m in found for i in range(m.first_token, m.last_token + 1)}
    added: list[Mention] = []
    for i, token in enumerate(tokens):
        if i in taken:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.form in settings().titles:
            person = _by_surname(token.form, people, gaz)
            confidence = spec["surname_confidence"]
        elif token.form in spec["pronouns"] and token.tag == spec["pronoun_tag"] and nxt is not None \
                and nxt.form in spec["pronoun_particles"]:
            person, confidence = people[-1], spec["pronoun_confidence"]
        else:
            continue
        if person is None:
            continue
        added.append(_refer(person, sentence, i, i, confidence))
    return _merged(found, added, tokens)


def resolve_things(sentence: Sentence, found: list[Mention], last_named: dict[str, list[Mention]]) -> list[Mention]:
    """이 회사는, 해당 제품의: a demonstrative and a type noun denote the one entity of that type
    the latest earlier sentence that named one named (`last_named`: type → its mentions there);
    where that sentence named two or more, the phrase is left alone."""
    spec = settings()["anaphora"]
    tokens = sentence.tokens
    taken = {i for m in found for i in range(m.first_token, m.last_token + 1)}
    added: list[Mention] = []
    for i in range(len(tokens) - 1):
        if i in taken or i + 1 in taken or tokens[i].form not in spec["demonstratives"]:
            continue
        kind = next((t for t, nouns in spec["type_nouns"].items() if tokens[i + 1].form in nouns), None)
        antecedents = {m.key: m for m in last_named.get(kind, ())}
        if kind is None or len(antecedents) != 1:
            continue
        [antecedent] = antecedents.values()
        added.append(_refer(antecedent, sentence, i, i + 1, spec["demonstrative_confidence"]))
    opener = _bare_opener(sentence, taken, last_named, spec)
    return _merged(found, added + ([opener] if opener else []), tokens)


def _bare_opener(sentence: Sentence, taken: set[int], last_named: dict[str, list[Mention]], spec) -> Mention | None:
    """회사는 …: a type noun alone opening the sentence, as its topic or subject."""
    tokens = sentence.tokens
    if len(tokens) < 2 or 0 in taken or tokens[1].form not in spec["bare_opener_particles"]:
        return None
    kind = next((t for t, nouns in spec["bare_openers"].items() if tokens[0].form in nouns), None)
    antecedents = {m.key: m for m in last_named.get(kind, ())}
    if kind is None or len(antecedents) != 1:
        return None
    [antecedent] = antecedents.values()
    return _refer(antecedent, sentence, 0, 0, spec["bare_opener_confidence"])


def _as_named_before(mention: Mention, sentence: Sentence, people: list[Mention], gaz: Gazetteer, spec) -> Mention:
    """액설로드 차관보 after 매슈 액설로드: a surname found as a new person is the person named before."""
    if mention.method != "titled" or " " in mention.surface:
        return mention
    person = _by_surname(mention.surface, people, gaz)
    if person is None:
        return mention
    return replace(_refer(person, sentence, mention.first_token, mention.last_token, spec["surname_confidence"]),
                   cue=mention.cue)


def _refer(antecedent: Mention, sentence: Sentence, first: int, last: int, confidence: float) -> Mention:
    """A mention of `antecedent` over tokens first..last of the sentence, at most `confidence`."""
    start, end = sentence.tokens[first].start, sentence.tokens[last].end
    return replace(antecedent, start=start, end=end, surface=sentence.text[start - sentence.start:end - sentence.start],
                   first_token=first, last_token=last, method="anaphora",
                   confidence=round(min(antecedent.confidence, confidence), 3))


def _merged(found: list[Mention], added: list[Mention], tokens) -> list[Mention]:
    """`found` and the `added` references in text order, each reference with its own cue."""
    if not added:
        return found
    mentions = sorted(found + added, key=lambda m: m.start)
    fresh = {id(m) for m in added}
    return [with_cue(m, tokens, mentions) if id(m) in fresh else m for m in mentions]


def _by_surname(form: str, people: list[Mention], gaz: Gazetteer) -> Mention | None:
    """The latest person whose name (as written then, or any gazetteer alias) ends in `form`."""
    for person in reversed(people):
        entity = gaz.entities.get(person.key)
        names = [person.surface, *(entity.aliases if entity else ())]
        if any(len(name.split()) > 1 and name.split()[-1] == form for name in names):
            return person
    return None
