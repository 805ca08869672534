"""Several stakeholders: the packages ranked under each weight profile, where the profiles agree
and diverge, the package with the least worst-case regret and those acceptable to all.

A scenario's ``[stakeholders.NAME]`` tables (validated by :mod:`mcdm.io.scenario`) are read
here as :class:`Profile` records; :func:`compare_stakeholders` ranks a decision matrix under
each with the run's own ranking path (:func:`mcdm.ranking.resolve_weights` and
:func:`mcdm.ranking.rank_matrix`: the same methods, the same consensus) and returns a frozen
:class:`StakeholderComparison`.

The measures (data/MODEL.md, "Several stakeholders"):

- **rank**: a package's consensus rank under a profile (1 = best; ties share the average rank).
- **regret** of a package for a profile: how many places it stands below that profile's first
  choice, ``rank - best rank`` (0 for the profile's first choice). A rank scale, not a score
  scale: the methods' scores are on different scales, and "at worst third for anyone" is what
  a coalition can agree on.
- **worst-case regret** of a package: its largest regret over the profiles. The package with the
  least worst-case regret (minimax regret) is the one whose worst placing is best; ties go to
  the smaller total of ranks, then to the package's place in the run.
- **acceptable to all**: the packages in every profile's top ``k`` (consensus rank <= ``k``;
  ``k`` = :data:`DEFAULT_TOP_K` = 3 unless asked otherwise). It may be empty; the package of
  least worst-case regret is then the nearest to it.
- **agreement**: each profile's first choice, and Kendall's tau-b between every two profiles'
  consensus ranks (1 = the same order, 0 = unrelated, -1 = reversed).

Pure: no files, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .errors import RankingError
from .frozen import FrozenMap, freeze
from .io.scenario import profile_weights
from .model import DEFAULT_METHODS, Scenario
from .ranking import Ranking, rank_matrix, resolve_weights
from .results import DecisionMatrix
from .weights import WeightResult

__all__ = [
    "DEFAULT_TOP_K",
    "Profile",
    "StakeholderComparison",
    "agreement_table",
    "compare_stakeholders",
    "kendall_tau",
    "people_table",
    "scenario_profiles",
    "summary_json",
    "summary_lines",
    "with_profiles",
]

#: A package is acceptable to all if it is in every profile's top k, with this k by default.
DEFAULT_TOP_K = 3


@dataclass(frozen=True)
class Profile:
    """One stakeholder's weights: criterion -> weight (any non-negative numbers, normalised), or
    an AHP matrix over the ranked criteria instead; ``label`` is its name for people."""

    name: str
    weights: Mapping[str, float] = field(default_factory=FrozenMap)
    ahp: tuple[tuple[float, ...], ...] = ()
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", freeze(self.weights))
        object.__setattr__(self, "ahp", freeze(self.ahp))

    @property
    def title(self) -> str:
        """The profile as people read it: its label, or its name."""
        return self.label or self.name

    @classmethod
    def from_table(cls, name: str, table: Mapping[str, Any]) -> Profile:
        """A profile from its validated ``[stakeholders.NAME]`` table."""
        return cls(
            name,
            weights={k: float(v) for k, v in profile_weights(table).items()},
            ahp=tuple(tuple(float(v) for v in row) for row in table.get("ahp", ())),
            label=str(table.get("label", "")),
        )

    def table(self) -> dict[str, Any]:
        """The profile as its ``[stakeholders.NAME]`` table holds it."""
        out: dict[str, Any] = {"label": self.label} if self.label else {}
        if self.ahp:
            return out | {"ahp": self.ahp}
        return out | dict(self.weights)


def scenario_profiles(scenario: Scenario) -> tuple[Profile, ...]:
    """The scenario's stakeholder profiles, in the order of its file."""
    return tuple(Profile.from_table(n, t) for n, t in scenario.stakeholders.items())


def with_profiles(scenario: Scenario, profiles: Sequence[Profile]) -> Scenario:
    """The scenario with these profiles as its ``[stakeholders.NAME]`` tables."""
    return replace(scenario, stakeholders={p.name: p.table() for p in profiles})


