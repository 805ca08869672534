"""What the pages read, and what changed: the context of a run, its summary, the "what
changed" lines after a new setting, and the snapshots of the Compare page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..cells import escape_markdown
from ..frozen import FrozenMap
from ..io.scenario import scenario_to_dict
from ..model import Instance, Scenario
from ..packages import PackageSet
from ..pipeline import Analysis

__all__ = [
    "Context",
    "Shown",
    "Snapshot",
    "Summary",
    "consensus_by_package",
    "diff_settings",
    "snapshot_name",
    "summarise",
    "track_changes",
    "what_changed",
]


# --- what the pages read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What the pages show: the instance as the user set it, its packages, their analysis.

    ``instance`` is the scenario of :func:`ranked_scenario` applied to the data: running its
    file with ``mcdm run`` gives these packages and this ranking. ``changes`` and ``error``
    are Markdown with user text escaped.
    """

    instance: Instance
    pset: PackageSet
    analysis: Analysis | None
    changes: tuple[str, ...] = ()
    error: str | None = None
    uploaded: tuple[str, ...] = ()

    @property
    def export_scenario(self) -> Scenario:
        return self.instance.scenario

    @property
    def package_ids(self) -> list[str]:
        return [p.package_id for p in self.pset.packages]

    @property
    def top_index(self) -> int:
        """Where the top package is among :attr:`package_ids` (0 without a ranking)."""
        ids = self.package_ids
        top = self.analysis.top if self.analysis is not None else None
        return ids.index(top) if top in ids else 0


# --- what changed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What a setting produced, for "what changed" and snapshot comparison."""

    top: str | None
    top_archetype: str | None
    top_cost_eur_bn: float | None
    top_troops: int | None
    top_share_first: float | None
    packages: int
    infeasible: tuple[str, ...]
    consensus: Mapping[str, float]


def consensus_by_package(analysis: Analysis | None) -> dict[str, float] | None:
    """Each ranked package's consensus rank (None without a ranking)."""
    if analysis is None:
        return None
    r = analysis.ranking
    return dict(zip(r.matrix.alternatives, map(float, r.consensus), strict=True))


def summarise(pset: PackageSet, analysis: Analysis | None) -> Summary:
    """What a setting produced: its top package and how it fares, the packages, the failures."""
    top = analysis.top if analysis is not None else None
    pkg = pset.get(top) if top else None
    share = None
    if analysis is not None and analysis.smaa is not None and top is not None:
        share = float(analysis.smaa.first[list(analysis.smaa.alternatives).index(top)])
    return Summary(
        top=top,
        top_archetype=pkg.archetype if pkg else None,
        top_cost_eur_bn=pkg.annual_cost_eur_bn if pkg else None,
        top_troops=pkg.troops_deployed if pkg else None,
        top_share_first=share,
        packages=len(pset.packages),
        infeasible=tuple(o.archetype for o in pset.infeasible),
        consensus=FrozenMap(consensus_by_package(analysis) or {}),
    )


def what_changed(before: Summary | None, after: Summary, settings: list[str]) -> list[str]:
    """Plain words on what a new setting changed (Markdown; ids and settings escaped)."""
    md = escape_markdown
    if before is None:
        return []
    out = [f"You changed: {'; '.join(md(s) for s in settings)}."] if settings else []
    if before.top != after.top:
        out.append(f"The top package changed from **{md(before.top)}** to **{md(after.top)}**.")
    elif after.top is not None:
        out.append(f"**{md(after.top)}** stays on top.")
    if (
        before.top_share_first is not None
        and after.top_share_first is not None
        and abs(before.top_share_first - after.top_share_first) >= 0.01
    ):
        out.append(
            f"Its share of first places across weight draws went from "
            f"{before.top_share_first:.0%} to {after.top_share_first:.0%}."
        )
    if before.packages != after.packages:
        out.append(f"Packages: {before.packages} → {after.packages}.")
    gone = set(after.infeasible) - set(before.infeasible)
    back = set(before.infeasible) - set(after.infeasible)
    if gone:
        out.append("No longer possible: " + ", ".join(md(a) for a in sorted(gone)) + ".")
    if back:
        out.append("Possible again: " + ", ".join(md(a) for a in sorted(back)) + ".")
    return out


def diff_settings(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    """Settings that differ between two scenarios: (key, value in a, value in b)."""
    da, db = _flat(scenario_to_dict(a)), _flat(scenario_to_dict(b))
    keys = sorted(set(da) | set(db))
    return [
        (k, da.get(k), db.get(k))
        for k in keys
        if da.get(k) != db.get(k) and k not in ("name", "description", "dataset")
    ]


def _flat(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v:
            out |= _flat(v, key + ".")
        else:
            out[key] = v
    return out


@dataclass(frozen=True)
class Shown:
    """The setting last shown: its instance's digest, what it produced, its scenario."""

    digest: str
    summary: Summary
    scenario: Scenario


def track_changes(previous: Shown | None, now: Shown, changes: tuple[str, ...]) -> tuple[str, ...]:
    """The "what changed" lines to show now.

    A rerun with the same setting (same digest: same scenario, ranking choices and data) keeps
    the lines it had; a new setting is compared with the one shown before it.
    """
    if previous is None:
        return ()
    if previous.digest == now.digest:
        return changes
    settings = [f"{key} {a} → {b}" for key, a, b in diff_settings(previous.scenario, now.scenario)]
    return tuple(what_changed(previous.summary, now.summary, settings))


@dataclass(frozen=True)
class Snapshot:
    """A setting saved under a name on the Compare page."""

    scenario: Scenario
    summary: Summary
    criteria: Mapping[str, Mapping[str, float]]  # package id -> criterion -> value

    @classmethod
    def of(cls, ctx: Context) -> Snapshot:
        return cls(
            scenario=ctx.export_scenario,
            summary=summarise(ctx.pset, ctx.analysis),
            criteria=FrozenMap((p.package_id, FrozenMap(p.criteria)) for p in ctx.pset.packages),
        )


def snapshot_name(name: str, taken: int) -> str:
    """The name a snapshot is saved under: the user's, or "setting N" when left blank."""
    return name.strip() or f"setting {taken + 1}"
