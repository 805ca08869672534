"""The recommended package in plain words, and the words and number formats people read.

Pure functions (no Streamlit): the Overview shows :func:`describe_top`, the HTML briefing
(:mod:`mcdm.briefing`) shows it too and builds its tables with the labels and formats here, so
that a figure reads the same wherever it appears.
"""

from __future__ import annotations

import math
from typing import Any

from .cells import escape_markdown
from .criteria import CRITERIA, contributions
from .formats import format_chance, format_eur_bn, format_number
from .headline import recommendation_sentence
from .model import COST_RANGES, Instance, Measure, USBackstop
from .packages import PackageSet
from .results import Package
from .why import sensitivity_line

__all__ = [
    "BACKSTOP_LABELS",
    "CRITERIA_LABEL",
    "POINT_SCALES",
    "cost_uncertainty_words",
    "describe_top",
    "format_criterion",
    "format_troops",
    "method_label",
    "pledge_line",
]

#: The US backstop options as the app's sidebar names them.
BACKSTOP_LABELS = {
    USBackstop.NONE: "None",
    USBackstop.AIR_ISR: "Air power and ISR",
    USBackstop.ARTICLE5: "Article 5-like pledge",
}

#: Criterion id -> its label in lower case, for sentences.
CRITERIA_LABEL = {c.criterion_id: c.label.lower() for c in CRITERIA}

#: What a point is, for the criteria measured in points (data/MODEL.md "Deterrence", A-ESC).
POINT_SCALES = {
    "deterrence": (
        "up to 100 points of denial, reached by ground combat power a third the size of the "
        "Russian forces in theatre, plus 2 points for each NATO nation with at least an armed "
        "company in Ukraine (6 for a nuclear power, 1 outside NATO), raised by the US backstop"
    ),
    "escalation_risk": (
        "its units' risk weights added up, from 3 for an armoured battlegroup to 0 for "
        "anything remote; the scale is open-ended"
    ),
}


def method_label(method: str) -> str:
    """A ranking method as people write it: "PROMETHEE II" for ``PROMETHEE_II``."""
    return method.replace("_", " ")


def format_troops(value: float) -> str:
    """Troops with thousands separators: "10,020"."""
    return f"{round(value):,}"


