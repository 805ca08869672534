"""Building a batch's variants: one per scenario file, or the cross product of a sweep's values
times Monte Carlo draws, each a complete scenario checked against its data."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import limits as lim
from ..errors import InputError, Problem
from ..instance import check_references
from ..io.data import DATA_FILES, load_dataset
from ..io.scenario import (
    dump_scenario_toml,
    read_scenario,
    scenario_from_mapping,
    scenario_to_dict,
)
from ..limits import fmt
from ..model import Dataset, Scenario
from .records import Variant
from .spec import check_key, parse_vary

__all__ = ["checked_scenario", "data_for", "expand_sweep", "scenario_variants"]

Axes = list[tuple[str, list[Any]]]


def _set(doc: dict[str, Any], key: str, value: Any) -> None:
    node = doc
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _variant_id(index: int, changes: Mapping[str, Any]) -> str:
    blob = json.dumps(changes, sort_keys=True, default=str).encode()
    return f"v{index:04d}-{hashlib.sha256(blob).hexdigest()[:8]}"


def _error_text(exc: InputError) -> str:
    """A failed variant's message: one problem a line, so that its first line (the one the
    command prints) names the first problem."""
    return "\n".join(str(p) for p in exc.problems)


def _resolved_doc(path: Path) -> dict[str, Any]:
    """A scenario file as plain data, with its data folder made absolute."""
    scenario = read_scenario(path)
    doc = scenario_to_dict(scenario)
    doc["dataset"] = str((path.parent / scenario.dataset).resolve())
    return doc


def checked_scenario(doc: Mapping[str, Any], data: Dataset, source: str) -> Scenario:
    """A scenario given as a mapping, checked with its references; ``source`` names it."""
    scenario = scenario_from_mapping(doc, source)
    problems = check_references(scenario, data, source)
    if problems:
        raise InputError(problems)
    return scenario


@functools.lru_cache(maxsize=8)
def _dataset(root: str, stamp: float) -> Dataset:
    return load_dataset(root)


def data_for(doc: Mapping[str, Any]) -> Dataset:
    """The data folder a scenario mapping names, loaded once per process while it is unchanged."""
    root = Path(str(doc["dataset"]))
    stamp = max((root / n).stat().st_mtime for n in DATA_FILES if (root / n).exists())
    return _dataset(str(root), stamp)


def scenario_variants(paths: Sequence[str | Path]) -> list[Variant]:
    """One variant per scenario file (``mcdm run A.toml B.toml``); ids from the file names.

    A file that does not validate becomes a variant that fails with the validation message,
    so one bad scenario does not stop the others.
    """
    out = []
    seen: set[str] = set()
    for i, p in enumerate(paths):
        path = Path(p)
        vid = path.stem if path.stem not in seen else f"{path.stem}-{i + 1}"
        seen.add(vid)
        try:
            doc = _resolved_doc(path)
            text = dump_scenario_toml(checked_scenario(doc, data_for(doc), str(path)))
            out.append(Variant(vid, {"scenario": str(path)}, text))
        except InputError as exc:
            out.append(Variant(vid, {"scenario": str(path)}, "", error=_error_text(exc)))
    return out


def expand_sweep(
    base: str | Path,
    vary: Sequence[str] = (),
    set_values: Sequence[str] = (),
    samples: int = 0,
    seed: int = 0,
    max_variants: int = lim.MAX_SWEEP_VARIANTS,
) -> list[Variant]:
    """The variants of a sweep: the cross product of ``vary``, times ``samples`` Monte Carlo draws.

    Parameters
    ----------
    base
        The scenario file every variant starts from.
    vary
        ``KEY=SPEC`` strings: ``budget_eur_bn=5:40:5`` (inclusive range), ``rotation_factor=3,4,5``
        (list), nested keys such as ``member_overrides.DEU.ground_in_ukraine=true,false``.
    set_values
        ``KEY=VALUE`` settings applied to every variant (e.g. ``frontier.levels=3``).
    samples
        Monte Carlo draws per combination (0: none). Each draws every element's annual cost from
        a triangular distribution on [cost_low_eur_m, cost_high_eur_m] with mode cost_eur_m, and
        every member's troop pool uniformly within +-``troop_pool_spread`` (parameters.toml).
    seed
        Seed of the draws: the same command gives the same variants.
    max_variants
        Refuse (before building any) a sweep of more variants than this; never more than
        :data:`~mcdm.limits.MAX_SWEEP_VARIANTS`.

    Raises
    ------
    InputError
        For a bad key or value, a sweep that is too large, or one whose every variant is
        invalid (nothing could run). A variant that is invalid while others are not is kept,
        with its message in ``error``: it fails when run and the others go on.
    """
    _check_draw_options(samples, seed)
    base = Path(base)
    doc = _resolved_doc(base)
    data = data_for(doc)
    fixed = _fixed_settings(set_values, data)
    axes = _sweep_axes(vary, data)
    most = min(max_variants, lim.MAX_SWEEP_VARIANTS)
    size = math.prod(len(values) for _, values in axes) * max(1, samples)
    if size > most:
        raise InputError([_too_many(size, axes, samples, most)])
    combos = list(itertools.product(*[[(k, v) for v in vals] for k, vals in axes])) or [()]
    variants: list[Variant] = []
    first_problems: list[Problem] = []
    for combo in combos:
        changes = dict(fixed) | dict(combo)
        for sample in range(max(1, samples)) if samples else [None]:
            rng = None if sample is None else np.random.default_rng([seed, sample])
            variant, problems = _sweep_variant(base, doc, data, changes, sample, rng, len(variants))
            variants.append(variant)
            first_problems = first_problems or problems
    if all(v.error for v in variants):  # nothing could run: say why now, before any work
        raise InputError(first_problems)
    return variants


def _check_draw_options(samples: int, seed: int) -> None:
    """Refuse a number of samples or a seed out of range (from Python; the CLI checks its own)."""
    if _outside_int(samples, 0, lim.MAX_SAMPLES):
        raise InputError(
            [
                Problem.option(
                    "--samples",
                    f"a whole number between 0 and {fmt(lim.MAX_SAMPLES)}",
                    value=samples,
                )
            ]
        )
    if _outside_int(seed, 0, lim.MAX_SEED):
        raise InputError(
            [
                Problem.option(
                    "--seed", f"a whole number between 0 and {fmt(lim.MAX_SEED)}", value=seed
                )
            ]
        )


def _fixed_settings(set_values: Sequence[str], data: Dataset) -> dict[str, Any]:
    """The ``--set KEY=VALUE`` settings of every variant, each key checked."""
    fixed: dict[str, Any] = {}
    for spec in set_values:
        key, values = parse_vary(spec, "--set")
        if len(values) != 1:
            raise InputError([Problem.option("--set", "one value", value=spec, column=key)])
        check_key(key, data, "--set")
        fixed[key] = values[0]
    return fixed


def _sweep_axes(vary: Sequence[str], data: Dataset) -> Axes:
    """The ``--vary`` keys and their values, in the order given, each key checked and once."""
    axes: Axes = []
    for spec in vary:
        key, values = parse_vary(spec)
        check_key(key, data)
        if any(key == k for k, _ in axes):
            raise InputError([Problem.option("--vary", "each key once", value=key, column=key)])
        axes.append((key, values))
    return axes


def _sweep_variant(
    base: Path,
    doc: Mapping[str, Any],
    data: Dataset,
    changes: Mapping[str, Any],
    sample: int | None,
    rng: np.random.Generator | None,
    index: int,
) -> tuple[Variant, list[Problem]]:
    """The ``index``-th variant of a sweep: ``doc`` with ``changes`` and (for a sample) one
    Monte Carlo draw; an invalid one carries its message and comes with its problems."""
    vdoc = json.loads(json.dumps(doc))  # deep copy of plain data
    for key, value in changes.items():
        _set(vdoc, key, value)
    if rng is not None:
        for key, value in _draw(data, vdoc, rng).items():
            if key not in changes:  # what the sweep sets is not drawn
                _set(vdoc, key, value)
    label = dict(changes) | ({"sample": sample} if sample is not None else {})
    vid = _variant_id(index, label)
    try:
        scenario = checked_scenario(vdoc, data, f"{base.name} [{vid}]")
    except InputError as exc:  # this variant fails when run; the others go on
        return Variant(vid, label, "", sample, error=_error_text(exc)), list(exc.problems)
    return Variant(vid, label, dump_scenario_toml(scenario), sample), []


def _outside_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high


def _too_many(size: int, axes: Sequence[tuple[str, list[Any]]], samples: int, most: int) -> Problem:
    """The problem of a sweep with more variants than ``most``."""
    parts = [f"{len(values):,} {key}" for key, values in axes]
    if samples:
        parts.append(f"{samples:,} samples")
    extra = (
        "; add --yes to run more, up to " + fmt(lim.MAX_SWEEP_VARIANTS)
        if most < lim.MAX_SWEEP_VARIANTS
        else ""
    )
    return Problem(
        source="mcdm sweep",
        expected=f"at most {fmt(most)} variants{extra}",
        value=f"{size:,} variants ({' x '.join(parts) or 'one scenario'})",
    )


def _draw(data: Dataset, doc: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One Monte Carlo draw of uncertain inputs, as scenario overrides.

    Draws centre on the variant's own values: an element cost or troop pool the scenario (or the
    sweep) overrides is the mode of its draw, with the documented range scaled to it. A value
    the sweep itself varies (``--vary``/``--set``) is kept as given, not drawn.
    """
    elements = doc.get("element_overrides", {})
    members = doc.get("member_overrides", {})
    out: dict[str, Any] = {}
    for eid, e in data.elements.items():
        given = elements.get(eid, {})
        mode = float(given.get("cost_eur_m", e.cost_eur_m))
        scale = mode / e.cost_eur_m if e.cost_eur_m else 1.0
        lo, hi = e.cost_low_eur_m * scale, e.cost_high_eur_m * scale
        cost = float(rng.triangular(lo, mode, hi)) if hi > lo else mode
        out[f"element_overrides.{eid}.cost_eur_m"] = round(cost, 3)
    spread = data.parameters.troop_pool_spread
    for mid, m in data.members.items():
        base = int(members.get(mid, {}).get("troop_pool", m.troop_pool))
        out[f"member_overrides.{mid}.troop_pool"] = max(
            0, round(base * rng.uniform(1 - spread, 1 + spread))
        )
    return out
