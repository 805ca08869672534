"""A scenario's ranges: the values its schema lets through but that cannot be meant or would
exhaust the machine (a budget of 1e308, a million SMAA draws, an AHP matrix of the wrong
shape), each reported by its key path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .. import limits as lim
from ..criteria import CRITERIA_BY_ID
from ..errors import Problem
from ..horizon import MAX_DISCOUNT_RATE, MAX_HORIZON_YEARS
from ..kernels import KERNELS
from ..limits import fmt
from ..model import COST_RANGES, METHOD_NAMES, RankingSettings, Scenario
from ._values import outside

__all__ = ["Report", "check_ahp", "check_ranges", "check_weight_table", "ranked_criteria"]

# --- ranges ------------------------------------------------------------------------------------

#: The most a rule's value may ask for, per measure.
_RULE_MAX: dict[str, float] = {
    "units": lim.MAX_RULE_UNITS,
    "troops": lim.MAX_TROOPS,
    "cost_eur_m": lim.MAX_MONEY_EUR_M,
    "nations": lim.MAX_NATIONS,
}


class Report:
    """Collects the problems of one scenario under its name, by key path."""

    def __init__(self, shown: str, problems: list[Problem], prefix: str = ""):
        self.shown, self.problems, self.prefix = shown, problems, prefix

    def __call__(self, key: str, value: object, expected: str) -> None:
        self.problems.append(Problem(self.shown, expected, column=self.prefix + key, value=value))


def check_ranges(s: Scenario, shown: str, problems: list[Problem]) -> None:
    """Values the schema lets through but that cannot be meant or would exhaust the machine."""
    bad = Report(shown, problems)
    _check_basics(s, bad)
    _check_frontier_and_solver(s, bad)
    _check_groups(s, bad)
    _check_weights(s, bad)
    _check_robustness(s, bad)
    _check_horizon(s, bad)
    _check_pledges(s, bad)
    _check_ranking(s.ranking, Report(shown, problems, "ranking."))


def _check_basics(s: Scenario, bad: Report) -> None:
    if not lim.NAME_PATTERN.fullmatch(s.name):
        bad("name", s.name, lim.NAME_RULE)
    if outside(s.budget_eur_bn, 0, lim.MAX_BUDGET_EUR_BN, open_low=True):
        bad(
            "budget_eur_bn",
            s.budget_eur_bn,
            f"{'an annual budget' if s.budget_basis == 'annual' else 'a budget over the horizon'}"
            f" > 0 (EUR bn) and <= {fmt(lim.MAX_BUDGET_EUR_BN)}",
        )
    if outside(s.rotation_factor, 1, lim.MAX_ROTATION):
        bad(
            "rotation_factor",
            s.rotation_factor,
            f"a rotation factor between 1 and {fmt(lim.MAX_ROTATION)} (troops in the pool per "
            "troop deployed; 3-5 is usual)",
        )
    if outside(s.line_length_km, 0, lim.MAX_KM, open_low=True):
        bad("line_length_km", s.line_length_km, f"a length > 0 and <= {fmt(lim.MAX_KM)} (km)")
    if s.threat_troops is not None and outside(s.threat_troops, 0, lim.MAX_TROOPS, open_low=True):
        bad("threat_troops", s.threat_troops, f"troops > 0 and <= {fmt(lim.MAX_TROOPS)}")
    if outside(s.seed, 0, lim.MAX_SEED):
        bad("seed", s.seed, f"a whole number between 0 and {fmt(lim.MAX_SEED)}")


def _check_horizon(s: Scenario, bad: Report) -> None:
    """Costs over the years (mcdm/horizon.py): horizon, discount rate, pooled funding."""
    if outside(s.horizon_years, 1, MAX_HORIZON_YEARS):
        bad(
            "horizon_years",
            s.horizon_years,
            f"a whole number of years between 1 and {MAX_HORIZON_YEARS} (10 in the public cost "
            "estimates, 15 in the US draft guarantee)",
        )
    if outside(s.discount_rate, 0, MAX_DISCOUNT_RATE):
        bad(
            "discount_rate",
            s.discount_rate,
            f"a real discount rate between 0 and {fmt(MAX_DISCOUNT_RATE)} (a share: 0.035 for "
            "3.5%)",
        )
    if s.funding is None:
        return
    share = "a share between 0 and 1 of the member's cost that the instrument pays"
    if outside(s.funding.eu_share, 0, 1):
        bad("funding.eu_share", s.funding.eu_share, share)
    for mid, value in s.funding.shares.items():
        if outside(value, 0, 1):
            bad(f"funding.shares.{mid}", value, share)


def _check_frontier_and_solver(s: Scenario, bad: Report) -> None:
    f = s.frontier
    frontier_limits: tuple[tuple[str, int, int, int, str], ...] = (
        ("levels", f.levels, 1, lim.MAX_LEVELS, "budget levels per archetype"),
        ("alternatives", f.alternatives, 0, lim.MAX_ALTERNATIVES, "alternatives per archetype"),
        ("troop_levels", f.troop_levels, 0, lim.MAX_TROOP_LEVELS, "troop levels per archetype"),
    )
    for key, value, low, high, what in frontier_limits:
        if outside(value, low, high):
            bad(f"frontier.{key}", value, f"a whole number between {low} and {high} ({what})")
    times = {"time_limit_s": s.solver.time_limit_s, "tie_break_time_s": s.solver.tie_break_time_s}
    for key, seconds in times.items():
        if seconds is None:  # tie_break_time_s: accepted from older files and ignored
            continue
        if outside(seconds, 0, lim.MAX_TIME_LIMIT_S, open_low=True):
            bad(
                f"solver.{key}",
                seconds,
                f"a time limit > 0 and <= {fmt(lim.MAX_TIME_LIMIT_S)} (seconds)",
            )
    nodes = s.solver.node_limit
    if nodes is not None and outside(nodes, 1, lim.MAX_NODE_LIMIT):
        bad(
            "solver.node_limit",
            nodes,
            f"a whole number of branch-and-bound nodes between 1 and {fmt(lim.MAX_NODE_LIMIT)}",
        )
    if not 0 <= s.solver.mip_gap < 1:
        bad("solver.mip_gap", s.solver.mip_gap, "a relative gap between 0 and 1")


def _check_groups(s: Scenario, bad: Report) -> None:
    """Burden sharing, lead nations and group rules."""
    if s.burden_sharing is not None and not 0 <= s.burden_sharing.band < 1:
        bad(
            "burden_sharing.band",
            s.burden_sharing.band,
            "a band between 0 and 1 (0.5 = each member pays 50-150% of its GDP share)",
        )
    lead = s.lead_nations
    if lead is not None and not 0 <= lead.min_troop_share <= 1:
        bad("lead_nations.min_troop_share", lead.min_troop_share, "a share between 0 and 1")
    elif lead is not None and lead.min_troop_share > 0 and not lead.members:
        bad(
            "lead_nations.members",
            [],
            f"at least one member id, as min_troop_share is {lead.min_troop_share:g} "
            "(or no [lead_nations] table)",
        )
    if s.resilience.withdrawals < 0:
        bad(
            "resilience.withdrawals",
            s.resilience.withdrawals,
            "a whole number of withdrawals >= 0 (0: off; 1: any one member may withdraw)",
        )
    for i, rule in enumerate(s.rules, start=1):
        most = _RULE_MAX[rule.measure]
        if outside(rule.value, 0, most):
            bad(
                f"rules[{i}].value",
                rule.value,
                f"a value between 0 and {fmt(most)} ({rule.measure})",
            )


def _check_pledges(s: Scenario, bad: Report) -> None:
    """Chances are probabilities; Monte Carlo draws within reason (data/MODEL.md)."""
    pl = s.pledges
    given = [(f"probability.{k.value}", v) for k, v in pl.probability.items()]
    given += [(f"members.{mid}", v) for mid, v in pl.members.items()]
    for key, value in given:
        if outside(value, 0, 1):
            bad(f"pledges.{key}", value, PLEDGE_PROBABILITY)
    if outside(pl.samples, lim.MIN_PLEDGE_SAMPLES, lim.MAX_PLEDGE_SAMPLES):
        bad(
            "pledges.samples",
            pl.samples,
            f"a whole number of draws between {fmt(lim.MIN_PLEDGE_SAMPLES)} and "
            f"{fmt(lim.MAX_PLEDGE_SAMPLES)}",
        )


#: What a pledge's chance must be, in the scenario's and the data's messages (io.parameters).
PLEDGE_PROBABILITY = (
    "a probability between 0 and 1 (0.9 = the contribution comes nine times in ten)"
)


def _check_weights(s: Scenario, bad: Report) -> None:
    check_weight_table(s.weights, "weights", s.ranking, bad, user=s.ranking.weighting == "user")


def check_weight_table(
    weights: Mapping[str, float], key: str, rs: RankingSettings, bad: Report, *, user: bool
) -> None:
    """A table of criterion weights (``[weights]``, a stakeholder's): each weight in range, one
    above zero, and (when ``user`` weights rank) one above zero on a ranked criterion."""
    for name, w in weights.items():
        if outside(w, 0, lim.MAX_WEIGHT):
            bad(f"{key}.{name}", w, f"a weight between 0 and {fmt(lim.MAX_WEIGHT)}")
    ranked = set(rs.criteria) or set(CRITERIA_BY_ID)
    if weights and not any(w > 0 for w in weights.values()):
        bad(key, dict(weights), "at least one weight > 0")
    elif (
        rs.criteria
        and user
        and any(c in CRITERIA_BY_ID for c in weights)  # unknown names are reported later
        and not any(w > 0 for c, w in weights.items() if c in ranked)
    ):
        bad(
            key,
            dict(weights),
            "a weight > 0 for at least one ranked criterion (ranking.criteria: "
            + ", ".join(rs.criteria)
            + ")",
        )


def _check_robustness(s: Scenario, bad: Report) -> None:
    r = s.robustness
    if outside(r.smaa_draws, 0, lim.MAX_SMAA_DRAWS):
        bad(
            "robustness.smaa_draws",
            r.smaa_draws,
            f"a number of draws between 0 and {fmt(lim.MAX_SMAA_DRAWS)}",
        )
    if r.weight_band is not None and not 0 <= r.weight_band <= 1:
        bad(
            "robustness.weight_band",
            r.weight_band,
            "a band between 0 and 1, or no key for weights uniform on the simplex",
        )
    if r.cost_uncertainty != COST_RANGES and (
        isinstance(r.cost_uncertainty, str) or not 0 <= r.cost_uncertainty < 1
    ):
        bad(
            "robustness.cost_uncertainty",
            r.cost_uncertainty,
            f'a share between 0 and 1, or "{COST_RANGES}" for the data\'s own cost ranges',
        )
    if r.method not in KERNELS:
        bad(
            "robustness.method",
            r.method,
            "one of " + ", ".join(KERNELS) + " (the methods SMAA and the stability intervals use)",
        )


def _check_ranking(rs: RankingSettings, bad: Report) -> None:
    """Ranking settings that cannot work: no method, an order, points or a pairwise matrix
    that do not fit the criteria ranked."""
    known = ", ".join(CRITERIA_BY_ID)
    if not rs.methods:
        bad("methods", [], "at least one method: " + ", ".join(METHOD_NAMES))
    _check_listed("methods", rs.methods, METHOD_NAMES, "one of " + ", ".join(METHOD_NAMES), bad)
    _check_listed("criteria", rs.criteria, CRITERIA_BY_ID, "a criterion: " + known, bad)
    used = ranked_criteria(rs)
    _check_listed("order", rs.order, CRITERIA_BY_ID, "a criterion: " + known, bad, " in the order")
    if rs.weighting == "roc":
        missing = [c for c in used if c not in rs.order]
        if missing:
            bad(
                "order",
                list(rs.order),
                "every criterion ranked, most important first, for ROC weighting; missing: "
                + ", ".join(missing),
            )
    _check_swing(rs, used, bad)
    if rs.ahp or rs.weighting == "ahp":
        check_ahp(rs.ahp, used, bad)


def ranked_criteria(rs: RankingSettings) -> list[str]:
    """The criteria ranked, in order: those ``ranking.criteria`` lists (known ones), or all."""
    return list(dict.fromkeys(c for c in rs.criteria if c in CRITERIA_BY_ID)) or list(
        CRITERIA_BY_ID
    )


def _check_listed(
    key: str,
    items: Sequence[str],
    known: Sequence[str] | Mapping[str, object],
    expected: str,
    bad: Report,
    where: str = "",
) -> None:
    """Each item of a list must be known and listed once."""
    noun = {"methods": "method", "criteria": "criterion", "order": "criterion"}[key]
    for i, item in enumerate(items, start=1):
        if item not in known:
            bad(f"{key}[{i}]", item, expected)
        elif item in items[: i - 1]:
            bad(f"{key}[{i}]", item, f"each {noun} once{where}")


def _check_swing(rs: RankingSettings, used: list[str], bad: Report) -> None:
    for c, points in rs.swing.items():
        if c not in CRITERIA_BY_ID:
            bad(f"swing.{c}", c, "a criterion: " + ", ".join(CRITERIA_BY_ID))
        elif outside(points, 0, lim.MAX_SWING_POINTS):
            bad(
                f"swing.{c}",
                points,
                f"points between 0 and {fmt(lim.MAX_SWING_POINTS)} (the most valued swing gets "
                f"{fmt(lim.MAX_SWING_POINTS)})",
            )
    points_ok = all(
        c in CRITERIA_BY_ID and not outside(v, 0, lim.MAX_SWING_POINTS) for c, v in rs.swing.items()
    )
    if rs.weighting == "swing" and points_ok and not any(rs.swing.get(c, 0) > 0 for c in used):
        bad(
            "swing",
            dict(rs.swing),
            "points > 0 for at least one ranked criterion for SWING weighting, e.g. "
            f"swing = {{ {used[0]} = 100 }}",
        )


def check_ahp(ahp: tuple[tuple[float, ...], ...], used: list[str], bad: Report) -> None:
    k = len(used)
    rows = [len(row) for row in ahp]
    if len(ahp) != k or any(n != k for n in rows):
        shape = f"{len(ahp)} rows of " + (
            f"{rows[0]} numbers" if len(set(rows)) == 1 else "different lengths"
        )
        bad(
            "ahp",
            shape if ahp else "no matrix",
            f"a {k} x {k} matrix of pairwise comparisons, one row and column per ranked "
            "criterion in the order " + ", ".join(used),
        )
        return
    low, high = lim.AHP_RANGE
    for i, row in enumerate(ahp, start=1):
        for j, v in enumerate(row, start=1):
            if outside(v, low, high):
                bad(
                    f"ahp[{i}][{j}]",
                    v,
                    f"a comparison between {fmt(low)} and {fmt(high)} (1 = equally "
                    "important, 9 = far more important, 1/9 = far less)",
                )
