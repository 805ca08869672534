"""Export: the briefing, the scenario file, every table; upload a scenario or replacement data."""

import io
import tomllib
import zipfile

import streamlit as st

from app_pages.common import (
    MAX_UPLOAD_BYTES,
    context,
    current_dataset,
    error_message,
    problem_lines,
    safe_file_stem,
    scenario_file_header,
    uploaded_files,
    use_bundled_data,
    use_uploaded_data,
)
from mcdm.briefing import briefing_html, excel_workbook
from mcdm.cells import escape_markdown, neutralise_frame
from mcdm.errors import InputError
from mcdm.instance import check_references
from mcdm.io.data import DATA_FILES, dataset_from_texts, default_data_dir
from mcdm.io.scenario import dump_scenario_toml, scenario_from_mapping
from mcdm.pipeline import run_tables

ctx = context()
st.title("Export and upload")
tables = run_tables(ctx.instance, ctx.pset, ctx.analysis).files()  # as `mcdm run` writes them
name = safe_file_stem(ctx.instance.scenario.name)

st.subheader("Download")
cols = st.columns(4)
if ctx.analysis is not None:
    cols[0].download_button(
        "Briefing (HTML)",
        briefing_html(ctx.instance, ctx.pset, ctx.analysis),
        file_name=f"briefing-{name}.html",
        mime="text/html",
        help="Self-contained: works offline, charts included; print it to PDF from the browser.",
    )
toml_text = scenario_file_header(uploaded_files()) + dump_scenario_toml(ctx.export_scenario)
cols[1].download_button(
    "Scenario (TOML)",
    toml_text,
    file_name=f"{name}.toml",
    mime="application/toml",
    help="Run it with: mcdm run FILE --out DIR",
)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for fname, frame in tables.items():
        z.writestr(fname, neutralise_frame(frame).to_csv(index=False, lineterminator="\n"))
cols[2].download_button(
    "All tables (CSV, zip)", buf.getvalue(), file_name=f"{name}-csv.zip", mime="application/zip"
)
cols[3].download_button(
    "All tables (Excel)",
    excel_workbook(tables),
    file_name=f"{name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
st.caption(
    "In the CSV and Excel files, text that a spreadsheet would run as a formula (starting "
    "with =, +, -, @, a tab or a carriage return) starts with an apostrophe."
)
with st.expander("The scenario file"):
    st.code(toml_text, language="toml")
    st.caption("`mcdm run` on this file reproduces these packages and rankings.")

st.subheader("Upload")
st.caption(
    f"Files are read as text and validated like `mcdm validate`; nothing uploaded is "
    f"ever run or stored on the server. Up to {MAX_UPLOAD_BYTES // 1_000_000} MB a file."
)
scen = st.file_uploader("A scenario (.toml)", type=["toml"], key="upload_scenario")
if scen is not None:
    raw = scen.getvalue()
    shown = escape_markdown(scen.name)
    if len(raw) > MAX_UPLOAD_BYTES:
        st.error(f"{shown}: {len(raw):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}.")
    else:
        try:
            doc = tomllib.loads(raw.decode("utf-8"))
            scenario = scenario_from_mapping(doc, scen.name)
            problems = check_references(scenario, current_dataset(), scen.name)
            if problems:
                raise InputError(problems)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            st.error(f"{shown}: found {escape_markdown(exc)}; expected a UTF-8 TOML scenario file.")
        except InputError as exc:
            st.error("\n".join(problem_lines(exc.problems, base_names=True)))
        except Exception as exc:  # a fault of ours: a message, and the details in the log
            st.error(error_message(f"{shown} could not be read", exc))
        else:
            st.session_state.setdefault("uploaded_scenarios", {})[f"uploaded: {scenario.name}"] = (
                raw.decode("utf-8")
            )
            label = escape_markdown(scenario.name)
            st.success(
                f"Scenario '{label}' is valid; choose 'uploaded: {label}' as the preset in the "
                "sidebar."
            )
files = st.file_uploader(
    "Replacement data files (members.csv, elements.csv, availability.csv, "
    "archetypes.toml, parameters.toml)",
    type=["csv", "toml"],
    accept_multiple_files=True,
    key="upload_data",
)
if files:
    texts, errors = {}, []
    for f in files:
        raw = f.getvalue()
        if f.name not in DATA_FILES:
            errors.append(
                f"{f.name}: found an unexpected file name; expected one of " + ", ".join(DATA_FILES)
            )
        elif len(raw) > MAX_UPLOAD_BYTES:
            errors.append(f"{f.name}: {len(raw):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
        else:
            try:
                texts[f.name] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.append(
                    f"{f.name}: found bytes that are not UTF-8; expected UTF-8 text "
                    "(save the file as CSV UTF-8)"
                )
    lines = [f"- {escape_markdown(e)}" for e in errors]
    if not errors:
        try:
            dataset_from_texts(texts, default_data_dir())
        except InputError as exc:
            lines = problem_lines(exc.problems, base_names=True)
        except Exception as exc:  # a fault of ours: a message, and the details in the log
            lines = [error_message("The files could not be read", exc)]
    if lines:
        st.error("The data were not loaded:\n" + "\n".join(lines))
    elif st.button("Use these data", key="use_data"):
        use_uploaded_data(texts)
        st.success(
            f"Now using the uploaded data ({escape_markdown(', '.join(texts))}); the rest is "
            "the bundled data. Re-solve from the sidebar."
        )
if uploaded_files() and st.button("Use the bundled data again", key="use_bundled"):
    use_bundled_data()
    st.success("Now using the bundled data. Re-solve from the sidebar.")
