"""Templates: seeded draws of a problem's parameters and their values filled into its texts.

Every (seed, variant, problem) has its own generator, seeded from the text `seed/variant/id`
(random.Random hashes a str seed with SHA-512: the same on every machine and Python run), so a
sheet never changes because another problem was added or resampled.
"""

from __future__ import annotations

import random
from dataclasses import replace

from explain.worksheet.spec import PLACEHOLDER, ProblemSpec

Values = tuple[tuple[str, str], ...]
"""A draw: parameter name -> the text filled in, in the order the params were declared."""


def generator(seed: int, variant: int, problem: str) -> random.Random:
    """The reproducible generator of one problem on one variant."""
    return random.Random(f"{seed}/{variant}/{problem}")  # noqa: S311  (not cryptography)


def draw(spec: ProblemSpec, rng: random.Random) -> Values:
    """One value per parameter, uniformly among its allowed values."""
    return tuple((name, str(rng.choice(param.values()))) for name, param in spec.params)


def fill(spec: ProblemSpec, values: Values) -> ProblemSpec:
    """The problem with its placeholders replaced (negative numbers bracketed in the function)."""
    if not values:
        return spec
    given = dict(values)

    def maths(text: str | None) -> str | None:
        if text is None:
            return None
        return PLACEHOLDER.sub(lambda m: _bracketed(given[m.group(1)]), text)

    def plain(text: str | None) -> str | None:
        if text is None:
            return None
        return PLACEHOLDER.sub(lambda m: given[m.group(1)], text)

    return replace(
        spec,
        function=maths(spec.function),
        at=plain(spec.at),
        script=plain(spec.script),
        prompt=plain(spec.prompt) or "",
        params=(),
    )


def _bracketed(text: str) -> str:
    """-3 becomes (-3), so that x^{n} with n = -3 reads x^(-3) and {a}x reads (-3)x."""
    return f"({text})" if text.startswith("-") else text
