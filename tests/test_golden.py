"""The seed graph, byte for byte: any change to what the five seed articles yield shows up here
as a Turtle diff. Deliberate changes are accepted by `python -m tests.golden.make`."""

from __future__ import annotations

import difflib

from tests.golden.make import GOLDEN, seed_turtle


def test_the_seed_graph_is_the_golden_turtle(seed_store):
    made = seed_turtle(seed_store)
    expected = GOLDEN.read_bytes()
    if made != expected:
        diff = difflib.unified_diff(expected.decode().splitlines(), made.decode().splitlines(),
                                    "tests/golden/seeds.ttl", "built from seeds/", lineterm="", n=1)
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(f"the seed graph changed; if that is intended, run "
                             f"`python -m tests.golden.make` and commit the file\n{shown}")