# --- the comparison ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StakeholderComparison:
    """The packages ranked under each profile, and what the profiles agree on.

    ``ranks`` is packages x profiles (consensus ranks, 1 = best; read-only), in the order of
    ``packages`` and ``profiles``; ``weights`` and ``rankings`` are each profile's, as the
    run's ranking path gave them.
    """

    profiles: tuple[Profile, ...]
    packages: tuple[str, ...]
    ranks: np.ndarray
    weights: tuple[WeightResult, ...] = ()
    rankings: tuple[Ranking, ...] = ()
    labels: Mapping[str, str] = field(default_factory=FrozenMap)
    top_k: int = DEFAULT_TOP_K

    def __post_init__(self) -> None:
        ranks = np.array(self.ranks, dtype=float, copy=True)
        ranks.setflags(write=False)
        object.__setattr__(self, "ranks", ranks)
        object.__setattr__(self, "labels", FrozenMap(self.labels))
        if ranks.shape != (len(self.packages), len(self.profiles)):
            raise ValueError(
                f"StakeholderComparison: ranks {ranks.shape} do not match "
                f"{len(self.packages)} packages x {len(self.profiles)} profiles"
            )

    @property
    def regret(self) -> np.ndarray:
        """Packages x profiles: places below each profile's first choice (rank - best rank)."""
        return self.ranks - self.ranks.min(axis=0)

    @property
    def worst_case_regret(self) -> np.ndarray:
        """Each package's largest regret over the profiles."""
        return self.regret.max(axis=1)

    @property
    def order(self) -> list[int]:
        """Package positions from the least worst-case regret up; ties by the smaller total of
        ranks, then by the package's place in the run."""
        worst, total = self.worst_case_regret, self.ranks.sum(axis=1)
        return sorted(range(len(self.packages)), key=lambda i: (worst[i], total[i], i))

    @property
    def least_regret(self) -> str:
        """The package with the least worst-case regret across the profiles."""
        return self.packages[self.order[0]]

    @property
    def acceptable_to_all(self) -> tuple[str, ...]:
        """The packages in every profile's top k (least worst-case regret first)."""
        ok = np.all(self.ranks <= self.top_k, axis=1)
        return tuple(self.packages[i] for i in self.order if ok[i])

    @property
    def tops(self) -> dict[str, str]:
        """Each profile's first choice (its consensus top; a tie goes to the earlier package)."""
        return {
            p.name: self.packages[int(np.argmin(self.ranks[:, j]))]
            for j, p in enumerate(self.profiles)
        }

    def kendall_tau(self) -> pd.DataFrame:
        """Kendall's tau-b between every two profiles' ranks (profile names on both axes)."""
        names = [p.name for p in self.profiles]
        k = len(names)
        tau = np.ones((k, k))
        for i in range(k):
            for j in range(i + 1, k):
                tau[i, j] = tau[j, i] = kendall_tau(self.ranks[:, i], self.ranks[:, j])
        return pd.DataFrame(tau, index=names, columns=names)

    def frame(self) -> pd.DataFrame:
        """``stakeholders.csv``: one row a package (least worst-case regret first): its id,
        label, consensus rank under each profile (``rank_NAME``), worst-case regret (places)
        and whether it is in every profile's top k."""
        worst = self.worst_case_regret
        ok = np.all(self.ranks <= self.top_k, axis=1)
        rows = [
            {
                "package_id": self.packages[i],
                "label": self.labels.get(self.packages[i], ""),
                **{f"rank_{p.name}": float(self.ranks[i, j]) for j, p in enumerate(self.profiles)},
                "worst_case_regret": float(worst[i]),
                "acceptable_to_all": bool(ok[i]),
            }
            for i in self.order
        ]
        columns = [
            "package_id",
            "label",
            *(f"rank_{p.name}" for p in self.profiles),
            "worst_case_regret",
            "acceptable_to_all",
        ]
        return pd.DataFrame(rows, columns=columns)

    def warnings(self) -> tuple[str, ...]:
        """The profiles' weight warnings (an inconsistent AHP matrix), each naming its profile."""
        return tuple(
            f"Stakeholder {p.title!r}: {msg}"
            for p, w in zip(self.profiles, self.weights, strict=True)
            for msg in w.warnings
        )

    def name_of(self, package_id: str) -> str:
        """A package as people read it, with its stable id (as the headline names it)."""
        label = self.labels.get(package_id, "")
        return f"{label} ({package_id})" if label else package_id


