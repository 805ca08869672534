"""Two of the debate's questions that need more than one package: what the US backstop changes
(the scenario re-solved under each option of ``data/parameters.toml``'s ``[backstop.*]``) and
which members' refusals cost most (the constraint prices the run already solved).

The backstop re-solves go through the same pipeline as any run (:func:`mcdm.pipeline.
optimise_scenario`), at reduced settings that leave the answer unchanged: only each archetype's
best package at the scenario budget is solved (no frontier, no alternatives, no prices), which
is the same solve, with the same settings, that gives a run its best package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from .criteria import contributions
from .describe import BACKSTOP_LABELS
from .formats import format_eur_bn, format_number
from .headline import package_name
from .instance import instantiate
from .milp import REGISTRY, ConstraintFamily
from .model import (
    US_MEMBER_ID,
    FrontierSettings,
    Instance,
    RankingSettings,
    RobustnessSettings,
    SolverSettings,
    USBackstop,
)
from .packages import PackageSet
from .pipeline import optimise_scenario
from .prices import MEASURE_LABEL, ConstraintPrice
from .questions import (
    QUESTIONS_BY_ID,
    Answer,
    Figure,
    deterrence_parts,
    frontier,
    split_sources,
)
from .results import Package
from .tables import packages_frame

__all__ = [
    "answer_backstop",
    "answer_refusals",
    "backstop_frame",
    "backstop_instance",
    "solve_backstops",
]

#: Members named as the costliest refusals.
TOP_REFUSALS = 5


def backstop_instance(instance: Instance, option: USBackstop) -> Instance:
    """The scenario under US backstop ``option``, reduced to the best package of each archetype
    at the budget (no frontier levels, alternatives or troop levels).

    Ranking settings do not change a solve, so they are reset: the instance's digest, which
    keys the app's cache of these solves, changes only with what the solve depends on.
    """
    s = instance.scenario
    reduced = replace(
        s,
        us_backstop=option,
        frontier=FrontierSettings(levels=1, alternatives=0, troop_levels=0),
        weights={},
        ranking=RankingSettings(),
        robustness=RobustnessSettings(),
        stakeholders={},
    )
    return instantiate(reduced, instance.data)


def solve_backstops(
    instance: Instance,
    *,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    solve: Callable[[Instance], PackageSet] | None = None,
) -> dict[USBackstop, PackageSet]:
    """Each backstop option other than the scenario's, re-solved (best packages only).

    ``solve`` solves one reduced instance (default: :func:`mcdm.pipeline.optimise_scenario`
    without prices); the app passes its cached solve.
    """

    def default(inst: Instance) -> PackageSet:
        return optimise_scenario(inst, settings=settings, jobs=jobs, prices=False).packages

    run = solve or default
    return {
        option: run(backstop_instance(instance, option))
        for option in instance.data.parameters.backstop
        if option != instance.scenario.us_backstop
    }


def _best(pset: PackageSet) -> dict[str, Package]:
    """Each archetype's best package at the budget."""
    aids = dict.fromkeys(p.archetype for p in pset.packages)
    return {aid: frontier(pset, aid)[-1] for aid in aids if frontier(pset, aid)}


def _options(
    instance: Instance, pset: PackageSet, others: Mapping[USBackstop, PackageSet]
) -> dict[USBackstop, PackageSet]:
    """Every option's packages, in the order of ``parameters.toml``: the run's own for the
    scenario's option."""
    own = instance.scenario.us_backstop
    return {
        o: pset if o == own else others[o]
        for o in instance.data.parameters.backstop
        if o == own or o in others
    }


