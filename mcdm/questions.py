"""The public debate's questions, answered from the model's own packages: what a reassurance
force costs and who sends it, what a tripwire buys and risks, observers against technical means.

Every figure of an answer is read from a package of the run (the row of ``packages.csv`` or the
member's rows of ``allocations.csv``) and says where it comes from (:class:`Figure`), so that an
answer can be checked against the run's own tables; every answer names the packages behind it
and the source keys of the data it rests on (the ``source`` cells of the archetypes, elements
and members used). Nothing here is written by hand but the wording. The US backstop and the
members' refusals are answered in :mod:`mcdm.questions_backstop`; :mod:`mcdm.questions_report`
puts the answers together and writes them. Pure: no solver call in this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from .criteria import contributions
from .formats import format_eur_bn, format_number
from .headline import package_name
from .model import Instance
from .packages import PackageSet
from .results import Package, PackageKind
from .tables import packages_frame

__all__ = [
    "QUESTIONS",
    "Answer",
    "Figure",
    "Question",
    "answer_monitoring",
    "answer_reassurance",
    "answer_tripwire",
    "deterrence_parts",
    "frontier",
    "split_sources",
]

#: Members named as the main contributors of a package.
TOP_CONTRIBUTORS = 5


@dataclass(frozen=True)
class Question:
    """One question of the public debate and the kinds of package that answer it."""

    question_id: str
    text: str
    archetypes: tuple[str, ...] = ()


#: The questions, in the order the report asks them.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "reassurance",
        "How large and costly is a reassurance force that supports Ukraine's military, and who "
        "would send troops?",
        ("reassurance",),
    ),
    Question("tripwire", "What does a tripwire buy, and what does it risk?", ("tripwire",)),
    Question(
        "monitoring",
        "Observers, or satellites and ground cameras, to warn of an attack: cost, coverage, "
        "warning time?",
        ("observer", "technical_monitoring"),
    ),
    Question(
        "backstop", "What does an Article 5-like US backstop change, and what happens without it?"
    ),
    Question("refusals", "Which members' refusals cost most?"),
    Question(
        "ukraine_forces",
        "How should a year's money be split between foreign forces and Ukraine's own?",
        ("steel_porcupine",),  # the reassurance force, where there is one, is the comparison
    ),
)
QUESTIONS_BY_ID: Mapping[str, Question] = {q.question_id: q for q in QUESTIONS}


@dataclass(frozen=True)
class Figure:
    """One number of an answer and where it comes from.

    ``table`` names the run table that holds it: ``packages`` (the row ``package_id``, column
    ``column``), ``allocations`` (the sum of ``column`` over the rows of ``package_id`` and
    ``member_id``), ``prices`` (the price of lifting ``member_id``'s refusal, or every refusal
    when ``member_id`` is empty, for the archetype of ``package_id``) or ``backstop`` (the row
    of ``package_id`` re-solved under US backstop ``option``).
    """

    label: str
    value: float
    unit: str
    table: str
    package_id: str = ""
    column: str = ""
    member_id: str = ""
    option: str = ""


@dataclass(frozen=True)
class Answer:
    """One question answered: the words, the figures, the packages and the sources behind it.

    ``answered`` is False when the scenario holds nothing that answers it (a kind of package it
    does not include, or that cannot be met); ``answer`` then says so.
    """

    question_id: str
    question: str
    answer: str
    figures: tuple[Figure, ...] = ()
    packages: tuple[tuple[str, str], ...] = ()  # (package id, the name people read)
    sources: tuple[str, ...] = ()
    answered: bool = True


# --- helpers -----------------------------------------------------------------------------------


def split_sources(*cells: str) -> tuple[str, ...]:
    """The source keys of some ``source`` cells ("SIPRI-2024;STMT-GBR"), each once, in order."""
    keys = (k.strip() for cell in cells for k in re.split(r"[;,\s]+", cell or ""))
    return tuple(dict.fromkeys(k for k in keys if k))


def frontier(pset: PackageSet, archetype: str) -> list[Package]:
    """An archetype's budget frontier, cheapest first; the last is the best at the budget."""
    return [p for p in pset.packages if p.archetype == archetype and p.kind is PackageKind.FRONTIER]


