"""What the pages read, and what changed: the context of a run, its summary, the "what
changed" lines after a new setting, and the snapshots of the Compare page."""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..cells import escape_markdown
from ..formats import format_eur_bn
from ..frozen import FrozenMap
from ..io.scenario import dump_scenario_toml, scenario_to_dict
from ..model import Dataset, Instance, Scenario
from ..packages import NEAR_DUPLICATE_SHARE, PackageSet, criteria_ranges
from ..pipeline import Analysis
from .words import describe_setting

__all__ = [
    "MAX_SNAPSHOTS",
    "SNAPSHOTS_FORMAT",
    "Context",
    "Shown",
    "Snapshot",
    "SnapshotStore",
    "Summary",
    "consensus_by_package",
    "describe_settings",
    "diff_settings",
    "same_package",
    "snapshot_name",
    "snapshots_to_json",
    "summarise",
    "track_changes",
    "what_changed",
]


# --- what the pages read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What the pages show: the instance as the user set it, its packages, their analysis.

    ``instance`` is the scenario of :func:`ranked_scenario` applied to the data: running its
    file with ``mcdm run`` gives these packages and this ranking (after a budget change that
    solves at other budgets answered, :mod:`mcdm.budget_memo`, packages within the solver's
    gap of a fresh solve's). ``solved`` is the instance the packages were solved for (the
    same without the ranking's choices: what their constraint prices depend on). ``changes``
    and ``error`` are Markdown with user text escaped.
    """

    instance: Instance
    pset: PackageSet
    analysis: Analysis | None
    changes: tuple[str, ...] = ()
    error: str | None = None
    uploaded: tuple[str, ...] = ()
    solved: Instance | None = None

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
    """What a setting produced, for "what changed" and snapshot comparison.

    ``top_kind`` and ``infeasible`` are the kinds of package's names (ids where the names were
    not given); ``top_criteria`` and ``ranges`` (each criterion's range over the packages) tell a
    new top package from a near-duplicate of the old one.
    """

    top: str | None
    top_archetype: str | None
    top_cost_eur_bn: float | None
    top_troops: int | None
    top_share_first: float | None
    packages: int
    infeasible: tuple[str, ...]
    consensus: Mapping[str, float]
    top_label: str = ""
    top_kind: str = ""
    top_criteria: Mapping[str, float] = field(default_factory=FrozenMap)
    ranges: Mapping[str, float] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        for name in ("consensus", "top_criteria", "ranges"):
            object.__setattr__(self, name, FrozenMap(getattr(self, name)))

    @property
    def top_name(self) -> str:
        """The top package as people read it: its label, else its id."""
        return self.top_label or str(self.top)


def consensus_by_package(analysis: Analysis | None) -> dict[str, float] | None:
    """Each ranked package's consensus rank (None without a ranking)."""
    if analysis is None:
        return None
    r = analysis.ranking
    return dict(zip(r.matrix.alternatives, map(float, r.consensus), strict=True))


def summarise(
    pset: PackageSet, analysis: Analysis | None, kinds: Mapping[str, str] | None = None
) -> Summary:
    """What a setting produced: its top package and how it fares, the packages, the failures.

    ``kinds``: each kind of package's name by id (the summary then holds names, not ids).
    """
    names = kinds or {}
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
        infeasible=tuple(names.get(o.archetype, o.archetype) for o in pset.infeasible),
        consensus=FrozenMap(consensus_by_package(analysis) or {}),
        top_label=pkg.label if pkg else "",
        top_kind=names.get(pkg.archetype, pkg.archetype) if pkg else "",
        top_criteria=FrozenMap(pkg.criteria) if pkg else FrozenMap(),
        ranges=FrozenMap(criteria_ranges(pset.packages)),
    )


