"""Benchmark the app in a real Chromium: the first page, a weight change, a budget change.

Starts ``streamlit run app.py`` on a free local port and drives it with Playwright (Debian's
``/usr/bin/chromium``, headless; never a downloaded browser), timing what a user waits for:

- the first page with real content (the Overview's "Top package: ..." heading, the script's run
  finished) after the server answers its health check: the default scenario solved and ranked;
- a weight change, from the key that moves a weight slider to the page redrawn (the sidebar's
  "Normalised: ..." caption shows the new weight and the script's run is over), ``--runs``
  times, the slider one step lower each time (new weights each time: no cached ranking);
- a budget change from EUR 8 bn to 6 bn (the slider stepped down four times, then **Solve**),
  to the page redrawn: a change that the solves at 8 bn answer where they can
  (:mod:`mcdm.budget_memo`).

Targets (issue 14): first page <= 5 s, weight change <= 0.5 s in the browser, budget change the
frontier covers <= 1 s. Wall-clock figures on a shared machine: read the medians and spreads.

Usage: python benchmarks/bench_browser.py [--runs 9] [--app-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from mcdm.criteria import CRITERIA

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MOVED = "deterrence"  # the criterion whose weight slider moves
LONG_MS = 300_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log, root: Path = ROOT) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    cmd += ["--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"]
    cmd += ["--server.port", str(port)]
    return subprocess.Popen(
        cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise SystemExit(f"streamlit did not answer within {timeout:.0f} s")


def wait_for_run(page: Page, timeout: float = LONG_MS) -> None:
    """Until the app's script has finished its current run."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=timeout
    )


def caption_for(page: Page) -> str:
    return page.get_by_test_id("stSidebar").get_by_text("Normalised:", exact=False).inner_text()


def weight_changes(page: Page, runs: int) -> list[float]:
    """Seconds from the key that moves the weight slider to the page redrawn, ``runs`` times,
    one step down each time: every change a new set of weights (none answered from the cache
    of rankings already made)."""
    label = next(c.label for c in CRITERIA if c.criterion_id == MOVED)
    slider = page.get_by_role("slider", name=label).first
    times = []
    for _ in range(runs):
        before = caption_for(page)
        slider.focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            """(before) => [...document.querySelectorAll('[data-testid="stSidebar"] p')]
                .some((p) => p.innerText.startsWith('Normalised:') && p.innerText !== before)""",
            arg=before,
            timeout=LONG_MS,
        )
        wait_for_run(page)
        times.append(time.perf_counter() - start)
    return times


def budget_change(page: Page) -> float:
    """Seconds from **Solve** (the budget slider stepped from 8 to 6) to the page redrawn."""
    slider = page.get_by_role("slider", name="Budget (EUR bn)").first
    slider.focus()
    for _ in range(4):  # steps of EUR 0.5 bn
        page.keyboard.press("ArrowLeft")
    assert slider.get_attribute("aria-valuetext") == "6.00", slider.get_attribute("aria-valuetext")
    start = time.perf_counter()
    page.get_by_role("button", name="Solve", exact=True).click()
    page.get_by_text("EUR 6 bn", exact=False).first.wait_for(timeout=LONG_MS)
    wait_for_run(page)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="weight changes (default 9)")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="the checkout whose app.py to serve (a "
        "reference from before: with its folder first on PYTHONPATH)",
    )
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        proc = start_server(port, log, args.app_dir)
        try:
            wait_healthy(url, proc)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(url, wait_until="domcontentloaded")
                page.get_by_role("heading", name="Top package:", exact=False).wait_for(
                    timeout=LONG_MS
                )
                wait_for_run(page)
                first = time.perf_counter() - start
                weights = weight_changes(page, args.runs)
                budget = budget_change(page)
                browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
    print("Chromium (headless), wall seconds:")
    print(f"  first page with real content after the server is up: {first:6.2f}  (target 5)")
    print(
        f"  weight change to page redrawn: median {statistics.median(weights):.2f}, "
        f"min {min(weights):.2f}, max {max(weights):.2f} over {len(weights)}  (target 0.5)"
    )
    print(f"  budget change 8 -> 6 bn, Solve to page redrawn: {budget:6.2f}  (target 1)")


if __name__ == "__main__":
    main()
