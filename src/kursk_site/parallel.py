"""Runs a function over runs of work in forked worker processes, where the system can fork.

Forked children inherit the function and its arguments without copying them through a pipe; only the results
travel back, through a codec (encode, decode) when given, else pickled. An exception raised in a child is raised
in this process (so errors stay data with positions).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:  # multiprocessing is imported when children are started: a rebuild after one edit starts none
    import queue
    import threading
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")
Codec = tuple[Callable[[R], bytes], Callable[[bytes], R]]
DONE = (None, None)
"""What a child sends after its last result."""


def worker_count() -> int:
    """How many processes may work at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether work may go to forked children: where the system offers fork (multiprocessing's "fork" start
    method), and only from the main thread. A build that runs in another thread is part of a program whose other
    threads go on meanwhile (the preview server's), and a child forked there gets a copy of every lock those
    threads hold at that moment, never to be released: it could wait forever, and the build with it."""
    import threading

    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread()


def split(items: Sequence[T], chunks: int, first: float | None = None) -> list[Sequence[T]]:
    """`items` cut into at most `chunks` runs in order: of nearly equal length, or with the first run holding the
    share `first` of the items (for the process that also does other work) and the rest shared equally."""
    chunks = max(1, min(chunks, len(items)))
    if first is not None and chunks > 1:
        head = min(len(items), max(1, round(len(items) * first)))
        return [items[:head], *split(items[head:], chunks - 1)]
    size, extra = divmod(len(items), chunks)
    out: list[Sequence[T]] = []
    start = 0
    for index in range(chunks):
        end = start + size + (1 if index < extra else 0)
        out.append(items[start:end])
        start = end
    return out


class Started(Generic[R]):
    """Work going on in forked children (see start_chunks, start_streams and share_runs), each with the pipe it
    answers on."""

    def __init__(self, children: list[tuple[Any, Connection]], decode: Callable[[bytes], R] | None) -> None:
        self._children = children
        self._decode = decode
        self._done: set[int] = set()

    def receive(self, index: int) -> R:
        """The next result of child `index` (waiting for it)."""
        value = self._message(index)
        if value is DONE:
            raise RuntimeError("a worker process sent fewer results than expected")
        return cast(R, value)

    def waiting(self) -> Iterator[R]:
        """The results the children have sent and this process has not taken in yet, without waiting for more."""
        return self._until_done(wait=False)

    def rest(self) -> Iterator[R]:
        """Every result still to come, each child's until it is done."""
        return self._until_done(wait=True)

    def _until_done(self, *, wait: bool) -> Iterator[R]:
        for index, (_, pipe) in enumerate(self._children):
            while index not in self._done and (wait or pipe.poll()):
                value = self._message(index)
                if value is not DONE:
                    yield value

    def _message(self, index: int) -> Any:
        """The next thing child `index` sends: a result (decoded), or DONE; raises the exception it sent."""
        child, pipe = self._children[index]
        try:
            ok, value = pipe.recv()
        except EOFError:
            raise RuntimeError(f"a worker process stopped unexpectedly (exit code {child.exitcode})") from None
        if ok is None:
            self._done.add(index)
            return DONE
        if not ok:
            raise value
        return self._decode(value) if self._decode else value

    def results(self) -> list[R]:
        """The result of each child, in order (each child of start_chunks makes one)."""
        return [self.receive(index) for index in range(len(self._children))]

    def __enter__(self) -> Started[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop any child still running and reap them all."""
        for child, pipe in self._children:
            pipe.close()
            if child.is_alive():
                child.terminate()
            child.join()


@contextlib.contextmanager
def call_aside(fn: Callable[[], R]) -> Iterator[Callable[[], R | None]]:
    """Call `fn()` in a forked child at once, while this process goes on; the value given is a call that waits for
    the child and returns fn's result, or None when there is none (the child failed, or the system cannot fork:
    then nothing is called). On leaving, a child still running is stopped.

    For a quick look at something on another core (e.g. the files of a folder): the child is forked by hand,
    without multiprocessing, whose import takes as long as such a look; its result is pickled through a pipe.
    """
    if not can_fork():
        yield lambda: None
        return
    import pickle

    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(readable)
            with os.fdopen(writable, "wb") as pipe:  # (a pipe to this process: nothing on disk)
                pipe.write(pickle.dumps(fn(), protocol=5))
            code = 0
        finally:
            os._exit(code)
    os.close(writable)
    done = False

    def result() -> R | None:
        nonlocal done
        chunks: list[bytes] = []
        with contextlib.suppress(OSError):
            while chunk := os.read(readable, 1 << 16):
                chunks.append(chunk)
        done = True
        status = os.waitpid(pid, 0)[1]
        try:
            return pickle.loads(b"".join(chunks)) if status == 0 and chunks else None  # (from our own child)
        except Exception:
            return None

    try:
        yield result
    finally:
        os.close(readable)
        if not done:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def start_chunks(
    fn: Callable[[Sequence[T]], R], chunks: Sequence[Sequence[T]], codec: Codec[R] | None = None
) -> Started[R]:
    """Start `fn(chunk)` for each chunk in a forked child and return at once (this process can work meanwhile).

    Use the result as a context manager: leaving it stops any child still running.
    """
    return _start(fn, [[chunk] for chunk in chunks], codec)


def start_streams(
    fn: Callable[[Sequence[T]], R], shares: Sequence[Sequence[Sequence[T]]], codec: Codec[R] | None = None
) -> Started[R]:
    """Start one forked child for each share (a list of runs) and return at once; each child sends `fn(run)` for
    every run of its share as soon as it is made, and waits while its pipe is full and one more result waits to be
    sent, so that a child is at most two or three runs ahead of this process, which takes the results in with
    `receive(child)`.

    One fork for a whole build's work: forking again for each batch would copy the pages of this process's
    memory that it touches after every fork. Use the result as a context manager.
    """
    return _start(fn, [list(share) for share in shares], codec)


def share_runs(
    fn: Callable[[Sequence[T]], R],
    lanes: Sequence[Sequence[Sequence[T]]],
    workers: int,
    codec: Codec[R] | None = None,
) -> Iterator[R]:
    """`fn` over every run of every lane, in this process and `workers - 1` forked children, each process taking the
    next run that none has taken yet (so no process waits while work is left, however unequal the runs); the results
    as they come, in no set order.

    Process n starts with lane n (modulo their number) and goes on to the next lane when no run is left in its own:
    runs that had better not be done at the same time (e.g. files made in one folder, which the system makes one at
    a time) go in one lane. Each child sends a result as soon as it is made; this process takes in those waiting
    after each run of its own, and the rest when no run is left. An exception raised in a child is raised here.
    A child's results travel through `codec` when given (this process's own are given as `fn` made them), and wait
    in its pipe while this process works: for results that take much less time to take in than to make.
    """
    lanes = [lane for lane in lanes if lane]
    count = sum(len(lane) for lane in lanes)
    if workers <= 1 or count <= 1 or not can_fork():
        for lane in lanes:
            for run in lane:
                yield fn(run)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    taken = context.Array("q", len(lanes))  # the next run of each lane
    shares = [_taken(lanes, taken, child) for child in range(1, min(workers, count))]
    with _start(fn, shares, codec) as started:
        for run in _taken(lanes, taken, 0):
            yield fn(run)
            yield from started.waiting()
        yield from started.rest()


def _taken(lanes: Sequence[Sequence[Sequence[T]]], taken: Any, process: int) -> Iterator[Sequence[T]]:
    """The runs process number `process` of share_runs takes, one at a time as it is ready for the next: those of
    its own lane, then of each lane after it."""
    for step in range(len(lanes)):
        lane = (process + step) % len(lanes)
        runs = lanes[lane]
        while True:
            with taken.get_lock():
                index = int(taken[lane])
                taken[lane] = index + 1
            if index >= len(runs):
                break
            yield runs[index]


def _start(
    fn: Callable[[Sequence[T]], R], shares: Sequence[Iterable[Sequence[T]]], codec: Codec[R] | None
) -> Started[R]:
    """One forked child for each share (runs), each sending a result for every run of its share, then DONE."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    children: list[tuple[Any, Connection]] = []
    started = Started(children, codec[1] if codec else None)
    try:
        for share in shares:
            receive, send = context.Pipe(duplex=False)
            readers = [*(reader for _, reader in children), receive]  # the child closes its copies of these
            child = context.Process(target=_run_child, args=(fn, share, send, codec, readers), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
    except BaseException:
        started.close()
        raise
    return started


def _run_child(
    fn: Callable[[Sequence[T]], R],
    runs: Iterable[Sequence[T]],
    send: Connection,
    codec: Codec[R] | None,
    readers: Sequence[Connection],
) -> None:
    """In a child: `fn` over each run, each result (or the exception it raised, and then no more) sent as soon as
    it is made; DONE after the last.

    The child first closes its copies of the pipes' reading ends (`readers`, its own and those of the children
    started before it): once this process is gone (killed), nothing reads the pipe any more, sending fails, and
    the child stops instead of waiting forever for a reader.

    A thread of the child sends while it works on the next run, and at most one result waits for it: the reader
    takes the results of several children in turn, and a child that sent its results itself would stand idle
    until the others' before its own were taken in."""
    import queue
    import threading

    # stopped by this process's parent (Started.close), the child ends quietly whatever handlers it was forked with
    # (serve's turn SIGTERM into an exception: a traceback a child); Ctrl-C, sent to the whole group, is the parent's
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for reader in readers:
        reader.close()
    outbox: queue.Queue[object] = queue.Queue(maxsize=1)
    failed = threading.Event()
    sender = threading.Thread(target=_send_each, args=(outbox, send, failed), daemon=True)
    sender.start()
    try:
        for run in runs:
            if failed.is_set():
                return  # nothing more can be sent
            try:
                result = fn(run)
                outcome: tuple[bool, object] = (True, codec[0](result) if codec else result)
            except BaseException as e:
                outcome = (False, e)
            outbox.put(outcome)
            if not outcome[0]:
                return
        outbox.put(DONE)
    finally:
        outbox.put(_END)
        sender.join()
        send.close()


_END = object()
"""Tells a child's sending thread that nothing more comes."""


def _send_each(outbox: queue.Queue[object], send: Connection, failed: threading.Event) -> None:
    """Send what `outbox` holds until _END. After a failure to send, set `failed` and take the rest without
    sending it (the child must never wait to put a result that nobody takes)."""
    while (item := outbox.get()) is not _END:
        if failed.is_set():
            continue
        try:
            send.send(item)
        except OSError:  # the reader is gone (the build stopped or was killed)
            failed.set()
        except Exception as e:  # an exception that cannot be pickled
            with contextlib.suppress(OSError):
                send.send((False, RuntimeError(f"a worker process failed: {type(e).__name__}: {e}")))
            failed.set()
