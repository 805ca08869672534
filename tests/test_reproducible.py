"""Results do not depend on how busy the machine is: no solve has a wall-clock limit that a
normal run reaches, so the same inputs give byte-identical files on a loaded machine."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
from mcdm.parallel import executor, submit_tasks
from mcdm.pipeline import optimise_scenario
from tests.conftest import DATA


def _burn() -> None:  # pragma: no cover - runs in a child process
    while True:
        pass


def _csv_bytes(instance) -> dict[str, bytes]:
    result = optimise_scenario(instance, jobs=1, prices=False)
    return {
        name: frame.to_csv(index=False, lineterminator="\n").encode()
        for name, frame in result.tables.files().items()
    }


def test_a_banded_scenario_gives_identical_files_with_busy_processes_alongside(dataset):
    """The Paris scenario's tripwire (burden-sharing band, lead-nation rule and a group rule)
    is where a wall-clock tie-break once gave a package 9% dearer under load. Solve it idle and
    again with two CPU-bound processes on this machine's cores: the CSVs must be identical."""
    scenario, _ = load_scenario(DATA / "scenarios" / "paris_2026.toml", dataset)
    instance = instantiate(
        replace(
            scenario,
            archetypes=("tripwire",),
            frontier=replace(scenario.frontier, levels=2, alternatives=1),
        ),
        dataset,
    )
    idle = _csv_bytes(instance)
    ctx = multiprocessing.get_context("spawn")
    burners = [ctx.Process(target=_burn, daemon=True) for _ in range(2)]
    for b in burners:
        b.start()
    try:
        loaded = _csv_bytes(instance)
    finally:
        for b in burners:
            b.kill()
            b.join()
    assert set(idle) == set(loaded)
    for name in idle:
        assert idle[name] == loaded[name], name
    assert b"optimal" in idle["packages.csv"] and b"feasible_at_limit" not in idle["packages.csv"]


def test_every_solver_call_has_a_node_limit_below_its_safety_net(dataset, monkeypatch):
    """The node limit is the working limit of every solve (bases, tie-breaks, frontier levels,
    alternatives, diagnoses and prices); the wall-clock limit is the scenario's safety net,
    far above what that many nodes take, so load cannot decide where a solve stops."""
    import mcdm.milp.solver as solver_mod

    calls: list[tuple[float, int | None]] = []
    made = solver_mod._solver

    def recording(settings, warm, node_limit):
        calls.append((settings.time_limit_s, node_limit))
        return made(settings, warm, node_limit)

    monkeypatch.setattr(solver_mod, "_solver", recording)
    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    instance = instantiate(
        replace(scenario, frontier=replace(scenario.frontier, levels=2, alternatives=1)), dataset
    )
    optimise_scenario(instance, jobs=1, prices=True)
    assert len(calls) > 10
    assert all(nodes is not None and 1 <= nodes <= scenario.solver.node_limit for _, nodes in calls)
    assert {seconds for seconds, _ in calls} == {scenario.solver.time_limit_s}
    assert scenario.solver.time_limit_s >= 600


def test_a_batch_without_a_pool_runs_when_collected_and_keeps_its_order():
    """Batches handed out together (levels and alternatives) run, without workers, in the
    order they are collected, so progress messages follow the solves; with workers, results
    keep the tasks' order whatever order they finish in."""
    ran: list[int] = []
    first = submit_tasks(lambda x: ran.append(x) or x * x, [3, 1, 2], None)
    second = submit_tasks(lambda x: ran.append(x) or -x, [5], None)
    assert ran == []
    assert first.results() == [9, 1, 4] and ran == [3, 1, 2]
    assert second.results() == [-5] and ran == [3, 1, 2, 5]
    assert first.results() == [9, 1, 4] and ran == [3, 1, 2, 5]  # (collected once)
    with executor(2) as pool:
        assert submit_tasks(abs, [-3, 1, -2], pool).results() == [3, 1, 2]
