"""The Streamlit app and the HTML briefing end to end in a real Chromium.

The briefing test writes the briefing of a small scenario to a file, opens it (file://) with the
network off and checks that every chart renders with no console or page error: plotly.js is
inlined, and placed before any chart's script.

The app test starts ``streamlit run app.py`` on a free local port, drives it with Playwright's sync
API and checks two things a user would see:

* the Overview names the top package that ``mcdm.pipeline.analyse_packages`` puts first, before
  and after a weight slider moves (the expected packages are computed here, not read from the
  UI);
* every page in the sidebar navigation renders without a Streamlit exception box, and a
  screenshot of it is saved under the test's temporary folder.

Without Debian's Chromium at ``/usr/bin/chromium`` the test is skipped, unless
``MCDM_REQUIRE_BROWSER=1`` (as in CI), in which case it fails.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mcdm.briefing import briefing_html
from mcdm.criteria import CRITERIA
from mcdm.io.load import load_instance
from mcdm.packages import generate_packages
from mcdm.pipeline import analyse_packages, run_scenario
from tests.conftest import DATA, ROOT

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    Page = None
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCENARIO = DATA / "scenarios" / "default.toml"
MOVED = "deterrence"  # the criterion whose weight slider the test sets to zero
#: Sidebar navigation label -> the page's title (its h1 heading), in navigation order.
PAGES = {
    "Overview": "Security-guarantee packages for Ukraine",
    "Packages": "Packages",
    "Trade-offs": "Trade-offs",
    "Contributions": "Contributions",
    "Ranking": "Ranking",
    "Robustness": "Robustness",
    "Why it wins": "Why it wins",
    "Members": "Members and their caps",
    "Data and sources": "Data and sources",
    "Compare": "Compare settings",
    "Export": "Export and upload",
}
FIRST_LOAD_MS = 120_000  # the first run solves the default scenario
RERUN_MS = 30_000  # a weight change only re-ranks
SERVER_START_S = 60.0
MAX_SHOT_HEIGHT = 12_000  # px; a taller page is cut off rather than making a huge PNG


def require_browser() -> Path:
    """The Chromium to drive; skip (or fail, with ``MCDM_REQUIRE_BROWSER=1``) without one.

    Returns
    -------
    Path
        The browser executable.
    """
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} not found: install Debian's chromium: apt-get install chromium")
    if sync_playwright is None:
        missing.append("the playwright Python package is missing: pip install -e '.[test]'")
    if missing:
        why = "; ".join(missing)
        if os.environ.get("MCDM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MCDM_REQUIRE_BROWSER=1 but the browser test cannot run: {why}")
        pytest.skip(f"browser test skipped: {why} (set MCDM_REQUIRE_BROWSER=1 to make this fail)")
    return CHROMIUM


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll Streamlit's health endpoint until it answers ``ok``.

    Parameters
    ----------
    url
        The health endpoint, ``http://127.0.0.1:PORT/_stcore/health``.
    proc
        The server process; the wait fails at once if it exits.
    log
        The server's output, quoted when the wait fails.
    timeout
        Seconds to wait in all.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with code {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not answer {url} within {timeout:.0f} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server's whole process group: politely first, then for good."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """The app served by ``streamlit run app.py`` on a free port; stopped afterwards."""
    require_browser()
    port = free_port()
    log = tmp_path / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/_stcore/health", proc, log, SERVER_START_S)
        yield url
    finally:
        stop(proc)


def slider_values() -> dict[str, float]:
    """Each weight slider's starting value, as app.py derives it from the scenario's weights."""
    weights = load_instance(SCENARIO).scenario.weights
    top = max(weights.values()) or 1.0
    return {
        c.criterion_id: round(10.0 * float(weights.get(c.criterion_id, 0.0)) / top * 2) / 2
        for c in CRITERIA
    }


def normalised_caption(values: dict[str, float]) -> str:
    """The sidebar caption app.py writes under the sliders, which shows a rerun has happened."""
    total = sum(values.values())
    return "Normalised: " + ", ".join(
        f"{c.label.lower()} {values[c.criterion_id] / total:.0%}"
        for c in CRITERIA
        if values[c.criterion_id] > 0
    )


def slider_name(label: str) -> re.Pattern[str]:
    """The accessible name of the slider labelled ``label``.

    Streamlit labels the thumb both with ``aria-label`` and with ``aria-labelledby`` (the thumb
    itself plus the visible label), so browsers name it "Deterrence Deterrence"; the pattern
    accepts that and the plain label alike, and nothing else.
    """
    word = re.escape(label)
    return re.compile(rf"^{word}(?: {word})?$")


def wait_for_run(page: Page, timeout: float) -> None:
    """Wait until the app's script has finished its current run."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=timeout
    )


def top_shown(page: Page) -> str:
    """The package the Overview names in its "Top package: ..." subheader."""
    head = page.get_by_role("heading", name=re.compile(r"^Top package: "))
    return head.inner_text().removeprefix("Top package: ").strip()


