"""Content negotiation: which `kg.formats.Format` an answer takes, from `?format=` or `Accept`."""

from __future__ import annotations

from functools import lru_cache

from kg import formats
from kg.formats import Format
from kg.server.errors import ServerError

#: What a SELECT/ASK or a CONSTRUCT/DESCRIBE answer offers, in order of preference (the first
#: answers `*/*`): the formats of `kg.formats`, and a page for people.
RESULT_OFFERS = (*formats.RESULT_FORMATS, Format.HTML)
GRAPH_OFFERS = (*formats.GRAPH_FORMATS, Format.HTML)


def offers_for(kind: str, *, html: bool = True) -> tuple[Format, ...]:
    """The formats a SELECT/ASK or CONSTRUCT/DESCRIBE answer can take."""
    offers = RESULT_OFFERS if kind in ("SELECT", "ASK") else GRAPH_OFFERS
    return offers if html else tuple(f for f in offers if f is not Format.HTML)


@lru_cache(maxsize=512)
def negotiate(accept: str | None, offers: tuple[Format, ...], requested: str | None = None) -> Format:
    """The format to answer in: the `format` parameter if given, else the best match for `Accept`.

    Each offer gets the q-value of the most specific media range that matches it; the highest q
    wins and ties go to the earlier offer. Raises ServerError 406 when nothing acceptable is offered.
    Remembered: clients send the same few Accept headers again and again, and parsing one cost
    more than the rest of a cached answer (a refusal is not remembered, it raises).
    """
    if requested:
        return _named(requested, offers)
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    if best is None:
        raise ServerError(406, f"none of the media types in Accept ({accept}) can be produced here; "
                               f"offered: {', '.join(f.types[0] for f in offers)}.")
    return best


def _named(requested: str, offers: tuple[Format, ...]) -> Format:
    """The offer a `format` parameter names, by name, alias or media type."""
    wanted = requested.strip().lower()
    named = formats.lookup(wanted)
    for offer in offers:
        if named is offer or wanted.split(";")[0].strip() in offer.types:
            return offer
    raise ServerError(406, f"this answer cannot be given as {requested!r}; formats offered: {', '.join(offers)}.")


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    """Media ranges with their q-values; a q that is no number counts as 0 (never an error)."""
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def _quality(offer: Format, ranges: list[tuple[str, float]]) -> float:
    best_specificity, q = -1, 0.0
    for media, quality in ranges:
        kind, _, _ = media.partition("/")
        if media in offer.types:
            specificity = 2
        elif media.endswith("/*") and any(t.startswith(kind + "/") for t in offer.types):
            specificity = 1
        elif media == "*/*" or media == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, q = specificity, quality
    return q
