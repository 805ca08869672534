"""parameters.toml: the model's parameters (US backstop options, nation points, the threat and
the denial curve, the tripwire minimum, patrol stations and their air support, the depth of
warning, the incremental cost shares), validated into :class:`Parameters` with every value's
range checked."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import limits as lim
from ..errors import Problem
from ..limits import fmt
from ..model import Confidence, Element, Parameters, Position, USBackstop
from ._keys import keys_under
from ._parse import pydantic_problems
from ._values import outside
from .ranges import PLEDGE_PROBABILITY
from .schema import check_element_ids, known_ids

__all__ = ["check_cost_shares", "check_pledge_members", "parameters_from_doc"]


# --- parameters.toml ---------------------------------------------------------------------------


def _check_backstop_range(opt: Any, key: str, shown: str, problems: list[Problem]) -> None:
    """The multiplier's range holds its point value."""
    low, high = opt.multiplier_range
    point = opt.deterrence_multiplier
    if outside(low, 0, point, open_low=True):
        problems.append(
            Problem(
                shown,
                f"a multiplier > 0 and <= deterrence_multiplier ({fmt(point)})",
                column=f"{key}.deterrence_multiplier_low",
                value=low,
            )
        )
    if outside(high, point, lim.MAX_MULTIPLIER):
        problems.append(
            Problem(
                shown,
                f"a multiplier >= deterrence_multiplier ({fmt(point)}) and <= "
                f"{fmt(lim.MAX_MULTIPLIER)}",
                column=f"{key}.deterrence_multiplier_high",
                value=high,
            )
        )
    if opt.duration_years is not None and outside(opt.duration_years, 0, 100):
        problems.append(
            Problem(
                shown,
                "a number of years between 0 and 100",
                column=f"{key}.duration_years",
                value=opt.duration_years,
            )
        )


def _check_denial(p: Parameters, shown: str, problems: list[Problem]) -> None:
    """The denial function's breakpoints: as many shares as points, shares rising from 0 and
    points from 0, with falling slopes (a concave function, which the model needs to stay
    exact without binaries)."""
    xs, ys = list(p.denial_share_of_threat), list(p.denial_points)

    def bad(key: str, value: object, expected: str) -> None:
        problems.append(Problem(shown, expected, column=key, value=value))

    if not 2 <= len(xs) <= lim.MAX_BREAKPOINTS or len(ys) != len(xs):
        bad(
            "denial_points",
            f"{len(xs)} shares and {len(ys)} points",
            f"as many points as shares of the threat, 2 to {lim.MAX_BREAKPOINTS} of each",
        )
        return
    if (
        any(outside(x, 0, 1_000) for x in xs)
        or xs[0] != 0
        or any(b <= a for a, b in itertools.pairwise(xs))
    ):
        bad(
            "denial_share_of_threat",
            xs,
            "shares of the threat rising from 0 (for example [0, 0.02, 0.05])",
        )
        return
    if any(outside(y, 0, lim.MAX_DENIAL_POINTS) for y in ys) or ys[0] != 0:
        bad("denial_points", ys, f"points from 0 up to {fmt(lim.MAX_DENIAL_POINTS)}, from 0")
        return
    slopes = [(ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1]) for k in range(1, len(xs))]
    if any(s < 0 for s in slopes) or any(b > a * (1 + 1e-9) for a, b in itertools.pairwise(slopes)):
        bad(
            "denial_points",
            ys,
            "points that rise by less and less from one share to the next (diminishing returns: "
            "a concave function)",
        )


def _check_values(
    p: Parameters, check: Callable[..., None], shown: str, problems: list[Problem]
) -> None:
    """The ranges of the single values: multipliers, points, the threat, patrols, warning."""
    for name, opt in p.backstop.items():
        for field in ("deterrence_multiplier", "escalation_multiplier"):
            check(
                f"backstop.{name}.{field}",
                getattr(opt, field),
                0,
                lim.MAX_MULTIPLIER,
                "a multiplier",
                open_low=True,
            )
    for field in ("nation_bonus_nato", "nation_bonus_nuclear", "nation_bonus_other"):
        check(field, getattr(p, field), 0, lim.MAX_NATION_BONUS, "deterrence points")
    check("usd_per_eur", p.usd_per_eur, 0, lim.MAX_USD_PER_EUR, "a rate", open_low=True)
    for name, opt in p.backstop.items():
        if not outside(opt.deterrence_multiplier, 0, lim.MAX_MULTIPLIER, open_low=True):
            _check_backstop_range(opt, f"backstop.{name}", shown, problems)  # a range of a bad
            # point value would only repeat its problem
    check("threat_troops", p.threat_troops, 0, lim.MAX_TROOPS, "a number of troops", open_low=True)
    check(
        "tripwire_min_armed_troops",
        p.tripwire_min_armed_troops,
        0,
        lim.MAX_TROOPS_PER_UNIT,
        "a number of armed troops",
    )
    check("cap_station_hours", p.cap_station_hours, 0, 8_760 * 100, "hours", open_low=True)
    check("cap_station_area_k_km2", p.cap_station_area_k_km2, 0, lim.MAX_AREA_K_KM2, "an area")
    for key in ("aew_patrol_hours", "tanker_patrol_hours"):
        if getattr(p, key) is not None:  # absent: fighters need no such support (A-AIR-SUPPORT)
            check(
                key,
                getattr(p, key),
                0,
                lim.MAX_PATROL_HOURS,
                "hours of fighter patrol on station that one unit supports a year,",
                open_low=True,
            )
    check("warning_depth_min_km", p.warning_depth_min_km, 0, lim.MAX_KM, "a depth in km")
    check("warning_depth_share", p.warning_depth_share, 0, 1, "a share")