def full_screenshot(page: Page, path: Path) -> None:
    """Save the whole page, sidebar and main area both, even the parts scrolled out of view.

    Streamlit scrolls the main area and the sidebar inside fixed-height containers, so
    Playwright's ``full_page`` alone only captures one viewport; the viewport is grown to the
    taller of the two for the shot and then restored.
    """
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(
            ...['stMain', 'stSidebarContent'].map(
                (id) => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight ?? 0))"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(MAX_SHOT_HEIGHT, height)})
    try:
        page.wait_for_timeout(300)  # let charts re-lay out to the new size
        page.screenshot(path=str(path), full_page=True, timeout=FIRST_LOAD_MS)
    finally:
        page.set_viewport_size(size)


@pytest.mark.browser
@pytest.mark.slow
def test_weights_rerank_and_every_page_renders_in_chromium(app_url: str, tmp_path: Path):
    """Move a weight slider, follow the top package, then open and photograph every page."""
    chromium = require_browser()

    # What the ranking says, straight from the library (no UI involved).
    instance = load_instance(SCENARIO)
    pset = generate_packages(instance, jobs=2, prices=False)
    before = slider_values()
    after = {**before, MOVED: 0.0}
    expected_before = analyse_packages(instance, pset, weights=before, reversal=False).top
    expected_after = analyse_packages(instance, pset, weights=after, reversal=False).top
    label = next(c.label for c in CRITERIA if c.criterion_id == MOVED)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(RERUN_MS)
            page.goto(app_url, wait_until="domcontentloaded")

            # First load: the default scenario is solved, then ranked with its own weights.
            heading = page.get_by_role("heading", name=f"Top package: {expected_before}")
            heading.wait_for(timeout=FIRST_LOAD_MS)
            wait_for_run(page, FIRST_LOAD_MS)
            assert top_shown(page) == expected_before

            # Weight of the moved criterion to zero: Home takes a slider to its minimum.
            slider = page.get_by_role("slider", name=slider_name(label))
            assert slider.get_attribute("aria-valuetext") == f"{before[MOVED]:.2f}"
            slider.focus()
            page.keyboard.press("Home")
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_text(normalised_caption(after), exact=True).wait_for(timeout=RERUN_MS)
            wait_for_run(page, RERUN_MS)
            page.get_by_role("heading", name=f"Top package: {expected_after}").wait_for(
                timeout=RERUN_MS
            )
            assert slider.get_attribute("aria-valuetext") == "0.00"
            assert top_shown(page) == expected_after

            # Every page through the sidebar navigation: it renders, with no exception box.
            nav = page.get_by_test_id("stSidebarNav")
            for number, (link, title) in enumerate(PAGES.items(), start=1):
                more = nav.get_by_test_id("stSidebarNavViewButton")  # over 12 pages: "View N more"
                if more.count() and more.inner_text().endswith("more"):
                    more.click()
                nav.get_by_role("link", name=link, exact=True).click()
                page.get_by_role("heading", name=title, exact=True, level=1).wait_for(
                    timeout=RERUN_MS
                )
                wait_for_run(page, RERUN_MS)
                shot = tmp_path / f"{number:02d}-{re.sub(r'[^a-z]+', '-', link.lower())}.png"
                full_screenshot(page, shot)
                assert shot.is_file(), shot
                assert shot.stat().st_size > 0, shot
                errors = page.get_by_test_id("stException")
                assert errors.count() == 0, f"{link}: {errors.all_inner_texts()}"
                if link == "Overview":  # the moved weight still holds on the way back
                    assert top_shown(page) == expected_after
        finally:
            browser.close()


@pytest.mark.browser
def test_the_briefing_renders_every_chart_offline_in_chromium(tmp_path: Path):
    """The briefing file opened with the network off: every chart drawn, nothing fetched, no
    console error and no page error (such as "Plotly is not defined")."""
    chromium = require_browser()
    instance = load_instance(DATA / "scenarios" / "monitoring_only.toml")
    result = run_scenario(instance, prices=False, reversal=False)
    text = briefing_html(instance, result.packages, result.analysis, classification="OFFICIAL")
    path = tmp_path / "briefing.html"
    path.write_text(text, encoding="utf-8")
    # frontier, who gives what, rank acceptability, weight stability
    charts = text.count('class="plotly-graph-div"')
    assert charts == 4

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.set_offline(True)
            fetched: list[str] = []

            def refuse(route):
                fetched.append(route.request.url)
                route.abort()

            context.route(re.compile(r"^https?://"), refuse)
            page = context.new_page()
            console: list[str] = []
            errors: list[str] = []
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri(), wait_until="load")
            assert errors == []  # "Plotly is not defined" when a chart's script came first

            divs = page.locator(".plotly-graph-div")
            assert divs.count() == charts
            for i in range(charts):
                div = divs.nth(i)
                div.locator(".main-svg").first.wait_for(state="attached", timeout=RERUN_MS)
                assert div.locator(".main-svg .trace").count() > 0, f"chart {i} has no trace"
            assert page.evaluate("typeof Plotly") == "object"
            page.screenshot(path=str(tmp_path / "briefing.png"), full_page=True)
            assert errors == []
            assert console == []
            assert fetched == []
        finally:
            browser.close()
