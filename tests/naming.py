"""Unique names for test resources (buckets, log groups, tables) that cannot look like a value.

A random hex tag holds a run of eight digits now and then (`kunde-3838854995`), and the redaction
gate rightly masks a name with a number in it as a possible identifier: a test that looks for its
bucket by name then fails once in a few dozen runs. Letters only, without vowels, so no tag
spells a word or a name either.
"""

from __future__ import annotations

import random

_LETTERS = "bcdfghjklmnpqrstvwxz"
_random = random.SystemRandom()


def tag(length: int = 10) -> str:
    return "".join(_random.choice(_LETTERS) for _ in range(length))
