"""A build killed (SIGKILL) at any moment leaves the previous site whole: old or new, never a mix, never missing."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from kursk_site.cli import main
from kursk_site.writer import write_site
from kursk_site.writer.manifest import output_manifest
from kursk_site.writer.swap import remove_stale_temps
from tests.hardening.builds import Snapshot, articles, fork_build, fork_write, render, snapshot, temp_folders, wait
from tests.hardening.conftest import write_files

EVEN_KILLS = 16
RANDOM_KILLS = 10
CLI_KILLS = 3


def use_variant(site: Path, variant: str) -> None:
    shutil.rmtree(site / "content" / "articles", ignore_errors=True)
    write_files(site, articles(variant))


def check_whole(out: Path, sites: dict[str, Snapshot]) -> str:
    """Which complete site `out` holds ("a" or "b"); fails when it is missing, partial or mixed."""
    assert out.is_dir(), "the output folder is missing"
    state = snapshot(out)
    found = [name for name, files in sites.items() if files == state]
    assert found, f"the output is neither complete site: {sorted(state)}"
    record = output_manifest(out)
    assert record is not None and sorted(record[1]) == sorted(state)
    return found[0]


def kill_after(pid: int, seconds: float) -> int:
    time.sleep(seconds)
    os.kill(pid, signal.SIGKILL)
    return wait(pid)[1]


@pytest.mark.parametrize("atomic", [True, False], ids=["one-step-swap", "two-renames"])
def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(tmp_path: Path, atomic: bool) -> None:
    """With two renames (systems without renameat2) a kill between them leaves the old site set aside: the next
    build puts it back before anything else."""
    site = tmp_path / "site"
    out = site / "build"
    argv = ["build", "--source", str(site)]
    files, sites = {}, {}
    for variant in ("a", "b"):
        use_variant(site, variant)
        files[variant] = render(site, tmp_path / f"scratch-{variant}")
        write_site(files[variant], out)
        sites[variant] = snapshot(out)
    assert sites["a"].keys() != sites["b"].keys()
    log = tmp_path / "events.json"
    began = time.perf_counter()
    assert wait(fork_write(files["a"], out, log=log, atomic=atomic)) == (0, 0)
    seconds = time.perf_counter() - began
    counts = json.loads(log.read_text())
    events, swap = counts["events"], counts["swap"]
    assert 0 < swap < events
    steps = {1 + i * (events - 1) // (EVEN_KILLS - 1) for i in range(EVEN_KILLS)} | set(range(swap - 3, swap + 4))
    steps |= {event + offset for event in counts["renames"] for offset in (0, 1)}
    rng = random.Random(6)
    seen, killed, set_aside = {check_whole(out, sites)}, 0, 0
    moments = [(step, 0.0) for step in sorted(steps)] + [(0, rng.uniform(0, seconds)) for _ in range(RANDOM_KILLS)]
    for step, delay in moments:
        new = "b" if check_whole(out, sites) == "a" else "a"
        remove_stale_temps(out)  # as the child would first: so that events are counted the same in every run
        pid = fork_write(files[new], out, kill_at_event=step, atomic=atomic)
        killed += (kill_after(pid, delay) if not step else wait(pid)[1]) == signal.SIGKILL
        if not atomic and not out.exists():
            set_aside += 1
            remove_stale_temps(out)  # what the next build does first
        seen.add(check_whole(out, sites))
    assert killed >= len(steps)
    assert seen == {"a", "b"}, "no kill landed after the swap"
    assert (set_aside == 0) if atomic else (set_aside >= 1)
    for _ in range(CLI_KILLS if atomic else 0):  # the whole command, killed at a random moment
        use_variant(site, "b" if check_whole(out, sites) == "a" else "a")
        kill_after(fork_build(argv), rng.uniform(0.05, 0.6))
        check_whole(out, sites)
    assert main(argv) == 0
    assert temp_folders(out) == []
    assert sorted(p.name for p in site.iterdir()) == [".kursk-cache", "build", "content"]
