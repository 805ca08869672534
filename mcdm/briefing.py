"""Exports for people: a self-contained HTML briefing, the run's tables as an Excel workbook or
a zip of CSV files.

Pure functions (no Streamlit): the app offers what they return, the tests read it. The
recommended package in plain words is :func:`mcdm.describe.describe_top` (importable from here
too); what changed between two settings, and snapshots, are in :mod:`mcdm.session`.

The briefing is one HTML file that works offline: plotly.js is inlined once in its head, before
any chart's script, and every piece of user text (names, descriptions, rules, the
classification line) is escaped, so that it shows as text and never becomes markup.
"""

from __future__ import annotations

import datetime
import html
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from plotly.offline import get_plotlyjs

from .cells import neutralise_frame, sheet_names
from .criteria import CRITERIA, DETERRENCE_PARTS, burden_base, contributions
from .describe import (
    BACKSTOP_LABELS,
    CRITERIA_LABEL,
    POINT_SCALES,
    describe_top,
    format_criterion,
    format_troops,
    method_label,
)
from .figures import acceptability_chart, contributions_chart, frontier_chart, stability_chart
from .formats import format_eur_bn, format_number
from .model import US_MEMBER_ID, Instance
from .packages import PackageSet
from .results import Package
from .session.words import DETERRENCE_PART_HEADERS

__all__ = [
    "briefing_html",
    "csv_zip",
    "describe_top",
    "excel_workbook",
]


# --- exports -----------------------------------------------------------------------------------


