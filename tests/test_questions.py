"""The debate's questions (``mcdm questions``, the Questions page): every bundled scenario
answered, each figure equal to the packages' own figures, the CSV contract, safe exports and the
``--out`` rules.

The full default scenario is solved once for the module; every bundled scenario is also
answered at reduced settings (each kind's best package only, a 5% gap, no prices), which is what
keeps this file quick.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from mcdm.cells import FORMULA_PREFIXES, escape_markdown
from mcdm.cli import main
from mcdm.criteria import contributions
from mcdm.instance import instantiate
from mcdm.io.load import load_instance
from mcdm.model import US_MEMBER_ID, FrontierSettings, Instance, SolverSettings, USBackstop
from mcdm.packages import PackageSet, price_packages
from mcdm.parallel import available_cpus
from mcdm.pipeline import optimise_scenario
from mcdm.questions import QUESTIONS, Answer, frontier
from mcdm.questions_backstop import backstop_instance, solve_backstops
from mcdm.questions_report import (
    ANSWER_COLUMNS,
    FIGURE_COLUMNS,
    QuestionsRun,
    answer_questions,
    questions_markdown,
    run_questions,
    write_questions,
)
from mcdm.results import Package
from mcdm.tables import packages_frame
from tests.conftest import DATA, replace_in

SCENARIOS = sorted((DATA / "scenarios").glob("*.toml"))
MONITORING = DATA / "scenarios" / "monitoring_only.toml"
JOBS = min(2, available_cpus())


@pytest.fixture(scope="module")
def full_default(tmp_path_factory) -> tuple[QuestionsRun, Path]:
    """The default scenario, solved in full (packages and prices) and its backstop options
    re-solved, written to a questions folder."""
    run = run_questions(load_instance(DATA / "scenarios" / "default.toml"), jobs=JOBS)
    out = write_questions(run, tmp_path_factory.mktemp("questions") / "default")
    return run, out


def reduced(path: Path) -> Instance:
    """A bundled scenario reduced to each kind's best package (no frontier, no alternatives),
    solved to a 5% gap within 500 nodes or 10 s (a solve stopped without a mix is reported as
    such, which the report must handle too): the report's paths at a fraction of the solves."""
    inst = load_instance(path)
    s = dataclasses.replace(
        inst.scenario,
        frontier=FrontierSettings(levels=1, alternatives=0, troop_levels=0),
        solver=SolverSettings(mip_gap=0.05, node_limit=500),
    )
    return instantiate(s, inst.data)


# --- independent figures ---------------------------------------------------------------------


def own_value(instance: Instance, p: Package, column: str, pset: PackageSet) -> float:
    """A package's figure read from the package itself (packages.csv only for columns a
    package does not hold as a field or criterion, such as deterrence components)."""
    if column == "troops_deployed":
        return float(p.troops_deployed)
    if column in p.criteria:
        return float(p.criteria[column])
    if hasattr(p, column):
        return float(getattr(p, column))
    table = packages_frame(instance, pset).set_index("package_id")
    return float(table.at[p.package_id, column])


def member_sum(instance: Instance, p: Package, member: str, column: str) -> float:
    """Troops or cost (EUR m) a member sends to a package, from its allocation."""
    total = 0.0
    for a in p.allocation:
        if a.member_id == member:
            e = instance.data.elements[a.element_id]
            total += a.units * (e.troops_per_unit if column == "troops" else e.cost_eur_m)
    return total


def expected(run: QuestionsRun, f) -> float:
    """What a figure should be, from the PackageSet, its prices and the backstop re-solves."""
    instance, pset = run.result.instance, run.result.packages
    if f.table == "packages":
        return own_value(instance, pset.get(f.package_id), f.column, pset)
    if f.table == "allocations":
        return member_sum(instance, pset.get(f.package_id), f.member_id, f.column)
    if f.table == "prices":
        archetype = pset.get(f.package_id).archetype
        if f.member_id:
            label = f"{instance.data.members[f.member_id].name}'s refusal"
            price = next(c for c in pset.prices if c.archetype == archetype and c.label == label)
        else:
            price = next(
                c for c in pset.prices if c.archetype == archetype and c.family == "refusals"
            )
        return float(getattr(price, f.column))
    assert f.table == "backstop", f
    option = USBackstop(f.option)
    packages = pset if option == instance.scenario.us_backstop else run.backstops[option]
    p = packages.get(f.package_id)
    if f.column == "us_cost_eur_m":
        return member_sum(instance, p, US_MEMBER_ID, "cost_eur_m")
    return own_value(instance, p, f.column, packages)