def backstop_frame(
    instance: Instance, pset: PackageSet, others: Mapping[USBackstop, PackageSet]
) -> pd.DataFrame:
    """``backstop.csv``: each archetype's best package at the budget under each US backstop
    option (the run's own package for the scenario's option), with what the US sends to it."""
    frames = []
    for option, packages in _options(instance, pset, others).items():
        best = _best(packages)
        table = packages_frame(instance, packages)
        table = table[table["package_id"].isin([p.package_id for p in best.values()])].copy()
        us = {
            p.package_id: contributions(instance, p.allocation).get(US_MEMBER_ID, {})
            for p in best.values()
        }
        table.insert(0, "us_backstop", option.value)
        table["us_troops"] = [int(us[i].get("troops", 0)) for i in table["package_id"]]
        table["us_cost_eur_m"] = [float(us[i].get("cost_eur_m", 0.0)) for i in table["package_id"]]
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


#: The options in a sentence ("under ...").
_OPTION_WORDS = {
    USBackstop.NONE: "no US backstop",
    USBackstop.AIR_ISR: "US air power and ISR",
    USBackstop.ARTICLE5: "an Article 5-like US pledge",
}


def _label(option: USBackstop) -> str:
    return _OPTION_WORDS.get(option) or BACKSTOP_LABELS.get(option, option.value)


def answer_backstop(
    instance: Instance, pset: PackageSet, others: Mapping[USBackstop, PackageSet]
) -> Answer:
    """What each backstop option gives each archetype's best package: deterrence (and its
    components), cost, escalation risk, what the US sends, and what cannot be met without it."""
    q = QUESTIONS_BY_ID["backstop"]
    options = _options(instance, pset, others)
    if len(options) < 2:
        return Answer(
            q.question_id,
            q.text,
            "The data hold a single US backstop option; there is nothing to compare.",
            answered=False,
        )
    table = backstop_frame(instance, pset, others).set_index(["us_backstop", "package_id"])
    parts = deterrence_parts(table)
    own = instance.scenario.us_backstop
    best = {o: _best(ps) for o, ps in options.items()}
    figures: list[Figure] = []
    named: list[tuple[str, str]] = []
    sentences = [
        f"The scenario assumes {_label(own)}. Each kind of package re-solved at the budget of "
        f"{format_eur_bn(instance.scenario.budget_eur_bn)} a year under each option:"
    ]
    for aid, a in instance.data.archetypes.items():
        per = {o: best[o][aid] for o in options if aid in best[o]}
        if not per:
            continue
        bits = []
        for o, p in per.items():
            bits.append(_option_words(table, o, p, parts))
            suffix = "" if o == own else f" (re-solved, {o.value})"
            named.append((p.package_id, package_name(p) + suffix))
            figures += _option_figures(table, a.name, o, p, parts)
        bits += _article5_change(table, per)
        lost = [o for o in options if o not in per]
        missing = "; cannot be met with " + ", ".join(_label(o) for o in lost) if lost else ""
        sentences.append(f"{a.name}: " + "; ".join(bits) + missing + ".")
    sentences += _backstop_closing(options)
    params = instance.data.parameters
    cells = [params.backstop[o].source for o in options]
    if US_MEMBER_ID in instance.data.members:
        cells.append(instance.data.members[US_MEMBER_ID].source)
    return Answer(
        q.question_id,
        q.text,
        " ".join(sentences),
        tuple(figures),
        tuple(named),
        split_sources(*cells),
    )


def _value(table: pd.DataFrame, o: USBackstop, p: Package, column: str) -> float:
    """One figure of the backstop table: option ``o``'s package ``p``, one column."""
    return float(table.at[(o.value, p.package_id), column])


def _option_words(table: pd.DataFrame, o: USBackstop, p: Package, parts: Sequence[str]) -> str:
    """What one backstop option gives one package, in a clause."""

    def v(column: str) -> float:
        return _value(table, o, p, column)

    split = (
        " ("
        + ", ".join(f"{c.removeprefix('deterrence_')} {format_number(v(c))}" for c in parts)
        + ")"
        if parts
        else ""
    )
    us = (
        f", the US sends {format_eur_bn(v('us_cost_eur_m') / 1000.0)} a year"
        if v("us_cost_eur_m") > 0
        else ""
    )
    return (
        f"{_label(o)}: deterrence {format_number(v('deterrence'))}{split}, "
        f"{format_eur_bn(v('annual_cost_eur_bn'))}, escalation risk "
        f"{format_number(v('escalation_risk'))}{us}"
    )