def deterrence_parts(table: pd.DataFrame) -> list[str]:
    """The deterrence components that ``packages.csv`` holds (``deterrence_<component>``
    columns; none in a model with one deterrence score)."""
    return [c for c in table.columns if c.startswith("deterrence_")]


def missing_reason(instance: Instance, pset: PackageSet, archetype: str) -> str | None:
    """Why a kind of package answers nothing here (not in the scenario, or not possible), or
    None when it has packages."""
    if archetype not in instance.data.archetypes:
        kinds = ", ".join(a.name for a in instance.data.archetypes.values())
        return (
            f"This scenario does not include the '{archetype}' kind of package (it compares: "
            f"{kinds}); add it to the scenario's archetypes to answer."
        )
    if frontier(pset, archetype):
        return None
    outcome = next((o for o in pset.outcomes if o.archetype == archetype), None)
    name = instance.data.archetypes[archetype].name
    if outcome is not None and outcome.message:
        return outcome.message + "."
    return f"No {name} package could be built in this scenario."


class _Reader:
    """Figures of a run's packages, read from the row ``packages.csv`` holds for each."""

    def __init__(self, instance: Instance, pset: PackageSet) -> None:
        self.instance = instance
        self.pset = pset
        self.table = packages_frame(instance, pset).set_index("package_id")

    def value(self, p: Package, column: str) -> float:
        return float(self.table.at[p.package_id, column])

    def figure(self, p: Package, column: str, label: str, unit: str) -> Figure:
        return Figure(label, self.value(p, column), unit, "packages", p.package_id, column)

    def basics(self, p: Package, *columns: str) -> list[Figure]:
        """The package's cost, troops, nations and any of ``columns``, as figures."""
        units = {
            "annual_cost_eur_bn": ("annual cost", "EUR bn/yr"),
            "troops_deployed": ("troops deployed", "troops"),
            "troops_exposed": ("troops in Ukraine", "troops"),
            "nations": ("contributing nations", "count"),
            "deterrence": ("deterrence", "points"),
            "escalation_risk": ("escalation risk", "points"),
            "early_warning_pct": ("early warning (line and depth)", "%"),
            "warning_line_pct": ("share of the line watched", "%"),
            "warning_depth_pct": ("share of the line watched in depth", "%"),
            "readiness_days": ("days until in place", "days"),
            "air_defence_k_km2": ("air-defence cover", "1,000 km2"),
        }
        out = []
        for c in ("annual_cost_eur_bn", "troops_deployed", "troops_exposed", "nations", *columns):
            label, unit = units.get(c, (c.replace("_", " "), "points"))
            out.append(self.figure(p, c, label, unit))
        return out

    def sources(self, packages: Iterable[Package], members: bool = True) -> tuple[str, ...]:
        """Source keys of the packages' archetypes, elements and (with ``members``) members."""
        data = self.instance.data
        cells: list[str] = []
        for p in packages:
            cells.append(data.archetypes[p.archetype].source)
            cells += [data.elements[e].source for e in sorted({a.element_id for a in p.allocation})]
            if members:
                cells += [
                    data.members[m].source for m in sorted({a.member_id for a in p.allocation})
                ]
        return split_sources(*cells)


def _named(packages: Iterable[Package]) -> tuple[tuple[str, str], ...]:
    seen = dict.fromkeys(packages)
    return tuple((p.package_id, package_name(p)) for p in seen)


def _troops(n: float) -> str:
    return f"{round(n):,}"


def _parts_text(r: _Reader, p: Package, parts: list[str]) -> str:
    if not parts:
        return ""
    listed = ", ".join(
        f"{c.removeprefix('deterrence_')} {format_number(r.value(p, c))}" for c in parts
    )
    return f" ({listed})"


# --- the answers -------------------------------------------------------------------------------


