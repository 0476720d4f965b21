"""Runs a function over chunks of work in forked worker processes, where the system can fork."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def worker_count() -> int:
    """How many processes may work at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def split(items: Sequence[T], chunks: int) -> list[Sequence[T]]:
    """`items` cut into at most `chunks` runs of nearly equal length, in order."""
    chunks = max(1, min(chunks, len(items)))
    size, extra = divmod(len(items), chunks)
    out: list[Sequence[T]] = []
    start = 0
    for index in range(chunks):
        end = start + size + (1 if index < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def map_chunks(
    fn: Callable[[Sequence[T]], R],
    chunks: Sequence[Sequence[T]],
    codec: tuple[Callable[[R], bytes], Callable[[bytes], R]] | None = None,
) -> list[R]:
    """`[fn(chunk) for chunk in chunks]`, the first chunk here and each other in a forked child.

    Forked children inherit `fn` and its arguments without copying them through a pipe; only the results travel,
    through `codec` (encode, decode) when given, else pickled. An exception raised for any chunk is raised here
    (so errors stay data with positions).
    """
    if len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(chunk) for chunk in chunks]
    context = multiprocessing.get_context("fork")
    children: list[tuple[Any, Connection]] = []
    try:
        for chunk in chunks[1:]:
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_run_child, args=(fn, chunk, send, codec), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
        results = [fn(chunks[0])]
        for child, receive in children:
            try:
                ok, value = receive.recv()
            except EOFError:
                raise RuntimeError(f"a worker process stopped unexpectedly (exit code {child.exitcode})") from None
            if not ok:
                raise value
            results.append(codec[1](value) if codec else value)
        return results
    finally:
        for child, receive in children:
            receive.close()
            if child.is_alive():
                child.terminate()
            child.join()


def _run_child(
    fn: Callable[[Sequence[T]], R],
    chunk: Sequence[T],
    send: Connection,
    codec: tuple[Callable[[R], bytes], Callable[[bytes], R]] | None,
) -> None:
    try:
        result = fn(chunk)
        outcome: tuple[bool, object] = (True, codec[0](result) if codec else result)
    except BaseException as e:
        outcome = (False, e)
    try:
        send.send(outcome)
    except Exception as e:  # an exception that cannot be pickled
        send.send((False, RuntimeError(f"a worker process failed: {type(e).__name__}: {e}")))
    finally:
        send.close()
