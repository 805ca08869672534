"""Tables and lines the app's pages show, built from a run's objects: pure, no Streamlit.

A page reads its :class:`mcdm.session.Context`, calls these and draws what they return; the
charts are in :mod:`mcdm.figures`. Lines meant for Markdown have user text escaped.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import pandas as pd

from .cells import escape_markdown
from .criteria import CRITERIA, CRITERIA_BY_ID, burden_base, contributions
from .model import Dataset, Instance, Member
from .packages import PackageSet, format_eur_bn
from .pipeline import Analysis
from .ranking import Ranking
from .results import Package, PackageKind
from .robustness import SmaaResult
from .session import (
    CAPS_COLUMNS,
    TAKES_PART,
    MemberCaps,
    Snapshot,
    describe_settings,
    member_rows,
)
from .session.words import (
    ARCHETYPE_FIELDS,
    BETTER_WORDS,
    ELEMENT_FIELDS,
    MEMBER_FIELDS,
    RESTRICTION_FIELDS,
    UNIT_FORMATS,
    criterion_value,
    humanise,
)

__all__ = [
    "CONFIDENCE_MEANING",
    "MEMBER_EDITABLE",
    "SourceNote",
    "allocation_matrix",
    "archetype_names",
    "archetype_table",
    "caps_basis",
    "caps_table",
    "column_formats",
    "compare_criteria",
    "confidence_table",
    "dataset_tables",
    "frontier_measures",
    "left_out_lines",
    "member_table",
    "members_frame",
    "method_notes",
    "package_names",
    "packages_table",
    "price_lines",
    "scenario_caption",
    "settings_diff_table",
    "side_by_side",
    "smaa_caption",
    "snapshot_deltas",
    "snapshot_results",
    "source_notes",
    "sources_table",
    "split_keys",
    "weights_caption",
]


# --- formats ---------------------------------------------------------------------------------

#: Columns whose header carries no unit, with the unit their numbers are in.
_COLUMN_UNITS = {
    "Troops deployed": "troops",
    "Troops": "troops",
    "Troops in Ukraine": "troops",
    "Its troops": "troops",
    "Troop pool": "troops",
    "Deployed cap": "troops",
    "Active personnel": "troops",
    "Troops per unit": "troops",
    "Units": "count",
    "Packages": "count",
    "Consensus rank": "points",  # Borda's mean rank or Copeland's wins: one decimal, as points
}


def column_formats(columns: Iterable[str]) -> dict[str, str]:
    """The number format of each column that has one (printf style, for the app's tables):
    one format a unit (:data:`~mcdm.session.words.UNIT_FORMATS`), the unit read from the
    header's "(unit)" or from the column's name."""
    out = {}
    for col in map(str, columns):
        found = re.search(r"\(([^()]*)\)$", col)
        unit = _COLUMN_UNITS.get(col) or (found.group(1) if found else "")
        if unit.startswith("%") and unit not in UNIT_FORMATS:
            unit = "%"  # "% of deployable cap": a percentage like any other
        if unit in UNIT_FORMATS:
            out[col] = UNIT_FORMATS[unit]
    return out


# --- packages ----------------------------------------------------------------------------------


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
        f"{CRITERIA_BY_ID[c].label.lower() if c in CRITERIA_BY_ID else c} {w:.0%}"
        for c, w in zip(ranking.matrix.criteria, ranking.weights, strict=True)
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


#: What the confidence factor means, in one sentence (shown where the factor is).
CONFIDENCE_MEANING = (
    "Confidence factor: how often a package still comes first when the weights are its own "
    "central weights (the typical weights that put it first) and the costs vary within the "
    "cost uncertainty band; with cost uncertainty at 0% nothing varies, so it is 1.00."
)


def smaa_caption(smaa: SmaaResult) -> str:
    """How the rank acceptability was computed, in a line, and what the confidence factor
    means (:data:`CONFIDENCE_MEANING`)."""
    band = (
        "weights uniform over every weighting"
        if smaa.weight_band is None
        else f"weights within ±{smaa.weight_band:.0%} of yours"
    )
    return (
        f"SMAA-2 with {smaa.draws:,} draws of {band}, method {smaa.method}, seed {smaa.seed}. "
        + CONFIDENCE_MEANING
    )


def confidence_table(smaa: SmaaResult) -> pd.DataFrame:
    """The packages that come first in some draws: that share and their confidence factor."""
    frame = smaa.frame()
    conf = frame[frame["rank_1"] > 0][["rank_1", "confidence"]].sort_values(
        "rank_1", ascending=False
    )
    conf.columns = ["First in (share of draws)", "Confidence factor"]
    return conf


# --- data --------------------------------------------------------------------------------------


def _frame(records: Iterable[object], words: Mapping[str, str]) -> pd.DataFrame:
    """Records (dataclasses) as a table with people's headers and values (enums as words)."""
    rows = []
    for r in records:
        row = {}
        for f in fields(r):  # type: ignore[arg-type]
            value = getattr(r, f.name)
            if hasattr(value, "value") and isinstance(value.value, str):
                value = humanise(value.value)
            elif isinstance(value, Mapping):
                value = "; ".join(f"{humanise(str(k))} {v:g}" for k, v in value.items()) or ""
            elif isinstance(value, tuple):
                value = ", ".join(humanise(getattr(v, "value", str(v))) for v in value)
            row[words.get(f.name, humanise(f.name).capitalize())] = value
        rows.append(row)
    return pd.DataFrame(rows)


def dataset_tables(data: Dataset) -> dict[str, pd.DataFrame]:
    """The data in use as the Data page shows them, by tab: members, elements, availability
    (member x element, by name), kinds of package, stated restrictions; headers and values in
    words."""
    avail = pd.DataFrame(
        [
            {
                "Member": data.members[m].name if m in data.members else m,
                "element": data.elements[e].name if e in data.elements else e,
                "units": n,
            }
            for (m, e), n in data.availability.items()
        ],
        columns=["Member", "element", "units"],
    )
    table = pd.DataFrame()
    if len(avail):
        table = avail.pivot_table(index="Member", columns="element", values="units", fill_value=0)
        table.columns.name = None
    return {
        "Members": _frame(data.members.values(), MEMBER_FIELDS),
        "Elements": _frame(data.elements.values(), ELEMENT_FIELDS),
        "Availability": table,
        "Kinds of package": _frame(data.archetypes.values(), ARCHETYPE_FIELDS),
        "Restrictions": _frame(data.restrictions.values(), RESTRICTION_FIELDS),
    }


@dataclass(frozen=True)
class SourceNote:
    """One key of data/SOURCES.md: what kind of source it is, what the data take from it, and
    where it is (for an assumption: its title)."""

    key: str
    kind: str
    what: str
    where: str


_SOURCE_ROW = re.compile(r"^\| `([A-Z0-9][A-Z0-9-]+)` \| ([a-z_]+) \|(.*)$", re.M)
_ASSUMPTION = re.compile(r"^### ((?:A|S)-[A-Z0-9-]+)(?::\s*(.*))?$", re.M)


def source_notes(markdown: str) -> dict[str, SourceNote]:
    """The keys of a SOURCES.md text: its table rows (key, kind, what we use, source, ...) and
    its assumption headings (``### A-KEY: title``)."""
    notes = {}
    for key, kind, rest in _SOURCE_ROW.findall(markdown):
        cells = [c.strip() for c in rest.split(" | ")]
        what = cells[0].strip("| ") if cells else ""
        where = cells[1].strip("| ") if len(cells) > 1 else ""
        notes[key] = SourceNote(key, kind.replace("_", " "), what, where)
    for key, title in _ASSUMPTION.findall(markdown):
        notes.setdefault(key, SourceNote(key, "assumption", title.strip(), "data/SOURCES.md"))
    return notes


def split_keys(cell: str) -> list[str]:
    """The source keys of a data cell ("SIPRI-2024;STMT-GBR")."""
    return [k.strip() for k in re.split(r"[;,\s]+", cell or "") if k.strip()]


def caps_basis(members_csv: str) -> dict[str, str]:
    """The ``caps_basis`` cell of each member of a members.csv text (the keys behind its
    caps); empty where the file has no such column."""
    reader = csv.DictReader(io.StringIO(members_csv))
    if not reader.fieldnames or "caps_basis" not in reader.fieldnames:
        return {}
    return {
        str(row.get("member_id") or ""): str(row.get("caps_basis") or "")
        for row in reader
        if row.get("member_id")
    }


def sources_table(keys: Iterable[str], notes: Mapping[str, SourceNote]) -> pd.DataFrame:
    """The sources behind some keys, one row a key, in the order first cited."""
    rows = []
    for key in dict.fromkeys(keys):
        note = notes.get(key)
        rows.append(
            {
                "Key": key,
                "Kind": note.kind if note else "not in SOURCES.md",
                "What the data take from it": note.what if note else "",
                "Where": note.where if note else "",
            }
        )
    return pd.DataFrame(rows, columns=["Key", "Kind", "What the data take from it", "Where"])


def members_frame(
    members: Mapping[str, Member],
    chosen: Iterable[str],
    caps: Mapping[str, MemberCaps],
    basis: Mapping[str, str] | None = None,
    rotation_factor: float | None = None,
) -> pd.DataFrame:
    """The Members page's table: one row a member (indexed by id), whether it takes part, its
    caps and willingness to edit, and beside them the troops it can keep deployed (with
    ``rotation_factor``), its stated position, the confidence and the sources of its figures
    (``basis``: the keys behind each member's caps)."""
    rows = member_rows(members, chosen, caps)
    for row in rows:
        m = members[row["member_id"]]
        if rotation_factor is not None:
            now = dataclasses.replace(
                m,
                troop_pool=row["troop_pool"],
                max_troops_deployed=row["max_troops_deployed"],
            )
            row["Can keep deployed"] = now.deployed_cap(rotation_factor)
        row["Stated position"] = humanise(m.position.value)
        row["Stated role"] = m.role_stated
        row["Confidence"] = m.confidence
        row["Sources"] = ", ".join(split_keys(m.source))
        row["Caps from"] = ", ".join(split_keys((basis or {}).get(m.member_id, "")))
        row["Notes"] = m.notes
    return pd.DataFrame(rows).set_index("member_id")


#: The Members page's columns that a user edits, with the words it shows.
MEMBER_EDITABLE = {TAKES_PART[0]: TAKES_PART[1], **CAPS_COLUMNS}


# --- snapshots ---------------------------------------------------------------------------------


def settings_diff_table(
    a: str, sa: Snapshot, b: str, sb: Snapshot, data: Dataset | None = None
) -> pd.DataFrame:
    """The inputs that differ between two snapshots, in words (one row a setting)."""
    header_a, header_b = (a, b) if a != b else (f"{a} (1)", f"{b} (2)")
    return pd.DataFrame(
        describe_settings(sa.scenario, sb.scenario, data), columns=["Setting", header_a, header_b]
    )


def snapshot_results(named: Sequence[tuple[str, Snapshot]]) -> pd.DataFrame:
    """One row a snapshot: how many packages, the top one and how it fares, what failed."""
    return pd.DataFrame(
        [
            {
                "Snapshot": label,
                "Packages": s.summary.packages,
                "Top package": s.summary.top_name if s.summary.top else None,
                "Its cost (EUR bn/yr)": s.summary.top_cost_eur_bn,
                "Its troops": s.summary.top_troops,
                "First in (share of draws)": s.summary.top_share_first,
                "Not possible": ", ".join(s.summary.infeasible),
            }
            for label, s in named
        ]
    )


def snapshot_deltas(a: str, sa: Snapshot, b: str, sb: Snapshot) -> pd.DataFrame | None:
    """The two snapshots' top packages criterion by criterion: values, the difference (B - A)
    and which is better, in words (None unless both rank a top package)."""
    if not (sa.summary.top and sb.summary.top):
        return None
    top_a, top_b = sa.criteria.get(sa.summary.top), sb.criteria.get(sb.summary.top)
    if top_a is None or top_b is None:
        return None
    return compare_criteria((f"{a}: top", top_a), (f"{b}: top", top_b))
