"""A scenario applied to its data: the references checked, the overrides applied.

:func:`check_references` finds everything a scenario names that its data do not hold (members,
archetypes, elements, criteria, override columns and values) and settings too large for the
packages it can produce; :func:`instantiate` checks the same and then builds the
:class:`~mcdm.model.Instance` the optimiser and the ranking work on. A scenario that does not
fit its data can therefore never reach the core: it ends in an :class:`~mcdm.errors.InputError`
that lists every problem.

Override values are parsed with the data folder's own columns (:mod:`mcdm.io.schema`), so that
a value in a scenario means what it would mean in the CSV file.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from . import limits as lim
from .cost_basis import CostBasis, element_on_basis
from .criteria import CRITERIA_BY_ID
from .errors import InputError, Problem
from .io._parse import display
from .io._values import Column
from .io.scenario import PROFILE_SETTINGS, scenario_to_dict, weight_tables
from .io.schema import (
    OVERRIDABLE_ELEMENT_COLUMNS,
    OVERRIDABLE_MEMBER_COLUMNS,
    archetype_from_table,
    known_ids,
)
from .model import Archetype, Dataset, Element, Instance, Member, Position, Scenario

__all__ = ["check_references", "instantiate", "scenario_digest"]


def check_references(scenario: Scenario, data: Dataset, source: str | None = None) -> list[Problem]:
    """Problems with what a scenario names: members, archetypes, elements, criteria, overrides.

    Parameters
    ----------
    source
        What the scenario is called in messages when it is not a file (an upload, a preset, a
        sweep's variant). By default its file (``source_path``), or ``scenario 'NAME'`` for a
        scenario made in code.
    """
    label = source or (display(scenario.source_path) if scenario.source_path else "")
    shown = label or f"scenario {scenario.name!r}"
    problems: list[Problem] = []
    _check_ids(scenario, data, shown, problems)
    _check_weights(scenario, shown, problems)
    problems += _check_smaa_size(scenario, data, shown)
    problems += _check_withdrawals(scenario, data, shown)
    members = (data.members, "member_id", "members.csv", "a member column")
    elements = (data.elements, "element_id", "elements.csv", "an element column")
    for section, overrides, (known, id_column, file, what), columns in (
        ("member_overrides", scenario.member_overrides, members, OVERRIDABLE_MEMBER_COLUMNS),
        ("element_overrides", scenario.element_overrides, elements, OVERRIDABLE_ELEMENT_COLUMNS),
    ):
        for oid, table in overrides.items():
            if oid not in known:
                problems.append(
                    Problem(
                        shown,
                        known_ids(id_column, known, file),
                        column=f"{section}.{oid}",
                        value=oid,
                    )
                )
            else:
                problems += _check_override(shown, f"{section}.{oid}", table, what, columns)
    _check_archetype_overrides(scenario, data, shown, problems)
    problems += _check_cost_basis(scenario, data, shown)
    if source or not scenario.source_path:  # not a file: name the source
        return [dataclasses.replace(p, file="", source=shown) for p in problems]
    return problems


def _check_ids(scenario: Scenario, data: Dataset, shown: str, problems: list[Problem]) -> None:
    """Every member, archetype and element a scenario lists must be in its data."""

    def check(key: str, value: str, known: Mapping[str, object], expected: str) -> None:
        if value not in known:
            problems.append(Problem(shown, expected, column=key, value=value))

    member = known_ids("member_id", data.members, "members.csv")
    archetype = "an archetype in archetypes.toml (" + ", ".join(data.archetypes) + ")"
    element = known_ids("element_id", data.elements, "elements.csv")
    for i, mid in enumerate(scenario.members, start=1):
        check(f"members[{i}]", mid, data.members, member)
    for i, aid in enumerate(scenario.archetypes, start=1):
        check(f"archetypes[{i}]", aid, data.archetypes, archetype)
    if scenario.burden_sharing:
        for i, mid in enumerate(scenario.burden_sharing.exclude, start=1):
            check(f"burden_sharing.exclude[{i}]", mid, data.members, member)
    if scenario.lead_nations:
        for i, mid in enumerate(scenario.lead_nations.members, start=1):
            check(f"lead_nations.members[{i}]", mid, data.members, member)
    for mid in scenario.funding.shares if scenario.funding else ():
        check(f"funding.shares.{mid}", mid, data.members, member)
    for mid in scenario.pledges.members:
        check(f"pledges.members.{mid}", mid, data.members, member)
    restriction = known_ids("restriction_id", data.restrictions, "restrictions.csv")
    for i, rid in enumerate(scenario.restrictions.lift, start=1):
        check(f"restrictions.lift[{i}]", rid, data.restrictions, restriction)
    for aid, table in scenario.archetype_overrides.items():
        excluded = table.get("excluded_elements")
        for i, eid in enumerate(excluded if isinstance(excluded, list | tuple) else (), start=1):
            key = f"archetype_overrides.{aid}.excluded_elements[{i}]"
            check(key, str(eid), data.elements, element)
    for i, rule in enumerate(scenario.rules, start=1):
        for j, mid in enumerate(rule.members, start=1):
            check(f"rules[{i}].members[{j}]", mid, data.members, member)
        for j, aid in enumerate(rule.archetypes, start=1):
            check(f"rules[{i}].archetypes[{j}]", aid, data.archetypes, archetype)
        for j, eid in enumerate(rule.elements, start=1):
            check(f"rules[{i}].elements[{j}]", eid, data.elements, element)


def _check_cost_basis(scenario: Scenario, data: Dataset, shown: str) -> list[Problem]:
    """An incremental basis needs the incremental share of every element's cost."""
    shares = data.parameters.cost_basis
    if scenario.cost_basis is not CostBasis.INCREMENTAL:
        return []
    missing = [eid for eid, e in data.elements.items() if shares.share(eid, e.category) is None]
    if not missing:
        return []
    why = (
        f"no incremental share for {', '.join(missing)}"
        if shares
        else "no [cost_basis] section with incremental shares"
    )
    return [
        Problem(
            shown,
            f"cost_basis = 'full': the data folder's parameters.toml has {why} (SOURCES.md, "
            "A-COST-BASIS)",
            column="cost_basis",
            value=str(scenario.cost_basis),
        )
    ]


def _check_weights(scenario: Scenario, shown: str, problems: list[Problem]) -> None:
    """Weights name criteria, in ``[weights]`` and in each ``[stakeholders.NAME]`` (the ranking
    settings themselves are checked with the ranges)."""
    for key, weights in weight_tables(scenario):
        settings = PROFILE_SETTINGS if key != "weights" else ()  # a profile's label and ahp
        for name in weights:
            if name not in CRITERIA_BY_ID:
                close = difflib.get_close_matches(
                    name, [*CRITERIA_BY_ID, *settings], n=1, cutoff=0.6
                )
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                what = "a criterion" + (", 'label' or 'ahp'" if settings else "")
                problems.append(
                    Problem(
                        shown,
                        f"{what}{hint}: " + ", ".join(CRITERIA_BY_ID),
                        column=f"{key}.{name}",
                        value=name,
                    )
                )


def _check_smaa_size(scenario: Scenario, data: Dataset, shown: str) -> list[Problem]:
    """Refuse SMAA settings too large for memory, before any solve: the package count is
    bounded by archetypes x (frontier levels + troop levels + alternatives)."""
    r = scenario.robustness
    archetypes = len(scenario.archetypes or data.archetypes)
    f = scenario.frontier
    most = archetypes * (f.levels + f.troop_levels + f.alternatives)
    ranked = set(scenario.ranking.criteria) or set(CRITERIA_BY_ID)
    criteria = len(ranked)
    values = r.cost_uncertainty != 0 and "annual_cost_eur_bn" in ranked  # costs drawn per draw
    origin = (
        f"; up to {most:,} packages come from {archetypes} archetypes x ({f.levels} levels + "
        f"{f.troop_levels} troop levels + {f.alternatives} alternatives)"
    )
    # the stability intervals use the method even without SMAA draws
    if r.method == "PROMETHEE_II" and (why := lim.promethee_problem(most, criteria)):
        return [
            Problem(
                shown,
                f"a method that fits the packages: {why}{origin}",
                column="robustness.method",
                value=r.method,
            )
        ]
    why = lim.smaa_problem(r.smaa_draws, most, criteria, values, r.method)
    if r.smaa_draws <= 0 or why is None:
        return []
    return [Problem(shown, why + origin, column="robustness.smaa_draws", value=r.smaa_draws)]


def _check_withdrawals(scenario: Scenario, data: Dataset, shown: str) -> list[Problem]:
    """``[resilience] withdrawals``: fewer than the scenario's members (one must be left)."""
    k = scenario.resilience.withdrawals
    n = len(scenario.members or data.members)
    if k < n:
        return []
    why = f"fewer withdrawals than the scenario's {n} members (0: off)"
    return [Problem(shown, why, column="resilience.withdrawals", value=k)]


def _check_override(
    shown: str, where: str, table: Mapping[str, object], what: str, columns: Mapping[str, Column]
) -> list[Problem]:
    """Problems with one ``[section.<id>]`` table: unknown columns, bad values."""
    problems = []
    for key, value in table.items():
        col = columns.get(key)
        if col is None:
            close = difflib.get_close_matches(key, list(columns), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    shown,
                    f"{what}{hint}: " + ", ".join(columns),
                    column=f"{where}.{key}",
                    value=key,
                )
            )
            continue
        _, ok = col.parse(value)
        # TOML gives typed values: a number written as a string is a mistake here
        if not ok or (isinstance(value, str) and col.kind in ("int", "float", "bool")):
            problems.append(
                Problem(shown, col.expected(value), column=f"{where}.{key}", value=value)
            )
    return problems


