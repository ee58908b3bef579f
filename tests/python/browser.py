"""Open a page in headless Chromium through chromedriver's WebDriver protocol (plain HTTP and JSON, so no
Selenium is needed) and report what rendered and what failed.

Chromium and chromedriver are Debian's `chromium` and `chromium-driver` packages; `.ci/install-chromium`
installs them when apt-get can. Without them the browser tests skip and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths, or None when either is missing. CHROMIUM / CHROMEDRIVER override."""
    browser = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if browser and driver and Path(browser).exists() and Path(driver).exists():
        return browser, driver
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebDriver:
    """A minimal W3C WebDriver client for one chromedriver session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session: str | None = None

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 60) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:2000]
            raise RuntimeError(f"WebDriver {method} {path} failed: {detail}") from None

    def start(self, browser: str) -> None:
        capabilities = {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1400,2400",
                ],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.session = value["sessionId"]

    def open(self, url: str) -> None:
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def execute(self, script: str) -> object:
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []})

    def console_errors(self) -> list[str]:
        """SEVERE entries of the browser console log (uncaught errors, failed loads)."""
        entries = self.call("POST", f"/session/{self.session}/se/log", {"type": "browser"}) or []
        return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"]

    def quit(self) -> None:
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}", timeout=20)
            finally:
                self.session = None


@contextmanager
def headless_chromium(browser: str, driver: str) -> Iterator[WebDriver]:
    port = _free_port()
    process = subprocess.Popen(
        [driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    client = WebDriver(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if (client.call("GET", "/status", timeout=2) or {}).get("ready"):
                    break
            except (OSError, RuntimeError):
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"chromedriver ({driver}) did not start")
            time.sleep(0.2)
        client.start(browser)
        yield client
    finally:
        try:
            client.quit()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


# For each canvas[data-chart]: was a Chart.js chart made on it, how many data points it holds, and whether
# any pixel of the canvas was painted. Plus the errors the page's error trap caught.
INSPECT_PAGE = """
var report = {errors: window.dashboardErrors || ['the error trap did not run'], charts: {},
              hasChartJs: typeof window.Chart === 'function'};
document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
  var chart = window.Chart && window.Chart.getChart ? window.Chart.getChart(canvas) : null;
  var points = 0;
  if (chart) { chart.data.datasets.forEach(function (d) { points += (d.data || []).length; }); }
  var painted = 0;
  if (canvas.width > 0 && canvas.height > 0) {
    var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (var i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted++; } }
  }
  report.charts[canvas.dataset.chart] = {chart: !!chart, points: points, painted: painted,
                                         width: canvas.width, height: canvas.height};
});
report.tables = document.querySelectorAll('table[data-table] tbody tr').length;
return report;
"""


def inspect_page(client: WebDriver, page: Path) -> dict:
    """Open `page` and return INSPECT_PAGE's report, with the console's errors under `console`."""
    client.open(page.resolve().as_uri())
    report = client.execute(INSPECT_PAGE)
    report["console"] = client.console_errors()
    return report


def rendering_problems(report: dict, expected_charts: set[str]) -> list[str]:
    """One sentence per chart that did not render, and per script error."""
    problems = [f"script error: {error}" for error in report["errors"]]
    problems += [f"console error: {error}" for error in report["console"]]
    if not report["hasChartJs"]:
        problems.append("Chart.js is not loaded")
    missing = expected_charts - set(report["charts"])
    problems += [f"chart {name} has no canvas on the page" for name in sorted(missing)]
    for name, chart in sorted(report["charts"].items()):
        if not chart["chart"]:
            problems.append(f"chart {name} was not created")
        elif chart["points"] == 0:
            problems.append(f"chart {name} has no data points")
        elif chart["painted"] == 0:
            problems.append(f"chart {name} painted nothing on its canvas")
    return problems