def test_the_default_scenario_answers_every_question(full_default):
    run, _ = full_default
    assert [a.question_id for a in run.answers] == [q.question_id for q in QUESTIONS]
    pset = run.result.packages
    known = {p.package_id for p in pset.packages} | {
        p.package_id for s in run.backstops.values() for p in s.packages
    }
    for a in run.answers:
        assert a.answered, a
        assert a.figures and a.packages and a.sources, a.question_id
        assert {pid for pid, _ in a.packages} <= known
        # every figure's package is one the answer names
        assert {f.package_id for f in a.figures} <= {pid for pid, _ in a.packages}
    assert set(run.backstops) == {USBackstop.NONE, USBackstop.ARTICLE5}  # default: air_isr


def test_each_figure_equals_the_packages_own_figure(full_default):
    run, _ = full_default
    tables = {f.table for a in run.answers for f in a.figures}
    assert tables == {"packages", "allocations", "prices", "backstop"}
    for a in run.answers:
        for f in a.figures:
            assert f.value == pytest.approx(expected(run, f), rel=1e-6, abs=1e-6), (
                a.question_id,
                f,
            )


def test_the_reassurance_answer_names_the_largest_contributors_of_the_best_package(full_default):
    run, _ = full_default
    instance, pset = run.result.instance, run.result.packages
    best = frontier(pset, "reassurance")[-1]
    per = contributions(instance, best.allocation)
    largest = sorted(per, key=lambda m: -per[m]["troops"])[:3]
    a = run.answers[0]
    named = [f.member_id for f in a.figures if f.table == "allocations" and f.column == "troops"]
    assert named[:3] == largest
    for m in largest:
        assert instance.data.members[m].name in a.answer
    assert f"{best.troops_deployed:,} troops deployed" in a.answer


def test_the_backstop_answer_compares_each_option_on_the_runs_best_packages(full_default):
    run, _ = full_default
    pset = run.result.packages
    a = next(a for a in run.answers if a.question_id == "backstop")
    own = {f.package_id for f in a.figures if f.option == "air_isr"}
    assert own == {
        frontier(pset, aid)[-1].package_id for aid in run.result.instance.data.archetypes
    }
    for aid in ("reassurance", "tripwire", "hybrid"):
        det = {
            o: next(p for p in s.packages if p.archetype == aid).criteria["deterrence"]
            for o, s in run.backstops.items()
        }
        assert det[USBackstop.ARTICLE5] > det[USBackstop.NONE]  # the pledge deters more


def test_the_costliest_refusals_come_first_and_the_free_ones_cost_nothing(full_default):
    run, _ = full_default
    instance, pset = run.result.instance, run.result.packages
    a = next(a for a in run.answers if a.question_id == "refusals")
    named = list(dict.fromkeys(f.member_id for f in a.figures if f.member_id))
    assert named
    gains = [
        round(sum(f.value for f in a.figures if f.member_id == m and f.column == "gain_pct"), 1)
        for m in named
    ]
    assert gains == sorted(gains, reverse=True)  # the costliest (summed gains) first
    free_part = a.answer.split("Costing nothing at this budget")[1]
    for m, member in instance.data.members.items():
        if f" {member.name}," in free_part or f" {member.name}." in free_part:
            assert m not in named
            priced = [c for c in pset.prices if c.label == f"{member.name}'s refusal"]
            assert priced and all(c.is_free for c in priced), m


def test_the_questions_folder_keeps_the_csv_contract(full_default):
    run, out = full_default
    assert {p.name for p in out.iterdir()} >= {
        "questions.md", "questions.csv", "question_figures.csv", "packages.csv",
        "allocations.csv", "prices.csv", "backstop.csv", "run.json", ".mcdm-run",
    }  # fmt: skip
    answers = pd.read_csv(out / "questions.csv")
    assert list(answers.columns) == ANSWER_COLUMNS
    assert list(answers["question"]) == [q.text for q in QUESTIONS]
    assert len(answers) == len(QUESTIONS)
    figures = pd.read_csv(out / "question_figures.csv", keep_default_na=False)
    assert list(figures.columns) == FIGURE_COLUMNS
    assert len(figures) == sum(len(a.figures) for a in run.answers)
    # figures read back equal the files they name
    packages = pd.read_csv(out / "packages.csv").set_index("package_id")
    for row in figures[figures["table"] == "packages"].itertuples():
        assert row.value == pytest.approx(packages.at[row.package_id, row.column])
    backstop = pd.read_csv(out / "backstop.csv").set_index(["us_backstop", "package_id"])
    for row in figures[figures["table"] == "backstop"].itertuples():
        assert row.value == pytest.approx(backstop.at[(row.option, row.package_id), row.column])
    text = (out / "questions.md").read_text(encoding="utf-8")
    assert text.count("\n## ") == len(QUESTIONS)
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["backstop_options_resolved"] == ["none", "article5"]
    assert meta["timings_s"]["questions_s"] > 0


