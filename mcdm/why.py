"""Why a package ranks where it does: scores broken down by criterion, PROMETHEE I and GAIA.

Pure numpy on a :class:`~mcdm.results.DecisionMatrix` and normalised weights (those the ranking
used, over the criteria it kept):

- :func:`contributions`: each alternative's score split by criterion, in the normalisation of
  the method in use, on the values that method sees (shifted where it divides by them, see
  :func:`mcdm.ranking.prepare_values`). Larger is better on every criterion (cost criteria are
  flipped), so "A wins on deterrence by +0.12" reads the same whatever the method. For the
  additive methods the parts add up to the method's own score: the net flow of PROMETHEE II,
  the WSM and MABAC scores, 1 minus the SPOTIS distance, 1 minus VIKOR's group utility S; for
  the others they are the additive reading of what the method compares (:data:`READINGS`).
- :func:`score_breakdown` and :func:`versus_sentence`: one package against another, criterion
  by criterion, and the sentence "it wins on deterrence (+0.12), loses on annual cost (-0.08)".
- :func:`promethee_flows`, :func:`promethee_one`: leaving, entering and per-criterion net flows
  with the V-shape preference function (p = each criterion's range, as the ranking uses), and
  PROMETHEE I's partial ranking: A outranks B only if it is at least as good on both flows.
- :func:`gaia`: the GAIA plane (Mareschal & Brans 1988): the alternatives' per-criterion net
  flows projected on their first two principal components, with the criteria's axes and the
  weight vector (the decision stick) in the same plane.
- :func:`stability_lines`, :func:`sensitivity_line`, :func:`contenders_table`: the statements
  about the recommended package's robustness, worded once for the app and the briefing.

Sentences are plain text: callers that render Markdown or HTML escape them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .criteria import CRITERIA_BY_ID
from .formats import format_eur_bn
from .headline import package_name
from .model import Method
from .ranking import prepare_values
from .recommend import Recommendation
from .results import DecisionMatrix, Package

if TYPE_CHECKING:
    from .pipeline import Analysis

__all__ = [
    "ADDITIVE",
    "LEVEL",
    "READINGS",
    "Gaia",
    "PrometheeFlows",
    "ScoreBreakdown",
    "contenders_table",
    "contributions",
    "criterion_label",
    "gaia",
    "promethee_flows",
    "promethee_one",
    "promethee_one_sentence",
    "promethee_one_table",
    "reference_for",
    "score_breakdown",
    "sensitivity_line",
    "stability_lines",
    "versus_sentence",
    "why_it_wins",
]

#: Differences smaller than this (in the method's score units) count as level: they show as
#: 0.00 at two decimals.
LEVEL = 0.005

#: What :func:`contributions` gives for each method, in a phrase ("TOPSIS: ...").
READINGS: Mapping[str, str] = {
    Method.PROMETHEE_II: "weighted net flows per criterion, which add up to the net flow",
    Method.MABAC: "weighted distances from the border area, which add up to the MABAC score",
    Method.WSM: "weighted sum-normalised values, which add up to the WSM score",
    Method.SPOTIS: "weighted min-max normalised values, which add up to 1 minus the distance",
    Method.VIKOR: "weighted min-max normalised values, which add up to 1 minus VIKOR's S",
    Method.WASPAS: "weighted values over the best: the weighted-sum half of WASPAS",
    Method.COPRAS: "weighted shares of each criterion's total: benefits add, costs subtract",
}
_MINMAX_READING = (
    "weighted min-max normalised values: 0 for the worst package, the weight for the best"
)


def criterion_label(criterion_id: str) -> str:
    """A criterion as people read it in a sentence: "annual cost", "early warning"."""
    c = CRITERIA_BY_ID.get(criterion_id)
    return c.label.lower() if c is not None else criterion_id


def _minmax(X: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Min-max normalisation, 1 = best; a column that does not vary gives 0 (it adds nothing)."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.where(hi > lo, np.where(types > 0, (X - lo) / span, (hi - X) / span), 0.0)


def contributions(matrix: DecisionMatrix, weights: np.ndarray, method: str) -> np.ndarray:
    """(alternatives x criteria) parts of each alternative's score, larger is better everywhere.

    Parameters
    ----------
    matrix
        The decision matrix as ranked (criteria that do not vary already left out).
    weights
        Normalised weights over the matrix's criteria.
    method
        A :class:`~mcdm.model.Method`; the parts use its normalisation (:data:`READINGS`).
    """
    w = np.asarray(weights, dtype=float)
    types = matrix.type_array
    X, _ = prepare_values(method, matrix.values, matrix.criteria)  # as the method sees them
    if method == Method.PROMETHEE_II:
        return promethee_flows(matrix, w).per_criterion * w
    if method == Method.MABAC:
        # MABAC: q_ij = w_j (n_ij + 1) - prod_i(w_j (n_ij + 1))^(1/n); its score is sum_j q_ij
        n1 = _minmax(X, types) + 1.0
        return w * (n1 - np.exp(np.log(n1).mean(axis=0)))
    if method == Method.WSM:
        # pymcdm's WSM: sum normalisation, x / sum(x) for benefits, (1/x) / sum(1/x) for costs
        inv = 1.0 / X
        return w * np.where(types > 0, X / X.sum(axis=0), inv / inv.sum(axis=0))
    if method == Method.WASPAS:
        return w * np.where(types > 0, X / X.max(axis=0), X.min(axis=0) / X)
    if method == Method.COPRAS:
        share = X / X.sum(axis=0)
        return w * np.where(types > 0, share, -share)
    return _minmax(X, types) * w


# --- one package against another ---------------------------------------------------------------


@dataclass(frozen=True)
class ScoreBreakdown:
    """A package's score by criterion under a method, and another package's for comparison."""

    method: str
    criteria: tuple[str, ...]
    package_id: str
    values: np.ndarray  # (m,): the package's parts
    other_id: str | None = None
    other: np.ndarray | None = None  # (m,): the other package's parts

    @property
    def reading(self) -> str:
        """What the parts are, in a phrase."""
        return READINGS.get(self.method, _MINMAX_READING)

    @property
    def differences(self) -> np.ndarray:
        """The package's parts minus the other's (zeros without another package)."""
        return self.values - (self.other if self.other is not None else 0.0)

    def frame(self) -> pd.DataFrame:
        """One row a criterion: its name, the two packages' parts and the difference."""
        df = pd.DataFrame(
            {
                "Criterion": [
                    CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else c for c in self.criteria
                ],
                self.package_id: self.values,
            }
        )
        if self.other is not None and self.other_id is not None:
            df[self.other_id] = self.other
            df["Difference"] = self.differences
        return df


