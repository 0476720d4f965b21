"""Fixtures for the browser tests: the built sites, a local HTTP server, and Debian's Chromium through Playwright.

These tests fail (they never skip) when Chromium, axe-core or Java is missing: `bash scripts/test.sh` installs them.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from kursk_site.cli import main
from tests.browser.newsroom import write_newsroom_site
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "run `bash scripts/test.sh`, which installs it"


@dataclass(frozen=True, slots=True)
class BuiltSite:
    """A site built for the tests: its output folder, and the address a local server gives it."""

    name: str
    out: Path
    http_root: str
    """`http://127.0.0.1:PORT/`, ending in '/'."""

    @property
    def file_root(self) -> str:
        """The `file:///.../` address of the output folder, ending in '/'."""
        return self.out.resolve().as_uri() + "/"

    def pages(self) -> list[str]:
        """Every HTML page, as a path relative to the site root, sorted."""
        return sorted(p.relative_to(self.out).as_posix() for p in self.out.rglob("*.html"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def http_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A server on 127.0.0.1 (a free port) over a folder that holds one sub-folder per built site."""
    folder = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _build(source: Path, out: Path, *extra: str) -> None:
    code = main(["build", "--source", str(source), "--out", str(out), *extra])
    assert code == 0, f"building {source} failed with exit code {code}"


@pytest.fixture(scope="session")
def shipped_site(http_base: tuple[Path, str]) -> BuiltSite:
    """The repository's own site, built with search switched on."""
    folder, base = http_base
    _build(REPO, folder / "shipped", "--search")
    return BuiltSite("shipped", folder / "shipped", base + "shipped/")


@pytest.fixture(scope="session")
def newsroom_site(http_base: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Seven articles, three to a page, search on in site.yaml (tests/browser/newsroom.py)."""
    folder, base = http_base
    source = write_newsroom_site(tmp_path_factory.mktemp("newsroom"))
    _build(source, folder / "newsroom")
    return BuiltSite("newsroom", folder / "newsroom", base + "newsroom/")


@pytest.fixture(scope="session", params=["shipped", "newsroom"])
def site(request: pytest.FixtureRequest) -> BuiltSite:
    """Each built site in turn."""
    built: BuiltSite = request.getfixturevalue(f"{request.param}_site")
    return built


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium; a missing browser fails the tests instead of skipping them."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.fail(f"{CHROMIUM} is missing: {INSTALL_HINT}", pytrace=False)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE.relative_to(REPO)}): {INSTALL_HINT}", pytrace=False)
    return AXE.read_text(encoding="utf-8")
