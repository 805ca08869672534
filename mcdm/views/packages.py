"""The packages as the Overview, Packages, Contributions and Trade-offs pages show them: the
packages' table, an allocation, each member's share and caps, two packages compared, the
kinds of package, the prices of their constraints."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..cells import escape_markdown
from ..criteria import CRITERIA, DETERRENCE_PARTS, burden_base, contributions
from ..formats import format_eur_bn
from ..model import Instance
from ..packages import PackageSet
from ..pledges import member_probability
from ..resilience import withdrawers
from ..results import Package, PackageKind
from ..session.words import BETTER_WORDS, DETERRENCE_PART_HEADERS, criterion_value

__all__ = [
    "PLEDGE_HEADERS",
    "allocation_matrix",
    "archetype_names",
    "archetype_table",
    "caps_table",
    "compare_criteria",
    "frontier_measures",
    "horizon_columns",
    "member_table",
    "package_names",
    "packages_table",
    "price_lines",
    "scenario_caption",
    "side_by_side",
]


def archetype_names(instance: Instance) -> dict[str, str]:
    """Kind of package id -> its name."""
    return {aid: a.name for aid, a in instance.data.archetypes.items()}


def packages_table(
    instance: Instance, pset: PackageSet, consensus: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """The packages with their criteria, units in the headers, dominated ones marked: by
    name, with the id beside it."""
    names = archetype_names(instance)
    rows = []
    for p in pset.packages:
        row = {
            "Package": p.label or p.package_id,
            "Id": p.package_id,
            "Kind of package": names.get(p.archetype, p.archetype),
            "How found": _kind_label(p),
            "Status": p.status.value.replace("_", " "),
            "Troops deployed": p.troops_deployed,
        }
        for c in CRITERIA:
            row[c.header] = p.criteria[c.criterion_id]
            if c.criterion_id == "deterrence":
                row |= _deterrence_parts(p)
            if c.criterion_id == "annual_cost_eur_bn":
                row |= horizon_columns(instance, p)
        row |= _pledge_columns(p)
        row["Dominated"] = "dominated" if p.dominated else ""
        row["Note"] = p.note
        if consensus is not None:
            row["Consensus rank"] = consensus.get(p.package_id)
        rows.append(row)
    df = pd.DataFrame(rows)
    if consensus is not None and len(df):
        df = df.sort_values("Consensus rank", kind="stable")  # ties keep the package order
    return df


def horizon_columns(instance: Instance, p: Package) -> dict[str, float]:
    """A package's one-off cost and its cost over the scenario's horizon (present value)."""
    years = instance.scenario.horizon_years
    return {
        "One-off cost (EUR bn)": p.one_off_cost_eur_bn,
        f"Cost over {years} years (EUR bn)": p.horizon_cost_eur_bn,
    }


#: The packages table's columns for a package over its members' joint outcomes (mcdm.pledges).
PLEDGE_HEADERS = {
    "p_requirements_hold": "Requirements hold (%)",
    "expected_primary": "Expected primary measure",
    "p10_primary": "Primary measure, 10th percentile",
    "expected_troops": "Expected troops",
    "p10_troops": "Troops, 10th percentile",
}


def _pledge_columns(p: Package) -> dict[str, float | None]:
    """The chance a package's requirements hold (in %) and its expected and 10th-percentile
    primary measure and troops, when each member comes with its chance."""
    o = p.pledges
    if o is None:
        return dict.fromkeys(PLEDGE_HEADERS.values())
    out = {h: float(getattr(o, k)) for k, h in PLEDGE_HEADERS.items()}
    out[PLEDGE_HEADERS["p_requirements_hold"]] *= 100.0
    return out


def _deterrence_parts(p: Package) -> dict[str, float]:
    """A package's deterrence by part, under people's headers."""
    return {
        DETERRENCE_PART_HEADERS[part]: p.deterrence_parts.get(part, 0.0)
        for part in DETERRENCE_PARTS
    }


def package_names(pset: PackageSet) -> dict[str, str]:
    """Package id -> the name people read (its label, or the id where it has none)."""
    return {p.package_id: p.label or p.package_id for p in pset.packages}


def _kind_label(p: Package) -> str:
    if p.kind is PackageKind.FRONTIER:
        return f"best at EUR {p.budget_level_eur_bn:.2f} bn"
    if p.kind is PackageKind.TROOPS:
        return f"best with <= {p.troop_level:,} troops"
    return f"alternative ({p.gap_to_best_pct:.1f}% below the best)"


def allocation_matrix(instance: Instance, package: Package) -> pd.DataFrame:
    """Units per member (rows) and element (columns), members by troops sent."""
    if not package.allocation:
        return pd.DataFrame()
    df = pd.DataFrame(
        [
            {
                "member": instance.data.members[a.member_id].name,
                "element": instance.data.elements[a.element_id].name,
                "units": a.units,
            }
            for a in package.allocation
        ]
    )
    table = df.pivot_table(
        index="member", columns="element", values="units", aggfunc="sum", fill_value=0
    )
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table.index.name, table.columns.name = "Member", None
    return table


def member_table(instance: Instance, package: Package) -> pd.DataFrame:
    """Per member: units, troops, troops in Ukraine, cost, cost share and GDP share."""
    per = contributions(instance, package.allocation)
    base = burden_base(instance)
    gdp_total = sum(instance.data.members[m].gdp_usd_bn for m in base) or 1.0
    total = sum(r["cost_eur_m"] for r in per.values()) or 1.0
    rows = []
    for mid, r in sorted(per.items(), key=lambda kv: -kv[1]["cost_eur_m"]):
        m = instance.data.members[mid]
        rows.append(
            {
                "Member": m.name,
                "Units": r["units"],
                "Troops": r["troops"],
                "Troops in Ukraine": r["troops_in_ukraine"],
                "Cost (EUR m/yr)": r["cost_eur_m"],
                "Cost share (%)": 100 * r["cost_eur_m"] / total,
                "GDP share (%)": 100 * m.gdp_usd_bn / gdp_total if mid in base else None,
                "Stated position": m.position.value.replace("_", " "),
                "Chance it comes (%)": 100.0 * member_probability(instance, mid),
            }
        )
    return pd.DataFrame(rows)


def caps_table(instance: Instance, package: Package) -> pd.DataFrame:
    """How close each member is to its caps: troops deployed and money, % of the cap."""
    per = contributions(instance, package.allocation)
    rot = instance.scenario.rotation_factor
    rows = []
    for mid, r in per.items():
        m = instance.data.members[mid]
        cap = m.deployed_cap(rot)
        rows.append(
            {
                "Member": m.name,
                "Troops (% of deployable cap)": 100 * r["troops"] / cap if cap else None,
                "Money (% of annual cap)": 100 * r["cost_eur_m"] / m.max_contribution_eur_m
                if m.max_contribution_eur_m
                else None,
            }
        )
    return pd.DataFrame(rows).sort_values("Money (% of annual cap)", ascending=False)


def compare_criteria(
    first: tuple[str, Mapping[str, float]], second: tuple[str, Mapping[str, float]]
) -> pd.DataFrame:
    """Two sets of criteria values side by side (each a name and its values): each row a
    criterion with its unit, the two values in the unit's format, the difference (second minus
    first) and which is better, in words ("hybrid-a1: cheaper")."""
    (a_name, a), (b_name, b) = first, second
    header_a, header_b = (
        (a_name, b_name) if a_name != b_name else (f"{a_name} (1)", f"{b_name} (2)")
    )
    rows = []
    for c in CRITERIA:
        cid = c.criterion_id
        if cid not in a or cid not in b:
            continue
        diff = b[cid] - a[cid]
        d = criterion_value(cid, abs(diff))
        shown_zero = float(d.replace(",", "")) == 0
        better = "same" if shown_zero else (a_name if diff * c.direction.sign < 0 else b_name)
        rows.append(
            {
                "Criterion": c.header,
                header_a: criterion_value(cid, a[cid]),
                header_b: criterion_value(cid, b[cid]),
                "Difference": "0" if shown_zero else ("+" if diff > 0 else "-") + d,
                "Better": better if better == "same" else f"{better}: {BETTER_WORDS[cid]}",
            }
        )
    return pd.DataFrame(rows, columns=["Criterion", header_a, header_b, "Difference", "Better"])


def side_by_side(a: Package, b: Package) -> pd.DataFrame:
    """Two packages' criteria side by side, the difference (second minus first) and which of
    the two is better on each, in words (:func:`compare_criteria`)."""
    return compare_criteria((a.package_id, a.criteria), (b.package_id, b.criteria))


def price_lines(pset: PackageSet, archetype: str) -> list[str]:
    """What each constraint costs a kind of package, as Markdown list items (escaped)."""
    return [
        "- " + escape_markdown(c.message[:1].upper() + c.message[1:])
        for c in pset.prices
        if c.archetype == archetype
    ]


def withdrawal_line(instance: Instance, p: Package) -> str:
    """E.g. "Survives the withdrawal of any one member; the worst single withdrawal is the
    United Kingdom's: 18.0% of deterrence." (data/MODEL.md, "Resilience")."""
    n, who = p.resilient_to, instance.scenario.resilience.members
    survives = (
        f"Survives the withdrawal of {withdrawers(n, who)}"
        if n > 0
        else f"The withdrawal of some {withdrawers(1, who).removeprefix('any ')} breaks its "
        "kind's requirements"
    )
    if not p.worst_withdrawal:
        return survives + "."
    name = instance.data.members[p.worst_withdrawal].name
    return (
        f"{survives}; the worst single withdrawal is {name}'s: "
        f"{p.worst_withdrawal_loss_pct:.1f}% of its {p.primary.value.replace('_', ' ')}."
    )