def format_criterion(criterion_id: str, value: float) -> str:
    """A criterion's value in its one format: "EUR 1.63 bn", "10,020", "82%", "336,000 km²".

    Parameters
    ----------
    criterion_id
        One of :data:`mcdm.criteria.CRITERIA`; another id gets :func:`format_number`.
    value
        The value; a missing one (NaN) reads "n/a".
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    match criterion_id:
        case "annual_cost_eur_bn":
            return format_eur_bn(value)
        case "troops_exposed":
            return format_troops(value)
        case "nations":
            return f"{round(value):,}"
        case "early_warning_pct" | "political_risk_pct":
            return f"{value:.0f}%"
        case "burden_gap_pct":
            return f"{value:.1f}%"
        case "air_defence_k_km2":
            return f"{value * 1000:,.0f} km²"
        case "readiness_days":
            return f"{value:.0f} days"
        case "deterrence" | "escalation_risk":
            return _points(value)
    return format_number(value)


def describe_top(instance: Instance, pset: PackageSet, analysis: Any) -> list[str]:
    """The recommended package in plain words: what it is, what it costs, who sends what, how
    robust.

    Lines of Markdown (bold marks the key figures); every piece of user text in them (names,
    descriptions, ids) is escaped, so that it shows as text and never as a link or an image.

    Parameters
    ----------
    instance
        The run's :class:`mcdm.model.Instance`.
    pset
        The run's packages.
    analysis
        The run's :class:`mcdm.pipeline.Analysis`; its ``top`` is the recommended package.
    """
    md = escape_markdown
    top = analysis.top
    p = pset.get(top)
    a = instance.data.archetypes[p.archetype]
    per = contributions(instance, p.allocation)
    leaders = sorted(per.items(), key=lambda kv: -kv[1]["troops"])[:4]
    people = ", ".join(
        f"{md(instance.data.members[m].name)} {format_troops(r['troops'])}"
        for m, r in leaders
        if r["troops"] > 0
    )
    c = p.criteria
    described = a.description[:1].lower() + a.description[1:]
    air = c["air_defence_k_km2"]
    lines = [
        f"**{md(recommendation_sentence(analysis.recommendation, pset.by_id))}**",
        f"Kind of package: **{md(a.name)}**" + (f" — {md(described)}" if described else "."),
        f"It costs **{format_eur_bn(c['annual_cost_eur_bn'])} a year** and deploys "
        f"**{format_troops(p.troops_deployed)} troops** "
        f"({format_troops(c['troops_exposed'])} inside Ukraine) from **{p.nations} nations**"
        + (f"; the largest contingents (troops): {people}." if people else "."),
        f"Deterrence {_points(c['deterrence'])} ({POINT_SCALES['deterrence']}); early warning "
        f"{format_criterion('early_warning_pct', c['early_warning_pct'])} (it watches "
        f"{format_criterion('early_warning_pct', p.warning_parts.get('line', 0.0))} of the "
        f"{instance.scenario.line_length_km:,.0f} km line, "
        f"{format_criterion('early_warning_pct', p.warning_parts.get('depth', 0.0))} in "
        "depth); "
        + (
            f"air-defence cover over {format_criterion('air_defence_k_km2', air)}; "
            if air > 0
            else "no air-defence cover; "
        )
        + f"escalation risk {_points(c['escalation_risk'])} "
        f"({POINT_SCALES['escalation_risk']}); ready in "
        f"{format_criterion('readiness_days', c['readiness_days'])}.",
    ]
    if p.pledges is not None:
        lines.append(pledge_line(instance, p))
    if analysis.smaa is not None:
        i = list(analysis.smaa.alternatives).index(top)
        share = analysis.smaa.first[i]
        band = analysis.smaa.weight_band
        spread = (
            "weights uniform over every possible weighting"
            if band is None
            else f"weights within ±{band:.0%} of yours"
        )
        words = "robust" if share >= 0.6 else "fairly robust" if share >= 0.35 else "fragile"
        lines.append(
            f"How robust: first in **{share:.0%}** of {analysis.smaa.draws:,} draws of "
            f"{spread} ({method_label(analysis.smaa.method)}) — {words}."
        )
    # only when the recommended package is first at these weights: it has no lead otherwise
    if (sensitive := sensitivity_line(analysis.stability)) is not None:
        lines.append(md(sensitive))
    if p.status.value != "optimal":
        lines.append(
            f"This package is feasible but not proven optimal: {md(p.note or 'a solver limit')}."
        )
    return lines


def pledge_line(instance: Instance, p: Package) -> str:
    """What is left of a package when each member's contribution comes with its chance
    (data/MODEL.md, "Pledges with their chance"), in one Markdown sentence; "" without it."""
    o = p.pledges
    if o is None:
        return ""
    a = instance.data.archetypes[p.archetype]
    per = contributions(instance, p.allocation)
    members = instance.data.members
    shaky = sum(r["troops"] for m, r in per.items() if members[m].position.is_uncertain)
    how = (
        f"exact over {o.outcomes:,} joint outcomes"
        if o.method == "exact"
        else f"{o.outcomes:,} seeded draws"
    )
    if not o.uncertain:
        return (
            f"Every member of this package is certain to come, so the requirements of a "
            f"{escape_markdown(a.name)} hold for certain."
        )
    return (
        f"If each member comes with its chance, the requirements of a "
        f"{escape_markdown(a.name)} still hold with a chance of "
        f"**{format_chance(o.p_requirements_hold)}**; expected troops "
        f"**{format_troops(o.expected_troops)}** (10th percentile "
        f"{format_troops(o.p10_troops)}) of {format_troops(p.troops_deployed)}, expected "
        f"{_primary_words(p.primary, o.expected_primary)} (10th percentile "
        f"{format_number(o.p10_primary)}) against {format_number(p.objective)}. "
        f"{format_troops(shaky)} of its troops come from members whose stated position is "
        f"in principle, conditional, undecided or unstated ({how})."
    )


def _primary_words(measure: Measure, value: float) -> str:
    """A primary measure's value in a sentence."""
    if measure is Measure.DETERRENCE:
        return f"deterrence {_points(value)}"
    if measure is Measure.AIR_DEFENCE_K_KM2:
        return f"air-defence cover {format_number(value)} thousand km²"
    return f"early warning over {format_number(value)} km"


def _points(value: float) -> str:
    """Points in a sentence: "1 point", "308 points"."""
    text = format_number(value)
    return f"{text} point" if text == "1" else f"{text} points"


def cost_uncertainty_words(value: float | str, prefix: str = "") -> str:
    """How unit costs vary between SMAA draws, for a sentence ("" when they do not)."""
    if value == 0:
        return ""
    if value == COST_RANGES:
        return f"{prefix}unit costs drawn over the data's own cost ranges"
    return f"{prefix}unit costs varied by up to ±{float(value):.0%}"
