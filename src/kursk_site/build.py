"""The build command: when no input changed since the last build there is nothing to read, render or write;
else the pipeline runs (imported only then: a build with nothing to do starts and ends in a fraction of a second)."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kursk_site.cache import CACHE_DIR, read_head, tool_fingerprint
from kursk_site.model import BuildOptions, BuildReport, CheckReport, Project, Site
from kursk_site.parallel import call_aside
from kursk_site.schedule import within
from kursk_site.stamps import stamp_inputs
from kursk_site.writer import check_out_dir
from kursk_site.writer.manifest import output_state

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the command line shows it on a terminal)."""
Done = Callable[[BuildReport], None]
"""Told the report of a build that read the site, before the build lets go of it (see build)."""

THEME = Path(__file__).parent / "templates"
"""The built-in theme: templates, and static/ for the stylesheet."""
PACKAGE = Path(__file__).parent


def build(
    project: Project, options: BuildOptions, progress: Progress | None = None, done: Done | None = None
) -> BuildReport:
    """Build the whole site into `project.out_dir`; raises BuildFailed (nothing written) on bad input. `done` is
    called with the report before the build lets go of what it read (it may end the program: see cli.run_build)."""
    start = time.perf_counter()
    # (templates/ too while it is not there: a build writing into it would make it, and the next would read it;
    # and the build cache, which the build replaces files of)
    reserved = (*input_folders(project), project.root / "templates", project.root / CACHE_DIR)
    check_out_dir(project.out_dir, (project.root,), inputs=reserved)
    tool = tool_fingerprint(PACKAGE)
    head = read_head(project.root / CACHE_DIR, tool) if options.cache else None
    # with a previous build to compare with, its output is looked at on another core while the inputs are stamped
    with call_aside(partial(_output_state, project.out_dir)) if head else contextlib.nullcontext(_none) as looked:
        # the options (future, drafts, search, base_url; the build date is checked against the range of dates that
        # select the same articles) and every file of the content folder (site.yaml, timeline.yaml, entities.yaml,
        # the articles), the templates and the theme take part in this key
        inputs = stamp_inputs(
            input_folders(project),
            project.content_dir / "articles",
            tool,
            dataclasses.replace(options, now=None),
            project.out_dir,
        )
        if head is not None and head.inputs == inputs.every and within(options, head.now_range):
            output = looked() or _output_state(project.out_dir)  # (None: the child could not tell)
            if head.output == output[0]:
                pages, files, size, articles, left_out = head.summary  # nothing changed: nothing to read or write
                return BuildReport(pages, files, 0, size, time.perf_counter() - start, articles, left_out=left_out)
    from kursk_site import pipeline  # imported when there is work to do: see the module text

    return pipeline.build_site(project, options, tool, inputs, start, progress, done)


def _output_state(out_dir: Path) -> tuple[str | None]:
    """writer.manifest.output_state, in a tuple (call_aside gives None for no answer)."""
    return (output_state(out_dir),)


def _none() -> None:
    return None


def check(project: Project, options: BuildOptions, progress: Progress | None = None) -> CheckReport:
    """Everything `build` does but write (and it neither reads nor writes the build cache): raises BuildFailed
    on errors, returns the warnings."""
    from kursk_site import pipeline

    return pipeline.check(project, options, progress)


def load_site(project: Project, options: BuildOptions) -> Site:
    """The assembled site, with drafts and future articles left out as `options` say; read without the build cache."""
    from kursk_site import pipeline

    return pipeline.load_site(project, options)


def input_folders(project: Project) -> tuple[Path, ...]:
    """Every folder the build reads: the content (site.yaml, timeline.yaml, entities.yaml, the articles),
    the templates (with their static files), the theme."""
    return (project.content_dir, *project.template_dirs, project.root / "static", THEME)
