"""The particle after a name: the cue the action rules read a mention's role from.

Korean marks a noun phrase's role with the particle that follows it (엔비디아가 subject,
엔비디아를 object, 엔비디아의 genitive, 중국에 dative …). Between a name and its particle may
stand head nouns (화웨이 칩을), quotes, a person's title (젠슨 황 엔비디아 CEO는) or the noun
phrase of which the name is an example (텐센트 같은 여러 중국 기업은).
"""

from __future__ import annotations

import functools

from kg.nlp.mention import Mention, settings
from kg.nlp.morph import Token


def with_cue(mention: Mention, tokens: tuple[Token, ...], mentions: list[Mention]) -> Mention:
    """Read the particle after a name, skipping head nouns (칩, 반도체) and quotes.

    `A 같은 여러 중국 기업은` and `A 등 빅테크 기업들이`: the name is an example of the noun
    phrase that follows, so it takes that phrase's particle. A headline's subject is often
    followed by a comma (`중국정부, 자국기업에 …`): a comma not followed by another name reads
    as a topic, one followed by a name continues a list.
    """
    s = settings()
    starts = {m.first_token for m in mentions if m is not mention}
    i = mention.last_token + 1
    if mention.type == "Person":
        titled = _title_cue(tokens, i)
        if titled:
            return replace_cue(mention, titled)
    example_mode = False
    for _ in range(10):
        if i >= len(tokens) or (i in starts and not example_mode):
            break
        token = tokens[i]
        if token.form in s.examples and token.tag in s.example_marker_tags:
            example_mode = True
            i += 1
            continue
        role = particle_role(token)
        after_verb = _example_verb_end(tokens, i) if role == "object" else None
        if after_verb is not None:
            example_mode = True
            i = after_verb
            continue
        if role == "genitive" and i + 1 < len(tokens) and tokens[i + 1].form in s.genitive_topics:
            return replace_cue(mention, "topic")
        if token.tag == s.topic_adverb and token.form in s.topic_adverbs:
            return replace_cue(mention, "topic")
        if role == "coord" and token.form == "," and mention is mentions[0] and not _listed_after(mention, i, mentions):
            return replace_cue(mention, "topic")
        if role == "dative" and i + 1 < len(tokens) and tokens[i + 1].form in s["about_verbs"]:
            return replace_cue(mention, "about")  # HBM에 대한 통제, 중국에 대한 수출, ASML에 대해: what it concerns
        if role:
            return replace_cue(mention, role)
        if token.tag in s.skipped_tags or token.form in s.skip_nouns or (
                example_mode and token.tag in s.example_phrase_tags):
            i += 1
            continue
        break
    return replace_cue(mention, "bare")


def _example_verb_end(tokens: tuple[Token, ...], i: int) -> int | None:
    """YMTC를 포함한 31개 기업이: after the object particle at `i`, an example verb (포함, 비롯)
    closed by an adnominal ending within two morphemes; the index after that ending, else None."""
    s = settings()
    if i + 1 >= len(tokens) or tokens[i + 1].form not in s.example_verbs:
        return None
    for j in range(i + 2, min(i + 4, len(tokens))):
        if tokens[j].tag == s.modifier_ending_tag:
            return j + 1
    return None


def _listed_after(mention: Mention, i: int, mentions: list[Mention]) -> bool:
    """A headline's `중국, 갈륨·게르마늄 …` is a topic and its comment; `화웨이, SMIC 등` a list:
    a list goes on with a name of the same type right after the comma."""
    following = next((m for m in mentions if m.first_token == i + 1), None)
    return following is not None and following.type == mention.type


def particle_role(token: Token) -> str | None:
    return _role_of(token.form, token.tag)


@functools.lru_cache(maxsize=4096)
def _role_of(form: str, tag: str) -> str | None:
    s = settings()
    for role, spec in s["particles"].items():
        if form in spec.get("forms", ()) and (tag.startswith(s.particle_prefix) or tag in s.particle_like):
            return role
        if tag in spec.get("tags", ()):
            return role
    return None


def _title_cue(tokens: tuple[Token, ...], i: int) -> str | None:
    """젠슨 황 엔비디아 CEO는, 도널드 트럼프 미국 대통령은: a person's title (with the firm or
    country it belongs to) stands between the name and its particle."""
    s = settings()
    seen_title = False
    for token in tokens[i:i + 8]:
        if token.form in s.titles:
            seen_title = True
            continue
        if token.tag.startswith(s.title_phrase_tags):
            continue
        role = particle_role(token)
        return role if seen_title and role else None
    return None


def replace_cue(mention: Mention, cue: str) -> Mention:
    """The mention with its cue (built directly: `dataclasses.replace` is several times slower,
    and every mention of every sentence passes here)."""
    if mention.cue == cue:
        return mention
    m = mention
    return Mention(m.start, m.end, m.surface, m.key, m.type, m.confidence, m.method, m.first_token,
                   m.last_token, cue, m.label_ko, m.label_en)
