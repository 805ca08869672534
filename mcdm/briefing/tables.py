"""The briefing's tables as rows of text: who contributes what, the ranking, the recommended
package's allocation and the leading packages compared on the criteria; and the one function
that writes any of them as HTML (every cell escaped)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..criteria import CRITERIA, DETERRENCE_PARTS, burden_base, contributions
from ..describe import format_criterion, format_troops, method_label
from ..formats import format_eur_bn
from ..model import US_MEMBER_ID, Instance
from ..packages import PackageSet
from ..results import Package
from ..session.words import DETERRENCE_PART_HEADERS

__all__ = [
    "COMPARED_SHOWN",
    "RANKED_SHOWN",
    "allocation_rows",
    "criteria_rows",
    "html_table",
    "member_rows",
    "ranking_rows",
]

#: Packages the ranking table lists (by consensus rank; the contenders are always listed).
RANKED_SHOWN = 10


#: Packages the closing table compares criterion by criterion (the recommended one first).
COMPARED_SHOWN = 5


_LOCATIONS = {"in_ukraine": "in Ukraine", "outside_ukraine": "outside Ukraine", "remote": "remote"}


def html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    text_columns: Sequence[int] = (0,),
    meta: Sequence[str] | None = None,
) -> str:
    """An HTML table of text cells, all escaped; numbers right-aligned, text left-aligned.

    With ``meta``, a two-column table instead: each header beside its value.
    """
    esc = html.escape
    if meta is not None:
        body = "".join(
            f"<tr><th>{esc(h)}</th><td class='text'>{esc(v)}</td></tr>"
            for h, v in zip(header, meta, strict=True)
        )
        return f'<table class="meta">{body}</table>'

    def cls(j: int) -> str:
        return " class='text'" if j in text_columns else ""

    head = "".join(f"<th{cls(j)}>{esc(h)}</th>" for j, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(j)}>{esc(v)}</td>" for j, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def member_rows(instance: Instance, package: Package) -> tuple[list[list[str]], list[str]]:
    """Per member of the package: units, troops, cost, cost share, GDP share; and a note for
    each member without a GDP share, saying why."""
    per = contributions(instance, package.allocation)
    base = burden_base(instance)
    gdp_total = sum(instance.data.members[m].gdp_usd_bn for m in base)
    total = sum(r["cost_eur_m"] for r in per.values())
    rows, notes = [], []
    for mid, r in sorted(per.items(), key=lambda kv: (-kv[1]["cost_eur_m"], kv[0])):
        m = instance.data.members[mid]
        if mid in base and gdp_total > 0:
            gdp = f"{100 * m.gdp_usd_bn / gdp_total:.1f}%"
        else:
            gdp = "n/a"
            notes.append(f"GDP share n/a for {m.name}: {_why_no_gdp_share(instance, mid)}.")
        rows.append(
            [
                m.name,
                f"{r['units']:,}",
                format_troops(r["troops"]),
                format_troops(r["troops_in_ukraine"]),
                format_eur_bn(r["cost_eur_m"] / 1000),
                f"{100 * r['cost_eur_m'] / total:.1f}%" if total > 0 else "n/a",
                gdp,
                m.position.value.replace("_", " "),
            ]
        )
    if base:
        notes.append(
            "GDP share: of the members able to contribute that share the burden "
            "(data/MODEL.md, burden-sharing gap)."
        )
    return rows, notes


def _why_no_gdp_share(instance: Instance, member_id: str) -> str:
    """Why a member has no share of the GDP base (the members :func:`burden_base` leaves out)."""
    s = instance.scenario
    m = instance.data.members[member_id]
    if s.burden_sharing is not None and member_id in s.burden_sharing.exclude:
        return "the scenario's burden-sharing band leaves it out of the GDP base"
    if s.burden_sharing is None and member_id == US_MEMBER_ID:
        return (
            "the US backstop is outside the burden sharing among the other members, so the "
            "US is not in the GDP base"
        )
    if m.gdp_usd_bn <= 0:
        return "no GDP figure in the data"
    if m.max_contribution_eur_m <= 0:
        return "its money cap is zero, so it is not in the GDP base"
    return "it can field no units in the data, so it is not in the GDP base"


def ranking_rows(analysis: Any, pset: PackageSet) -> tuple[list[str], list[list[str]]]:
    """The ranking table: consensus rank, package, each method's rank, first-rank share, id."""
    frame = analysis.ranking.frame().sort_values("consensus_rank", kind="stable")
    keep = list(frame.index[:RANKED_SHOWN])
    keep += [c.package_id for c in analysis.recommendation.contenders if c.package_id not in keep]
    frame = frame.loc[[i for i in frame.index if i in keep]]
    methods = [m for m in frame.columns if m != "consensus_rank"]
    share: dict[str, float] = {}
    if analysis.smaa is not None:
        share = dict(zip(analysis.smaa.alternatives, analysis.smaa.first, strict=True))
    header = ["Consensus rank", "Package", *(method_label(m) for m in methods)]
    if share:
        header.append("First in (share of weight draws)")
    header.append("Id (in the run's files)")
    rows = []
    for pid, r in frame.iterrows():
        p = pset.get(str(pid))
        row = [f"{r['consensus_rank']:g}", p.label or p.package_id]
        row += [f"{r[m]:g}" for m in methods]
        if share:
            row.append(f"{share[str(pid)]:.0%}")
        rows.append([*row, p.package_id])
    return header, rows


