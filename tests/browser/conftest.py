"""Browser tests: the running system (`explicite run`, a real HTTP server) driven through
Debian's Chromium by Playwright, every page checked by axe-core.

Nothing here downloads a browser: Chromium comes from Debian (`/usr/bin/chromium`, installed by
`make test` through scripts/ensure-system-deps), Playwright's Python package only drives it,
and axe-core comes from npm (`tests/browser/package-lock.json`, `npm ci` by `make browser-deps`).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.steps import AXE, AxeReport
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("EXPLICITE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# The probe's flags: no sandbox (root in a container), no GPU, and no call to Google's hosts,
# which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # The browser's own words in French, as on a French person's computer (the file button).
    "--lang=fr-FR",
]
REQUIRED = os.environ.get("EXPLICITE_BROWSER_TESTS") == "required"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package (make browser-deps)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} (Debian package chromium: make system-deps)"
    if not AXE.exists():
        return f"{AXE} (npm ci in tests/browser: make browser-deps)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _missing()
    for item in items:
        if HERE not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing and not REQUIRED:
            item.add_marker(pytest.mark.skip(reason=f"missing {missing}"))


# The running system ---------------------------------------------------------------------------


@dataclass
class Demo:
    """What `explicite run` prints: a fresh refused crèche decision, a fresh refused bourse de
    collège computed with OpenFisca (reference, code), and the demo agents."""

    reference: str
    code: str
    agents: dict[str, str] = field(default_factory=dict)
    openfisca: tuple[str, str] | None = None


def parse_banner(text: str) -> Demo:
    references = re.findall(r"référence\s*:\s*(\S+)", text)
    codes = re.findall(r"code d'accès\s*:\s*(\S+)", text)
    if not references or not codes:
        raise AssertionError(f"no demo decision in the banner:\n{text}")
    agents = dict(
        re.findall(r"^\s+((?:instructeur|superviseur|proprietaire)-\S+)\s+(\S+)$", text, re.M)
    )
    openfisca = (references[1], codes[1]) if len(references) > 1 and len(codes) > 1 else None
    return Demo(references[0], codes[0], agents, openfisca)


class ExpliciteServer:
    """`explicite run` in a child process, on a free port, with its own data directory.

    Each start logs one fresh demo decision (a refused crèche place) and draws new passwords
    for the demo agents: `fresh_demo()` restarts the server to get a decision nobody contested.
    """

    def __init__(self, data_dir: Path, log_dir: Path) -> None:
        self.data_dir, self.log_dir = data_dir, log_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self.demo: Demo | None = None
        self.demo_used = False
        self.starts = 0

    def start(self, timeout: float = 180.0) -> Demo:
        self.starts += 1
        stdout = self.log_dir / f"server-{self.starts}.out"
        stderr = self.log_dir / f"server-{self.starts}.log"
        command = [
            str(ROOT / ".venv" / "bin" / "explicite"),
            "run",
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
        ]
        if not Path(command[0]).exists():
            command[0:1] = [sys.executable, "-m", "services.cli"]
        if shutil.which("setpriv"):
            # Should pytest itself be killed, the kernel stops the server too: no orphan.
            command[0:0] = ["setpriv", "--pdeathsig", "TERM", "--"]
        with stdout.open("w") as out, stderr.open("w") as err:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=err, text=True, start_new_session=True
            )
        _RUNNING.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"explicite run exited:\n{stderr.read_text()[-3000:]}")
            text = stdout.read_text()
            if "Arrêt : Ctrl+C" in text and self._answers():
                self.demo, self.demo_used = parse_banner(text), False
                return self.demo
            time.sleep(0.2)
        raise AssertionError(
            f"explicite run did not start in {timeout:.0f} s:\n{stderr.read_text()[-3000:]}"
        )

    def _answers(self) -> bool:
        try:
            # A loopback http:// address of our own: no scheme comes from outside.
            with urllib.request.urlopen(f"{self.base_url}/register", timeout=2) as answer:  # noqa: S310
                return bool(answer.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def fresh_demo(self) -> Demo:
        """A decision nobody has opened or contested yet (the last start's, or a restart's)."""
        if self.demo_used:
            self.stop()
            self.start()
        self.demo_used = True
        assert self.demo is not None
        return self.demo

    def url(self, path: str) -> str:
        return self.base_url + path


_RUNNING: list[ExpliciteServer] = []


@atexit.register
def _stop_leftovers() -> None:
    """A session interrupted before its teardown still stops the servers it started."""
    for running in _RUNNING:
        running.stop()


# Package scope: the server and the browser stop after the last browser test, not at the end
# of the whole session.
@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExpliciteServer]:
    base = tmp_path_factory.mktemp("explicite-browser")
    (base / "data").mkdir()
    running = ExpliciteServer(base / "data", base)
    running.start()
    try:
        yield running
    finally:
        running.stop()


# The browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots and the axe report of the last run (test-artifacts/ is not committed)."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives each launch a new, empty profile of its own.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


_AXE_REPORTS: list[AxeReport] = []


@pytest.fixture(scope="session")
def axe_report(artifacts: Path) -> AxeReport:
    report = AxeReport(artifacts / "axe-report.json")
    _AXE_REPORTS.append(report)
    return report


@pytest.fixture
def new_journey(browser: Any, artifacts: Path, axe_report: AxeReport) -> Iterator[Any]:
    """`new_journey(name, **context options)`: a fresh browser context and its Journey."""
    from tests.browser.steps import Journey

    contexts: list[Any] = []

    def make(name: str, **options: Any) -> Journey:
        options.setdefault("locale", "fr-FR")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return Journey(context.new_page(), artifacts, axe_report, name)

    yield make
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The pages axe-core checked and what it found, in the test log (CI keeps it)."""
    for report in _AXE_REPORTS:
        found = sum(page["violations"] for page in report.pages)
        terminalreporter.write_sep(
            "-", f"axe-core: {len(report.pages)} pages checked, {found} violations"
        )
        for page in report.pages:
            terminalreporter.write_line(f"  {page['violations']:3d}  {page['page']}")
