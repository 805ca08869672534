"""Words and exports for people: the top package in plain words, a self-contained HTML
briefing, the run's tables as an Excel workbook or a zip of CSV files.

Pure functions (no Streamlit): the app shows what they return, the tests read it. What changed
between two settings, and snapshots, are in :mod:`mcdm.session`.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.io as pio
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .cells import escape_markdown, neutralise_frame, sheet_names
from .criteria import contributions
from .figures import acceptability_chart, contributions_chart, frontier_chart, stability_chart
from .headline import recommendation_sentence
from .io.scenario import dump_scenario_toml
from .model import CRITERIA, Instance
from .packages import PackageSet, format_eur_bn
from .views import member_table
from .why import sensitivity_line

__all__ = [
    "briefing_html",
    "csv_zip",
    "describe_top",
    "excel_workbook",
]


def describe_top(instance: Instance, pset: PackageSet, analysis: Any) -> list[str]:
    """The top package in plain words: what it is, what it costs, who sends what, how robust.

    Lines of Markdown (bold marks the key figures); every piece of user text in them (names,
    descriptions, ids) is escaped, so that it shows as text and never as a link or an image.
    """
    md = escape_markdown
    top = analysis.top
    p = pset.get(top)
    a = instance.data.archetypes[p.archetype]
    per = contributions(instance, p.allocation)
    leaders = sorted(per.items(), key=lambda kv: -kv[1]["troops"])[:4]
    people = ", ".join(
        f"{md(instance.data.members[m].name)} {r['troops']:,}"
        for m, r in leaders
        if r["troops"] > 0
    )
    c = p.criteria
    described = a.description[:1].lower() + a.description[1:]
    lines = [
        f"**{md(recommendation_sentence(analysis.recommendation, pset.by_id))}**",
        f"Kind of package: **{md(a.name)}**" + (f" — {md(described)}" if described else "."),
        f"It costs **{format_eur_bn(c['annual_cost_eur_bn'])} a year** and deploys "
        f"**{p.troops_deployed:,} troops** ({int(c['troops_exposed']):,} inside Ukraine) "
        f"from **{p.nations} nations**"
        + (f"; the largest contingents: {people}." if people else "."),
        f"Deterrence {c['deterrence']:,.0f} points, early warning over "
        f"{c['early_warning_pct']:.0f}% of the {instance.scenario.line_length_km:,.0f} km line, "
        f"air-defence cover {c['air_defence_k_km2']:,.0f} thousand km², escalation risk "
        f"{c['escalation_risk']:,.0f} points, ready in {c['readiness_days']:.0f} days.",
    ]
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
            f"{spread} ({analysis.smaa.method}) — {words}."
        )
    # only when the recommended package is first at these weights: it has no lead otherwise
    if (sensitive := sensitivity_line(analysis.stability)) is not None:
        lines.append(md(sensitive))
    if p.status.value != "optimal":
        lines.append(
            f"This package is feasible but not proven optimal: {md(p.note or 'a solver limit')}."
        )
    return lines


CRITERIA_LABEL = {c.criterion_id: c.label.lower() for c in CRITERIA}


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


def briefing_html(instance: Instance, pset: PackageSet, analysis: Any) -> str:
    """A self-contained HTML briefing: works offline (plotly.js inline), prints to PDF."""
    s = instance.scenario
    top = pset.get(analysis.top)
    charts = [
        frontier_chart(instance, pset, highlight=top.package_id),
        contributions_chart(instance, top),
        acceptability_chart(analysis.smaa.frame()) if analysis.smaa is not None else None,
        stability_chart(analysis.stability),
    ]
    parts = []
    for i, fig in enumerate(c for c in charts if c is not None):
        parts.append(
            pio.to_html(
                fig,
                full_html=False,
                include_plotlyjs="inline" if i == 0 else False,
                config={"displayModeBar": False},
            )
        )
    ranking = analysis.ranking.frame().sort_values("consensus_rank").head(10)
    members = member_table(instance, top)
    infeasible = "".join(f"<li>{html.escape(o.message)}</li>" for o in pset.infeasible)
    summary = "".join(f"<p>{_md(line)}</p>" for line in describe_top(instance, pset, analysis))
    weights = ", ".join(
        f"{CRITERIA_LABEL.get(c, c)} {w:.0%}"
        for c, w in zip(analysis.ranking.matrix.criteria, analysis.ranking.weights, strict=True)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Security-guarantee packages: {html.escape(s.name)}</title>
<style>
 body {{ font-family: Georgia, 'Times New Roman', serif; max-width: 960px; margin: 2em auto;
        color: #111; line-height: 1.45; }}
 h1, h2 {{ font-family: Helvetica, Arial, sans-serif; }}
 table {{ border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }}
 th, td {{ border: 1px solid #bbb; padding: 3px 6px; text-align: right; }}
 th:first-child, td:first-child {{ text-align: left; }}
 .note {{ color: #444; font-size: 0.9em; }}
 @media print {{ .pagebreak {{ page-break-before: always; }} body {{ margin: 0.5in; }} }}
</style></head><body>
<h1>Security-guarantee packages for Ukraine — {html.escape(s.name)}</h1>
<p class="note">{html.escape(s.description)} Budget EUR {s.budget_eur_bn:g} bn a year; rotation
factor {s.rotation_factor:g}; line of contact {s.line_length_km:,.0f} km; US backstop:
{html.escape(str(s.us_backstop))}. Weights: {html.escape(weights)}. Input digest
{instance.digest[:12]}.</p>
<h2>The top package</h2>{summary}
<h2>Who contributes what</h2>{members.to_html(index=False, float_format=lambda v: f"{v:,.1f}")}
{parts[1] if len(parts) > 1 else ""}
<div class="pagebreak"></div>
<h2>The trade-offs</h2>{parts[0]}
<h2>Ranking (top 10 by consensus)</h2>{ranking.to_html(float_format=lambda v: f"{v:g}")}
<h2>How robust the choice is</h2>{"".join(parts[2:])}
{"<h2>Packages that cannot be built</h2><ul>" + infeasible + "</ul>" if infeasible else ""}
<p class="note">Figures come from the sourced default data and the model documented in
data/SOURCES.md and data/MODEL.md. Scenario file to reproduce these results:</p>
<pre class="note">{html.escape(dump_scenario_toml(s))}</pre>
</body></html>
"""


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
