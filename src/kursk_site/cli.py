"""The command line: argv in, messages and an exit code out. The only module that prints or exits.

Each command imports what it runs when it runs (`kursk-site build` with nothing to do must start in a few
hundredths of a second, without the Markdown parser, the templates or the web server).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import NoReturn, TextIO

from kursk_site import __version__
from kursk_site.build import build, check
from kursk_site.errors import BuildFailed, UsageError
from kursk_site.model import BuildOptions, BuildReport, Project
from kursk_site.values import Value

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141
"""As a shell reports a program that a closed pipe stopped (128 + SIGPIPE)."""
DEFAULT_PORT = 8000


@dataclass(frozen=True, slots=True, repr=False)
class Console(Value):
    """Where messages go: the summary to stdout, errors, warnings and progress to stderr."""

    quiet: bool = False
    verbose: bool = False
    at_once: bool = False
    """Run as the program (see run): a command may end the process as soon as its result is shown."""

    @property
    def stdout(self) -> TextIO:
        return sys.stdout

    @property
    def stderr(self) -> TextIO:
        return sys.stderr

    def out(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stdout, flush=True)

    def err(self, message: str) -> None:
        print(message, file=self.stderr, flush=True)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            print(message, file=self.stderr, flush=True)

    @property
    def live(self) -> bool:
        """Progress is shown on a terminal only; on a pipe just the summary line."""
        return not self.quiet and not self.verbose and self.stderr.isatty()

    def progress(self, stage: str) -> None:
        if self.verbose:
            self.detail(f"{stage}...")
        elif self.live:
            self.stderr.write(f"\r\x1b[K{stage}...")
            self.stderr.flush()

    def end_progress(self) -> None:
        if self.live:
            self.stderr.write("\r\x1b[K")
            self.stderr.flush()


Command = Callable[[argparse.Namespace, Console], int]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kursk-site", description="Build a news-analysis site from content/ and templates/."
    )
    parser.add_argument("--version", action="version", version=f"kursk-site {__version__}")
    talk = argparse.ArgumentParser(add_help=False)
    talk.add_argument("-q", "--quiet", action="store_true", help="print errors and warnings only")
    talk.add_argument("-v", "--verbose", action="store_true", help="print each step")
    source = argparse.ArgumentParser(add_help=False)
    source.add_argument(
        "--source", type=Path, default=Path("."), metavar="DIR", help="the site folder (default: the current folder)"
    )
    select = argparse.ArgumentParser(add_help=False)
    select.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    select.add_argument("--future", action="store_true", help="include articles dated after today")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    cmd = commands.add_parser("build", parents=[talk, source, select], help="build the site into the output folder")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="the output folder (default: SOURCE/build)")
    cmd.add_argument("--base-url", metavar="URL", help="the address the site is published at")
    cmd.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="build everything from scratch, neither reading nor writing the build cache (SOURCE/.kursk-cache)",
    )
    cmd.add_argument(
        "--search", action="store_true", help="write the search page and its index (as `search: true` in site.yaml)"
    )
    cmd.set_defaults(run=run_build)

    cmd = commands.add_parser("check", parents=[talk, source, select], help="check everything, write nothing")
    cmd.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    cmd.add_argument("--base-url", metavar="URL", help="the address the site is published at")
    cmd.set_defaults(run=run_check)

    cmd = commands.add_parser("serve", parents=[talk, source, select], help="preview: build, serve, rebuild on save")
    cmd.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    cmd.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"the port (default: {DEFAULT_PORT}; 0: any)")
    cmd.add_argument("--out", type=Path, metavar="DIR", help="build here (default: a temporary folder)")
    cmd.set_defaults(run=run_serve)

    cmd = commands.add_parser("init", parents=[talk], help="start a new site folder")
    cmd.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")
    cmd.set_defaults(run=run_init)

    cmd = commands.add_parser("new", parents=[talk, source], help="start a new article (a draft dated today)")
    cmd.add_argument("title", metavar="TITLE", help="the headline; the file name is made from it")
    cmd.add_argument("--section", metavar="KEY", help="start with a part for this section only")
    cmd.set_defaults(run=run_new)

    cmd = commands.add_parser(
        "import",
        parents=[talk, source],
        help="turn a plain-text wire article into content/articles/<slug>.md and print a review report",
    )
    cmd.add_argument("file", type=Path, metavar="FILE", help="the plain-text article (UTF-8)")
    cmd.add_argument(
        "--slug", metavar="S", help="the article's file and URL name (default: from its front matter or headline)"
    )
    cmd.add_argument("--force", action="store_true", help="replace content/articles/<slug>.md if it exists")
    cmd.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the date (a time may follow) when the file gives none (default: today, UTC)",
    )
    cmd.set_defaults(run=run_import)
    return parser


def run() -> NoReturn:
    """The `kursk-site` program: main(), then out at once, without tearing down the interpreter (freeing a loaded
    site object by object takes longer than a small rebuild)."""
    leave(main(at_once=True))


def leave(code: int) -> NoReturn:
    """End the program at once with `code`, once what it printed is out."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, *, at_once: bool = False) -> int:
    """Run the command line; returns the exit code (0 ok, 1 content errors, 2 usage errors). `at_once`: run as the
    program, which a command may end as soon as its result is shown (see run_build)."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage message
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    console = Console(quiet=args.quiet, verbose=args.verbose and not args.quiet, at_once=at_once)
    run: Command = args.run
    try:
        return run(args, console)
    except BuildFailed as e:
        console.end_progress()
        for error in e.errors:
            console.err(str(error))
        count = f"{len(e.errors)} error{'s' if len(e.errors) != 1 else ''}"
        unchanged = "; the previous output is unchanged" if args.command == "build" else ""
        console.err(f"{args.command} failed: {count}{unchanged}")
        return EXIT_CONTENT
    except UsageError as e:
        console.end_progress()
        console.err(f"kursk-site: error: {e}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        console.end_progress()
        console.err("kursk-site: interrupted; the previous output is unchanged")
        return 130
    except BrokenPipeError:  # what reads the output went away (`kursk-site import x.txt | head -1`): done, quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as e:
        console.end_progress()
        where = f"{e.filename}: " if e.filename else ""
        console.err(f"kursk-site: error: {where}{e.strerror or e}")
        return EXIT_CONTENT


def run_build(args: argparse.Namespace, console: Console) -> int:
    done = partial(_done_and_leave, args, console) if console.at_once else None
    report = build(_project(args), _options(args), console.progress, done)
    _show_build(report, args, console)
    return EXIT_OK


def _done_and_leave(args: argparse.Namespace, console: Console, report: BuildReport) -> NoReturn:
    """Show the build's result and end the program there, while the build still holds the site: freeing the
    site's objects one by one took a quarter of a second at 10,000 articles, for a process about to end."""
    _show_build(report, args, console)
    leave(EXIT_OK)