def kendall_tau(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Kendall's tau-b of two rankings of the same items (ties allowed); NaN if either ranking
    ties every item.

    tau-b = (concordant - discordant) / sqrt((n0 - ties in a) (n0 - ties in b)), over the
    n0 = n (n - 1) / 2 pairs (Kendall 1945).
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    upper = np.triu_indices(len(x), 1)
    sx = np.sign(x[:, None] - x[None, :])[upper]
    sy = np.sign(y[:, None] - y[None, :])[upper]
    denominator = math.sqrt(float(np.count_nonzero(sx)) * float(np.count_nonzero(sy)))
    return float((sx * sy).sum() / denominator) if denominator > 0 else math.nan


def _profile_weights(matrix: DecisionMatrix, profile: Profile) -> WeightResult:
    if profile.ahp:
        return resolve_weights("ahp", matrix, ahp=profile.ahp)
    return resolve_weights("user", matrix, user=profile.weights)


def compare_stakeholders(
    matrix: DecisionMatrix,
    profiles: Sequence[Profile],
    methods: Sequence[str] = DEFAULT_METHODS,
    consensus: str = "borda",
    *,
    labels: Mapping[str, str] | None = None,
    top_k: int = DEFAULT_TOP_K,
) -> StakeholderComparison:
    """Rank the matrix's alternatives under each profile and compare the profiles.

    Parameters
    ----------
    matrix
        The decision matrix as the run ranks it (every criterion ranked; those that do not
        vary or that a profile weights 0 are left out for that profile, as in the run).
    profiles
        The stakeholders' weight profiles (at least one).
    methods, consensus
        The run's methods and consensus rule (see :func:`mcdm.ranking.rank_matrix`).
    labels
        Alternative id -> its name for people (``stakeholders.csv``'s ``label``).
    top_k
        A package is acceptable to all if it is in every profile's top ``top_k``.

    Raises
    ------
    RankingError
        If a profile cannot rank these packages (say, it weights only criteria on which every
        package scores the same); the message names the profile.
    """
    if not profiles:
        raise RankingError("no stakeholder profile to compare")
    if top_k < 1:
        raise RankingError(f"top_k must be at least 1; got {top_k}")
    weights, rankings = [], []
    for p in profiles:
        try:
            w = _profile_weights(matrix, p)
            rankings.append(rank_matrix(matrix, w.as_dict(), methods, consensus))
        except RankingError as exc:
            raise RankingError(f"stakeholder {p.title!r} ({p.name}): {exc}") from exc
        weights.append(w)
    ranks = np.column_stack([r.consensus for r in rankings])
    return StakeholderComparison(
        profiles=tuple(profiles),
        packages=matrix.alternatives,
        ranks=ranks,
        weights=tuple(weights),
        rankings=tuple(rankings),
        labels=dict(labels or {}),
        top_k=top_k,
    )


# --- in words ---------------------------------------------------------------------------------


def _rank(value: float) -> str:
    return f"{value:g}"


def summary_lines(c: StakeholderComparison) -> list[str]:
    """The comparison in plain sentences (plain text: callers that render Markdown escape it):
    each stakeholder's first choice, whether they agree, the package of least worst-case
    regret and those acceptable to all."""
    tops = c.tops
    firsts = "; ".join(f"{c.name_of(tops[p.name])} for {p.title}" for p in c.profiles)
    lines = [f"Each stakeholder's first choice: {firsts}."]
    if len(c.profiles) > 1:
        if len(set(tops.values())) == 1:
            lines.append("The stakeholders agree on the first choice.")
        else:
            lines.append(
                f"The stakeholders' first choices differ ({len(set(tops.values()))} packages)."
            )
    i = c.packages.index(c.least_regret)
    worst = float(c.worst_case_regret[i])
    ranks = ", ".join(f"{p.title} {_rank(c.ranks[i, j])}" for j, p in enumerate(c.profiles))
    if worst == 0:
        where = "every stakeholder's first choice (or tied first)"
    else:
        places = f"{_rank(worst)} place{'s' if worst != 1 else ''}"
        where = f"at most {places} below any stakeholder's first choice"
    lines.append(f"Least worst-case regret: {c.name_of(c.least_regret)}, {where} (ranks: {ranks}).")
    accepted = c.acceptable_to_all
    if accepted:
        lines.append(
            f"Acceptable to all (in every stakeholder's top {c.top_k}): "
            + "; ".join(c.name_of(a) for a in accepted)
            + "."
        )
    else:
        worst_rank = float(c.ranks[i].max())
        lines.append(
            f"No package is in every stakeholder's top {c.top_k}; the nearest is "
            f"{c.name_of(c.least_regret)}, at worst ranked {_rank(worst_rank)}."
        )
    return lines


def people_table(c: StakeholderComparison) -> pd.DataFrame:
    """``stakeholders.csv`` in people's words: package names, profile labels, regret in places."""
    f = c.frame()
    out = pd.DataFrame({"Package": [c.name_of(pid) for pid in f["package_id"]]})
    for p in c.profiles:
        out[f"Rank: {p.title}"] = f[f"rank_{p.name}"].to_numpy()
    out["Worst-case regret (places)"] = f["worst_case_regret"].to_numpy()
    out[f"In every top {c.top_k}"] = f["acceptable_to_all"].to_numpy()
    return out


def agreement_table(c: StakeholderComparison) -> pd.DataFrame:
    """Kendall's tau-b between the profiles, labelled for people."""
    tau = c.kendall_tau()
    titles = [p.title for p in c.profiles]
    return pd.DataFrame(tau.to_numpy(), index=titles, columns=titles).round(2)


def summary_json(c: StakeholderComparison) -> dict[str, Any]:
    """The short summary ``run.json`` holds under ``stakeholders``."""
    i = c.packages.index(c.least_regret)
    return {
        "profiles": [{"name": p.name, "label": p.label, "top": c.tops[p.name]} for p in c.profiles],
        "least_regret": {
            "package_id": c.least_regret,
            "worst_case_regret": float(c.worst_case_regret[i]),
        },
        "acceptable_to_all": list(c.acceptable_to_all),
        "top_k": c.top_k,
        "regret": "places below each stakeholder's first choice (consensus rank - best rank)",
    }
