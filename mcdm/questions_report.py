"""The debate's questions for one scenario, solved, put together and written: what
``mcdm questions`` runs and the app's Questions page shows.

One run of the scenario (packages and constraint prices, no ranking: no answer depends on the
weights) answers every question but the backstop's, which re-solves the scenario under each
other US backstop option (:mod:`mcdm.questions_backstop`). :func:`write_questions` writes
``questions.md`` (for people), ``questions.csv`` (one row an answer), ``question_figures.csv``
(one row a figure, with the table, package, member and column it was read from) and the tables
the figures come from (``packages.csv``, ``allocations.csv``, ``prices.csv``, ``backstop.csv``),
all or nothing, under the same ``--out`` rules as ``mcdm run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from .cells import escape_markdown
from .io.scenario import scenario_to_dict
from .io.write import write_tables
from .model import Instance, SolverSettings, USBackstop
from .packages import PackageSet
from .pipeline import RunResult, optimise_scenario, versions
from .questions import Answer, Figure, answer_monitoring, answer_reassurance, answer_tripwire
from .questions_backstop import answer_backstop, answer_refusals, backstop_frame, solve_backstops
from .questions_ukraine import answer_ukraine_forces

__all__ = [
    "ANSWER_COLUMNS",
    "FIGURE_COLUMNS",
    "QuestionsRun",
    "answer_questions",
    "figures_frame",
    "questions_frame",
    "questions_markdown",
    "run_questions",
    "write_questions",
]

#: The columns of ``questions.csv`` (one row an answer).
ANSWER_COLUMNS = ["question_id", "question", "answer", "figures", "packages", "sources", "answered"]
#: The columns of ``question_figures.csv`` (one row a figure).
FIGURE_COLUMNS = ["question_id", *(f.name for f in fields(Figure))]


def answer_questions(
    instance: Instance, pset: PackageSet, backstops: Mapping[USBackstop, PackageSet]
) -> tuple[Answer, ...]:
    """Every question answered, in the order of :data:`mcdm.questions.QUESTIONS`.

    Parameters
    ----------
    pset
        The scenario's packages, with their constraint prices (for the refusals).
    backstops
        The scenario re-solved under the other US backstop options
        (:func:`mcdm.questions_backstop.solve_backstops`).
    """
    return (
        answer_reassurance(instance, pset),
        answer_tripwire(instance, pset),
        answer_monitoring(instance, pset),
        answer_backstop(instance, pset, backstops),
        answer_refusals(instance, pset),
        answer_ukraine_forces(instance, pset),
    )


@dataclass(frozen=True, eq=False)
class QuestionsRun:
    """One scenario's run, its backstop re-solves and the answers drawn from them."""

    result: RunResult
    backstops: Mapping[USBackstop, PackageSet]
    answers: tuple[Answer, ...]
    timings: Mapping[str, float] = field(default_factory=dict)


def run_questions(
    instance: Instance,
    *,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    progress: Callable[[float, str], None] | None = None,
) -> QuestionsRun:
    """Solve the scenario (packages and prices), re-solve it under the other backstop options
    and answer the questions; ``timings`` holds each phase's seconds."""
    start = time.perf_counter()
    result = optimise_scenario(
        instance, settings=settings, jobs=jobs, prices=True, progress=progress
    )
    mid = time.perf_counter()
    backstops = solve_backstops(instance, settings=settings, jobs=jobs)
    if progress is not None:
        progress(1.0, "backstop options re-solved")
    answers = answer_questions(instance, result.packages, backstops)
    end = time.perf_counter()
    timings = {**result.timings, "backstop_s": end - mid, "questions_s": end - start}
    return QuestionsRun(result, backstops, answers, timings)


def _figure_text(f: Figure) -> str:
    where = f.package_id + (f" under {f.option}" if f.option else "")
    return f"{f.label}: {f.value:.6g} {f.unit}" + (f" ({where})" if where else "")


def questions_frame(answers: tuple[Answer, ...]) -> pd.DataFrame:
    """``questions.csv``: one row an answer, its figures, packages and sources as text."""
    rows = [
        {
            "question_id": a.question_id,
            "question": a.question,
            "answer": a.answer,
            "figures": "; ".join(_figure_text(f) for f in a.figures),
            "packages": "; ".join(name for _, name in a.packages),
            "sources": "; ".join(a.sources),
            "answered": a.answered,
        }
        for a in answers
    ]
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)


def figures_frame(answers: tuple[Answer, ...]) -> pd.DataFrame:
    """``question_figures.csv``: one row a figure of an answer and where it was read."""
    rows = [{"question_id": a.question_id, **asdict(f)} for a in answers for f in a.figures]
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def _cell(text: object) -> str:
    """User text for a Markdown table cell: shown as written, never splitting the row."""
    return escape_markdown(text).replace("|", "\\|").replace("\n", " ")


def questions_markdown(instance: Instance, answers: tuple[Answer, ...]) -> str:
    """``questions.md``: each question, its answer, its figures, packages and sources."""
    s = instance.scenario
    lines = [
        f"# The debate's questions: {escape_markdown(s.name)}",
        "",
        *([escape_markdown(s.description), ""] if s.description else []),
        "Each answer is drawn from this scenario's packages, solved by the model. `mcdm "
        "questions` writes the tables its figures come from beside this file (packages.csv, "
        "allocations.csv, prices.csv, backstop.csv), and question_figures.csv says where each "
        "was read. Source keys are explained in data/SOURCES.md.",
    ]
    for number, a in enumerate(answers, start=1):
        lines += ["", f"## {number}. {escape_markdown(a.question)}", "", escape_markdown(a.answer)]
        if a.figures:
            lines += ["", "| figure | value | unit | package |", "|---|---:|---|---|"]
            lines += [
                f"| {_cell(f.label)} | {f.value:,.6g} | {_cell(f.unit)} | "
                f"{_cell(f.package_id + (f' ({f.option})' if f.option else ''))} |"
                for f in a.figures
            ]
        if a.packages:
            lines += ["", "Packages: " + "; ".join(escape_markdown(n) for _, n in a.packages)]
        if a.sources:
            lines += ["", "Sources: " + ", ".join(escape_markdown(k) for k in a.sources)]
    return "\n".join(lines) + "\n"


def questions_tables(run: QuestionsRun) -> dict[str, pd.DataFrame]:
    """Every CSV file of a questions folder, by file name."""
    instance = run.result.instance
    return {
        "questions.csv": questions_frame(run.answers),
        "question_figures.csv": figures_frame(run.answers),
        **run.result.tables.files(),
        "backstop.csv": backstop_frame(instance, run.result.packages, run.backstops),
    }


def write_questions(run: QuestionsRun, out: str | Path) -> Path:
    """Write a questions folder (see the module's docstring) all or nothing, with
    ``run.json`` (scenario, versions, solver, timings); the folder rules of
    :func:`mcdm.io.write.write_tables` apply."""
    instance = run.result.instance
    s = run.result.settings
    meta = {
        "scenario": scenario_to_dict(instance.scenario),
        "scenario_file": instance.scenario.source_path,
        "input_digest": instance.digest,
        "solver": {"name": s.name, "mip_gap": s.mip_gap, "node_limit": s.node_limit},
        "backstop_options_resolved": [o.value for o in run.backstops],
        "versions": versions(),
        "timings_s": {k: round(v, 4) for k, v in run.timings.items()},
    }
    return write_tables(
        questions_tables(run),
        out,
        meta,
        texts={"questions.md": questions_markdown(instance, run.answers)},
    )
