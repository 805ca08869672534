"""Exports that are safe to open and an app that shows user text as text.

- Every CSV and Excel cell that holds user text (names, notes, sources, descriptions, rule names,
  ids and criterion names of a ``mcdm rank`` matrix) and starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets an apostrophe in front (OWASP, "CSV Injection"); numbers stay
  numbers.
- No user text reaches Markdown or HTML unescaped: the app's elements, its charts and the HTML
  briefing show an archetype named ``<a href=...>`` as those characters.
- A failure in the app is a message without a traceback or a server path.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import tempfile
import tomllib
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from mcdm.briefing import briefing_html, excel_workbook
from mcdm.cells import (
    FORMULA_PREFIXES,
    escape_markdown,
    neutralise_frame,
    neutralise_text,
    sheet_names,
)
from mcdm.cli import main as cli_main
from mcdm.errors import SolveError
from mcdm.io.load import load_instance
from mcdm.io.write import write_tables
from mcdm.pipeline import run_scenario, write_run
from tests.conftest import DATA, ROOT

APP = str(ROOT / "app.py")

#: One of each formula start. CSV data files cannot hold a bare carriage return inside a cell
#: (the loader reads it as a line break), so CR goes only into the TOML texts.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\tTAB"]
TOML_FORMULAS = [*FORMULAS, "\rCR"]

LINK = '<a href="http://evil.example/">covering link</a>'
IMAGE = "<img src=x onerror=alert(1)>"
MD_LINK = "[click here](http://evil.example/)"

# A scenario's name must be a plain name (checked on load): the formula rides in its description.
SCENARIO = """
name = "hostile"
description = '=HYPERLINK("http://x","y")'
budget_eur_bn = 1.5
rotation_factor = 4
line_length_km = 1400
archetypes = ["observer", "technical_monitoring", "reassurance"]
seed = 1

[frontier]
levels = 3
alternatives = 1

[[rules]]
name = "@SUM(A1) at least one observer team from the UK"
members = ["GBR"]
categories = ["observer"]
archetypes = ["observer"]
measure = "units"
sense = ">="
value = 1