def same_package(before: Summary, after: Summary) -> bool:
    """Whether two summaries' top packages are one package: the same id, or criteria that all
    lie within the near-duplicate tolerance (:data:`~mcdm.packages.NEAR_DUPLICATE_SHARE` of each
    criterion's range, the wider of the two settings' ranges)."""
    if before.top == after.top:
        return True
    a, b = before.top_criteria, after.top_criteria
    if not a or not b or set(a) != set(b):
        return False
    return all(
        abs(a[c] - b[c])
        <= NEAR_DUPLICATE_SHARE * max(before.ranges.get(c, 0.0), after.ranges.get(c, 0.0)) + 1e-9
        for c in a
    )


def _how_it_differs(before: Summary, after: Summary) -> str:
    """How a new top package differs from the old one: kind, cost, troops (a sentence; only
    what differs as people read it)."""
    parts = []
    if before.top_kind and after.top_kind and before.top_kind != after.top_kind:
        parts.append(f"is {_a(after.top_kind)} instead of {_a(before.top_kind)}")
    if before.top_cost_eur_bn is not None and after.top_cost_eur_bn is not None:
        now, was = format_eur_bn(after.top_cost_eur_bn), format_eur_bn(before.top_cost_eur_bn)
        if now != was:
            parts.append(f"costs {now} a year instead of {was}")
    if (
        before.top_troops is not None
        and after.top_troops is not None
        and before.top_troops != after.top_troops
    ):
        parts.append(f"deploys {after.top_troops:,} troops instead of {before.top_troops:,}")
    if not parts:
        return ""
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f" It {said}."


def _a(kind: str) -> str:
    """A kind of package with its article, in lower case ("an observer mission")."""
    words = kind[:1].lower() + kind[1:]
    return ("an " if words[:1] in "aeiou" else "a ") + words


def what_changed(before: Summary | None, after: Summary, settings: list[str]) -> list[str]:
    """Plain words on what a new setting changed (Markdown; names and settings escaped).

    "The top package changed" only when the new top package differs materially from the old
    one (:func:`same_package`), and then how.
    """
    md = escape_markdown
    if before is None:
        return []
    out = [f"You changed: {'; '.join(md(s) for s in settings)}."] if settings else []
    if after.top is None:
        if before.top is not None:
            out.append("No package is ranked now.")
    elif before.top is None:
        out.append(f"The top package is **{md(after.top_name)}**.")
    elif same_package(before, after):
        if before.top == after.top:
            out.append(f"**{md(after.top_name)}** stays on top.")
        else:
            out.append(
                f"The top package is **{md(after.top_name)}**, practically the same as before "
                f"(**{md(before.top_name)}**): within {NEAR_DUPLICATE_SHARE:.0%} of the "
                "packages' range on every criterion."
            )
    else:
        out.append(
            f"The top package changed from **{md(before.top_name)}** to "
            f"**{md(after.top_name)}**.{md(_how_it_differs(before, after))}"
        )
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
    """Settings that differ between two scenarios, by id: (dotted key, value in a, value in b);
    ``None`` where a scenario leaves the setting out."""
    da, db = _flat(scenario_to_dict(a)), _flat(scenario_to_dict(b))
    keys = sorted(set(da) | set(db))
    return [
        (k, da.get(k), db.get(k))
        for k in keys
        if da.get(k) != db.get(k) and k not in ("name", "description", "dataset")
    ]


def describe_settings(a: Scenario, b: Scenario, data: Dataset | None) -> list[tuple[str, str, str]]:
    """Settings that differ between two scenarios in people's words: (setting, in a, in b).

    ``data`` names the members, elements and kinds of package, and gives an override's value
    where a scenario leaves it out.
    """
    return [describe_setting(k, va, vb, data) for k, va, vb in diff_settings(a, b)]