def _check_archetype_overrides(
    scenario: Scenario, data: Dataset, shown: str, problems: list[Problem]
) -> None:
    """Each ``[archetype_overrides.<id>]`` must name an archetype and leave a valid one."""
    for aid, table in scenario.archetype_overrides.items():
        key = f"archetype_overrides.{aid}"
        if aid not in data.archetypes:
            problems.append(
                Problem(
                    shown,
                    "an archetype in archetypes.toml (" + ", ".join(data.archetypes) + ")",
                    column=key,
                    value=aid,
                )
            )
        elif "archetype_id" in table:
            problems.append(
                Problem(
                    shown,
                    "no archetype_id key",
                    column=f"{key}.archetype_id",
                    value=table["archetype_id"],
                )
            )
        else:
            base = dataclasses.asdict(data.archetypes[aid])
            archetype_from_table({**base, **table}, shown, key, problems)


def instantiate(scenario: Scenario, data: Dataset) -> Instance:
    """Apply a scenario to its dataset: filter members and archetypes, apply overrides.

    Raises
    ------
    InputError
        If the scenario names what the data do not hold, with the problems
        :func:`check_references` gives.
    """
    problems = check_references(scenario, data)
    if problems:
        raise InputError(problems)
    members = _members(scenario, data)
    elements = _elements(scenario, data)
    availability = {k: v for k, v in data.availability.items() if k[0] in members and v > 0}
    sub = dataclasses.replace(
        data,
        members=members,
        elements=elements,
        archetypes=_archetypes(scenario, data),
        availability=availability | _funding(members, elements, data.availability),
    )
    return Instance(scenario=scenario, data=sub, digest=scenario_digest(scenario, data))