def score_breakdown(
    matrix: DecisionMatrix,
    weights: np.ndarray,
    method: str,
    package_id: str,
    other_id: str | None = None,
) -> ScoreBreakdown:
    """``package_id``'s parts of its score under ``method`` (see :func:`contributions`), and
    ``other_id``'s for comparison."""
    parts = contributions(matrix, weights, method)
    ids = list(matrix.alternatives)
    other = parts[ids.index(other_id)].copy() if other_id is not None else None
    return ScoreBreakdown(
        method, matrix.criteria, package_id, parts[ids.index(package_id)].copy(), other_id, other
    )


def _listed(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _side(pairs: list[tuple[str, float]], limit: int) -> str:
    """ "deterrence (+0.12) and early warning (+0.05)", the largest first, the rest summed."""
    shown = [f"{criterion_label(c)} ({d:+.2f})" for c, d in pairs[:limit]]
    rest = pairs[limit:]
    if len(rest) == 1:
        shown.append(f"{criterion_label(rest[0][0])} ({rest[0][1]:+.2f})")
    elif rest:
        shown.append(f"{len(rest)} others ({sum(d for _, d in rest):+.2f})")
    return _listed(shown)


def versus_sentence(
    breakdown: ScoreBreakdown,
    packages: Mapping[str, Package],
    role: str = "",
    limit: int = 3,
) -> str:
    """The breakdown's package against the other one, in words.

    "Hybrid, best at EUR 8 bn (hybrid-f8) against the runner-up, Reassurance, cheapest
    (reassurance-f1), under TOPSIS: it wins on deterrence (+0.12) and early warning (+0.05),
    loses on annual cost (-0.08); net +0.09 (weighted min-max normalised values ...)."

    Parameters
    ----------
    breakdown
        From :func:`score_breakdown`, with another package.
    packages
        The run's packages by id.
    role
        How the other package is introduced ("the runner-up"), or nothing.
    limit
        At most this many criteria named on each side; the rest are summed.
    """
    if breakdown.other_id is None:
        raise ValueError("versus_sentence needs a breakdown against another package")
    name = package_name(packages[breakdown.package_id])
    other = package_name(packages[breakdown.other_id])
    d = breakdown.differences
    pairs = list(zip(breakdown.criteria, (float(x) for x in d), strict=True))
    wins = sorted((p for p in pairs if p[1] >= LEVEL), key=lambda p: -p[1])
    losses = sorted((p for p in pairs if p[1] <= -LEVEL), key=lambda p: p[1])
    head = f"{name} against {role + ', ' if role else ''}{other}, under {breakdown.method}: "
    if not wins and not losses:
        return head + "the two are level on every criterion."
    parts = []
    parts.append(f"it wins on {_side(wins, limit)}" if wins else "it wins on no criterion")
    parts.append(f"loses on {_side(losses, limit)}" if losses else "loses on none")
    return head + ", ".join(parts) + f"; net {float(d.sum()):+.2f} ({breakdown.reading})."


def reference_for(recommendation: Recommendation, package_id: str) -> tuple[str | None, str]:
    """The package to compare ``package_id`` with, and its role: the runner-up for the
    recommended package, the recommended package for any other."""
    if package_id == recommendation.package_id:
        return recommendation.runner_up, "the runner-up"
    return recommendation.package_id, "the recommended package"


#: Methods whose score is the sum of the parts :func:`contributions` gives (up to a constant).
ADDITIVE = frozenset({Method.PROMETHEE_II, Method.MABAC, Method.WSM, Method.SPOTIS})


def why_it_wins(
    analysis: Analysis,
    packages: Mapping[str, Package],
    method: str,
    package_id: str | None = None,
    limit: int = 3,
) -> str:
    """The sentence for a package (the recommended one by default) against its reference
    (:func:`reference_for`), under ``method`` on the analysis's matrix and weights.

    For the recommended package it also says where ``method`` itself puts the two at the
    current weights, when that is not what the parts suggest: the runner-up ranked above it
    (and why the package is recommended all the same: the rule of :mod:`mcdm.recommend`), or,
    for a method that does not add the parts up (TOPSIS, VIKOR, ...), the package ranked above
    the runner-up although the parts sum lower.
    """
    rec = analysis.recommendation
    pid = package_id or rec.package_id
    other, role = reference_for(rec, pid)
    if other is None:
        return f"{package_name(packages[pid])} is the only package ranked."
    b = score_breakdown(analysis.ranking.matrix, analysis.ranking.weights, method, pid, other)
    text = versus_sentence(b, packages, role, limit)
    if pid != rec.package_id:
        return text
    net = float(b.differences.sum())
    result = analysis.ranking.results.get(method)
    if result is not None:
        ids = list(analysis.ranking.matrix.alternatives)
        behind = bool(result.ranks[ids.index(other)] < result.ranks[ids.index(pid)])
    else:
        behind = method in ADDITIVE and net <= -LEVEL
    if behind:
        if rec.basis == "smaa":
            because = (
                f"it comes first in more of the {rec.draws:,} weight draws "
                f"({rec.share(pid):.0%} against {rec.runner_up_share:.0%})"
            )
        else:
            because = "it has the better consensus rank over the methods"
        text += (
            f" Under {method} at your exact weights {other} ranks above it; {pid} is "
            f"recommended because {because}."
        )
    elif result is not None and net <= -LEVEL:
        text += (
            f" {method} does not simply add these parts up: at your exact weights it ranks "
            f"{pid} above {other}."
        )
    return text


def promethee_one_sentence(
    flows: PrometheeFlows, relation: np.ndarray, package_id: str, packages: Mapping[str, Package]
) -> str:
    """What PROMETHEE I says of a package: how many packages outrank it, how many it outranks
    and how many it cannot be compared with (better on one flow, worse on the other)."""
    i = list(flows.alternatives).index(package_id)
    rel = relation[i]
    n = len(rel) - 1
    above, below, apart = int(np.sum(rel == "-")), int(np.sum(rel == "P")), int(np.sum(rel == "R"))
    name = package_name(packages[package_id]) if package_id in packages else package_id
    head = "no package outranks it" if above == 0 else f"{above} of the {n} others outrank it"
    return (
        f"Under PROMETHEE I {name}: {head}; it outranks {below} and cannot be compared with "
        f"{apart} (better on one flow, worse on the other)."
    )


# --- PROMETHEE I and GAIA ------------------------------------------------------------------------


@dataclass(frozen=True)
class PrometheeFlows:
    """PROMETHEE flows: leaving (phi+), entering (phi-), net, and net per criterion."""

    alternatives: tuple[str, ...]
    criteria: tuple[str, ...]
    leaving: np.ndarray
    entering: np.ndarray
    per_criterion: np.ndarray  # (n, m): phi_j(a), unweighted

    @property
    def net(self) -> np.ndarray:
        """The net flow phi = phi+ - phi- (PROMETHEE II's score)."""
        return self.leaving - self.entering


def promethee_flows(
    matrix: DecisionMatrix, weights: np.ndarray, p: np.ndarray | None = None
) -> PrometheeFlows:
    """Flows with the V-shape preference function.

    ``p``: each criterion's preference threshold; by default its range over the alternatives,
    as the ranking uses. A threshold of 0 gives the "usual" criterion (any difference is a full
    preference). The net flow is the weighted sum of the per-criterion net flows.
    """
    X = np.asarray(matrix.values, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = X.shape[0]
    d = (X[:, None, :] - X[None, :, :]) * matrix.type_array  # d[a, b, j]: a better than b by
    p = X.max(axis=0) - X.min(axis=0) if p is None else np.asarray(p, dtype=float)
    pref = np.where(d <= 0, 0.0, np.where(d <= p, d / np.where(p > 0, p, 1.0), 1.0))
    k = max(n - 1, 1)
    leaving = (pref * w).sum(axis=2).sum(axis=1) / k
    entering = (pref * w).sum(axis=2).sum(axis=0) / k
    per_criterion = (pref.sum(axis=1) - pref.sum(axis=0)) / k
    return PrometheeFlows(matrix.alternatives, matrix.criteria, leaving, entering, per_criterion)


def promethee_one(flows: PrometheeFlows, tol: float = 1e-9) -> np.ndarray:
    """PROMETHEE I's relation: ``R[a, b]`` is "P" (a outranks b), "I" (indifferent), "R"
    (incomparable) or "-" (b outranks a).

    a outranks b when it is at least as good on both the leaving and the entering flow and
    better on one; they are incomparable when each is better on one flow (Brans & Mareschal
    2005). Flows within ``tol`` count as equal.
    """
    lp, en = flows.leaving[:, None], flows.entering[:, None]
    plus, minus = lp - lp.T, en - en.T  # [a, b]: a's flow minus b's
    same = (np.abs(plus) <= tol) & (np.abs(minus) <= tol)
    a_over_b = (plus >= -tol) & (minus <= tol)
    b_over_a = (plus <= tol) & (minus >= -tol)
    out = np.where(same, "I", np.where(a_over_b, "P", np.where(b_over_a, "-", "R")))
    return out.astype(object)


def promethee_one_table(flows: PrometheeFlows, relation: np.ndarray, top: int = 10) -> pd.DataFrame:
    """PROMETHEE I for people: one row a package (best net flow first), its flows, how many
    packages it outranks, is outranked by, is incomparable with, and which of the ``top``
    packages by net flow it is incomparable with."""
    ids = list(flows.alternatives)
    order = sorted(range(len(ids)), key=lambda i: (-flows.net[i], ids[i]))
    best = set(order[:top])
    rows = []
    for i in order:
        rel = relation[i]
        rows.append(
            {
                "Package": ids[i],
                "Leaving flow φ+": float(flows.leaving[i]),
                "Entering flow φ−": float(flows.entering[i]),
                "Net flow φ": float(flows.net[i]),
                "Outranks": int(np.sum(rel == "P")),
                "Outranked by": int(np.sum(rel == "-")),
                "Incomparable with": int(np.sum(rel == "R")),
                f"Incomparable among the top {top}": ", ".join(
                    ids[j] for j in order if j in best and rel[j] == "R"
                ),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Gaia:
    """The GAIA plane: coordinates of alternatives, criteria axes and the decision stick, and
    the share of the flows' variance the plane shows (delta)."""

    alternatives: np.ndarray  # (n, 2)
    criteria: np.ndarray  # (m, 2): each criterion's unit axis projected
    stick: np.ndarray  # (2,): the weight vector projected
    delta: float
    stick_share: float = 1.0  # the projected stick's length over the weight vector's


def gaia(flows: PrometheeFlows, weights: np.ndarray) -> Gaia:
    """The GAIA plane: principal components of the per-criterion net flows (criteria as the
    variables; each column already sums to zero over the alternatives).

    A criterion on which every alternative is equal has a zero column: its axis projects on
    the origin and it changes nothing else. When every criterion is such, the plane is empty
    and delta is 0.
    """
    Phi = np.asarray(flows.per_criterion, dtype=float)
    centred = Phi - Phi.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    m = Phi.shape[1]
    basis = np.zeros((m, 2))
    k = min(2, vt.shape[0])
    basis[:, :k] = vt[:k].T
    basis[:, :k] *= s[:k] > 1e-12 * max(1.0, float(s.max(initial=0.0)))  # no arbitrary axes
    # a fixed sign per component: the largest loading positive (results do not flip run to run)
    for j in range(2):
        if basis[np.argmax(np.abs(basis[:, j])), j] < 0:
            basis[:, j] *= -1
    var = s**2
    delta = float(var[:2].sum() / var.sum()) if var.sum() > 0 else 0.0
    w = np.asarray(weights, dtype=float)
    stick = w @ basis
    norm = float(np.linalg.norm(w))
    return Gaia(
        Phi @ basis, basis, stick, delta, float(np.linalg.norm(stick)) / norm if norm else 0.0
    )


# --- statements about the recommended package's robustness ---------------------------------


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
        lines.append(f"No weight of {_listed(missing)} alone puts it first.")
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
