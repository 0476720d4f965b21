"""parallel: work split over forked children gives the results of doing it here, in order, errors included."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import pytest

from kursk_site.parallel import call_aside, can_fork, share_runs, split, start_chunks, start_streams


def total(run: Sequence[int]) -> int:
    return sum(run)


def fail_on_seven(run: Sequence[int]) -> int:
    if 7 in run:
        raise ValueError("seven")
    return sum(run)


def test_split_keeps_order_and_can_give_the_first_run_a_share() -> None:
    items = list(range(10))
    assert [list(run) for run in split(items, 3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert [list(run) for run in split(items, 3, 0.2)] == [[0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]
    assert [list(run) for run in split([], 3)] == [[]]


@pytest.mark.parametrize("pieces", [1, 2, 5, 8])
def test_chunk_results_come_in_the_order_of_the_runs(pieces: int) -> None:
    items = list(range(40))
    expected = [sum(run) for run in split(items, pieces)]
    with start_chunks(total, split(items, pieces)) as started:
        assert started.results() == expected


def test_an_error_in_a_child_is_raised_here() -> None:
    with pytest.raises(ValueError, match="seven"), start_chunks(fail_on_seven, split(list(range(40)), 4)) as started:
        started.results()


def child_pid(run: Sequence[int]) -> tuple[int, int]:
    return os.getpid(), sum(run)


def test_each_stream_is_one_child_that_sends_a_result_per_run_in_order() -> None:
    shares = [[[1, 2], [3], []], [[10], [20, 30]]]
    with start_streams(child_pid, shares) as started:
        first = [started.receive(0) for _ in range(3)]
        second = [started.receive(1) for _ in range(2)]
    assert [value for _, value in first] == [3, 3, 0]
    assert [value for _, value in second] == [10, 50]
    pids = {pid for pid, _ in first}, {pid for pid, _ in second}
    assert len(pids[0]) == len(pids[1]) == 1  # one child for all runs of a share
    assert pids[0] != pids[1] and os.getpid() not in pids[0] | pids[1]
    with pytest.raises(ValueError, match="seven"), start_streams(fail_on_seven, [[[1], [7], [8]]]) as failing:
        assert failing.receive(0) == 1
        failing.receive(0)


def pid_and_run(run: Sequence[int]) -> tuple[int, tuple[int, ...]]:
    time.sleep(0.5 if run[0] == 0 else 0.02)  # one slow run: the others are taken meanwhile by the others
    return os.getpid(), tuple(run)


def note_start_and_send_much(notes: Path, run: Sequence[int]) -> bytes:
    with notes.open("a") as out:
        out.write(f"{run[0]}\n")
    return bytes(1 << 20)  # more than a pipe holds: sending it waits for the reader


def test_a_child_works_on_its_next_run_while_its_result_waits_for_the_reader(tmp_path: Path) -> None:
    notes = tmp_path / "started"
    with start_streams(partial(note_start_and_send_much, notes), [[[1], [2], [3]]]) as started:
        deadline = time.monotonic() + 10
        while (not notes.exists() or len(notes.read_text().split()) < 2) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert notes.read_text().split()[:2] == ["1", "2"]  # the second run began before the first result was read
        assert [len(started.receive(0)) for _ in range(3)] == [1 << 20] * 3


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_shared_runs_are_each_done_once_by_whichever_process_is_free(workers: int) -> None:
    runs = [[n, n + 1] for n in range(0, 60, 2)]
    results = list(share_runs(pid_and_run, [runs], workers))
    assert sorted(run for _, run in results) == [tuple(run) for run in runs]
    pids = {pid for pid, _ in results}
    assert len(pids) == workers
    if workers > 1:
        slow = next(pid for pid, run in results if run[0] == 0)
        assert sum(pid == slow for pid, _ in results) < len(runs) / workers  # the others took more while it slept


def test_an_error_in_a_shared_run_is_raised_here_wherever_it_is_done() -> None:
    runs = [[n] for n in range(20)]
    for workers in (1, 2, 3):
        with pytest.raises(ValueError, match="seven"):
            list(share_runs(fail_on_seven, [runs[:5], runs[5:]], workers))


def exit_on_three(run: Sequence[int]) -> int:
    if 3 in run and os.getpid() != PARENT:
        os._exit(9)  # a child killed (e.g. out of memory)
    time.sleep(0.01)
    return sum(run)


PARENT = os.getpid()


def test_a_child_that_dies_in_a_shared_run_fails_the_work() -> None:
    runs = [[n] for n in range(40)]
    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        for _ in range(20):  # until a child takes run 3 (this process may take it first)
            list(share_runs(exit_on_three, [runs], 2))


def lane_of(run: Sequence[str]) -> tuple[int, str]:
    time.sleep(0.02)
    return os.getpid(), run[0]


def test_each_process_starts_with_a_lane_of_its_own_and_then_helps_with_the_others() -> None:
    big = [[f"big{n}"] for n in range(30)]
    small = [[f"small{n}"] for n in range(6)]
    results = list(share_runs(lane_of, [big, [], small], 2))
    assert sorted(name for _, name in results) == sorted(run[0] for run in big + small)
    here = [name for pid, name in results if pid == os.getpid()]
    there = [name for pid, name in results if pid != os.getpid()]
    assert here and all(name.startswith("big") for name in here)  # this process never needed the small lane
    assert there[: len(small)] == [run[0] for run in small]  # the child's own lane first, in order
    assert any(name.startswith("big") for name in there)  # then it helped with the big one


def answer() -> dict[str, int]:
    return {"pid": os.getpid()}


def fail() -> int:
    raise ValueError("no answer")


def wait_long(note: Path) -> int:
    note.write_text(str(os.getpid()))
    time.sleep(60)
    return 1


def test_a_call_aside_runs_in_another_process_and_gives_its_result() -> None:
    with call_aside(answer) as result:
        found = result()
    assert found is not None and found["pid"] != os.getpid()


def test_a_call_aside_that_fails_gives_none() -> None:
    with call_aside(fail) as result:
        assert result() is None


def test_leaving_stops_a_call_aside_still_running(tmp_path: Path) -> None:
    note = tmp_path / "pid"
    start = time.perf_counter()
    with call_aside(partial(wait_long, note)):
        while not note.exists() or not note.read_text():
            assert time.perf_counter() - start < 10
            time.sleep(0.01)
    with pytest.raises(ProcessLookupError):  # stopped and reaped
        os.kill(int(note.read_text()), 0)
    assert time.perf_counter() - start < 10


def note_pid_and_send_much(note: Path, run: Sequence[int]) -> bytes:
    note.write_text(str(os.getpid()))
    return bytes(1 << 20)  # more than a pipe holds: sending it waits for a reader


def running(pid: int) -> bool:
    """Whether process `pid` is there and not a zombie (one that ended, not yet reaped by its new parent)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_a_child_stops_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    note = tmp_path / "pid"
    starter = os.fork()
    if starter == 0:  # a build that starts a child, never reads what it sends, and is killed
        try:
            with start_streams(partial(note_pid_and_send_much, note), [[[1]] * 100]):
                time.sleep(60)
        finally:
            os._exit(0)
    start = time.perf_counter()
    written = ""
    while not written:  # (read once: the child writes the note again for every run, and may be at it now)
        assert time.perf_counter() - start < 10
        time.sleep(0.01)
        written = note.read_text() if note.exists() else ""
    os.kill(starter, signal.SIGKILL)
    os.waitpid(starter, 0)
    child = int(written)
    while running(child) and time.perf_counter() - start < 20:
        time.sleep(0.05)
    assert not running(child)  # sending failed once nobody could read: the child stopped


