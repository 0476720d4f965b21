"""parallel: work split over forked children gives the results of doing it here, in order, errors included."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from kursk_site.parallel import map_streamed, split, start_chunks, start_streams


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


@pytest.mark.parametrize(("workers", "pieces"), [(1, 4), (2, 8), (3, 5), (4, 2)])
def test_streamed_results_come_in_the_order_of_the_runs(workers: int, pieces: int) -> None:
    items = list(range(40))
    expected = [sum(run) for run in split(items, pieces)]
    assert list(map_streamed(total, items, workers, pieces)) == expected
    with start_chunks(total, split(items, pieces)) as started:
        assert started.results() == expected


def test_an_error_in_a_child_is_raised_here() -> None:
    with pytest.raises(ValueError, match="seven"):
        list(map_streamed(fail_on_seven, list(range(40)), 2, 8))
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