def answer_reassurance(instance: Instance, pset: PackageSet) -> Answer:
    """Troops, cost and nations of the reassurance force from its cheapest package to the best
    one at the budget, and the members that send the most troops to the best one."""
    q = QUESTIONS_BY_ID["reassurance"]
    why = missing_reason(instance, pset, "reassurance")
    if why is not None:
        return Answer(q.question_id, q.text, why, answered=False)
    r = _Reader(instance, pset)
    levels = frontier(pset, "reassurance")
    cheap, best = levels[0], levels[-1]
    budget = format_eur_bn(instance.scenario.budget_eur_bn)
    per_member = contributions(instance, best.allocation)
    in_ukraine = [m for m, row in per_member.items() if row["troops_in_ukraine"] > 0]
    top = sorted(per_member, key=lambda m: (-per_member[m]["troops"], m))[:TOP_CONTRIBUTORS]
    members = instance.data.members
    text = (
        f"The best reassurance force within the budget of {budget} a year, {package_name(best)}, "
        f"costs {format_eur_bn(r.value(best, 'annual_cost_eur_bn'))} a year for "
        f"{_troops(r.value(best, 'troops_deployed'))} troops deployed "
        f"({_troops(r.value(best, 'troops_exposed'))} of them in Ukraine) from "
        f"{_troops(r.value(best, 'nations'))} nations."
    )
    if cheap is not best:
        text += (
            f" The cheapest that meets the force's requirements, {package_name(cheap)}, costs "
            f"{format_eur_bn(r.value(cheap, 'annual_cost_eur_bn'))} a year for "
            f"{_troops(r.value(cheap, 'troops_deployed'))} troops from "
            f"{_troops(r.value(cheap, 'nations'))} nations."
        )
    text += (
        f" In the best package {len(in_ukraine)} nations station troops in Ukraine; the largest "
        "contributors are "
        + ", ".join(
            f"{members[m].name} ({_troops(per_member[m]['troops'])} troops, "
            f"{format_eur_bn(per_member[m]['cost_eur_m'] / 1000.0)} a year)"
            for m in top
        )
        + "."
    )
    figures = [f for p in levels for f in r.basics(p)]
    for m in top:
        figures.append(
            Figure(
                f"{members[m].name}: troops",
                per_member[m]["troops"],
                "troops",
                "allocations",
                best.package_id,
                "troops",
                m,
            )
        )
        figures.append(
            Figure(
                f"{members[m].name}: cost",
                per_member[m]["cost_eur_m"],
                "EUR m/yr",
                "allocations",
                best.package_id,
                "cost_eur_m",
                m,
            )
        )
    named = [instance.data.members[m].source for m in top]
    return Answer(
        q.question_id,
        q.text,
        text,
        tuple(figures),
        _named([best, *levels]),
        split_sources(*r.sources(levels, members=False), *named),
    )


def answer_tripwire(instance: Instance, pset: PackageSet) -> Answer:
    """The tripwire's deterrence (and its components, where the model has them) against the
    troops it exposes, its escalation risk and its cost; the cheapest reassurance force beside
    it where the scenario has one."""
    q = QUESTIONS_BY_ID["tripwire"]
    why = missing_reason(instance, pset, "tripwire")
    if why is not None:
        return Answer(q.question_id, q.text, why, answered=False)
    r = _Reader(instance, pset)
    parts = deterrence_parts(r.table)
    levels = frontier(pset, "tripwire")
    cheap, best = levels[0], levels[-1]
    in_ukraine = sum(
        1 for row in contributions(instance, best.allocation).values() if row["troops_in_ukraine"]
    )

    def buys(p: Package) -> str:
        return (
            f"deterrence of {format_number(r.value(p, 'deterrence'))} points"
            f"{_parts_text(r, p, parts)} for {format_eur_bn(r.value(p, 'annual_cost_eur_bn'))} "
            f"a year, with {_troops(r.value(p, 'troops_exposed'))} troops in Ukraine at an "
            f"escalation risk of {format_number(r.value(p, 'escalation_risk'))} points"
        )

    text = f"{package_name(best)} buys {buys(best)}; {in_ukraine} nations have troops in Ukraine."
    if cheap is not best:
        text += f" The cheapest tripwire, {package_name(cheap)}, buys {buys(cheap)}."
    shown = [cheap, best]
    compare = frontier(pset, "reassurance")
    if compare:
        shown.append(compare[0])
        text += f" For comparison, the cheapest reassurance force, {package_name(compare[0])}, "
        text += f"buys {buys(compare[0])}."
    figures = [
        f
        for p in dict.fromkeys(shown)
        for f in r.basics(p, "deterrence", *parts, "escalation_risk")
    ]
    return Answer(
        q.question_id, q.text, text, tuple(figures), _named(shown), r.sources(dict.fromkeys(shown))
    )