def _check_share_values(p: Parameters, shown: str, problems: list[Problem]) -> None:
    """Each incremental share of ``[cost_basis]`` is a share of the full cost: in (0, 1]."""
    shares = p.cost_basis
    for table, values in (("categories", shares.categories), ("elements", shares.elements)):
        for key, value in values.items():
            if outside(value, 0, 1, open_low=True):
                problems.append(
                    Problem(
                        shown,
                        "a share of the full cost > 0 and <= 1 (0.25 = a quarter of it)",
                        column=f"cost_basis.{table}.{key}",
                        value=value,
                    )
                )


def check_cost_shares(
    p: Parameters, elements: Mapping[str, Element], shown: str, problems: list[Problem]
) -> None:
    """``[cost_basis]`` names elements of elements.csv and, if it gives any share, gives one to
    every element (by its category or its id): an incremental basis must cost every unit."""
    shares = p.cost_basis
    if not shares or not elements:
        return  # no incremental basis, or elements.csv could not be read: reported there
    named = ((f"cost_basis.elements.{eid}", eid) for eid in shares.elements)
    check_element_ids(named, elements, shown, problems)
    missing: dict[str, list[str]] = {}
    for e in elements.values():
        if shares.share(e.element_id, e.category) is None:
            missing.setdefault(e.category, []).append(e.element_id)
    for category, ids in missing.items():
        problems.append(
            Problem(
                shown,
                f"the incremental share of category {category}'s full cost (elements "
                f"{', '.join(ids)}), or a cost_basis.elements entry for each of them",
                column=f"cost_basis.categories.{category}",
                found=False,
            )
        )


def _check_pledges(p: Parameters, shown: str, problems: list[Problem]) -> None:
    """Every position has a chance, and every chance is a probability (A-PLEDGE)."""
    chances = p.pledges
    for pos in Position:
        if pos not in chances.probability:
            problems.append(
                Problem(
                    shown,
                    "a chance between 0 and 1 for every position (" + POSITIONS + ")",
                    column=f"pledges.probability.{pos.value}",
                    found=False,
                )
            )
    given = [(f"probability.{k.value}", v) for k, v in chances.probability.items()]
    given += [(f"members.{mid}.probability", m.probability) for mid, m in chances.members.items()]
    for key, value in given:
        if outside(value, 0, 1):
            problems.append(
                Problem(shown, PLEDGE_PROBABILITY, column=f"pledges.{key}", value=value)
            )
    for mid, m in chances.members.items():
        if m.confidence not in [c.value for c in Confidence]:
            problems.append(
                Problem(
                    shown,
                    "a confidence: " + ", ".join(c.value for c in Confidence),
                    column=f"pledges.members.{mid}.confidence",
                    value=m.confidence,
                )
            )


def check_pledge_members(
    p: Parameters, members: Mapping[str, object], shown: str, problems: list[Problem]
) -> None:
    """Every member with its own chance (``[pledges.members.ID]``) is in members.csv."""
    if not members:
        return  # members.csv could not be read: reported there
    expected = known_ids("member_id", members, "members.csv")
    unknown = [mid for mid in p.pledges.members if mid not in members]
    problems.extend(
        Problem(shown, expected, column=f"pledges.members.{mid}", value=mid) for mid in unknown
    )


POSITIONS = ", ".join(pos.value for pos in Position)

_PARAMETERS_ADAPTER = TypeAdapter(Parameters)


def parameters_from_doc(
    doc: Mapping[str, Any], shown: str, problems: list[Problem]
) -> Parameters | None:
    try:
        p = _PARAMETERS_ADAPTER.validate_python(doc)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, shown, keys=lambda k: keys_under(Parameters, k)))
        return None
    missing = [o.value for o in USBackstop if o not in p.backstop]
    for name in missing:
        problems.append(
            Problem(
                shown,
                "a [backstop.<option>] table for every US backstop option",
                column=f"backstop.{name}",
                found=False,
            )
        )
    before = len(problems)

    def check(key: str, value: float, low: float, high: float, what: str, **kw: bool) -> None:
        if outside(value, low, high, **kw):
            above = "> " if kw.get("open_low") else ">= "
            problems.append(
                Problem(
                    shown,
                    f"{what} {above}{fmt(low)} and <= {fmt(high)}",
                    column=key,
                    value=value,
                )
            )

    _check_values(p, check, shown, problems)
    _check_denial(p, shown, problems)
    _check_share_values(p, shown, problems)
    _check_pledges(p, shown, problems)
    if outside(p.troop_pool_spread, 0, 1) or p.troop_pool_spread == 1:
        problems.append(
            Problem(
                shown,
                "a share >= 0 and < 1 (0.25 = troop pools drawn within +-25%)",
                column="troop_pool_spread",
                value=p.troop_pool_spread,
            )
        )
    return None if missing or len(problems) > before else p
