"""engine.observe_domains run beside the caller, handing over finished domains in chunks.

The caller (measurement.scan.run) judges and stores each chunk while the network work goes on.
Two ways to run beside it:

- in_thread: an event loop in a thread of this process. Cheap to start, but the loop
  and the judging share one interpreter lock, so a scan uses one core.
- in_process: an event loop in a child process, so probing and judging each get a core.
  Chunks cross a pipe pickled; every host and probe object crosses once, later chunks
  refer to it by number, so domains that share an MX host still share one object on
  this side (what measurement.evaluate.verdicts.HostJudgements keys on).
- in_fork: the same in a forked child, for a Celery pool process: it is a daemon, which
  multiprocessing forbids to have children, and the child needs the worker's loaded
  Django for the probe claims shared with other workers (`setup`, run in the child).
  In a thread, the judging and the loop contend for the interpreter lock: the loop,
  woken for every DNS answer, waited up to a switch interval each time, and a worker
  found its mail hosts (and started the probes that set a scan's end) seconds late.

Either way a failure reaches the caller as an exception from the iterator, after every
chunk handed over before it; and when the caller stops early, the loop stops too.
"""

import asyncio
import ctypes
import gc
import io
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext, suppress
from multiprocessing.connection import Connection

from measurement.probe import engine
from measurement.probe.observations import DomainObservation, HostObservation, SmtpObservation

CHUNK_SIZE = 500  # domains handed over together
FLUSH_SECONDS = 1.0  # or whatever finished within this time, so slow domains do not wait
QUEUE_CHUNKS = 4  # chunks waiting for the caller: bounds memory on both sides
_DONE = "done"
_CHUNK = "chunk"
_ERROR = "error"


class ObserverLost(RuntimeError):
    """The observer process ended without saying why (killed, out of memory)."""


def observe_chunks(
    names: list[str],
    config: engine.ProbeConfig,
    hand_over: Callable[[str, object], bool],
    *,
    limiter=None,
    shared_probe=None,
) -> None:
    """Run the engine over `names` in a new event loop; hand_over(kind, item) each chunk,
    then an error if one happened, then done. hand_over returns False to stop the run."""

    async def observe() -> None:
        chunk: list[DomainObservation] = []
        flushed = time.monotonic()
        observations = engine.observe_domains(
            names, config, limiter=limiter, shared_probe=shared_probe
        )
        try:
            async for observation in observations:
                chunk.append(observation)
                if len(chunk) >= CHUNK_SIZE or time.monotonic() - flushed > FLUSH_SECONDS:
                    if not await asyncio.to_thread(hand_over, _CHUNK, chunk):
                        return
                    chunk, flushed = [], time.monotonic()
            if chunk:
                await asyncio.to_thread(hand_over, _CHUNK, chunk)
        finally:
            if limiter is not None:
                await limiter.close()

    try:
        engine.run(observe())
    except BaseException as exc:  # handed to the caller, which raises it
        hand_over(_ERROR, exc)
    finally:
        hand_over(_DONE, None)


def _chunks(messages: Iterator[tuple[str, object]]) -> Iterator[list[DomainObservation]]:
    """The chunks among the producer's messages, up to done; its error is raised here."""
    for kind, item in messages:
        if kind == _DONE:
            return
        if kind == _ERROR:
            raise item
        yield item


# --- in a thread --------------------------------------------------------------------------