def answer_monitoring(instance: Instance, pset: PackageSet) -> Answer:
    """Observers against technical means: the cheapest package of each, the cheapest that
    watches the whole line (or the most either watches), how much of it each watches in depth,
    the people each puts in Ukraine."""
    q = QUESTIONS_BY_ID["monitoring"]
    r = _Reader(instance, pset)
    line = instance.scenario.line_length_km
    depth = instance.data.parameters.warning_depth_min_km
    sentences: list[str] = []
    shown: list[Package] = []
    whole: dict[str, Package] = {}
    for aid in q.archetypes:
        why = missing_reason(instance, pset, aid)
        if why is not None:
            sentences.append(why)
            continue
        name = instance.data.archetypes[aid].name
        levels = frontier(pset, aid)
        cheap = levels[0]
        full = [p for p in levels if r.value(p, "warning_line_pct") >= 100.0 - 1e-9]
        reach = full[0] if full else levels[-1]
        shown += [cheap, reach]
        text = (
            f"{name}: {package_name(cheap)} costs "
            f"{format_eur_bn(r.value(cheap, 'annual_cost_eur_bn'))} a year and watches "
            f"{format_number(r.value(cheap, 'warning_line_pct'))}% of the {line:,.0f} km line "
            f"({format_number(r.value(cheap, 'warning_depth_pct'))}% in depth) "
            f"with {_troops(r.value(cheap, 'troops_exposed'))} people in Ukraine, in place "
            f"after {_troops(r.value(cheap, 'readiness_days'))} days"
        )
        if full:
            whole[aid] = reach
            text += (
                f"; the whole line costs {format_eur_bn(r.value(reach, 'annual_cost_eur_bn'))} "
                f"({package_name(reach)}, {_troops(r.value(reach, 'troops_exposed'))} people "
                f"in Ukraine, {format_number(r.value(reach, 'warning_depth_pct'))}% of the line "
                "in depth)."
            )
        else:
            text += (
                f"; at most {format_number(r.value(reach, 'warning_line_pct'))}% of the line "
                f"within the budget ({package_name(reach)})."
            )
        sentences.append(text)
    if len(whole) == 2:
        obs, tech = whole["observer"], whole["technical_monitoring"]
        sentences.append(
            f"Watching the whole line costs {format_eur_bn(r.value(obs, 'annual_cost_eur_bn'))} "
            f"a year with observers against "
            f"{format_eur_bn(r.value(tech, 'annual_cost_eur_bn'))} with technical means, with "
            f"{_troops(r.value(obs, 'troops_exposed'))} against "
            f"{_troops(r.value(tech, 'troops_exposed'))} people in Ukraine."
        )
    if shown:
        sentences.append(
            "Warning time (the hours or days of notice before an attack) is not a figure of "
            "this model: it counts the kilometres of the line watched and those watched in "
            f"depth (seen at least {depth:,.0f} km behind the line, where forces would gather "
            "to attack); 'days until in place' is how long the package takes to deploy."
        )
    columns = ("early_warning_pct", "warning_line_pct", "warning_depth_pct", "readiness_days")
    figures = [f for p in dict.fromkeys(shown) for f in r.basics(p, *columns)]
    return Answer(
        q.question_id,
        q.text,
        " ".join(sentences),
        tuple(figures),
        _named(shown),
        r.sources(dict.fromkeys(shown)),
        answered=bool(shown),
    )
