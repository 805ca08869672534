"""The recommendation in one sentence: the same words in the app, the briefing and ``mcdm run``.

The package it names is :attr:`mcdm.recommend.Recommendation.package_id` (the rule is in
:mod:`mcdm.recommend` and data/MODEL.md); this module only words it. Plain text: callers that
render Markdown or HTML escape it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .formats import format_eur_bn
from .recommend import Recommendation
from .results import Package

__all__ = ["package_name", "recommendation_sentence"]


def package_name(p: Package) -> str:
    """A package as people read it, with its stable id: "Hybrid, best at EUR 8 bn (hybrid-f8)"."""
    return f"{p.label} ({p.package_id})" if p.label else p.package_id


def _differences(a: Package, b: Package) -> str:
    cost = abs(a.annual_cost_eur_bn - b.annual_cost_eur_bn)
    troops = abs(a.troops_deployed - b.troops_deployed)
    return f"they differ in cost by {format_eur_bn(cost)} a year and in troops by {troops:,}"


def recommendation_sentence(rec: Recommendation, packages: Mapping[str, Package]) -> str:
    """The headline: the recommended package and how clear the choice is, or, when the methods or
    the weight draws disagree, "too close to call" with the contenders and how they differ.

    Parameters
    ----------
    rec
        The recommendation of the run.
    packages
        The run's packages by id (at least the contenders and the runner-up).
    """
    top = packages[rec.package_id]
    name = package_name(top)
    if rec.basis == "smaa":
        draws = f"{rec.draws:,} weight draws"
        if rec.clear:
            lead = f"Recommended: {name}, first in {rec.share(top.package_id):.0%} of {draws}"
            if rec.runner_up is not None and rec.runner_up in packages:
                other = packages[rec.runner_up]
                lead += f", ahead of {package_name(other)} ({rec.runner_up_share:.0%})"
            return lead + "."
        others = [c for c in rec.contenders if c.package_id != top.package_id]
        listed = "; ".join(
            f"{package_name(packages[c.package_id])} in {c.first_share:.0%}" for c in others
        )
        text = (
            f"Too close to call: {name} is first in {rec.share(top.package_id):.0%} of {draws}, "
            f"{listed}"
        )
        if len(others) == 1:
            text += f"; {_differences(top, packages[others[0].package_id])}"
        return text + "."
    first = next(c.methods_first for c in rec.contenders if c.package_id == top.package_id)
    if rec.clear:
        return f"Recommended: {name}, first under {first} of {rec.methods} methods."
    others = [c for c in rec.contenders if c.package_id != top.package_id]
    text = (
        f"Too close to call: {name} has the best consensus rank but is first under only "
        f"{first} of {rec.methods} methods"
    )
    if others:
        text += "; " + "; ".join(
            f"{package_name(packages[c.package_id])} under {c.methods_first}" for c in others
        )
    if len(others) == 1:
        text += f"; {_differences(top, packages[others[0].package_id])}"
    return text + "."