def in_thread(
    names: list[str], config: engine.ProbeConfig, *, limiter=None, shared_probe=None
) -> Iterator[list[DomainObservation]]:
    """Chunks from an event loop in a thread; the way for a Celery worker's pool process
    (a daemon, which may not start processes of its own) and for small scans."""
    handover: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
    stop = threading.Event()

    def hand_over(kind: str, item: object) -> bool:
        while not stop.is_set():
            try:
                handover.put((kind, item), timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    producer = threading.Thread(
        target=observe_chunks,
        args=(names, config, hand_over),
        kwargs={"limiter": limiter, "shared_probe": shared_probe},
        name="scan-event-loop",
        daemon=True,
    )
    producer.start()
    try:
        yield from _chunks(iter(handover.get, None))
    finally:
        stop.set()
        producer.join(timeout=30)


# --- in a child process -------------------------------------------------------------------


def can_use_process() -> bool:
    """A daemon process (a Celery or multiprocessing pool worker) may not have children."""
    return not multiprocessing.current_process().daemon


def in_process(names: list[str], config: engine.ProbeConfig) -> Iterator[list[DomainObservation]]:
    """Chunks from an event loop in a child process (spawned: no fork of our threads)."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main, args=(names, config, sending), name="scan-observer", daemon=True
    )
    child.start()
    sending.close()  # ours: only the child's copy stays open, so its exit means EOF here

    def exit_code() -> int | None:
        child.join(timeout=5)
        return child.exitcode

    def stop(finished: bool) -> None:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)

    yield from _received(receiving, exit_code, stop)


Setup = Callable[[], AbstractContextManager[dict]]


def can_fork() -> bool:
    """A fork copies only the calling thread: safe while it is the only one running
    Python code (a lock another holds would stay locked in the child). Native threads
    may remain: uvloop's libuv pool workers, idle, re-create their pool in a child."""
    return hasattr(os, "fork") and threading.active_count() == 1


def in_fork(
    names: list[str], config: engine.ProbeConfig, setup: Setup | None = None
) -> Iterator[list[DomainObservation]]:
    """Chunks from an event loop in a forked child. `setup()` runs in the child and gives
    observe_chunks its extra arguments (limiter, shared_probe) for the run; the caller
    closes its database connections first, so the child opens its own."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    parent = os.getpid()
    pid = _fork()
    if pid == 0:  # the child: never returns into the caller's code
        exit_status = 1
        try:
            receiving.close()
            _become_observer(parent)
            _child_main(names, config, sending, setup)
            exit_status = 0
        finally:
            os._exit(exit_status)  # no atexit, no finalizers of the parent's objects
    status: list[int] = []  # the child's exit code, once reaped

    def reap(flags: int) -> int | None:
        if not status:
            reaped, code = os.waitpid(pid, flags)
            if reaped == pid:
                status.append(os.waitstatus_to_exitcode(code))
        return status[0] if status else None

    def exit_code(wait: float = 5.0) -> int | None:
        deadline = time.monotonic() + wait
        while (code := reap(os.WNOHANG)) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return code

    def stop(finished: bool) -> None:
        """Done: the child is closing down (its probes are stored by now), so it gets a
        moment; else it goes at once. Killed and reaped even if a time limit interrupts."""
        try:
            exit_code(2.0 if finished else 0.0)
        finally:
            if not status:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                reap(0)

    try:
        sending.close()  # ours: only the child's copy stays open, so its exit means EOF here
        yield from _received(receiving, exit_code, stop)
    finally:  # also when interrupted before _received took over
        receiving.close()
        stop(False)


def _fork() -> int:
    """os.fork, with the parent's objects frozen meanwhile: the child's collections leave
    them alone, so their pages stay shared instead of being copied (gc.freeze's
    documented use)."""
    with warnings.catch_warnings():
        # Python warns of any other thread; can_fork has checked those that matter.
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        gc.freeze()
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:  # the parent (or no child): its objects are collectable again
                gc.unfreeze()
    return pid


def _become_observer(parent: int) -> None:
    """In a forked child: die with the parent (a worker killed mid-scan leaves no orphan
    probing on), and leave the parent's signal handling (Celery's, billiard's) behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):  # not Linux: the closed pipe stops the child instead
        pass
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the kernel was told to end us with it
    for number in signal.valid_signals():
        if number in (signal.SIGKILL, signal.SIGSTOP, signal.SIGPIPE):
            continue  # SIGPIPE stays ignored, as Python set it: a broken pipe is an error
        with suppress(OSError, ValueError):  # some cannot be set
            # Ctrl-C is for the parent, which then stops us.
            signal.signal(number, signal.SIG_IGN if number == signal.SIGINT else signal.SIG_DFL)


def _received(
    receiving: Connection, exit_code: Callable[[], int | None], stop: Callable[[bool], None]
) -> Iterator[list[DomainObservation]]:
    """The chunks a child sends; stop(finished) ends the child, however this ends."""
    reader = ChunkReader()
    finished = False

    def messages() -> Iterator[tuple[str, object]]:
        while True:
            try:
                blob = receiving.recv_bytes()
            except (EOFError, OSError):
                raise ObserverLost(
                    f"the observer process ended unexpectedly (exit code {exit_code()})"
                ) from None
            yield reader.loads(blob)

    try:
        yield from _chunks(messages())
        finished = True
    finally:
        receiving.close()
        stop(finished)


def _child_main(
    names: list[str], config: engine.ProbeConfig, sending: Connection, setup: Setup | None = None
) -> None:
    writer = ChunkWriter()

    def hand_over(kind: str, item: object) -> bool:
        if kind == _ERROR:
            item = _picklable(item)
        try:
            sending.send_bytes(writer.dumps(kind, item))  # blocks while the pipe is full
        except (BrokenPipeError, OSError):
            return False  # the parent stopped listening
        return True

    try:
        with setup() if setup else nullcontext({}) as extra:
            observe_chunks(names, config, hand_over, **extra)
    except BaseException as exc:  # the setup failed: observe_chunks reports its own
        hand_over(_ERROR, exc)
        hand_over(_DONE, None)
    finally:
        sending.close()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 - any exception that cannot cross the pipe
        return RuntimeError(f"{type(exc).__name__}: {exc}")


_SHARED_TYPES = (HostObservation, SmtpObservation)


class ChunkWriter:
    """Pickles messages; each host or probe object is sent whole once, then by number."""

    def __init__(self) -> None:
        self.numbers: dict[int, tuple[int, object]] = {}  # id -> (number, the object)

    def dumps(self, kind: str, item: object) -> bytes:
        new = []
        for observation in item if kind == _CHUNK else ():
            for shared in (*observation.hosts, *observation.probes):
                if id(shared) not in self.numbers:
                    number = len(self.numbers)
                    self.numbers[id(shared)] = (number, shared)
                    new.append((number, shared))
        buffer = io.BytesIO()
        pickle.dump(new, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        _NumberingPickler(buffer, self.numbers).dump((kind, item))
        return buffer.getvalue()


class ChunkReader:
    """The other end of ChunkWriter: numbers become the objects sent before."""

    def __init__(self) -> None:
        self.objects: dict[int, object] = {}

    def loads(self, blob: bytes) -> tuple[str, object]:
        buffer = io.BytesIO(blob)
        self.objects.update(pickle.load(buffer))
        return _NumberingUnpickler(buffer, self.objects).load()


class _NumberingPickler(pickle.Pickler):
    def __init__(self, file, numbers: dict[int, tuple[int, object]]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.numbers = numbers

    def persistent_id(self, obj: object) -> int | None:
        if type(obj) in _SHARED_TYPES and (known := self.numbers.get(id(obj))):
            return known[0]
        return None


class _NumberingUnpickler(pickle.Unpickler):
    def __init__(self, file, objects: dict[int, object]) -> None:
        super().__init__(file)
        self.objects = objects

    def persistent_load(self, number: int) -> object:
        try:
            return self.objects[number]
        except KeyError:
            raise pickle.UnpicklingError(f"unknown shared object {number}") from None