def _flat(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as dotted keys; an empty mapping is left out (it sets nothing)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
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


def track_changes(
    previous: Shown | None,
    now: Shown,
    changes: tuple[str, ...],
    data: Dataset | None = None,
) -> tuple[str, ...]:
    """The "what changed" lines to show now.

    A rerun with the same setting (same digest: same scenario, ranking choices and data) keeps
    the lines it had; a new setting is compared with the one shown before it. ``data`` gives
    the names of members, elements and kinds of package.
    """
    if previous is None:
        return ()
    if previous.digest == now.digest:
        return changes
    settings = [
        f"{label}: {a} → {b}"
        for label, a, b in describe_settings(previous.scenario, now.scenario, data)
    ]
    return tuple(what_changed(previous.summary, now.summary, settings))


@dataclass(frozen=True)
class Snapshot:
    """A setting saved under a name on the Compare page."""

    scenario: Scenario
    summary: Summary
    criteria: Mapping[str, Mapping[str, float]]  # package id -> criterion -> value
    labels: Mapping[str, str] = field(default_factory=FrozenMap)  # package id -> label
    data_digest: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "criteria", FrozenMap((k, FrozenMap(v)) for k, v in self.criteria.items())
        )
        object.__setattr__(self, "labels", FrozenMap(self.labels))

    @classmethod
    def of(cls, ctx: Context) -> Snapshot:
        kinds = {aid: a.name for aid, a in ctx.instance.data.archetypes.items()}
        return cls(
            scenario=ctx.export_scenario,
            summary=summarise(ctx.pset, ctx.analysis, kinds),
            criteria=FrozenMap((p.package_id, FrozenMap(p.criteria)) for p in ctx.pset.packages),
            labels=FrozenMap((p.package_id, p.label) for p in ctx.pset.packages if p.label),
            data_digest=ctx.instance.data.digest,
        )


def snapshot_name(name: str, taken: int) -> str:
    """The name a snapshot is saved under: the user's, or "setting N" when left blank."""
    return name.strip() or f"setting {taken + 1}"


# --- snapshots kept across reloads -------------------------------------------------------------

#: What a snapshots file says it is (``format``) and its layout's version.
SNAPSHOTS_FORMAT = "mcdm-snapshots"
SNAPSHOTS_VERSION = 1
#: Most snapshots one session (one key of :class:`SnapshotStore`) keeps.
MAX_SNAPSHOTS = 50


def snapshots_to_json(named: Mapping[str, Snapshot]) -> str:
    """Snapshots as the JSON file the Compare page offers (each scenario as its TOML text)."""
    return json.dumps(
        {
            "format": SNAPSHOTS_FORMAT,
            "version": SNAPSHOTS_VERSION,
            "snapshots": [
                {
                    "name": name,
                    "scenario_toml": dump_scenario_toml(s.scenario),
                    "summary": {
                        f.name: getattr(s.summary, f.name) for f in dataclasses.fields(Summary)
                    },
                    "criteria": s.criteria,
                    "labels": s.labels,
                    "data_digest": s.data_digest,
                }
                for name, s in named.items()
            ],
        },
        indent=1,
        allow_nan=False,
    )


class SnapshotStore:
    """Snapshots kept in the server's memory under random keys, so that a reload of a page
    whose address holds the key finds them (while the server runs).

    At most ``max_keys`` keys are kept, the least recently used dropped first; a key is 128
    random bits, so one session cannot guess another's.
    """

    def __init__(self, max_keys: int = 256) -> None:
        self._max_keys = max_keys
        self._by_key: OrderedDict[str, dict[str, Snapshot]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Snapshot] | None:
        """The snapshots under ``key`` (None if unknown or dropped)."""
        with self._lock:
            found = self._by_key.get(key)
            if found is not None:
                self._by_key.move_to_end(key)
            return found

    def new(self) -> tuple[str, dict[str, Snapshot]]:
        """A new key and its (empty) snapshots, which the caller fills in place."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._by_key[key] = {}
            while len(self._by_key) > self._max_keys:
                self._by_key.popitem(last=False)
            return key, self._by_key[key]