def _funding(
    members: Mapping[str, Member],
    elements: Mapping[str, Element],
    stated: Mapping[tuple[str, str], int],
) -> dict[tuple[str, str], int]:
    """Units of Ukraine's own forces each member can pay for, where availability.csv says
    nothing: as many as its money cap funds (A-AVAIL-UA). Any member with money can fund a
    Ukrainian brigade; a row in availability.csv (0 to bar it) takes precedence."""
    out: dict[tuple[str, str], int] = {}
    for eid, e in elements.items():
        if not e.category.is_funding or e.cost_eur_m <= 0:
            continue
        for mid, m in members.items():
            n = int(m.max_contribution_eur_m / e.cost_eur_m + 1e-9)
            if (mid, eid) not in stated and n > 0:
                out[(mid, eid)] = n
    return out


def _members(scenario: Scenario, data: Dataset) -> dict[str, Member]:
    """The scenario's members (all by default), with their overrides."""
    out: dict[str, Member] = {}
    for mid in scenario.members or tuple(data.members):
        m = data.members[mid]
        overrides = scenario.member_overrides.get(mid, {})
        if overrides:
            parsed: dict[str, Any] = {}
            for key, value in overrides.items():
                v, _ = OVERRIDABLE_MEMBER_COLUMNS[key].parse(value)
                parsed[key] = Position(str(v)) if key == "position" else v
            m = dataclasses.replace(m, **parsed)
        out[mid] = m
    return out


def _elements(scenario: Scenario, data: Dataset) -> dict[str, Element]:
    """Every element, with the scenario's overrides, its costs on the scenario's basis (an
    override's cost is a full cost, as in elements.csv)."""
    out = dict(data.elements)
    for eid, table in scenario.element_overrides.items():
        parsed = {
            key: OVERRIDABLE_ELEMENT_COLUMNS[key].parse(value)[0] for key, value in table.items()
        }
        e = dataclasses.replace(out[eid], **parsed)  # type: ignore[arg-type]
        # a cost moved outside its documented range widens the range rather than contradict it
        out[eid] = dataclasses.replace(
            e,
            cost_low_eur_m=min(e.cost_low_eur_m, e.cost_eur_m),
            cost_high_eur_m=max(e.cost_high_eur_m, e.cost_eur_m),
        )
    if scenario.cost_basis is CostBasis.INCREMENTAL:
        shares = data.parameters.cost_basis
        for eid, e in out.items():
            share = shares.share(eid, e.category)
            assert share is not None  # the data's shares cover every element (io.parameters)
            out[eid] = element_on_basis(e, share)
    return out


def _archetypes(scenario: Scenario, data: Dataset) -> dict[str, Archetype]:
    """The scenario's archetypes (all by default), with their overrides."""
    out: dict[str, Archetype] = {}
    for aid in scenario.archetypes or tuple(data.archetypes):
        a = data.archetypes[aid]
        table = scenario.archetype_overrides.get(aid)
        if table:
            checked: list[Problem] = []  # checked already: no problem can come
            merged = archetype_from_table({**dataclasses.asdict(a), **table}, "-", aid, checked)
            a = merged if merged is not None else a
        out[aid] = a
    return out


def scenario_digest(scenario: Scenario, data: Dataset) -> str:
    """A digest of everything a run depends on: the scenario's settings and the data files."""
    payload = scenario_to_dict(scenario)
    blob = json.dumps(payload, sort_keys=True, default=str).encode() + data.digest.encode()
    return hashlib.sha256(blob).hexdigest()
