"""The command line: argv in, messages and an exit code out. The only module that prints or exits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kursk_site import __version__
from kursk_site.build import build
from kursk_site.config import base_url_problem
from kursk_site.errors import BuildFailed, UsageError
from kursk_site.model import BuildOptions, BuildReport, Project

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kursk-site", description="Build a news-analysis site from content/ and templates/."
    )
    parser.add_argument("--version", action="version", version=f"kursk-site {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    build_cmd = commands.add_parser("build", help="build the site into the output folder")
    build_cmd.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder holding content/ (default: the current folder)",
    )
    build_cmd.add_argument("--out", type=Path, metavar="DIR", help="the output folder (default: SOURCE/build)")
    build_cmd.add_argument(
        "--base-url", metavar="URL", help="the address the site is published at, e.g. https://example.org/news/"
    )
    build_cmd.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    build_cmd.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="build everything from scratch, neither reading nor writing the build cache (SOURCE/.kursk-cache)",
    )
    build_cmd.add_argument(
        "--search", action="store_true", help="write the search page and its index (as `search: true` in site.yaml)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 content errors, 2 usage errors)."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage message
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    try:
        if args.command == "build":
            options = BuildOptions(
                base_url=_base_url(args.base_url), drafts=args.drafts, search=args.search, cache=args.cache
            )
            report = build(_project(args), options)
            for warning in report.warnings:
                _err(f"kursk-site: warning: {warning}")
            _out(_summary(report, args))
    except BuildFailed as e:
        for error in e.errors:
            _err(str(error))
        _err(
            f"build failed: {len(e.errors)} error{'s' if len(e.errors) != 1 else ''}; the previous output is unchanged"
        )
        return EXIT_CONTENT
    except UsageError as e:
        _err(f"kursk-site: error: {e}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("kursk-site: interrupted; the previous output is unchanged")
        return 130
    except OSError as e:
        _err(f"kursk-site: error: {e.filename or ''}: {e.strerror or e}")
        return EXIT_CONTENT
    return EXIT_OK


def _project(args: argparse.Namespace) -> Project:
    root = args.source.resolve() if args.source else Path.cwd()
    if not root.is_dir():
        raise UsageError(f"--source {args.source}: no such folder")
    if not (root / "content").is_dir():
        raise UsageError(f"--source {args.source}: no content/ folder here; is this a kursk-site folder?")
    templates = root / "templates"
    out = args.out.resolve() if args.out else root / "build"
    return Project(root, root / "content", (templates,) if templates.is_dir() else (), out)


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    problem = base_url_problem(value)
    if problem:
        raise UsageError(f"--base-url: {problem}")
    return value


def _summary(report: BuildReport, args: argparse.Namespace) -> str:
    out = args.out if args.out else args.source / "build"
    kept = report.files - report.written
    return (
        f"Built {report.pages} pages from {report.articles} article{'s' if report.articles != 1 else ''} "
        f"({report.files} files, {report.written} written, {kept} unchanged, {report.bytes / 1024:.0f} KB) "
        f"in {report.seconds:.2f} s -> {out}"
    )


def _out(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
