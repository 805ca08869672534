"""The Members page's controls: each member's caps and willingness, whether it takes part, and
the edited rows read back (every cell that cannot be used reported at once)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem
from ..frozen import FrozenMap
from ..instance import instantiate
from ..limits import MAX_MONEY_EUR_M, MAX_TROOPS
from ..model import Dataset, Member, Scenario

__all__ = [
    "CAPS_COLUMNS",
    "TAKES_PART",
    "MemberCaps",
    "as_float",
    "caps_from_rows",
    "caps_rows",
    "is_blank",
    "member_choices_from_rows",
    "member_rows",
    "preset_members",
]


@dataclass(frozen=True)
class MemberCaps:
    """One member's caps and willingness as the Members page edits them."""

    troop_pool: int
    max_troops_deployed: int | None
    max_contribution_eur_m: float
    ground_in_ukraine: bool
    outside_ukraine: bool

    @classmethod
    def of(cls, member: Member) -> MemberCaps:
        return cls(
            member.troop_pool,
            member.max_troops_deployed,
            member.max_contribution_eur_m,
            member.ground_in_ukraine,
            member.outside_ukraine,
        )


#: The Members page's columns that a user may change, with the words it shows.
CAPS_COLUMNS = {
    "troop_pool": "Troop pool",
    "max_troops_deployed": "Deployed cap",
    "max_contribution_eur_m": "Money cap (EUR m/yr)",
    "ground_in_ukraine": "Troops in Ukraine",
    "outside_ukraine": "Forces outside Ukraine",
}


#: The column that says whether a member takes part, with its words.
TAKES_PART = ("takes_part", "Takes part")


def preset_members(base: Scenario, data: Dataset) -> Mapping[str, Member]:
    """Every member of the data as the preset sees it (its overrides applied), not only the
    members the preset takes."""
    return instantiate(dataclasses.replace(base, members=()), data).data.members


def caps_rows(members: Mapping[str, Member]) -> list[dict[str, Any]]:
    """The caps as rows to edit: id and name, then the columns a user may change."""
    return [
        {"member_id": mid, "Member": m.name, **dataclasses.asdict(MemberCaps.of(m))}
        for mid, m in members.items()
    ]


def member_rows(
    members: Mapping[str, Member], chosen: Iterable[str], caps: Mapping[str, MemberCaps]
) -> list[dict[str, Any]]:
    """The Members page's rows: id, whether the member takes part, its name, then its caps
    (``caps`` where given, else the member's own).

    ``members`` are every member as the preset sees them (:func:`preset_members`); no member
    chosen means all of them, as in a scenario file.
    """
    taking = set(chosen) or set(members)
    return [
        {
            "member_id": mid,
            TAKES_PART[0]: mid in taking,
            "Member": m.name,
            **dataclasses.asdict(caps.get(mid) or MemberCaps.of(m)),
        }
        for mid, m in members.items()
    ]


def is_blank(value: Any) -> bool:
    """An empty cell of an edited table: None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def as_float(value: Any) -> float:
    """A cell as a number; NaN for what is not one."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


_CAP_LIMITS = {
    "troop_pool": MAX_TROOPS,
    "max_troops_deployed": MAX_TROOPS,
    "max_contribution_eur_m": MAX_MONEY_EUR_M,
}


def _cap(row: Mapping[str, Any], key: str, problems: list[Problem]) -> Any:
    value = row.get(key)
    where = f"Members and their caps, row {row.get('Member', row.get('member_id'))}, column "
    whole = key != "max_contribution_eur_m"
    top = _CAP_LIMITS[key]
    expected = f"a {'whole number' if whole else 'number'} from 0 to {top:,.0f}"
    if is_blank(value):
        if key == "max_troops_deployed":
            return None  # blank: pool / rotation
        problems.append(Problem(source=where + CAPS_COLUMNS[key], expected=expected, found=False))
        return None
    number = as_float(value)
    if not 0 <= number <= top or (whole and not number.is_integer()):  # NaN and inf fail too
        problems.append(Problem(source=where + CAPS_COLUMNS[key], expected=expected, value=value))
        return None
    return int(number) if whole else number


def _flag(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    return False if is_blank(value) else bool(value)


def caps_from_rows(rows: Iterable[Mapping[str, Any]]) -> FrozenMap:
    """Rows of caps (``DataFrame.to_dict("records")``) as member id -> caps.

    Raises
    ------
    InputError
        Every cell that is blank where a number is needed, negative, not whole where it must
        be, not finite or beyond the data's limits.
    """
    problems: list[Problem] = []
    caps = {}
    for row in rows:
        values = {key: _cap(row, key, problems) for key in _CAP_LIMITS}
        caps[str(row["member_id"])] = MemberCaps(
            **values,
            ground_in_ukraine=_flag(row, "ground_in_ukraine"),
            outside_ukraine=_flag(row, "outside_ukraine"),
        )
    if problems:
        raise InputError(problems)
    return FrozenMap(caps)


def member_choices_from_rows(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[tuple[str, ...], FrozenMap]:
    """The Members page's rows (:func:`member_rows`, as edited) as the members taking part
    and every member's caps.

    Raises
    ------
    InputError
        Every cap that cannot be used (:func:`caps_from_rows`), and no member taking part.
    """
    problems: list[Problem] = []
    try:
        caps = caps_from_rows(rows)
    except InputError as exc:
        problems += exc.problems
    chosen = tuple(str(r["member_id"]) for r in rows if _flag(r, TAKES_PART[0]))
    if not chosen:
        problems.append(
            Problem(
                source=f"Members and their caps, column {TAKES_PART[1]}",
                expected="at least one member taking part",
                found=False,
            )
        )
    if problems:
        raise InputError(problems)
    return chosen, caps