def allocation_rows(instance: Instance, package: Package) -> list[list[str]]:
    """The package's units by member and element, the largest cost first, then the total."""
    data = instance.data
    per = contributions(instance, package.allocation)
    lines = sorted(
        package.allocation,
        key=lambda a: (
            -per[a.member_id]["cost_eur_m"],
            data.members[a.member_id].name,
            -a.units * data.elements[a.element_id].cost_eur_m,
            a.element_id,
        ),
    )
    rows = []
    units = troops = 0
    cost = 0.0
    for a in lines:
        e = data.elements[a.element_id]
        units += a.units
        troops += a.units * e.troops_per_unit
        cost += a.units * e.cost_eur_m
        rows.append(
            [
                data.members[a.member_id].name,
                e.name,
                _LOCATIONS.get(e.location.value, e.location.value),
                f"{a.units:,}",
                format_troops(a.units * e.troops_per_unit),
                format_eur_bn(a.units * e.cost_eur_m / 1000),
            ]
        )
    rows.append(["Total", "", "", f"{units:,}", format_troops(troops), format_eur_bn(cost / 1000)])
    return rows


def criteria_rows(analysis: Any, pset: PackageSet) -> tuple[list[str], list[list[str]]]:
    """The recommended package, the other contenders, the runner-up and the next by consensus,
    side by side on every criterion (one row a criterion)."""
    rec = analysis.recommendation
    order = [rec.package_id, *(c.package_id for c in rec.contenders)]
    if rec.runner_up is not None:
        order.append(rec.runner_up)
    frame = analysis.ranking.frame().sort_values("consensus_rank", kind="stable")
    order += [str(i) for i in frame.index]
    chosen = [pset.get(pid) for pid in dict.fromkeys(order) if pid in pset.by_id]
    chosen = chosen[:COMPARED_SHOWN]
    header = ["Criterion", "Better", *(p.label or p.package_id for p in chosen)]
    rows = [
        [
            "Troops deployed (in and outside Ukraine)",
            "",
            *(format_troops(p.troops_deployed) for p in chosen),
        ]
    ]
    for c in CRITERIA:
        better = "more" if c.direction.sign > 0 else "less"
        rows.append(
            [
                c.label,
                better,
                *(format_criterion(c.criterion_id, p.criteria[c.criterion_id]) for p in chosen),
            ]
        )
        if c.criterion_id == "deterrence":  # its parts, which sum to it
            rows += [
                [
                    f"of which {DETERRENCE_PART_HEADERS[part].split(' (')[0].lower()}",
                    better,
                    *(
                        format_criterion(c.criterion_id, p.deterrence_parts.get(part, 0.0))
                        for p in chosen
                    ),
                ]
                for part in DETERRENCE_PARTS
            ]
    return header, rows
