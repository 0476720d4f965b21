"""The editor's preview: build, serve the output on loopback, rebuild on every save, reload the open page.

The only module that opens sockets. Changes are found by polling the site's folders a few times a second (a
stat of each file: cheap for a news desk's few hundred files, and the same on every system). Served HTML pages
get a small script that listens on a server-sent-events stream and reloads the page after each rebuild; files
on disk never contain it.
"""

from __future__ import annotations

import html
import mimetypes
import os
import re
import secrets
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kursk_site.build import build
from kursk_site.cache import drop_spare
from kursk_site.errors import BuildBusy, BuildFailed, UsageError
from kursk_site.model import BuildOptions, Project
from kursk_site.values import Value
from kursk_site.walk import walk_once

EVENTS_PATH = "/__kursk-site/events"
"""A server-sent-events stream of the builds (`hello`, then `reload` after each), for tools that listen."""
BUILD_PATH = "/__kursk-site/build"
"""The number of the latest build, as text: what the reload script asks for. (A page that held an event stream open
held one of the six connections a browser opens to one host: the seventh preview tab never loaded.)"""
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.03
"""After a change is seen, wait this long for the rest of a save (editors write in several steps)."""
KEEPALIVE_SECONDS = 15.0
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
"""Ctrl-C and a plain kill: taken only by the thread in `wait` (see DevServer.start)."""
RELOAD_SCRIPT = (
    "<script>/* added by kursk-site serve, not part of the site */"
    '(function(){var built="%s";function look(){if(document.hidden)return;'
    'fetch("' + BUILD_PATH + '",{cache:"no-store"}).then(function(r){return r.ok?r.text():built})'
    ".then(function(b){if(b!==built)location.reload()},function(){})}"
    'setInterval(look,700);document.addEventListener("visibilitychange",look)})();</script>'
)
"""Reloads after each rebuild: asks for the latest build's number while the page is shown (a short request each
time, no connection held open); `%s` is the build the page came from, so a rebuild during page load is not
missed."""

Notify = Callable[[str, bool], None]
"""Told what happens (rebuilt, requests when verbose) and whether it is an error; the command line prints it."""


@dataclass(frozen=True, slots=True, repr=False)
class Outcome(Value):
    """The result of the latest build, as the browser should see it."""

    generation: int
    """Counts the builds; the reload stream sends it as the event id."""
    errors: tuple[str, ...]
    """`path:line: message` lines when the latest build failed; empty when it succeeded."""


class Preview:
    """The latest build's outcome, shared by the watcher (which publishes) and the request handlers (which wait)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        # builds are counted from a random number: a page open from an earlier run of serve (stopped, then started
        # again after an edit) sees another number and reloads
        self._outcome = Outcome(secrets.randbelow(2**40) * 1000, ())
        self._closed = False

    @property
    def outcome(self) -> Outcome:
        with self._changed:
            return self._outcome

    @property
    def closed(self) -> bool:
        with self._changed:
            return self._closed

    def publish(self, errors: tuple[str, ...]) -> Outcome:
        with self._changed:
            self._outcome = Outcome(self._outcome.generation + 1, errors)
            self._changed.notify_all()
            return self._outcome

    def wait_after(self, generation: int, timeout: float) -> Outcome:
        """The outcome once it is newer than `generation`, or the current one after `timeout` or on close."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._outcome.generation != generation, timeout)
            return self._outcome

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def snapshot(folders: Iterable[Path], skip: Path | None = None) -> frozenset[tuple[str, int, int, int, int]]:
    """(path, size, modification time, inode) of every file below `folders`; hidden and backup files skipped,
    and the folder `skip` (the output, should it lie inside a watched folder)."""
    found: set[tuple[str, int, int, int, int]] = set()
    skipped = os.path.abspath(skip) if skip else ""
    for folder in folders:
        for dirpath, dirnames, filenames in walk_once(folder, aliases=True):
            dirnames[:] = [
                d for d in dirnames if not d.startswith(".") and os.path.abspath(os.path.join(dirpath, d)) != skipped
            ]
            for name in filenames:
                if name.startswith((".", "#")) or name.endswith("~"):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue  # removed while we looked
                found.add((path, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns))
    return frozenset(found)


def resolve_request(out_dir: Path, url_path: str) -> Path | None:
    """The file under `out_dir` that a URL path names, or None: never a file outside it, a hidden file or a folder."""
    text = unquote(url_path)
    if "\0" in text or "\\" in text:
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    target = out_dir.joinpath(*parts)
    if not parts or text.endswith("/"):
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
        root = out_dir.resolve(strict=True)
    except OSError:
        return None
    if not real.is_relative_to(root) or not real.is_file():
        return None
    return real


def is_folder_request(out_dir: Path, url_path: str) -> bool:
    """True for `/topics` when `topics/index.html` exists: redirect to `/topics/` so relative links work."""
    text = unquote(url_path)
    return not text.endswith("/") and resolve_request(out_dir, text + "/") is not None


