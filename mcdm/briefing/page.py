"""The HTML briefing: one self-contained page on one run, built section by section.

plotly.js is inlined once in the head, before any chart's script; every piece of user text
(names, descriptions, rules, the classification line) is escaped, so that it shows as text and
never becomes markup.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from ..backstop_range import names_of
from ..describe import POINT_SCALES, describe_top, method_label
from ..figures import acceptability_chart, contributions_chart, frontier_chart, stability_chart
from ..formats import format_eur_bn
from ..model import Instance
from ..packages import PackageSet
from ..results import Package
from .settings import CONSENSUS, setting_rows
from .tables import (
    RANKED_SHOWN,
    allocation_rows,
    criteria_rows,
    html_table,
    member_rows,
    ranking_rows,
)

__all__ = ["briefing_html"]

#: Kinds of force (element categories) in words, for the "who gives what" legend.
_CATEGORIES = {
    "ground combat": "ground combat",
    "light infantry": "light infantry",
    "air defence": "air defence",
    "air": "air power",
    "aew": "airborne early warning",
    "tanker": "air-to-air refuelling",
    "isr": "ISR (intelligence, surveillance, reconnaissance)",
    "sensors": "ground sensors",
    "observer": "observers",
    "engineer": "engineers",
    "logistics": "logistics",
    "medical": "medical",
    "hq": "headquarters",
    "naval": "naval",
    "training": "training",
    "ukraine forces": "Ukraine's own forces (funded, no coalition troops)",
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
    top = pset.get(analysis.top)
    when = (date or datetime.date.today()).isoformat()
    banner = (
        f'<p class="classification">{html.escape(classification.strip())}</p>'
        if classification and classification.strip()
        else ""
    )
    charts = _charts(instance, pset, analysis, top)
    lines = [
        *_head(instance.scenario.name),
        banner,
        *_opening(instance, pset, analysis, when),
        *_contributors(instance, top, charts),
        *_ranking_and_robustness(instance, pset, analysis, top, charts),
        *_key_tables(instance, pset, analysis, top),
        banner,
        "</body></html>",
    ]
    return "\n".join(lines) + "\n"


#: The page's style sheet: print-friendly, tables compact, the classification line framed.
_STYLE = """<style>
 body { font-family: Georgia, 'Times New Roman', serif; max-width: 960px; margin: 2em auto;
        color: #111; line-height: 1.45; }
 h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
 table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
 th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: right; vertical-align: top; }
 th { background: #f2f2f2; }
 .text { text-align: left; }
 table.meta th { text-align: left; }
 .note { color: #444; font-size: 0.9em; }
 .classification { font-family: Helvetica, Arial, sans-serif; font-weight: bold;
        text-align: center; letter-spacing: 0.05em; border: 2px solid #111; padding: 4px; }
 @media print { .pagebreak { page-break-before: always; } body { margin: 0.5in; } }
</style>"""


def _head(name: str) -> list[str]:
    """The page's head: its title, the style sheet and plotly.js, once, before any chart."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Security-guarantee packages: {html.escape(name)}</title>",
        _STYLE,
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
    ]


def _opening(instance: Instance, pset: PackageSet, analysis: Any, when: str) -> list[str]:
    """The title, the header table (scenario, budget, date, data version), the recommendation."""
    s = instance.scenario
    data_version = instance.data.digest[:12] or "not recorded"
    inputs = f"; scenario and data together {instance.digest[:12]}" if instance.digest else ""
    header = html_table(
        ["Scenario", "Budget", "Date", "Data version"],
        [],
        meta=[
            s.name,
            f"{format_eur_bn(s.budget_eur_bn)} a year",
            when,
            f"{data_version} (digest of the data files{inputs})",
        ],
    )
    summary = "".join(f"<p>{_md(line)}</p>" for line in describe_top(instance, pset, analysis))
    return [
        "<h1>Security-guarantee packages for Ukraine</h1>",
        header,
        f"<h2>The recommendation</h2>{summary}",
    ]


def _contributors(instance: Instance, top: Package, charts: dict[str, str]) -> list[str]:
    """Who contributes what: the members' table, its notes and the chart."""
    members, member_notes = member_rows(instance, top)
    header = [
        "Member",
        "Units",
        "Troops",
        "In Ukraine",
        "Annual cost",
        "Cost share",
        "GDP share",
        "Stated position",
    ]
    return [
        "<h2>Who contributes what</h2>",
        html_table(header, members, text_columns=(0, 7)),
        "".join(f'<p class="note">{html.escape(n)}</p>' for n in member_notes),
        charts.get("contributions", ""),
    ]


def _ranking_and_robustness(
    instance: Instance, pset: PackageSet, analysis: Any, top: Package, charts: dict[str, str]
) -> list[str]:
    """The trade-offs, the ranking, how robust the choice is, and the packages that cannot be
    built."""
    ranked_head, ranked_rows = ranking_rows(analysis, pset)
    consensus = html.escape(CONSENSUS.get(analysis.ranking.consensus_rule, ""))
    infeasible = "".join(f"<li>{html.escape(o.message)}</li>" for o in pset.infeasible)
    return [
        '<div class="pagebreak"></div>',
        f"<h2>The trade-offs</h2>{charts['frontier']}",
        f"<h2>Ranking (the first {RANKED_SHOWN} by consensus)</h2>",
        html_table(ranked_head, ranked_rows, text_columns=(1, len(ranked_head) - 1)),
        '<p class="note">Rank 1 is best; packages tied under a method share the mean of their '
        "ranks.",
        f"Consensus: {consensus}.</p>",
        f"<h2>How robust the choice is</h2>{charts.get('acceptability', '')}{charts['stability']}",
        f'<p class="note">{html.escape(_stability_note(instance, analysis, top))}</p>',
        _backstop_note(pset, analysis),
        "<h2>Packages that cannot be built</h2><ul>" + infeasible + "</ul>" if infeasible else "",
    ]


def _key_tables(instance: Instance, pset: PackageSet, analysis: Any, top: Package) -> list[str]:
    """The closing tables: the recommended package's allocation, the leading packages on the
    criteria, the scenario's settings in words."""
    return [
        '<div class="pagebreak"></div>',
        "<h2>Key tables</h2>",
        f"<h3>The recommended package: {html.escape(top.label or top.package_id)}, by member "
        "and element</h3>",
        html_table(
            ["Member", "Element", "Where", "Units", "Troops", "Annual cost"],
            allocation_rows(instance, top),
            text_columns=(0, 1, 2),
        ),
        "<h3>The leading packages compared on the criteria</h3>",
        html_table(*criteria_rows(analysis, pset), text_columns=(0, 1)),
        f'<p class="note">Points: deterrence, {html.escape(POINT_SCALES["deterrence"])}; '
        "escalation",
        f"risk, {html.escape(POINT_SCALES['escalation_risk'])} (data/SOURCES.md, A-DETER and "
        "A-ESC).</p>",
        "<h3>The scenario's settings</h3>",
        html_table(["Setting", "Value"], setting_rows(instance, analysis), text_columns=(0, 1)),
        '<p class="note">Figures come from the sourced data and the model documented in '
        "data/SOURCES.md",
        "and data/MODEL.md. The scenario file (the app's Export page) reproduces these results "
        "with",
        "<code>mcdm run</code>.</p>",
    ]


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


def _backstop_note(pset: PackageSet, analysis: Any) -> str:
    """Whether the recommendation holds across the US backstop's range (a paragraph)."""
    backstop = getattr(analysis, "backstop", None)
    if backstop is None:
        return ""
    return f"<p>{html.escape(backstop.statement(names_of(pset)))}</p>"


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