[robustness]
smaa_draws = 200
"""


def _starts_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _csv_with(text: str, columns: tuple[str, ...], start: int) -> str:
    """``text`` (a CSV) with a formula in front of ``columns`` in every row."""
    rows = list(csv.DictReader(io.StringIO(text)))
    k = start
    for row in rows:
        for c in columns:
            row[c] = f"{FORMULAS[k % len(FORMULAS)]} {row[c]}"
            k += 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _archetypes_with(text: str, names: dict[str, str]) -> str:
    """archetypes.toml with new names for some archetypes and a formula before every
    description and source."""
    out, table, k = [], None, 0
    for line in text.splitlines():
        if line.startswith("["):
            table = line.strip("[]")
        for key in ("name", "description", "source"):
            m = re.match(rf'{key} = (".*?")\s*(#.*)?$', line)
            if m:
                value = json.loads(m.group(1))
                if key == "name" and table in names:
                    value = names[table]
                else:
                    value = f"{TOML_FORMULAS[k % len(TOML_FORMULAS)]} {value}"
                    k += 1
                line = f"{key} = {json.dumps(value)}"
        out.append(line)
    return "\n".join(out) + "\n"


def hostile_texts(archetype_names: dict[str, str] | None = None) -> dict[str, str]:
    """The bundled data files with a formula in every member and element name, note and source,
    and in every archetype name, description and source. (The CSV reader strips a leading tab,
    so tabs and carriage returns reach the tables through archetype names.)"""
    texts = {
        "members.csv": _csv_with(
            (DATA / "members.csv").read_text(encoding="utf-8"),
            ("name", "role_stated", "source", "notes"),
            0,
        ),
        "elements.csv": _csv_with(
            (DATA / "elements.csv").read_text(encoding="utf-8"), ("name", "source", "notes"), 1
        ),
        "availability.csv": _csv_with(
            (DATA / "availability.csv").read_text(encoding="utf-8"), ("basis", "source"), 2
        ),
    }
    names = {
        "observer": "\tTAB observer",
        "technical_monitoring": '=HYPERLINK("http://x","y")',
        "reassurance": "\rCR reassurance",
    }
    texts["archetypes.toml"] = _archetypes_with(
        (DATA / "archetypes.toml").read_text(encoding="utf-8"), archetype_names or names
    )
    return texts


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """A run of a small scenario on data whose every kind of user text starts with a formula."""
    root = tmp_path_factory.mktemp("hostile") / "data"
    root.mkdir()
    for name in ("parameters.toml", "restrictions.csv", "SOURCES.md"):
        (root / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in hostile_texts().items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "scenarios").mkdir()
    (root / "scenarios" / "hostile.toml").write_text(SCENARIO, encoding="utf-8")
    instance = load_instance(root / "scenarios" / "hostile.toml")
    result = run_scenario(instance, prices=True, reversal=False)
    out = write_run(result, root.parent / "run")
    return instance, result, out


# --- the neutraliser itself --------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_start_gets_an_apostrophe(text):
    assert neutralise_text(text) == "'" + text
    assert neutralise_text("United Kingdom") == "United Kingdom"
    assert neutralise_text("") == ""


def test_a_carriage_return_becomes_a_line_feed_that_csv_writers_quote(tmp_path):
    assert neutralise_text("\rCR") == "'\nCR"
    assert neutralise_text("one\r\ntwo\rthree") == "one\ntwo\nthree"
    frame = pd.DataFrame({"message": ["\rCR reassurance", "ok"], "n": [1, 2]})
    write_tables({"t.csv": frame}, tmp_path / "out", {})
    with (tmp_path / "out" / "t.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["message", "n"], ["'\nCR reassurance", "1"], ["ok", "2"]]


def test_neutralise_frame_changes_text_only_and_leaves_the_input_alone():
    frame = pd.DataFrame(
        {
            "=name": ["=1+1", "plain", None, "-2.5% of the budget"],
            "delta": [-1.5, 2.0, -3.0, 0.0],
            "count": [-1, 2, 3, 4],
            "mixed": ["@x", -4, 5.5, "ok"],
        },
        index=["+i", "b", "c", "d"],
    )
    before = frame.copy()
    out = neutralise_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not modified
    assert list(out.columns) == ["'=name", "delta", "count", "mixed"]
    assert list(out.index) == ["'+i", "b", "c", "d"]
    assert list(out["'=name"])[:2] == ["'=1+1", "plain"] and pd.isna(out["'=name"].iloc[2])
    assert out["'=name"].iloc[3] == "'-2.5% of the budget"
    assert out["delta"].dtype == frame["delta"].dtype and list(out["delta"]) == [-1.5, 2, -3, 0]
    assert out["count"].dtype == frame["count"].dtype and list(out["count"]) == [-1, 2, 3, 4]
    assert list(out["mixed"]) == ["'@x", -4, 5.5, "ok"]  # numbers in a mixed column stay numbers
    csv_text = out.to_csv(index=False)
    assert "\n'=1+1,-1.5,-1,'@x\n" in csv_text  # negative numbers are written unquoted


def test_a_frame_without_formulas_comes_back_as_it_is():
    frame = pd.DataFrame({"a": ["x", "y"], "b": [-1.0, 2.0]})
    assert neutralise_frame(frame) is frame


def test_sheet_names_are_valid_unique_and_never_start_with_a_formula():
    names = sheet_names(
        ["packages.csv", "=HYPERLINK(1)", "-1+1", "a/b:c*d?[e]", "x" * 40, "x" * 45, "'q'"]
    )
    assert names[0] == "packages"
    assert all(0 < len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert not any(n.startswith((*FORMULA_PREFIXES, "'")) or n.endswith("'") for n in names)
    assert not any(set(n) & set("[]:*?/\\") for n in names)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        (LINK, '\\<a href="http\\://evil.example/">covering link\\</a>'),
        (IMAGE, "\\<img src=x onerror=alert(1)>"),
        (MD_LINK, "\\[click here\\](http\\://evil.example/)"),
        ("![img](http://x/i.png)", "!\\[img\\](http\\://x/i.png)"),
        ("$\\int$ and :red[alert]", "\\$\\\\int\\$ and :red\\[alert\\]"),
        ("# heading\n- item\n1. first\n> quote", "\\# heading\n\\- item\n1\\. first\n\\> quote"),
        ("see www.evil.example", "see www\\.evil.example"),
        ("**bold** `code`", "\\*\\*bold\\*\\* \\`code\\`"),
        # our own messages read the same: columns, quotes, comparisons, lists of choices
        (
            "members.csv, row 2, column troop_pool: found '-24000'; expected a whole number >= 0",
            "members.csv, row 2, column troop_pool: found '-24000'; expected a whole number >= 0",
        ),
        (
            "expected an identifier (letters, digits, '_' or '-', no spaces)",
            "expected an identifier (letters, digits, '_' or '-', no spaces)",
        ),
    ],
)
def test_escape_markdown(text, escaped):
    assert escape_markdown(text) == escaped


# --- run folders, mcdm rank, the workbook ------------------------------------------------------


def test_no_csv_cell_of_a_run_starts_a_formula_and_the_user_text_is_kept(hostile_run):
    _, result, out = hostile_run
    raw = [
        v
        for frame in result.tables.files().values()
        for v in [*frame.columns, *frame.to_numpy().ravel()]
        if _starts_formula(v)
    ]
    assert len(raw) >= 20  # the hostile text does reach the tables
    written = []
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        cells = [c for row in rows for c in row]
        assert not [c for c in cells if _starts_formula(c)], path.name
        written += [c for c in cells if c.startswith("'")]
    # every raw formula cell is in the files, behind an apostrophe (nothing else lost)
    assert sorted(written) == sorted(neutralise_text(v) for v in raw)
    assert {v[0] for v in raw} == set(FORMULA_PREFIXES)  # every kind of formula start


def test_negative_numbers_in_numeric_columns_stay_numbers(tmp_path):
    frame = pd.DataFrame({"id": ["-a", "b"], "gain_eur_m": [-12.5, 3.0], "rank": [-1, 2]})
    write_tables({"t.csv": frame}, tmp_path / "out", {}, parquet=True)
    text = (tmp_path / "out" / "t.csv").read_text(encoding="utf-8")
    assert text == "id,gain_eur_m,rank\n'-a,-12.5,-1\nb,3.0,2\n"
    # Parquet is not a spreadsheet format: it keeps the text as it is
    assert list(pd.read_parquet(tmp_path / "out" / "t.parquet")["id"]) == ["-a", "b"]


def test_mcdm_rank_refuses_formula_names_and_writes_no_formula(tmp_path, capsys):
    """Alternative ids and criterion names that would start a formula are refused on load (with
    the file, row and name, and nothing written); renamed, the run's CSVs hold no formula."""
    bad_criteria = ['=HYPERLINK("http://x")', "+cost", "-risk", "@SUM(A1)"]
    bad_ids = ["=A1", "+B", "-C", "@D"]

    def write(criteria, ids):
        matrix = tmp_path / "m.csv"
        with matrix.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", *criteria])
            w.writerow(["type", 1, -1, -1, 1])
            for i, alt in enumerate(ids):
                w.writerow([alt, 1 + i, 4 - i, (i * 7) % 5 + 1, 2 + i % 2])
        return matrix

    out = tmp_path / "out"
    code = cli_main(["rank", str(write(bad_criteria, bad_ids)), "--smaa", "200", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    for name in [*bad_criteria, *bad_ids]:
        assert repr(name) in err, name
    assert "m.csv, row 1, column +cost: found '+cost'" in err
    assert not out.exists()
    safe = ["HYPERLINK", "cost", "risk", "sum"]
    code = cli_main(
        ["rank", str(write(safe, ["A1", "B", "C", "D"])), "--smaa", "200", "--out", str(out)]
    )
    assert code == 0
    cells = []
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            cells += [c for row in csv.reader(f) for c in row]
    assert cells and not [c for c in cells if _starts_formula(c)]


def test_the_workbook_has_no_formula_and_keeps_numbers(hostile_run):
    _, result, _ = hostile_run
    tables = result.tables.files() | {
        "=evil sheet.csv": pd.DataFrame({"-x": ["@a", "b"], "delta": [-1.5, 2.0]})
    }
    raw = sum(
        _starts_formula(v)
        for frame in tables.values()
        for v in [*frame.columns, *frame.to_numpy().ravel()]
    )
    book = openpyxl.load_workbook(io.BytesIO(excel_workbook(tables)))
    assert book.sheetnames[: len(result.tables.files())] == sheet_names(result.tables.files())
    assert book.sheetnames[-1] == "_evil sheet"
    neutralised = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not _starts_formula(cell.value), (sheet.title, cell.coordinate)
                if isinstance(cell.value, str) and cell.value.startswith("'"):
                    neutralised += 1
    assert neutralised == raw >= 20
    extra = book["_evil sheet"]
    assert [c.value for c in extra[1]] == ["'-x", "delta"]
    assert [c.value for c in extra[2]] == ["'@a", -1.5]  # a negative number stays a number


def test_the_workbook_replaces_control_characters_instead_of_failing():
    book = openpyxl.load_workbook(
        io.BytesIO(excel_workbook({"t.csv": pd.DataFrame({"name": ["United\x01Kingdom"]})}))
    )
    assert book["t"]["A2"].value == "United\ufffdKingdom"


# --- HTML: the briefing ------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src", "onerror")]


def test_the_briefing_shows_html_in_names_as_text(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    for name in (
        "parameters.toml",
        "restrictions.csv",
        "SOURCES.md",
        "elements.csv",
        "availability.csv",
    ):
        (root / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    members = list(csv.DictReader(io.StringIO((DATA / "members.csv").read_text(encoding="utf-8"))))
    for m in members:
        m["name"] = f"<i>{m['name']}</i>"  # the members table of the briefing shows names
    with (root / "members.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(members[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(members)
    (root / "archetypes.toml").write_text(
        _archetypes_with(
            (DATA / "archetypes.toml").read_text(encoding="utf-8"),
            {"observer": LINK, "technical_monitoring": f"{IMAGE} {MD_LINK}"},
        ),
        encoding="utf-8",
    )
    (root / "scenarios").mkdir()
    (root / "scenarios" / "s.toml").write_text(
        SCENARIO.replace("description = '=HYPERLINK", f"description = '{LINK}'  # ").replace(
            ', "reassurance"', ""
        ),
        encoding="utf-8",
    )
    instance = load_instance(root / "scenarios" / "s.toml")
    result = run_scenario(instance, prices=False, reversal=False)
    page = briefing_html(instance, result.packages, result.analysis)
    # the plotly.js library holds its own tags and links inside <script>: look at the rest
    body = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    parser = _Tags()
    parser.feed(body)
    assert not parser.tags & {"a", "img", "i"}, parser.tags
    assert "&lt;i&gt;" in body
    assert not [h for h in parser.hrefs if "evil" in h or h == "x"]
    assert html.escape(LINK, quote=False) in body or html.escape(LINK) in body
    # the recommended package's kind of package is named in the text, escaped
    named = {
        "observer": "&lt;a href=",
        "technical_monitoring": "&lt;img src=x onerror=alert(1)&gt;",
    }
    top = result.packages.get(result.analysis.top).archetype
    assert named[top] in body
    # the charts' data (JSON inside <script>) carry the names escaped for Plotly's labels
    charts = [
        s
        for s in re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S)
        if s.lstrip().startswith("window.PLOTLYENV")
    ]
    data = "".join(charts).replace("\\u003c", "<").replace("\\u003e", ">")
    assert "&lt;a href=" in data
    assert "<a href" not in data and "<img" not in data


# --- the app -----------------------------------------------------------------------------------


def _markdown_values(at: AppTest) -> list[tuple[str, str]]:
    """Every element whose text Streamlit renders as Markdown: (kind, text)."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title"):
        out += [(kind, e.value) for e in getattr(at, kind)]
    out += [(kind, e.value) for kind in ("header", "subheader") for e in getattr(at, kind)]
    return out


def _unescaped(text: str, needle: str) -> bool:
    """Whether ``needle`` (starting with [ < or $) occurs without a backslash before it."""
    return re.search(r"(?<!\\)" + re.escape(needle), text) is not None


@pytest.fixture
def downloads(monkeypatch):
    """What the app offers for download in a run, by file name (AppTest cannot read them)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def _monitoring_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["preset"] = "monitoring_only"
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, texts: dict[str, str]) -> None:
    at.switch_page("app_pages/export.py").run()
    at.file_uploader(key="upload_data").set_value(
        [(name, text.encode("utf-8"), "text/plain") for name, text in texts.items()]
    )
    at.run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="use_data").click().run()
    assert not at.exception, at.exception
    at.file_uploader(key="upload_data").set_value(None).run()


PAGES = [
    "app_pages/overview.py",
    "app_pages/packages.py",
    "app_pages/tradeoffs.py",
    "app_pages/contributions.py",
    "app_pages/ranking.py",
    "app_pages/robustness.py",
    "app_pages/data.py",
    "app_pages/compare.py",
    "app_pages/export.py",
]


def test_uploaded_names_with_html_show_as_text_and_exports_are_neutralised(downloads):
    mcdm_dirs = set(Path(tempfile.gettempdir()).glob("mcdm-data-*"))
    at = _monitoring_app()
    names = {"observer": LINK, "technical_monitoring": f"{IMAGE} {MD_LINK} $x$"}
    _upload(at, hostile_texts(names))
    assert set(Path(tempfile.gettempdir()).glob("mcdm-data-*")) == mcdm_dirs  # nothing on disk
    shown, charts = [], []
    for page in PAGES:
        downloads.clear()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not [m for m in at.markdown if m.allow_html], page  # no raw HTML anywhere
        shown += _markdown_values(at)
        charts += [e.proto.spec for e in at.get("plotly_chart")]
    for kind, text in shown:
        for needle in ("<a href", "<img", "[click here]", "$x$"):
            assert not _unescaped(text, needle), (kind, text)
    # the names did reach the pages (the top package is a technical-monitoring one), escaped
    assert at.session_state["ctx"].instance.data.archetypes["observer"].name == LINK
    assert escape_markdown(names["technical_monitoring"]) in "\n".join(t for _, t in shown)
    # the charts carry them escaped for Plotly's HTML subset, never as tags
    specs = "\n".join(charts).replace("\\u003c", "<").replace("\\u003e", ">")
    assert "&lt;a href=" in specs and "&lt;img src=x" in specs
    assert "<a href" not in specs and "<img" not in specs

    # the downloads of the Export page (the last page run)
    zipped = next(v for k, v in downloads.items() if k.endswith("-csv.zip"))
    cells = []
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        for member in z.namelist():
            rows = list(csv.reader(io.StringIO(z.read(member).decode("utf-8"), newline="")))
            cells += [c for row in rows for c in row]
    assert not [c for c in cells if _starts_formula(c)]
    assert [c for c in cells if c.startswith("'") and _starts_formula(c[1:])]
    book = next(v for k, v in downloads.items() if k.endswith(".xlsx"))
    wb = openpyxl.load_workbook(io.BytesIO(book))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [v for v in values if _starts_formula(v)]
    # the scenario file names no server folder, and says where the uploaded data should be
    scenario = next(v for k, v in downloads.items() if k.endswith(".toml")).decode("utf-8")
    assert tomllib.loads(scenario)["dataset"] == "uploaded_data"
    assert "# Computed on data you uploaded (" in scenario
    for server in (str(DATA), str(ROOT), tempfile.gettempdir()):
        assert server not in scenario
    assert not any(re.search(r"[<>:\"/\\|?*]", k) for k in downloads)  # safe file names


def test_the_exported_scenario_of_the_bundled_data_names_no_server_folder(downloads):
    at = _monitoring_app()
    at.switch_page("app_pages/export.py").run()
    scenario = at.code[0].value
    assert tomllib.loads(scenario)["dataset"] == ".."
    assert "data/scenarios/" in scenario
    for server in (str(DATA), str(ROOT), tempfile.gettempdir()):
        assert server not in scenario


def test_a_scenario_that_fails_shows_a_message_without_traceback_or_server_path(monkeypatch):
    import app_pages.common as common

    secret = str(Path(tempfile.gettempdir()) / "mcdm-secret" / "model.mps")

    def fail(*args, **kwargs):
        raise SolveError(f"HiGHS stopped with no solution while reading {secret}")

    monkeypatch.setattr(common, "generate_packages", fail)
    common._solves.clear()  # solve again, not from the packages other tests remembered
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["preset"] = "monitoring_only"
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("The scenario could not be solved: HiGHS stopped with no")
    assert secret not in errors[0] and tempfile.gettempdir() not in errors[0]
    assert "(temporary folder)" in errors[0]

    def crash(*args, **kwargs):
        raise RuntimeError(f"internal failure in {secret}")

    monkeypatch.setattr(common, "generate_packages", crash)
    at.slider(key=next(s.key for s in at.slider if s.key.startswith("budget:"))).set_value(1.0)
    next(b for b in at.button if "Solve" in str(b.label)).click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("The scenario could not be solved: the app met an internal error")
    assert "reference" in errors[0]
    assert "RuntimeError" not in errors[0] and "Traceback" not in errors[0]
    assert secret not in errors[0]


def test_a_bad_upload_names_the_file_without_the_server_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # so that paths would be shown absolute
    at = _monitoring_app()
    at.switch_page("app_pages/export.py").run()
    broken = (
        (DATA / "members.csv")
        .read_text(encoding="utf-8")
        .replace("3588,81.76,138100,24000,10000", "3588,81.76,138100,-24000,10000")
    )
    at.file_uploader(key="upload_data").set_value(("members.csv", broken.encode(), "text/csv"))
    at.run()
    errors = "\n".join(e.value for e in at.error)
    assert (
        "- uploaded members.csv, row 2, column troop_pool: found '-24000'; expected a whole "
        "number >= 0" in errors
    )
    assert str(DATA) not in errors and str(ROOT) not in errors


def test_the_app_config_hides_error_details_and_developer_tools():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    client = config["client"]
    assert client["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value == "none"
    assert client["toolbarMode"] == "viewer"
