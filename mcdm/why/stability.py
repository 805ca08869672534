"""The statements about the recommended package's robustness, worded once for the app and the
briefing: its weight stability intervals, what its lead is sensitive to, and the contenders."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..formats import format_eur_bn
from ..headline import package_name
from ..recommend import Recommendation
from ..results import Package
from .breakdown import criterion_label, listed

__all__ = ["contenders_table", "sensitivity_line", "stability_lines"]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def sensitivity_line(stability: pd.DataFrame, width: float = 0.1) -> str | None:
    """ "Its lead is sensitive to the weight of: ..." for the criteria whose stability interval
    is narrower than ``width``, or None: only when the package of the intervals is on top at
    the current weights (otherwise it has no lead to lose; see :func:`stability_lines`)."""
    if not len(stability) or not bool(stability["holds_now"].all()):
        return None
    found = stability.dropna(subset=["low", "high"])
    narrow = found[(found["high"] - found["low"]) < width]
    if not len(narrow):
        return None
    names = ", ".join(criterion_label(c) for c in narrow["criterion"])
    return (
        f"Its lead is sensitive to the weight of: {names} (a change of under "
        f"{100 * width:.0f} points moves another package to the top)."
    )


def stability_lines(
    stability: pd.DataFrame,
    method: str,
    packages: Mapping[str, Package],
    first_now: str | None = None,
) -> list[str]:
    """What the stability intervals say about their package (its ``top`` column: the
    recommended package), in plain text.

    Parameters
    ----------
    stability
        From :func:`mcdm.robustness.stability_intervals` with ``target`` the recommended
        package.
    method
        The method of the intervals.
    packages
        The run's packages by id.
    first_now
        The package ``method`` puts first at the current weights, if known.
    """
    if not len(stability):
        return []
    pid = str(stability["top"].iloc[0])
    name = package_name(packages[pid]) if pid in packages else pid
    found = stability.dropna(subset=["low", "high"])
    missing = [
        criterion_label(c) for c in stability["criterion"] if c not in set(found["criterion"])
    ]
    if bool(stability["holds_now"].all()):
        lines = [
            f"Under {method} at your weights {name} is first. For each criterion, the bar is "
            "the range of its weight (the others rescaled in proportion) over which it stays "
            "first; the diamond is the current weight."
        ]
        if (line := sensitivity_line(stability)) is not None:
            lines.append(line)
        return lines
    other = (
        f" ({package_name(packages[first_now])} is)"
        if first_now is not None and first_now in packages and first_now != pid
        else ""
    )
    lines = [
        f"Under {method} at your exact weights {name} is not first{other}: it is recommended "
        "for how often it comes first across the weight draws. For each criterion, the bar is "
        "the range of its weight nearest yours (the others rescaled in proportion) over which "
        f"{name} would be first; the diamond is the current weight."
    ]
    if len(found):
        ranges = "; ".join(
            f"{criterion_label(r.criterion)} {_pct(r.low)} to {_pct(r.high)} (now {_pct(r.weight)})"
            for r in found.itertuples()
        )
        lines.append(f"It comes first with a weight of {ranges}.")
    if missing:
        lines.append(f"No weight of {listed(missing)} alone puts it first.")
    return lines


def contenders_table(
    recommendation: Recommendation, packages: Mapping[str, Package]
) -> pd.DataFrame:
    """The packages in the running (the recommended one first) with their figures: share of
    first places (or methods that put them first), cost, troops, and each one's difference in
    cost and troops from the recommended package."""
    top = packages[recommendation.package_id]
    share = (
        "First in (share of draws)"
        if recommendation.basis == "smaa"
        else "First under (share of methods)"
    )
    rows = []
    for c in recommendation.contenders:
        p = packages[c.package_id]
        rows.append(
            {
                "Package": package_name(p),
                share: c.first_share,
                "Annual cost": format_eur_bn(p.annual_cost_eur_bn),
                "Troops deployed": f"{p.troops_deployed:,}",
                "Cost against the recommended": _signed_eur(
                    p.annual_cost_eur_bn - top.annual_cost_eur_bn
                ),
                "Troops against the recommended": _signed_troops(
                    p.troops_deployed - top.troops_deployed
                ),
            }
        )
    return pd.DataFrame(rows)


def _signed_troops(troops: int) -> str:
    return "same" if troops == 0 else f"{troops:+,}"


def _signed_eur(value_bn: float) -> str:
    if abs(value_bn) < 5e-4:
        return "same"
    return ("+" if value_bn > 0 else "-") + format_eur_bn(abs(value_bn))