HOST_RE = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
"""A Host header that names a host (and port), nothing else."""


def as_reached(data: bytes, url: str, host: str) -> bytes:
    """A page with the preview's own address (its absolute links: the 404 page's, the feeds') as the reader reached
    it: a server listening on every address (`--host 0.0.0.0`) is reached by another name from other machines."""
    reached = f"http://{host}/"
    if not HOST_RE.fullmatch(host) or reached == url:
        return data
    return data.replace(url.encode(), reached.encode())


def inject_reload(page: bytes, generation: int) -> bytes:
    """The page with the reload script before its last `</body>` (or at the end)."""
    script = (RELOAD_SCRIPT % generation).encode()
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def error_page(errors: Iterable[str]) -> bytes:
    """A self-contained page listing the build errors, escaped."""
    lines = "\n".join(html.escape(e) for e in errors)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        "<title>Build failed: kursk-site</title>\n"
        "<style>:root{font-family:system-ui,sans-serif;line-height:1.5}"
        "main{max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;overflow-wrap:anywhere;padding:1rem;border:2px solid #b3261e;border-radius:4px}"
        "</style>\n</head>\n<body>\n<main>\n<h1>The site did not build</h1>\n"
        "<p>Fix the problems below and save: this page reloads itself when the site builds again.</p>\n"
        f"<pre>{lines}</pre>\n</main>\n</body>\n</html>\n"
    ).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that hung up mid-response is not an error worth a traceback


class _Server6(_Server):
    address_family = socket.AF_INET6


class DevServer:
    """Builds the site, serves it and rebuilds on every change until `close()`. Use it as a context manager."""

    def __init__(
        self,
        project: Project,
        options: BuildOptions,
        *,
        host: str,
        port: int,
        notify: Notify,
        verbose: bool = False,
        temporary_out: bool = True,
    ) -> None:
        """`temporary_out`: build into a temporary folder (removed on close) instead of `project.out_dir`."""
        server_class = _Server6 if ":" in host else _Server
        try:
            self._http = server_class((host, port), _make_handler(self))
        except OSError as e:
            raise UsageError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
        bound_port = self._http.server_address[1]
        shown_host = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown_host}:{bound_port}/"
        self._temp: Path | None = None
        if temporary_out:
            self._temp = Path(tempfile.mkdtemp(prefix="kursk-site-serve-"))
            project = replace(project, out_dir=self._temp / "site")
        self.project = project
        self.options = replace(options, base_url=self.url)
        self.preview = Preview()
        self.notify = notify
        self.verbose = verbose
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def out_dir(self) -> Path:
        return self.project.out_dir

    def start(self) -> None:
        """Build once (a usage problem such as a refused output folder is raised), then serve and watch."""
        told = False
        while self._rebuild(first=True, told=told):  # (another build is writing: wait for it)
            told = True
            time.sleep(POLL_SECONDS * 5)
        # The server's threads start with the stop signals blocked (threads keep the mask they start with), so the
        # system hands those signals to the waiting thread alone. A signal taken by another thread can go unhandled
        # for good: the interpreter (3.11) marks it pending, and the other thread, which may not handle it, clears the
        # mark that makes the main thread look.
        before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for name, target in (("http", self._serve), ("watch", self._watch)):
                thread = threading.Thread(target=target, name=f"kursk-site-{name}", daemon=True)
                thread.start()
                self._threads.append(thread)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)

    def wait(self) -> None:
        """Block until `close()` is called from another thread, or, in the main thread, until Ctrl-C or SIGTERM
        (raised here as KeyboardInterrupt). The main thread takes those signals itself (sigtimedwait, with them
        blocked meanwhile) rather than through the interpreter's handlers, which may miss one (see start). Elsewhere
        it sleeps and looks rather than waiting on the event: a KeyboardInterrupt raised inside Event.wait, just
        after it took the event's lock, can leave the lock taken, and close() would then wait for it forever."""
        if threading.current_thread() is not threading.main_thread():
            while not self._stop.is_set():
                time.sleep(POLL_SECONDS)
            return
        before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            while not self._stop.is_set():
                if signal.sigtimedwait(STOP_SIGNALS, POLL_SECONDS) is not None:
                    raise KeyboardInterrupt
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)

    def close(self) -> None:
        self._stop.set()
        self.preview.close()
        if self._threads:
            self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._temp is not None:
            if self.options.cache:
                drop_spare(self.project.root, self.out_dir)
            shutil.rmtree(self._temp, ignore_errors=True)

    def __enter__(self) -> DevServer:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _current_project(self) -> Project:
        """The project, with a templates/ folder made since the preview started taken into account."""
        templates = self.project.root / "templates"
        if not self.project.template_dirs and templates.is_dir():
            return replace(self.project, template_dirs=(templates,))
        return self.project

    def _serve(self) -> None:
        self._http.serve_forever(poll_interval=POLL_SECONDS)

    def _watch_folders(self) -> tuple[Path, ...]:
        root = self.project.root
        return (self.project.content_dir, root / "templates", root / "static", *self.project.template_dirs)

    def _watch(self) -> None:
        folders = self._watch_folders()
        seen = snapshot(folders, self.out_dir)
        waiting = False  # another build held a lock: try again
        while not self._stop.wait(POLL_SECONDS):
            now = snapshot(folders, self.out_dir)
            if now == seen and not waiting:
                continue
            while now != seen and not self._stop.wait(SETTLE_SECONDS):
                settled = snapshot(folders, self.out_dir)
                if settled == now:
                    break
                now = settled
            seen = now
            waiting = self._rebuild(first=False, told=waiting)

    def _rebuild(self, *, first: bool, told: bool = False) -> bool:
        """Build and publish the outcome; True when another build holds a lock (nothing published: try again;
        `told`: the user was told so already)."""
        start = time.perf_counter()
        errors: tuple[str, ...] = ()
        try:
            report = build(self._current_project(), self.options)
        except BuildBusy:
            if not told:
                self.notify(
                    "another kursk-site build is using this site's output or cache; building when it is done", False
                )
            return True
        except BuildFailed as e:
            errors = tuple(str(error) for error in e.errors)
        except UsageError as e:
            if first:
                raise
            errors = (f"kursk-site: {e}",)
        except OSError as e:
            errors = (f"kursk-site: {e.filename or ''}: {e.strerror or e}",)
        except Exception as e:  # a bug must not stop the preview; show it like any error
            errors = (f"kursk-site: internal error: {type(e).__name__}: {e}",)
        self.preview.publish(errors)
        seconds = time.perf_counter() - start
        if errors:
            count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
            self.notify(
                "\n".join((*errors, f"build failed: {count}; the browser shows them until the next good save")), True
            )
        else:
            verb = "Built" if first else "Rebuilt"
            articles = f"{report.articles} article{'s' if report.articles != 1 else ''}"
            self.notify(f"{verb} {report.pages} pages from {articles} in {seconds:.2f} s", False)
        return False


