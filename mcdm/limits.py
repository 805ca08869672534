"""The documented limits on inputs and on work, in one place (README "Limits" lists them).

An input outside these bounds cannot be meant (a budget of EUR 1e308 bn, a troop pool of
infinity) or would exhaust the machine (a frontier of a million levels, an N x N table for
10,000 alternatives): :mod:`mcdm.io`, the command line and the sweep builder reject it with a
message that names the bound, before any work starts. Every bound is far above the bundled data
and anything a real package could need.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "ID_PATTERN",
    "ID_RULE",
    "NAME_PATTERN",
    "NAME_RULE",
    "fmt",
    "promethee_problem",
    "smaa_problem",
]

# --- ids and names -----------------------------------------------------------------------------

#: An id (member_id, element_id, an archetype's table name): 1-64 ASCII letters, digits, '_' or
#: '-', starting with a letter or digit. It can then never start a spreadsheet formula (=, +, -,
#: @), never hold a path separator, and reads the same in every file and program.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ID_RULE = "an id: 1-64 letters (A-Z, a-z), digits, '_' or '-', starting with a letter or digit"
#: A scenario's name, which download and folder names are made of: an id that may also hold
#: spaces and dots (not at the start).
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
NAME_RULE = (
    "a name of 1-64 letters (A-Z, a-z), digits, spaces, '.', '_' or '-', starting with a "
    "letter or digit"
)
#: Deepest nesting of tables and arrays a TOML file may have (scenarios need 3).
MAX_TOML_DEPTH = 16

# --- numbers in data files and scenarios -------------------------------------------------------

MAX_BUDGET_EUR_BN = 1_000.0  # a year; all EU members together spent about 330 in 2024
MAX_TROOPS = 5_000_000  # troop pools, deployment caps, archetype troop bounds, rules
MAX_TROOPS_PER_UNIT = 100_000  # a corps
MAX_MONEY_EUR_M = 1_000_000.0  # a member's money cap, a rule on cost (EUR 1,000 bn)
MAX_COST_EUR_M = 100_000.0  # one unit's annual cost (EUR 100 bn)
MAX_UNITS = 10_000  # units of one element one member can field; units an archetype requires
MAX_RULE_UNITS = 1_000_000  # units a rule asks for
MAX_NATIONS = 1_000  # nations an archetype or a rule asks for
MAX_GDP_USD_BN = 100_000.0  # the world's GDP is about 110,000
MAX_MILEX_USD_BN = 10_000.0
MAX_PER_UNIT_POINTS = 1_000.0  # deterrence and escalation points of one unit
MAX_KM = 10_000.0  # line of contact, early-warning km of one unit (Ukraine's land border: 5,600)
MAX_AREA_K_KM2 = 10_000.0  # air-defence cover of one unit (Europe is about 10,000 k km2)
MAX_READINESS_DAYS = 3_650
MAX_ROTATION = 20.0
MAX_ENABLER_RATIO = 1_000.0  # enabler units per 1,000 combat troops
MAX_MULTIPLIER = 100.0  # backstop deterrence and escalation multipliers
MAX_NODE_LIMIT = 100_000_000  # branch-and-bound nodes per solve (the default is 20,000)
MAX_NATION_BONUS = 1_000.0
MAX_COMBAT_POWER = 1_000_000.0  # combat power of one unit (mechanised-infantry equivalents)
MAX_PATROL_HOURS = 1_000_000.0  # patrol hours of one unit a year (8,760 h per aircraft at most)
MAX_DENIAL_POINTS = 1_000_000.0  # the denial function's points
MAX_BREAKPOINTS = 50  # breakpoints of the denial function
MAX_USD_PER_EUR = 100.0
MAX_WEIGHT = 1_000_000.0  # criterion weights (any scale; they are normalised)
MAX_SWING_POINTS = 100.0  # the most valued swing gets 100
MAX_STAKEHOLDERS = 20  # weight profiles ([stakeholders.NAME]) in one scenario
MAX_LABEL_CHARS = 200  # a stakeholder profile's label
AHP_RANGE = (1e-3, 1e3)  # a pairwise comparison (Saaty's scale is 1/9 to 9)
MAX_SEED = 2**32 - 1
MAX_TIME_LIMIT_S = 86_400.0  # one day per solve
MAX_MATRIX_VALUE = 1e15  # |value| in a decision matrix for `mcdm rank`

# --- work ----------------------------------------------------------------------------------------

MAX_LEVELS = 50  # frontier.levels: budget levels per archetype
MAX_TROOP_LEVELS = 50  # frontier.troop_levels
MAX_ALTERNATIVES = 20  # frontier.alternatives: near-optimal alternatives per archetype
#: resilient_to in packages.csv is counted up to this many withdrawals (checked by enumeration).
MAX_RESILIENT_TO = 3
MAX_SMAA_DRAWS = 1_000_000
MIN_PLEDGE_SAMPLES = 100  # [pledges] samples: Monte Carlo draws of the members' joint outcomes
MAX_PLEDGE_SAMPLES = 1_000_000
#: Most numbers one SMAA table may hold: draws x alternatives (x criteria with value
#: uncertainty), or alternatives x alternatives (rank acceptability): about 400 MB each.
MAX_SMAA_CELLS = 50_000_000
#: PROMETHEE II compares every pair of alternatives on every criterion: pymcdm keeps
#: alternatives^2 x (criteria + 3) numbers. Above this many the method is left out.
MAX_PROMETHEE_CELLS = 50_000_000
#: PROMETHEE II in SMAA with value uncertainty: draws x alternatives² x criteria (about a
#: minute of work at this size).
MAX_PROMETHEE_SMAA_WORK = 2_000_000_000
MAX_MATRIX_ALTERNATIVES = 10_000  # rows of a decision matrix for `mcdm rank`
MAX_MATRIX_CRITERIA = 100
MAX_SWEEP_VARIANTS_UNASKED = 500  # above this `mcdm sweep` asks for --yes
MAX_SWEEP_VARIANTS = 100_000  # never more, --yes or not
MAX_SAMPLES = 100_000  # --samples
MAX_JOBS = 1_024  # --jobs; more than the CPUs available needs --oversubscribe


def fmt(x: float) -> str:
    """A bound as people write it: 5,000,000 rather than 5e+06, 0.001 rather than 1e-03."""
    if math.isfinite(x) and float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.10g}" if abs(x) >= 1e-4 else f"{x:g}"


def smaa_problem(
    draws: int, alternatives: int, criteria: int, value_draws: bool, method: str = "TOPSIS"
) -> str | None:
    """Why an SMAA of this size is refused (as "expected ..." text), or None if it fits.

    SMAA holds a score for every draw and alternative (every criterion too, with value
    uncertainty) and an alternatives x alternatives acceptability table. PROMETHEE II with
    value uncertainty compares every pair of alternatives again in every draw.
    """
    if method == "PROMETHEE_II" and (why := promethee_problem(alternatives, criteria)):
        return f"a method other than PROMETHEE_II for SMAA: {why}"
    pairs = draws * alternatives * alternatives * criteria
    if method == "PROMETHEE_II" and value_draws and pairs > MAX_PROMETHEE_SMAA_WORK:
        most = max(1, MAX_PROMETHEE_SMAA_WORK // (alternatives * alternatives * criteria))
        return (
            f"at most {most:,} draws for PROMETHEE_II with uncertain values over "
            f"{alternatives:,} alternatives x {criteria} criteria (it compares every pair in "
            f"every draw: draws x alternatives² x criteria at most "
            f"{MAX_PROMETHEE_SMAA_WORK:,}), or another method"
        )
    per_draw = alternatives * (criteria if value_draws else 1)
    if alternatives * alternatives > MAX_SMAA_CELLS:
        most = math.isqrt(MAX_SMAA_CELLS)
        return (
            f"at most {most:,} alternatives for SMAA (its rank acceptability table is "
            f"alternatives x alternatives, at most {MAX_SMAA_CELLS:,} numbers); "
            f"this has {alternatives:,}"
        )
    if draws * per_draw > MAX_SMAA_CELLS:
        what = f"{alternatives:,} alternatives" + (f" x {criteria} criteria" if value_draws else "")
        return (
            f"at most {max(1, MAX_SMAA_CELLS // max(1, per_draw)):,} draws for {what} "
            f"(draws x {'alternatives x criteria' if value_draws else 'alternatives'} at most "
            f"{MAX_SMAA_CELLS:,} numbers)"
        )
    return None


def promethee_problem(alternatives: int, criteria: int) -> str | None:
    """Why PROMETHEE II is left out for a matrix of this size, or None if it fits."""
    cells = alternatives * alternatives * (criteria + 3)
    if cells <= MAX_PROMETHEE_CELLS:
        return None
    most = math.isqrt(MAX_PROMETHEE_CELLS // (criteria + 3))
    return (
        f"PROMETHEE_II compares every pair of alternatives: {alternatives:,} alternatives x "
        f"{criteria} criteria would need about {cells * 8 / 1e9:,.1f} GB of memory; it runs on "
        f"at most {most:,} alternatives with {criteria} criteria"
    )
