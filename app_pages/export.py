"""Export: the briefing, the scenario file, every table; upload a scenario or replacement data."""

import streamlit as st

from app_pages.common import (
    context,
    current_dataset,
    error_message,
    keep_uploaded_scenario,
    kept_solves_note,
    priced,
    problem_lines,
    safe_file_stem,
    use_bundled_data,
    use_uploaded_data,
    with_backstop,
)
from mcdm.briefing import briefing_html, csv_zip, excel_workbook
from mcdm.cells import escape_markdown
from mcdm.errors import InputError
from mcdm.io.data import default_data_dir
from mcdm.io.scenario import dump_scenario_toml
from mcdm.pipeline import run_tables
from mcdm.session import (
    MAX_UPLOAD_BYTES,
    read_uploaded_data,
    read_uploaded_scenario,
    scenario_file_header,
)

ctx = context()
st.title("Export and upload")
kept_solves_note(ctx)
tables = run_tables(ctx.instance, priced(ctx), ctx.analysis).files()  # as `mcdm run` writes them
name = safe_file_stem(ctx.instance.scenario.name)

st.subheader("Download")
classification = st.text_input(
    "Classification line for the briefing (optional)",
    max_chars=120,
    key="briefing_classification",
    placeholder="e.g. OFFICIAL-SENSITIVE",
    help="Printed at the top and the foot of the briefing, as written; leave empty for none.",
)
cols = st.columns(4)
if ctx.analysis is not None:
    cols[0].download_button(
        "Briefing (HTML)",
        briefing_html(ctx.instance, ctx.pset, with_backstop(ctx), classification=classification),
        file_name=f"briefing-{name}.html",
        mime="text/html",
        help="Self-contained: works offline, charts included; print it to PDF from the browser.",
    )
toml_text = scenario_file_header(ctx.uploaded) + dump_scenario_toml(ctx.export_scenario)
cols[1].download_button(
    "Scenario (TOML)",
    toml_text,
    file_name=f"{name}.toml",
    mime="application/toml",
    help="Run it with: mcdm run FILE --out DIR",
)
cols[2].download_button(
    "All tables (CSV, zip)", csv_zip(tables), file_name=f"{name}-csv.zip", mime="application/zip"
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
    try:
        scenario, text = read_uploaded_scenario(scen.name, scen.getvalue(), current_dataset())
    except InputError as exc:
        st.error("\n".join(problem_lines(exc.problems, base_names=True)))
    except Exception as exc:  # a fault of ours: a message, and the details in the log
        st.error(error_message(f"{escape_markdown(scen.name)} could not be read", exc))
    else:
        label = escape_markdown(keep_uploaded_scenario(scenario, text))
        st.success(
            f"Scenario '{escape_markdown(scenario.name)}' is valid; choose '{label}' as the "
            "preset in the sidebar."
        )
files = st.file_uploader(
    "Replacement data files (members.csv, elements.csv, availability.csv, "
    "archetypes.toml, parameters.toml)",
    type=["csv", "toml"],
    accept_multiple_files=True,
    key="upload_data",
)
if files:
    try:
        uploads = [(f.name, f.getvalue()) for f in files]
        names, data = read_uploaded_data(uploads, default_data_dir())
    except InputError as exc:
        st.error("The data were not loaded:\n" + "\n".join(problem_lines(exc.problems, True)))
    except Exception as exc:  # a fault of ours: a message, and the details in the log
        st.error("The data were not loaded:\n" + error_message("The files could not be read", exc))
    else:
        if st.button("Use these data", key="use_data"):
            use_uploaded_data(names, data)
            st.success(
                f"Now using the uploaded data ({escape_markdown(', '.join(names))}); the rest "
                "is the bundled data. Re-solve from the sidebar."
            )
if ctx.uploaded and st.button("Use the bundled data again", key="use_bundled"):
    use_bundled_data()
    st.success("Now using the bundled data. Re-solve from the sidebar.")