# --- every bundled scenario ------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_bundled_scenario_gets_a_report(path):
    instance = reduced(path)
    pset = optimise_scenario(instance, jobs=JOBS, prices=False).packages
    backstops = solve_backstops(instance, jobs=JOBS)
    answers = answer_questions(instance, pset, backstops)
    assert [a.question_id for a in answers] == [q.question_id for q in QUESTIONS]
    kinds = set(instance.data.archetypes)
    feasible = {p.archetype for p in pset.packages}
    for a, q in zip(answers, QUESTIONS, strict=True):
        assert a.answer, q.question_id
        if q.archetypes and not set(q.archetypes) & kinds:
            assert not a.answered
            assert "This scenario does not include" in a.answer
        elif q.archetypes and set(q.archetypes) & feasible:
            assert a.answered, a
    backstop = answers[3]
    assert backstop.answered
    assert len({f.option for f in backstop.figures}) == 3
    refusals = answers[4]  # no prices at these settings: said so, never a made-up figure
    assert not refusals.figures
    markdown = questions_markdown(instance, answers)
    assert markdown.count("\n## ") == len(QUESTIONS)


def test_the_reduced_backstop_solve_of_the_scenarios_option_is_the_runs_best_package():
    instance = load_instance(MONITORING)
    pset = optimise_scenario(instance, jobs=1, prices=False).packages
    again = optimise_scenario(
        backstop_instance(instance, instance.scenario.us_backstop), jobs=1, prices=False
    ).packages
    for aid in instance.data.archetypes:
        assert frontier(again, aid)[-1].allocation == frontier(pset, aid)[-1].allocation


def test_a_question_about_a_kind_the_scenario_leaves_out_says_so():
    instance = load_instance(MONITORING)
    pset = optimise_scenario(reduced(MONITORING), jobs=1, prices=False).packages
    answers = {a.question_id: a for a in answer_questions(instance, pset, {})}
    for qid in ("reassurance", "tripwire"):
        assert answers[qid] == Answer(
            qid,
            answers[qid].question,
            f"This scenario does not include the '{qid}' kind of package (it compares: "
            "Observer mission, Technical monitoring); add it to the scenario's archetypes "
            "to answer.",
            answered=False,
        )
    assert not answers["backstop"].answered  # nothing re-solved: nothing to compare
    assert answers["monitoring"].answered


# --- the command -------------------------------------------------------------------------------


def test_mcdm_questions_writes_safe_files_and_exits_zero(capsys, data_copy):
    """User text at the start of a cell (an archetype's name starts every package name) is
    neutralised in the CSV files and shown as text in the Markdown."""
    hostile = '=HYPERLINK("http://x","[click](http://x)")'
    replace_in(data_copy / "archetypes.toml", 'name = "Observer mission"', f"name = '{hostile}'")
    out = data_copy.parent / "q"
    scenario = data_copy / "scenarios" / "monitoring_only.toml"
    assert main(["questions", str(scenario), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert f"Answers written to {out}" in printed
    for name in ("questions.csv", "question_figures.csv", "packages.csv", "backstop.csv"):
        with open(out / name, newline="", encoding="utf-8") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_PREFIXES) and not number(c)], name
        assert any(c.startswith("'=HYPERLINK") for c in cells) or name == "question_figures.csv"
    figures = pd.read_csv(out / "question_figures.csv", keep_default_na=False)
    assert (figures["label"].str.startswith("'=HYPERLINK")).any()
    text = (out / "questions.md").read_text(encoding="utf-8")
    assert "[click](http" not in text
    assert escape_markdown("[click](http://x)") in text


def number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_mcdm_questions_never_writes_into_a_folder_of_user_files(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("three weeks of work\n")
    code = main(["questions", str(MONITORING), "--out", str(folder), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == (
        f"error: {folder} exists and is not a folder written by mcdm (no .mcdm-run marker); "
        "choose a new folder or remove it yourself"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


# --- the app -------------------------------------------------------------------------------------


def test_the_questions_page_shows_the_answers_of_the_current_scenario():
    from tests.test_app import monitoring_app

    at = monitoring_app()
    at.switch_page("app_pages/questions.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    ctx = at.session_state["ctx"]
    priced = price_packages(ctx.solved, ctx.pset)  # the page prices the constraints it reads
    answers = answer_questions(ctx.instance, priced, solve_backstops(ctx.instance, jobs=1))
    assert [h.value for h in at.subheader] == [
        f"{n}. {escape_markdown(a.question)}" for n, a in enumerate(answers, start=1)
    ]
    shown = [m.value for m in at.markdown] + [i.value for i in at.info]
    for a in answers:
        assert escape_markdown(a.answer) in shown, a.question_id
    # the monitoring scenario has no reassurance force, tripwire or steel porcupine: those
    # questions are shown as notes, not answers
    unanswered = [a for a in answers if not a.answered]
    assert [a.question_id for a in unanswered] == ["reassurance", "tripwire", "ukraine_forces"]
    assert [i.value for i in at.info] == [escape_markdown(a.answer) for a in unanswered]
