"""Questions: the public debate's questions answered from this scenario's packages (as
``mcdm questions`` answers them), with the figures, packages and sources behind each answer."""

import pandas as pd
import streamlit as st

from app_pages.common import context, priced, safe_file_stem, show_error, table
from mcdm.cells import escape_markdown
from mcdm.errors import McdmError
from mcdm.model import Instance
from mcdm.packages import PackageSet
from mcdm.parallel import available_cpus
from mcdm.pipeline import optimise_scenario
from mcdm.questions_backstop import solve_backstops
from mcdm.questions_report import answer_questions, questions_markdown


def _digest(instance: Instance) -> str:
    return instance.digest


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={Instance: _digest})
def backstop_solve(instance: Instance) -> PackageSet:
    """The best packages of a scenario under one backstop option (keyed on the reduced
    scenario's digest, which ignores the ranking settings: moving a weight re-solves nothing)."""
    return optimise_scenario(instance, jobs=min(2, available_cpus()), prices=False).packages


ctx = context()
st.title("The debate's questions")
st.caption(
    "Each answer is drawn from this scenario's packages, solved by the model, as `mcdm "
    "questions` answers it from the scenario file (Export page). The backstop question "
    "re-solves each kind of package's best package at the budget under every other US backstop "
    "option; the refusals come from the constraint prices (solved on this page's first visit). "
    "Source keys are explained on the Data and sources page."
)
try:
    with st.spinner("Re-solving under each US backstop option..."):
        backstops = solve_backstops(ctx.instance, solve=backstop_solve)
    answers = answer_questions(ctx.instance, priced(ctx), backstops)  # refusals: the prices
except McdmError as exc:
    show_error("The questions could not be answered", exc)
    st.stop()

for number, a in enumerate(answers, start=1):
    st.subheader(f"{number}. {escape_markdown(a.question)}")
    if a.answered:
        st.markdown(escape_markdown(a.answer))
    else:
        st.info(escape_markdown(a.answer))
    if a.figures or a.sources:
        with st.expander("Figures, packages and sources"):
            if a.figures:
                table(
                    pd.DataFrame(
                        {
                            "Figure": [f.label for f in a.figures],
                            "Value": [f.value for f in a.figures],
                            "Unit": [f.unit for f in a.figures],
                            "Package": [
                                f.package_id + (f" ({f.option})" if f.option else "")
                                for f in a.figures
                            ],
                        }
                    ),
                    Value=st.column_config.NumberColumn(format="%.6g"),
                )
            if a.packages:
                st.markdown(
                    "Packages: " + "; ".join(escape_markdown(name) for _, name in a.packages)
                )
            if a.sources:
                st.markdown("Sources: " + ", ".join(escape_markdown(k) for k in a.sources))

st.download_button(
    "These answers (Markdown)",
    questions_markdown(ctx.instance, answers),
    file_name=f"{safe_file_stem(ctx.instance.scenario.name)}-questions.md",
    mime="text/markdown",
    help="The same answers that mcdm questions SCENARIO --out DIR writes to questions.md.",
)
