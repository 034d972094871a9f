"""People the gazetteer does not know, found by the way wire copy introduces them: a name, the
body or firm they belong to, and their title (산제이 메로트라 마이크론 CEO는, 허야둥(何亞東) 중국
상무부 대변인이, 니시무라 야스토시 경제산업성 장관은).

The name is at most two proper-noun morphemes right before the body (or the title), Hangul
only; a common noun (업계 관계자, 회사 대표) is no name. With no known body between, a last
morpheme with an organisation's ending (윙테크, 경제산업성) is the body, not part of the name.
The words live in `people` of ontology/lexicon/mentions.yaml.
"""

from __future__ import annotations

import re

from kg.lexicon import Gazetteer
from kg.nlp.mention import Mention, settings, surface
from kg.nlp.morph import Sentence
from kg.nlp.names import new_key

_HANGUL_NAME = re.compile(r"^[가-힣]{2,6}(?: [가-힣]{2,6})?$")


def titled_people(sentence: Sentence, gaz: Gazetteer, known: list[Mention]) -> list[Mention]:
    """New Person mentions introduced by name, body and title."""
    spec = settings()["people"]
    titles = settings().titles | set(spec["extra_titles"])
    tokens = sentence.tokens
    owner = {i: m for m in known for i in range(m.first_token, m.last_token + 1)}
    found: list[Mention] = []
    for t, token in enumerate(tokens):
        two = token.form + tokens[t + 1].form if t + 1 < len(tokens) else ""
        if (token.form not in titles and two not in titles) or t == 0:  # 최고 + 경영자: a title of two morphemes
            continue
        k, bodies = t - 1, 0
        while k >= 0 and k in owner and owner[k].type in spec["body_types"]:
            k, bodies = owner[k].first_token - 1, bodies + 1
        unknown = _unknown_body(tokens, k, owner, spec["body_endings"])
        if unknown != k:  # 네덜란드 통상개발협력부 장관: a body the gazetteer does not know, after its country
            k, bodies = unknown, bodies + 1
            while k >= 0 and k in owner and owner[k].type in spec["body_types"]:
                k = owner[k].first_token - 1
        k, glossed = _before_gloss(tokens, k)
        names = []
        while k >= 0 and len(names) < 2 and k not in owner and _name_part(tokens[k], glossed and not names):
            names.insert(0, k)
            k -= 1
        if not bodies and len(names) == 2 and tokens[names[1]].form.endswith(tuple(spec["body_endings"])):
            names = names[:1]
        if not names or (k >= 0 and k in owner and owner[k].type == "Person"):
            continue
        start, end = tokens[names[0]].start, tokens[names[-1]].end
        name = surface(sentence, start, end)
        if not _HANGUL_NAME.match(name) or gaz.lookup(name) is not None or name in titles:
            continue
        found.append(Mention(start, end, name, new_key("Person", None, name), "Person", settings().confidence("titled"),
                             "titled", names[0], names[-1], label_ko=name))
    return found


def _unknown_body(tokens, k: int, owner, endings) -> int:
    """통상개발협력부 before a title: one written word of common nouns (Kiwi cuts it in several)
    ending in a body ending, named by no mention; the index before it, else k."""
    j = k
    while j > 0 and tokens[j - 1].end == tokens[j].start and tokens[j - 1].tag.startswith("NNG"):
        j -= 1
    word = [tokens[i] for i in range(j, k + 1)]
    if k < 0 or len(word) < 2 or any(i in owner or not tokens[i].tag.startswith("NNG") for i in range(j, k + 1)):
        return k
    return j - 1 if "".join(w.form for w in word).endswith(tuple(endings)) else k


def _before_gloss(tokens, k: int) -> tuple[int, bool]:
    """Skip a parenthesised original (何亞東) before index k+1; whether there was one."""
    if k < 2 or tokens[k].tag != "SSC":
        return k, False
    j = k - 1
    while j >= 0 and tokens[j].tag in ("SH", "SL", "SW"):
        j -= 1
    if j < 0 or j == k - 1 or tokens[j].tag != "SSO":
        return k, False
    return j - 1, True


def _name_part(token, glossed: bool) -> bool:
    """A proper noun (or, before an original in parentheses, any noun) of Hangul only."""
    spec = settings()["people"]
    return (token.tag in spec["name_tags"] or glossed and token.tag in spec["glossed_tags"]) and \
        bool(re.fullmatch(r"[가-힣 ]+", token.form))
