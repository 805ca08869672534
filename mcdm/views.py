"""Tables and lines the app's pages show, built from a run's objects: pure, no Streamlit.

A page reads its :class:`mcdm.session.Context`, calls these and draws what they return; the
charts are in :mod:`mcdm.figures`. Lines meant for Markdown have user text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .cells import escape_markdown
from .criteria import CRITERIA, burden_base, contributions
from .model import Dataset, Instance
from .packages import PackageSet, format_eur_bn
from .pipeline import Analysis
from .ranking import Ranking
from .results import Package, PackageKind
from .robustness import SmaaResult
from .session import Snapshot, diff_settings

__all__ = [
    "allocation_matrix",
    "archetype_names",
    "archetype_table",
    "caps_table",
    "confidence_table",
    "dataset_tables",
    "frontier_measures",
    "left_out_lines",
    "member_table",
    "method_notes",
    "packages_table",
    "price_lines",
    "scenario_caption",
    "settings_diff_table",
    "side_by_side",
    "smaa_caption",
    "snapshot_results",
    "snapshot_tops",
    "weights_caption",
]


# --- packages ----------------------------------------------------------------------------------


def archetype_names(instance: Instance) -> dict[str, str]:
    """Kind of package id -> its name."""
    return {aid: a.name for aid, a in instance.data.archetypes.items()}


def packages_table(
    instance: Instance, pset: PackageSet, consensus: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """The packages with their criteria, units in the headers, dominated ones marked."""
    names = archetype_names(instance)
    rows = []
    for p in pset.packages:
        row = {
            "Package": p.package_id,
            "Kind of package": names.get(p.archetype, p.archetype),
            "How found": _kind_label(p),
            "Status": p.status.value.replace("_", " "),
            "Troops deployed": p.troops_deployed,
        }
        row |= {c.header: p.criteria[c.criterion_id] for c in CRITERIA}
        row["Dominated"] = "dominated" if p.dominated else ""
        row["Note"] = p.note
        if consensus is not None:
            row["Consensus rank"] = consensus.get(p.package_id)
        rows.append(row)
    df = pd.DataFrame(rows)
    if consensus is not None and len(df):
        df = df.sort_values("Consensus rank", kind="stable")  # ties keep the package order
    return df


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
    return table.loc[table.sum(axis=1).sort_values(ascending=False).index]


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


def side_by_side(a: Package, b: Package) -> pd.DataFrame:
    """Two packages' criteria side by side, and which of the two is better on each."""

    def better(c_id: str, sign: int) -> str:
        d = (a.criteria[c_id] - b.criteria[c_id]) * sign
        return a.package_id if d > 0 else b.package_id if d < 0 else "same"

    return pd.DataFrame(
        {
            "criterion": [c.header for c in CRITERIA],
            a.package_id: [a.criteria[c.criterion_id] for c in CRITERIA],
            b.package_id: [b.criteria[c.criterion_id] for c in CRITERIA],
            "better": [better(c.criterion_id, c.direction.sign) for c in CRITERIA],
        }
    )


def price_lines(pset: PackageSet, archetype: str) -> list[str]:
    """What each constraint costs a kind of package, as Markdown list items (escaped)."""
    return [
        "- " + escape_markdown(c.message[:1].upper() + c.message[1:])
        for c in pset.prices
        if c.archetype == archetype
    ]


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
                "Best at the budget": best.package_id if best else "",
                "Its cost": format_eur_bn(best.annual_cost_eur_bn) if best else "",
                "Its troops": best.troops_deployed if best else None,
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
        ],
    )


def scenario_caption(instance: Instance, pset: PackageSet) -> str:
    """The Overview's line about the scenario (Markdown; its name escaped)."""
    s = instance.scenario
    return (
        f"Scenario **{escape_markdown(s.name)}** · budget EUR {s.budget_eur_bn:g} bn a year · "
        f"rotation {s.rotation_factor:g} · line {s.line_length_km:,.0f} km · US backstop "
        f"{s.us_backstop} · {len(instance.data.members)} members · "
        f"{len(pset.packages)} packages"
    )


def frontier_measures() -> dict[str, str]:
    """The criteria the frontier chart can put against cost: id -> header."""
    return {c.criterion_id: c.header for c in CRITERIA if c.criterion_id != "annual_cost_eur_bn"}


# --- ranking and robustness --------------------------------------------------------------------