def _show_build(report: BuildReport, args: argparse.Namespace, console: Console) -> None:
    console.end_progress()
    for warning in report.warnings:
        console.err(f"kursk-site: warning: {warning}")
    console.out(_summary(report, args))


def run_check(args: argparse.Namespace, console: Console) -> int:
    report = check(_project(args), _options(args), console.progress)
    console.end_progress()
    for warning in report.warnings:
        console.err(
            f"{warning.pos}: {warning.message}" if args.strict else f"{warning.pos}: warning: {warning.message}"
        )
    count = len(report.warnings)
    plural = "s" if count != 1 else ""
    if args.strict and count:
        console.err(f"check failed: {count} error{plural} (warnings, with --strict)")
        return EXIT_CONTENT
    found = f"{count} warning{plural}" if count else "no problems"
    articles = f"{report.articles} article{'s' if report.articles != 1 else ''}"
    console.out(f"Checked {report.pages} pages from {articles}: {found}")
    return EXIT_OK


def run_serve(args: argparse.Namespace, console: Console) -> int:
    from kursk_site.serve import DevServer

    project = _project(args)
    server = DevServer(
        project,
        _options(args),
        host=args.host,
        port=args.port,
        notify=lambda message, error: console.err(message) if error else console.out(message),
        verbose=console.verbose,
        temporary_out=args.out is None,
    )
    in_main = threading.current_thread() is threading.main_thread()
    stops = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else (signal.SIGTERM,)
    previous = {stop: signal.signal(stop, _interrupt) for stop in stops} if in_main else {}
    if in_main:
        previous[signal.SIGINT] = signal.getsignal(signal.SIGINT)
    try:
        server.start()
        serving = f"Serving {server.url} (rebuilds when you save; Ctrl-C to stop)"
        if console.quiet:  # the address all the same (with --port 0 nothing else tells it)
            console.err(serving)
        else:
            console.out(serving)
        server.wait()
    except KeyboardInterrupt:
        console.out("Stopped.")
    finally:
        if in_main:  # a second signal (a second Ctrl-C, `timeout` signalling the group) waits for the tidying
            for stop in (signal.SIGINT, *stops):
                signal.signal(stop, signal.SIG_IGN)
        try:
            server.close()
        finally:
            for stop, handler in previous.items():
                signal.signal(stop, handler)
    return EXIT_OK


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP (the terminal closed) stop `serve` as Ctrl-C does: the server closes and its temporary
    folder is removed."""
    raise KeyboardInterrupt


def run_init(args: argparse.Namespace, console: Console) -> int:
    from kursk_site.install_spec import running_install_spec
    from kursk_site.scaffold import init_site

    spec = running_install_spec()
    written = init_site(args.dir, _build_date().date(), spec)
    for path in written:
        console.detail(f"wrote {path}")
    console.out(f"The Pages workflow installs kursk-site as requirements.txt says: {spec.requirement}")
    if spec.fallback:
        console.err(
            f"kursk-site: warning: the Pages workflow installs {spec.requirement} from the package index (PyPI);"
            " if that version is not available there, edit requirements.txt to a Git address"
            " (kursk-site @ git+https://HOST/OWNER/REPOSITORY@COMMIT)"
        )
    console.out(f"Created a new site in {args.dir}. Next: cd {shlex.quote(str(args.dir))} && kursk-site serve")
    return EXIT_OK


def run_new(args: argparse.Namespace, console: Console) -> int:
    from kursk_site.scaffold import new_article

    project = _project(args)
    path = new_article(project, args.title, args.section, _build_date().date())
    shown = path.relative_to(project.root).as_posix()
    console.out(f"Created {shown} (a draft: `serve --drafts` shows it; set draft: false to publish it)")
    return EXIT_OK


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {value!r}")
    return int(value)


def run_import(args: argparse.Namespace, console: Console) -> int:
    from kursk_site.content import slug_owners
    from kursk_site.content.discover import display_path
    from kursk_site.importer import format_report, import_wire, load_site_config, write_imported

    """`kursk-site import FILE`: write the Markdown article, print the review report."""
    project = _project(args)
    try:
        data = args.file.read_bytes()
    except OSError as e:
        raise UsageError(f"{args.file}: {e.strerror or e}") from None
    today = _build_date().date().isoformat()
    try:
        config = load_site_config(project)
        imported = import_wire(
            data,
            args.file.as_posix(),
            config,
            slug=args.slug or "",
            default_date=today if args.date is None else args.date,
        )
    except BuildFailed as e:
        for error in e.errors:
            console.err(str(error))
        console.err(f"import failed: {len(e.errors)} error{'s' if len(e.errors) != 1 else ''}; nothing was written")
        return EXIT_CONTENT
    target = project.content_dir / "articles" / f"{imported.slug}.md"
    shown = display_path(target, project.root)
    source = args.file.resolve()
    for other in slug_owners(project.content_dir / "articles", project.root, imported.slug):
        if other.path.resolve() not in (source, target.resolve()):
            console.err(
                f"kursk-site: error: {other.display} has the slug {imported.slug!r} too (two articles may not share"
                " one); pass --slug to choose another name"
            )
            return EXIT_CONTENT
    try:
        write_imported(imported, target, force=args.force)
    except FileExistsError:
        console.err(
            f"kursk-site: error: {shown} already exists; pass --force to replace it, or --slug to choose another name"
        )
        return EXIT_CONTENT
    console.out(format_report(imported, shown, config))
    if source.is_relative_to(target.parent.resolve()):
        from kursk_site.content.article import stem_slug

        twice = "the next build stops (the two have one slug)" if stem_slug(source.stem) == imported.slug else None
        console.out(
            f"Note: {args.file} is in content/articles too: delete it, or "
            f"{twice or 'the site will show this article twice'}."
        )
    return EXIT_OK


def _project(args: argparse.Namespace) -> Project:
    root = args.source.resolve() if args.source else Path.cwd()
    if not root.is_dir():
        raise UsageError(f"--source {args.source}: no such folder")
    if not (root / "content").is_dir():
        raise UsageError(f"--source {args.source}: no content/ folder here; is this a kursk-site folder?")
    templates = root / "templates"
    out_arg: Path | None = getattr(args, "out", None)
    given = out_arg or root / "build"
    if given.is_symlink() and not given.exists():  # (else the build would make the folders it names, anywhere)
        raise UsageError(f"the output {given} is a link to {os.readlink(given)}, which does not exist")
    out = given.resolve()  # (a link to the output is written through, not replaced)
    return Project(root, root / "content", (templates,) if templates.is_dir() else (), out)


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        base_url=_base_url(getattr(args, "base_url", None)),
        drafts=args.drafts,
        future=args.future,
        now=_build_date(),
        search=getattr(args, "search", False),
        cache=getattr(args, "cache", True),
    )


def _build_date() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the clock; the core never reads either."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH: expected seconds since 1970, got {epoch!r}") from None


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    from kursk_site.config import base_url_problem  # (with the YAML reader: not for a build with nothing to do)

    problem = base_url_problem(value)
    if problem:
        raise UsageError(f"--base-url: {problem}")
    return value


def _summary(report: BuildReport, args: argparse.Namespace) -> str:
    out = args.out if args.out else args.source / "build"
    kept = report.files - report.written
    left_out = f"; {report.left_out} left out (drafts or dated later)" if report.left_out else ""
    return (
        f"Built {report.pages} pages from {report.articles} article{'s' if report.articles != 1 else ''} "
        f"({report.files} files, {report.written} written, {kept} unchanged, {report.bytes / 1024:.0f} KB) "
        f"in {report.seconds:.2f} s -> {out}{left_out}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