def in_a_thread(fn: Callable[[], object]) -> object:
    found: list[object] = []
    thread = threading.Thread(target=lambda: found.append(fn()))
    thread.start()
    thread.join(timeout=30)
    assert found, "the thread did not finish"
    return found[0]


def test_nothing_is_forked_from_a_thread_other_than_the_main_one() -> None:
    # a build in another thread (the preview server's rebuilds) runs in a program whose other threads may hold
    # locks at the moment of a fork: its children could wait for them forever
    assert can_fork() is (hasattr(os, "fork"))
    assert in_a_thread(can_fork) is False

    def aside() -> object:
        with call_aside(answer) as result:
            return result()

    assert in_a_thread(aside) is None  # nothing was called: the caller does the work itself
    assert in_a_thread(lambda: list(share_runs(total, [[[1, 2], [3]], [[4]]], 2))) == [3, 3, 4]


def test_shared_runs_send_a_childs_results_through_the_codec() -> None:
    runs = [[n, n + 1] for n in range(0, 40, 2)]
    encode = lambda result: " ".join(map(str, (result[0], *result[1]))).encode()  # noqa: E731
    decode = lambda data: ("decoded", int(data.split()[0]), tuple(map(int, data.split()[1:])))  # noqa: E731
    results = list(share_runs(pid_and_run, [runs], 2, (encode, decode)))
    assert sorted(result[-1] for result in results) == [tuple(run) for run in runs]
    mine = [result for result in results if result[0] == os.getpid()]
    theirs = [result for result in results if result[0] != os.getpid()]
    assert mine and all(len(result) == 2 for result in mine)  # this process's own: as made
    assert theirs and all(result[0] == "decoded" and result[1] != os.getpid() for result in theirs)