def left_out_lines(analysis: Analysis) -> list[str]:
    """Criteria and methods the ranking left out, and why (Markdown, escaped)."""
    r = analysis.ranking
    out = []
    if r.dropped:
        out.append(
            "Left out of the ranking: "
            + escape_markdown("; ".join(f"{c} ({why})" for c, why in r.dropped))
        )
    if r.failed:
        out.append(
            "Methods left out: " + escape_markdown("; ".join(f"{m}: {why}" for m, why in r.failed))
        )
    return out


def weights_caption(ranking: Ranking) -> str:
    """The Ranking page's line on the consensus and the weights used (Markdown, escaped)."""
    weights = ", ".join(
        f"{c} {w:.0%}" for c, w in zip(ranking.matrix.criteria, ranking.weights, strict=True)
    )
    return (
        f"Consensus: {ranking.consensus_rule} over {len(ranking.results)} methods. Weights "
        f"used: {escape_markdown(weights)}"
    )


def method_notes(analysis: Analysis) -> tuple[list[str], list[str]]:
    """The analysis's messages split in two: the general ones, and the notes on criteria that
    methods dividing by the values shift away from zero (shown apart, folded away)."""
    shifted = [m for m in analysis.messages if "shifted by" in m]
    return [m for m in analysis.messages if m not in shifted], shifted


def smaa_caption(smaa: SmaaResult) -> str:
    """How the rank acceptability was computed, in a line."""
    band = (
        "weights uniform over every weighting"
        if smaa.weight_band is None
        else f"weights within ±{smaa.weight_band:.0%} of yours"
    )
    return f"SMAA-2 with {smaa.draws:,} draws of {band}, method {smaa.method}, seed {smaa.seed}."


def confidence_table(smaa: SmaaResult) -> pd.DataFrame:
    """The packages that come first in some draws: that share and their confidence factor."""
    frame = smaa.frame()
    conf = frame[frame["rank_1"] > 0][["rank_1", "confidence"]].sort_values(
        "rank_1", ascending=False
    )
    conf.columns = ["First in (share of draws)", "Confidence factor"]
    return conf


# --- data --------------------------------------------------------------------------------------


def dataset_tables(data: Dataset) -> dict[str, pd.DataFrame]:
    """The data in use as the Data page shows them, by tab: members, elements, availability
    (member x element), kinds of package."""
    avail = pd.DataFrame(
        [{"member": m, "element": e, "units": n} for (m, e), n in data.availability.items()],
        columns=["member", "element", "units"],
    )
    return {
        "Members": pd.DataFrame([vars(m) for m in data.members.values()]),
        "Elements": pd.DataFrame([vars(e) for e in data.elements.values()]),
        "Availability": avail.pivot_table(
            index="member", columns="element", values="units", fill_value=0
        )
        if len(avail)
        else pd.DataFrame(),
        "Kinds of package": pd.DataFrame([vars(a) for a in data.archetypes.values()]).astype(str),
    }


# --- snapshots ---------------------------------------------------------------------------------


def settings_diff_table(a: str, sa: Snapshot, b: str, sb: Snapshot) -> pd.DataFrame:
    """The inputs that differ between two snapshots, as text (one row a setting)."""
    return pd.DataFrame(diff_settings(sa.scenario, sb.scenario), columns=["setting", a, b]).astype(
        str
    )


def snapshot_results(named: Sequence[tuple[str, Snapshot]]) -> pd.DataFrame:
    """One row a snapshot: how many packages, the top one and how it fares, what failed."""
    return pd.DataFrame(
        [
            {
                "snapshot": label,
                "packages": s.summary.packages,
                "top package": s.summary.top,
                "its cost (EUR bn/yr)": s.summary.top_cost_eur_bn,
                "its troops": s.summary.top_troops,
                "first in (share of draws)": s.summary.top_share_first,
                "not possible": ", ".join(s.summary.infeasible),
            }
            for label, s in named
        ]
    )


def snapshot_tops(named: Sequence[tuple[str, Snapshot]]) -> pd.DataFrame | None:
    """Each snapshot's top package's criteria, one column a snapshot (None if none ranks)."""
    tops = [(label, s) for label, s in named if s.summary.top]
    if not tops:
        return None
    crit = sorted({k for _, s in named for p in s.criteria.values() for k in p})
    return pd.DataFrame(
        {
            f"{label}: {s.summary.top}": [s.criteria[str(s.summary.top)][c] for c in crit]
            for label, s in tops
        },
        index=crit,
    )