def _option_figures(
    table: pd.DataFrame, name: str, o: USBackstop, p: Package, parts: Sequence[str]
) -> list[Figure]:
    """The figures behind :func:`_option_words`, each with the table cell it was read from."""
    return [
        Figure(
            f"{name}, {_label(o)}: {label}",
            _value(table, o, p, column),
            unit,
            "backstop",
            p.package_id,
            column,
            option=o.value,
        )
        for column, label, unit in (
            ("deterrence", "deterrence", "points"),
            *((c, c.replace("_", " "), "points") for c in parts),
            ("annual_cost_eur_bn", "annual cost", "EUR bn/yr"),
            ("escalation_risk", "escalation risk", "points"),
            ("us_cost_eur_m", "US contribution", "EUR m/yr"),
        )
    ]


def _article5_change(table: pd.DataFrame, per: Mapping[USBackstop, Package]) -> list[str]:
    """An Article 5-like pledge's change in deterrence against no backstop, when both exist."""
    low, high = per.get(USBackstop.NONE), per.get(USBackstop.ARTICLE5)
    if low is None or high is None or _value(table, USBackstop.NONE, low, "deterrence") <= 0:
        return []
    change = _value(table, USBackstop.ARTICLE5, high, "deterrence") / _value(
        table, USBackstop.NONE, low, "deterrence"
    )
    return [f"an Article 5-like pledge gives {100 * (change - 1):+.0f}% deterrence"]


def _backstop_closing(options: Mapping[USBackstop, PackageSet]) -> list[str]:
    """What cannot be met without a backstop, and how the options were solved."""
    out = []
    without = options.get(USBackstop.NONE)
    if without is not None:
        failed = [o.message for o in without.infeasible]
        out.append(
            "Without a backstop: "
            + ("; ".join(failed) + "." if failed else "every kind of package can still be met.")
        )
    out.append(
        "Only each kind's best package at the budget was re-solved (no frontier, alternatives "
        "or prices): the same solve that gives a run its best package."
    )
    return out


def _refusal_members(instance: Instance, archetype: str) -> dict[str, str]:
    """Price label -> member id of each single refusal priced for ``archetype``."""
    out = {}
    for family_ in REGISTRY:
        for option in family_.price_options(instance, archetype):
            items = [i for f, i in option.relax.switches if f is ConstraintFamily.REFUSALS]
            if option.parent is not None and len(items) == 1 and items[0] is not None:
                out[option.label] = items[0]
    return out


def answer_refusals(instance: Instance, pset: PackageSet) -> Answer:
    """What lifting the members' refusals to station troops in Ukraine would gain, from the
    prices the run solved: all refusals together, then the costliest single ones."""
    q = QUESTIONS_BY_ID["refusals"]
    best = _best(pset)
    priced = _refusal_prices(instance, pset, best)
    if not priced:
        refusing = any(_refusal_members(instance, aid) for aid in best)
        text = (
            "The constraint prices were not computed for this run; run it with prices to answer."
            if refusing
            else "No member of this scenario refuses to station troops in Ukraine where its "
            "kinds of package would use them, so no refusal costs anything here."
        )
        return Answer(q.question_id, q.text, text, answered=not refusing)
    names = instance.data.archetypes
    data = instance.data.members

    def worded(c: ConstraintPrice) -> str:
        return _price_words(c, names[c.archetype].name)

    costly, nothing = _costly_and_free(priced)
    order = list(costly)[:TOP_REFUSALS]
    sentences = [
        "Lifting every refusal to station troops in Ukraine at once would change the best "
        "package at the budget as follows: "
        + "; ".join(worded(c) for c, m in priced if not m)
        + "."
    ]
    if order:
        sentences.append(
            "The costliest single refusals (their gains summed over the kinds of package): "
            + "; ".join(
                f"{data[m].name}'s ("
                + ", ".join(worded(c) for c in sorted(costly[m], key=lambda c: -c.gain_pct))
                + ")"
                for m in order
            )
            + "."
        )
    if nothing:
        sentences.append(
            "Costing nothing at this budget (within the solver's tolerance): "
            + ", ".join(data[m].name for m in nothing)
            + "."
        )
    sentences.append(
        "Each price re-solves the best package with the refusal lifted (data/MODEL.md, 'The "
        "price of each constraint')."
    )
    shown = [(c, m) for c, m in priced if not m] + [(c, m) for m in order for c in costly[m]]
    figures = [
        f
        for c, m in shown
        for f in _price_figures(c, data[m].name if m else "all refusals", m, names, best)
    ]
    packages = tuple(
        dict.fromkeys(
            (best[c.archetype].package_id, package_name(best[c.archetype])) for c, _ in priced
        )
    )
    return Answer(
        q.question_id,
        q.text,
        " ".join(sentences),
        tuple(figures),
        packages,
        split_sources(*(data[m].source for m in [*order, *nothing])),
    )