def _make_handler(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return "kursk-site"

        def do_GET(self) -> None:
            self._respond(body=True)

        def do_HEAD(self) -> None:
            self._respond(body=False)

        def log_message(self, format: str, *args: Any) -> None:
            if server.verbose and not self.path.startswith(BUILD_PATH):  # (asked for by each page every 0.7 s)
                server.notify(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}".rstrip(), False)

        def _respond(self, *, body: bool) -> None:
            path = urlsplit(self.path).path
            if path == EVENTS_PATH:
                self._events()
                return
            if path == BUILD_PATH:
                self._send(HTTPStatus.OK, str(server.preview.outcome.generation).encode(), "text/plain", body)
                return
            outcome = server.preview.outcome
            file = resolve_request(server.out_dir, path)
            if outcome.errors and (file is None or file.suffix == ".html"):
                page = inject_reload(error_page(outcome.errors), outcome.generation)
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, page, "text/html", body)
            elif file is None and is_folder_request(server.out_dir, path):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                query = urlsplit(self.path).query
                self.send_header("Location", path + "/" + (f"?{query}" if query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send_file(file, outcome, body)

        def _send_file(self, file: Path | None, outcome: Outcome, body: bool) -> None:
            try:
                if file is None:
                    raise FileNotFoundError
                data = file.read_bytes()
            except OSError:  # unknown, or replaced by a rebuild while we looked
                try:
                    page = (server.out_dir / "404.html").read_bytes()
                except OSError:
                    page = b"<!DOCTYPE html>\n<title>Not found</title>\n<h1>Not found</h1>\n"
                self._send(HTTPStatus.NOT_FOUND, inject_reload(page, outcome.generation), "text/html", body)
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = inject_reload(data, outcome.generation)
            self._send(HTTPStatus.OK, data, kind, body)

        def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool) -> None:
            if kind.startswith("text/") or kind.endswith(("xml", "json")):
                data = as_reached(data, server.url, self.headers.get("Host", ""))
            self.send_response(status)
            charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("xml", "json")) else ""
            self.send_header("Content-Type", kind + charset)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            outcome = server.preview.outcome
            try:  # the page compares the build in `hello` with its own, and reloads if it missed one
                self.wfile.write(
                    f"retry: 500\nid: {outcome.generation}\nevent: hello\ndata: {outcome.generation}\n\n".encode()
                )
                self.wfile.flush()
                generation = outcome.generation
                while not server.preview.closed:
                    outcome = server.preview.wait_after(generation, KEEPALIVE_SECONDS)
                    if outcome.generation != generation:
                        generation = outcome.generation
                        self._reload_event(outcome)
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except OSError:
                pass  # the browser went away
            self.close_connection = True

        def _reload_event(self, outcome: Outcome) -> None:
            state = "failed" if outcome.errors else "built"
            self.wfile.write(f"id: {outcome.generation}\nevent: reload\ndata: {state}\n\n".encode())

    return Handler