def archetype_table(pset: PackageSet) -> pd.DataFrame:
    """One row a kind of package: whether it can be built, how many packages, its cheapest,
    and its best package at the scenario budget (the last point of its frontier)."""
    rows = []
    for o in pset.outcomes:
        pkgs = [p for p in pset.packages if p.archetype == o.archetype]
        frontier = [p for p in pkgs if p.kind is PackageKind.FRONTIER]
        best = frontier[-1] if frontier else None
        rows.append(
            {
                "Kind of package": o.name,
                "Status": "possible" if o.status.has_solution else o.status.value,
                "Packages": len(pkgs),
                "Cheapest (EUR bn/yr)": o.min_cost_eur_bn,
                "Best at the budget": best.label if best else "",
                "Its cost": format_eur_bn(best.annual_cost_eur_bn) if best else "",
                "Its troops": best.troops_deployed if best else None,
                "Its deterrence (points)": best.criteria["deterrence"] if best else None,
                **(_deterrence_parts(best) if best else _NO_PARTS),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Kind of package",
            "Status",
            "Packages",
            "Cheapest (EUR bn/yr)",
            "Best at the budget",
            "Its cost",
            "Its troops",
            "Its deterrence (points)",
            *_NO_PARTS,
        ],
    )


#: An infeasible kind of package has no best package, hence no parts.
_NO_PARTS: dict[str, float | None] = dict.fromkeys(DETERRENCE_PART_HEADERS.values())


def scenario_caption(instance: Instance, pset: PackageSet) -> str:
    """The Overview's line about the scenario (Markdown; its name escaped)."""
    s = instance.scenario
    return (
        f"Scenario **{escape_markdown(s.name)}** · budget EUR {s.budget_eur_bn:g} bn a year · "
        f"{s.cost_basis} costs · "
        f"rotation {s.rotation_factor:g} · line {s.line_length_km:,.0f} km · US backstop "
        f"{s.us_backstop} · {len(instance.data.members)} members · "
        f"{len(pset.packages)} packages"
    )


def frontier_measures() -> dict[str, str]:
    """The criteria the frontier chart can put against cost: id -> header."""
    return {c.criterion_id: c.header for c in CRITERIA if c.criterion_id != "annual_cost_eur_bn"}
