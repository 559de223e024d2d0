"""The offensive-language score: alt-profanity-check's bundled linear model, no download.

The package loads its model files when first imported (~1.5 s), so it is imported on
first use, once per process.
"""

from __future__ import annotations

from functools import cache


@cache
def _predict_prob():
    from profanity_check import predict_prob

    return predict_prob


def offensive_scores(texts: list[str]) -> list[float]:
    """The probability (0-1) that each text is offensive."""
    if not texts:
        return []
    return [round(float(p), 4) for p in _predict_prob()(texts)]