def _refusal_prices(
    instance: Instance, pset: PackageSet, best: Mapping[str, Package]
) -> list[tuple[ConstraintPrice, str]]:
    """The run's prices of refusals: (price, member id, or "" for all refusals together)."""
    priced: list[tuple[ConstraintPrice, str]] = []
    for aid in best:
        members = _refusal_members(instance, aid)
        for c in pset.prices:
            if c.archetype != aid:
                continue
            if c.family == ConstraintFamily.REFUSALS.value:
                priced.append((c, ""))
            elif c.label in members:
                priced.append((c, members[c.label]))
    return priced


def _price_words(c: ConstraintPrice, archetype_name: str) -> str:
    """A price in words, with the thresholds of ConstraintPrice.message: gains within the
    solver's gap are noise."""
    what = MEASURE_LABEL[c.measure]
    parts = []
    if c.gain_pct > max(0.05, 100.0 * c.mip_gap):
        parts.append(f"+{c.gain_pct:.1f}% {what}")
    if c.saving_eur_bn > max(0.0005, c.mip_gap * c.base_cost_eur_bn):
        parts.append(f"{format_eur_bn(c.saving_eur_bn)} a year less for the same {what}")
    at_least = "" if c.exact else "at least "
    return f"{archetype_name}: {at_least}{' or '.join(parts) or 'nothing'}"


def _costly_and_free(
    priced: Sequence[tuple[ConstraintPrice, str]],
) -> tuple[dict[str, list[ConstraintPrice]], list[str]]:
    """Single refusals that cost something, costliest first, and the members whose refusal
    costs nothing anywhere."""
    costly: dict[str, list[ConstraintPrice]] = {}
    free: set[str] = set()
    for c, m in priced:
        if m and not c.is_free:
            costly.setdefault(m, []).append(c)
        elif m:
            free.add(m)
    # "cost most": the gains summed over the kinds of package (rounded, so that solver noise
    # in the last digits does not order equal prices), then the savings
    order = sorted(
        costly,
        key=lambda m: (
            -round(sum(c.gain_pct for c in costly[m]), 1),
            -round(sum(c.saving_eur_bn for c in costly[m]), 3),
            m,
        ),
    )
    return {m: costly[m] for m in order}, sorted(free - set(costly))


def _price_figures(
    c: ConstraintPrice,
    who: str,
    member: str,
    names: Mapping[str, Any],
    best: Mapping[str, Package],
) -> list[Figure]:
    """A price's gain and saving as figures, read from the prices table."""
    top = best[c.archetype]
    return [
        Figure(
            f"{who}, {names[c.archetype].name}: {label}",
            value,
            unit,
            "prices",
            top.package_id,
            column,
            member,
        )
        for label, value, unit, column in (
            ("gain", c.gain_pct, "%", "gain_pct"),
            ("saving", c.saving_eur_bn, "EUR bn/yr", "saving_eur_bn"),
        )
    ]