def csv_zip(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """All tables as CSV files in one zip, as a run folder holds them, safe to open (text that
    a spreadsheet would run as a formula gets an apostrophe in front)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, frame in tables.items():
            z.writestr(name, neutralise_frame(frame).to_csv(index=False, lineterminator="\n"))
    return buf.getvalue()


def excel_workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """All tables in one workbook, one sheet each, safe to open.

    Sheet names come from the table names (see :func:`mcdm.cells.sheet_names`: at most 31
    characters, unique); text that a spreadsheet would run as a formula gets an apostrophe in
    front (:func:`mcdm.cells.neutralise_frame`), and control characters that the file format
    cannot hold become U+FFFD.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for sheet, frame in zip(sheet_names(tables), tables.values(), strict=True):
            _printable(neutralise_frame(frame)).to_excel(writer, sheet_name=sheet, index=False)
    return buf.getvalue()


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    """openpyxl refuses control characters (other than tab, LF, CR) in a cell: replace them."""

    def fix(v: Any) -> Any:
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v

    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    bad = [c for c in text if frame[c].map(lambda v: fix(v) != v).any()]
    header = [fix(c) for c in frame.columns]
    if not bad and header == list(frame.columns):
        return frame
    out = frame.copy()
    for c in bad:
        out[c] = frame[c].map(fix)
    out.columns = header
    return out


# --- the HTML briefing -------------------------------------------------------------------------

#: Packages the ranking table lists (by consensus rank; the contenders are always listed).
RANKED_SHOWN = 10
#: Packages the closing table compares criterion by criterion (the recommended one first).
COMPARED_SHOWN = 5

_LOCATIONS = {"in_ukraine": "in Ukraine", "outside_ukraine": "outside Ukraine", "remote": "remote"}
#: Kinds of force (element categories) in words, for the "who gives what" legend.
_CATEGORIES = {
    "ground combat": "ground combat",
    "light infantry": "light infantry",
    "air defence": "air defence",
    "air": "air power",
    "isr": "ISR (intelligence, surveillance, reconnaissance)",
    "sensors": "ground sensors",
    "observer": "observers",
    "engineer": "engineers",
    "logistics": "logistics",
    "medical": "medical",
    "hq": "headquarters",
    "naval": "naval",
    "training": "training",
}
_WEIGHTING = {
    "user": "set by the user (the scenario's weights or the app's sliders)",
    "equal": "equal weights",
    "entropy": "entropy weights (from how much each criterion varies across the packages)",
    "critic": "CRITIC weights (from each criterion's contrast and its conflict with the others)",
    "roc": "rank-order centroid weights (from the order of importance given)",
    "swing": "swing weights (points for each criterion's swing from worst to best)",
    "ahp": "AHP pairwise comparisons",
}
_CONSENSUS = {
    "borda": "Borda count (each method gives points by rank)",
    "copeland": "Copeland (pairwise wins across the methods)",
}
_SENSE = {">=": "at least", "<=": "at most", "==": "exactly"}
#: Settings a scenario may change, in words: members' columns, elements', kinds of package'.
_FIELDS = {
    "position": "stated position",
    "role_stated": "stated role",
    "gdp_usd_bn": "GDP",
    "milex_usd_bn": "military expenditure",
    "active_personnel": "active personnel",
    "troop_pool": "troop pool",
    "max_troops_deployed": "deployed cap",
    "max_contribution_eur_m": "money cap",
    "ground_in_ukraine": "troops in Ukraine",
    "outside_ukraine": "forces outside Ukraine",
    "nato": "NATO member",
    "eu": "EU member",
    "nuclear": "nuclear power",
    "troops_per_unit": "troops per unit",
    "cost_eur_m": "cost per unit",
    "cost_low_eur_m": "lowest cost per unit",
    "cost_high_eur_m": "highest cost per unit",
    "deterrence": "deterrence points per unit",
    "early_warning_km": "early-warning km per unit",
    "air_defence_k_km2": "air-defence cover per unit (1,000 km²)",
    "escalation": "escalation points per unit",
    "readiness_days": "readiness (days)",
    "troops_min": "minimum troops",
    "troops_max": "maximum troops",
    "troops_in_ukraine_max": "maximum troops in Ukraine",
    "required": "units required by kind of force",
    "min_coverage": "minimum share of the line watched",
    "min_nations": "minimum contributing nations",
    "min_nations_in_ukraine": "minimum nations with troops in Ukraine",
    "enablers": "enablers per 1,000 combat troops",
    "allowed_locations": "where its forces may be",
    "allowed_categories": "kinds of force allowed",
    "primary": "what it maximises",
}
_TROOP_FIELDS = {
    "active_personnel",
    "troop_pool",
    "max_troops_deployed",
    "troops_per_unit",
    "troops_min",
    "troops_max",
    "troops_in_ukraine_max",
}


def briefing_html(
    instance: Instance,
    pset: PackageSet,
    analysis: Any,
    *,
    classification: str | None = None,
    date: datetime.date | None = None,
) -> str:
    """A self-contained HTML briefing on one run: works offline, prints to PDF.

    It opens with the scenario, its budget, the date and the data version, gives the
    recommendation in plain words, who contributes what, the trade-offs, the ranking and how
    robust the choice is, and ends with the key tables: the recommended package's allocation,
    the leading packages compared on every criterion, and the scenario's settings in words.

    Parameters
    ----------
    instance, pset, analysis
        The run: its instance, packages and :class:`mcdm.pipeline.Analysis`.
    classification
        A line printed at the top and the bottom of every copy (e.g. "OFFICIAL"); none when
        None or blank. Shown as text, never as markup.
    date
        The run's date; today when None.
    """
    s = instance.scenario
    top = pset.get(analysis.top)
    when = (date or datetime.date.today()).isoformat()
    banner = (
        f'<p class="classification">{html.escape(classification.strip())}</p>'
        if classification and classification.strip()
        else ""
    )
    charts = _charts(instance, pset, analysis, top)
    infeasible = "".join(f"<li>{html.escape(o.message)}</li>" for o in pset.infeasible)
    summary = "".join(f"<p>{_md(line)}</p>" for line in describe_top(instance, pset, analysis))
    members, member_notes = _member_rows(instance, top)
    ranked_head, ranked_rows = _ranking_rows(analysis, pset)
    data_version = instance.data.digest[:12] or "not recorded"
    inputs = f"; scenario and data together {instance.digest[:12]}" if instance.digest else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Security-guarantee packages: {html.escape(s.name)}</title>
<style>
 body {{ font-family: Georgia, 'Times New Roman', serif; max-width: 960px; margin: 2em auto;
        color: #111; line-height: 1.45; }}
 h1, h2, h3 {{ font-family: Helvetica, Arial, sans-serif; }}
 table {{ border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }}
 th, td {{ border: 1px solid #bbb; padding: 3px 6px; text-align: right; vertical-align: top; }}
 th {{ background: #f2f2f2; }}
 .text {{ text-align: left; }}
 table.meta th {{ text-align: left; }}
 .note {{ color: #444; font-size: 0.9em; }}
 .classification {{ font-family: Helvetica, Arial, sans-serif; font-weight: bold;
        text-align: center; letter-spacing: 0.05em; border: 2px solid #111; padding: 4px; }}
 @media print {{ .pagebreak {{ page-break-before: always; }} body {{ margin: 0.5in; }} }}
</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body>
{banner}
<h1>Security-guarantee packages for Ukraine</h1>
{
        _table(
            ["Scenario", "Budget", "Date", "Data version"],
            [],
            meta=[
                s.name,
                f"{format_eur_bn(s.budget_eur_bn)} a year",
                when,
                f"{data_version} (digest of the data files{inputs})",
            ],
        )
    }
<h2>The recommendation</h2>{summary}
<h2>Who contributes what</h2>
{
        _table(
            [
                "Member",
                "Units",
                "Troops",
                "In Ukraine",
                "Annual cost",
                "Cost share",
                "GDP share",
                "Stated position",
            ],
            members,
            text_columns=(0, 7),
        )
    }
{"".join(f'<p class="note">{html.escape(n)}</p>' for n in member_notes)}
{charts.get("contributions", "")}
<div class="pagebreak"></div>
<h2>The trade-offs</h2>{charts["frontier"]}
<h2>Ranking (the first {RANKED_SHOWN} by consensus)</h2>
{_table(ranked_head, ranked_rows, text_columns=(1, len(ranked_head) - 1))}
<p class="note">Rank 1 is best; packages tied under a method share the mean of their ranks.
Consensus: {html.escape(_CONSENSUS.get(analysis.ranking.consensus_rule, ""))}.</p>
<h2>How robust the choice is</h2>{charts.get("acceptability", "")}{charts["stability"]}
<p class="note">{html.escape(_stability_note(instance, analysis, top))}</p>
{"<h2>Packages that cannot be built</h2><ul>" + infeasible + "</ul>" if infeasible else ""}
<div class="pagebreak"></div>
<h2>Key tables</h2>
<h3>The recommended package: {html.escape(top.label or top.package_id)}, by member and element</h3>
{
        _table(
            ["Member", "Element", "Where", "Units", "Troops", "Annual cost"],
            _allocation_rows(instance, top),
            text_columns=(0, 1, 2),
        )
    }
<h3>The leading packages compared on the criteria</h3>
{_table(*_criteria_rows(analysis, pset), text_columns=(0, 1))}
<p class="note">Points: deterrence, {html.escape(POINT_SCALES["deterrence"])}; escalation
risk, {html.escape(POINT_SCALES["escalation_risk"])} (data/SOURCES.md, A-DETER and A-ESC).</p>
<h3>The scenario's settings</h3>
{_table(["Setting", "Value"], _setting_rows(instance, analysis), text_columns=(0, 1))}
<p class="note">Figures come from the sourced data and the model documented in data/SOURCES.md
and data/MODEL.md. The scenario file (the app's Export page) reproduces these results with
<code>mcdm run</code>.</p>
{banner}
</body></html>
"""


def _charts(instance: Instance, pset: PackageSet, analysis: Any, top: Package) -> dict[str, str]:
    """The briefing's charts as HTML fragments (no library: the page's head holds it once),
    packages named by their labels."""
    labels = {p.package_id: p.label or p.package_id for p in pset.packages}
    frontier = frontier_chart(instance, pset, highlight=top.package_id)
    escaped = {html.escape(k, quote=False): html.escape(v, quote=False) for k, v in labels.items()}
    for trace in frontier.data:
        if getattr(trace, "text", None) is not None and not isinstance(trace.text, str):
            trace.text = [escaped.get(t, t) for t in trace.text]
    contrib = contributions_chart(instance, top)
    contrib.update_layout(title="Who gives what: annual cost by member and kind of force")
    for trace in contrib.data:
        trace.name = _CATEGORIES.get(str(trace.name), trace.name)
    figures: dict[str, go.Figure] = {"frontier": frontier, "contributions": contrib}
    if analysis.smaa is not None:
        frame = analysis.smaa.frame()
        frame.index = [labels.get(i, i) for i in frame.index]
        figures["acceptability"] = acceptability_chart(frame)
    figures["stability"] = stability_chart(analysis.stability)
    if not top.allocation:
        del figures["contributions"]
    return {
        name: pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            default_height="450px",
            config={"displayModeBar": False},
        )
        for name, fig in figures.items()
    }


def _stability_note(instance: Instance, analysis: Any, top: Package) -> str:
    """What the weight stability chart shows, and what an empty row means."""
    method = method_label(instance.scenario.robustness.method)
    name = top.label or top.package_id
    text = (
        f"Weight stability: for each criterion, the range of its weight (the other weights "
        f"keeping their proportions) over which {method} puts {name} first; the diamond is "
        "the weight in use."
    )
    stab = analysis.stability
    if len(stab) and not stab["holds_now"].all():
        text += (
            f" At the weights in use {method} puts another package first, so a bar shows the "
            "nearest range where this one would be first, and a criterion without a bar has "
            "no such range."
        )
    return text


def _table(
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


def _member_rows(instance: Instance, package: Package) -> tuple[list[list[str]], list[str]]:
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


def _ranking_rows(analysis: Any, pset: PackageSet) -> tuple[list[str], list[list[str]]]:
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


def _allocation_rows(instance: Instance, package: Package) -> list[list[str]]:
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


def _criteria_rows(analysis: Any, pset: PackageSet) -> tuple[list[str], list[list[str]]]:
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


def _setting_rows(instance: Instance, analysis: Any) -> list[list[str]]:
    """The scenario's main settings in words: budget, what is compared, caps changed, weights."""
    s = instance.scenario
    data = instance.data
    backstop = data.parameters.backstop[s.us_backstop]
    rows = [
        ["Scenario", s.name],
        ["Budget", f"{format_eur_bn(s.budget_eur_bn)} a year"],
        [
            "Members",
            f"all {len(data.members)} members in the data"
            if not s.members
            else ", ".join(data.members[m].name for m in s.members if m in data.members),
        ],
        ["Kinds of package", ", ".join(a.name for a in data.archetypes.values())],
        [
            "US backstop",
            f"{BACKSTOP_LABELS[s.us_backstop]} (deterrence multiplied by "
            f"{backstop.deterrence_multiplier:g})",
        ],
        [
            "Rotation factor",
            f"{s.rotation_factor:g} (troops in a member's pool for each one deployed)",
        ],
        ["Line of contact", f"{s.line_length_km:,.0f} km"],
    ]
    if s.burden_sharing is not None:
        left_out = ", ".join(
            data.members[m].name if m in data.members else m for m in s.burden_sharing.exclude
        )
        rows.append(
            [
                "Burden-sharing band",
                f"each contributor pays within ±{s.burden_sharing.band:.0%} of its GDP share"
                + (f"; left out: {left_out}" if left_out else ""),
            ]
        )
    if s.lead_nations is not None:
        leads = " and ".join(
            data.members[m].name if m in data.members else m for m in s.lead_nations.members
        )
        rows.append(
            [
                "Lead nations",
                f"{leads} field at least {s.lead_nations.min_troop_share:.0%} of the troops",
            ]
        )
    rows += [["Rule", _rule_words(instance, r)] for r in s.rules]
    rows += [
        [
            f"Changed for {data.members[m].name}" if m in data.members else f"Changed for {m}",
            _changes(t),
        ]
        for m, t in s.member_overrides.items()
    ]
    for kind, table in (("element", s.element_overrides), ("archetype", s.archetype_overrides)):
        names: Mapping[str, Any] = data.elements if kind == "element" else data.archetypes
        rows += [
            [f"Changed for {names[i].name}" if i in names else f"Changed for {i}", _changes(t)]
            for i, t in table.items()
        ]
    weights = ", ".join(
        f"{CRITERIA_LABEL.get(c, c)} {w:.0%}"
        for c, w in zip(analysis.ranking.matrix.criteria, analysis.ranking.weights, strict=True)
    )
    rows.append(["Weights", weights])
    rows.append(["How weighted", _WEIGHTING.get(analysis.weights.scheme, analysis.weights.scheme)])
    if analysis.ranking.dropped:
        rows.append(
            [
                "Left out of the ranking",
                "; ".join(
                    f"{CRITERIA_LABEL.get(c, c)} ({why})" for c, why in analysis.ranking.dropped
                ),
            ]
        )
    rows.append(
        [
            "Ranking methods",
            ", ".join(method_label(m) for m in analysis.ranking.results)
            + f"; consensus by {_CONSENSUS.get(analysis.ranking.consensus_rule, '')}",
        ]
    )
    if analysis.smaa is not None:
        sm = analysis.smaa
        spread = (
            "uniform over every possible weighting"
            if sm.weight_band is None
            else f"within ±{sm.weight_band:.0%} of the weights above"
        )
        cost = s.robustness.cost_uncertainty
        rows.append(
            [
                "Robustness",
                f"{sm.draws:,} weight draws {spread}, ranked by {method_label(sm.method)}"
                + (f"; unit costs varied by up to ±{cost:.0%}" if cost else "")
                + f"; seed {sm.seed}",
            ]
        )
    if s.description:
        rows.append(["Description (from the scenario file)", s.description])
    return rows


def _rule_words(instance: Instance, rule: Any) -> str:
    """A scenario rule in words: "Nordic members field at least 1 unit (of light infantry)"."""
    data = instance.data
    if rule.measure == "cost_eur_m":
        value = format_eur_bn(rule.value / 1000) + " a year"
    else:
        unit = rule.measure.removesuffix("s") if rule.value == 1 else rule.measure
        value = f"{format_number(rule.value)} {'troops' if unit == 'troop' else unit}"
    parts = [f"{rule.name}: {_SENSE.get(rule.sense, rule.sense)} {value}"]
    if rule.members:
        parts.append(
            "from "
            + ", ".join(data.members[m].name if m in data.members else m for m in rule.members)
        )
    of = [data.elements[e].name if e in data.elements else e for e in rule.elements]
    of += [c.value.replace("_", " ") for c in rule.categories]
    if of:
        parts.append("of " + ", ".join(of))
    if rule.archetypes:
        parts.append(
            "in "
            + ", ".join(
                data.archetypes[a].name if a in data.archetypes else a for a in rule.archetypes
            )
        )
    return " ".join(parts)


def _changes(table: Mapping[str, Any]) -> str:
    """A scenario's override table in words: "troops in Ukraine allowed; money cap EUR 500 m"."""
    return "; ".join(
        f"{_FIELDS.get(k, k.replace('_', ' '))} {_value(k, v)}" for k, v in table.items()
    )


def _value(field: str, value: Any) -> str:
    """One overridden value in words, in the format of its unit."""
    if isinstance(value, bool):
        if field in ("ground_in_ukraine", "outside_ukraine"):
            return "allowed" if value else "not allowed"
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{_value(field, v)} {str(k).replace('_', ' ')}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(field, v) for v in value)
    if isinstance(value, (int, float)):
        if field.endswith("_eur_m"):
            return format_eur_bn(value / 1000) + (" a year" if field.startswith("max_") else "")
        if field.endswith("_usd_bn"):
            return f"USD {value:,.0f} bn"
        if field in _TROOP_FIELDS:
            return format_troops(value)
        if field == "min_coverage":
            return f"{value:.0%}"
        return format_number(value)
    return str(value).replace("_", " ") if field in ("position", "primary") else str(value)


# A backslash escape (any ASCII punctuation), a bold marker, or plain text.
_MD_TOKEN = re.compile(r"\\([!-/:-@\[-`{-~])|(\*\*)|([^\\*]+|[\\*])")


def _md(text: str) -> str:
    """The Markdown describe_top writes (bold, backslash escapes) as HTML; all text escaped."""
    out, bold = [], False
    for m in _MD_TOKEN.finditer(text):
        if m.group(2):
            out.append("</b>" if bold else "<b>")
            bold = not bold
        else:
            out.append(html.escape(m.group(1) or m.group(3)))
    return "".join(out) + ("</b>" if bold else "")
