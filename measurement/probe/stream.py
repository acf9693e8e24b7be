"""engine.observe_domains run beside the caller, handing over finished domains in chunks.

The caller (the pipeline) judges and stores each chunk while the network work goes on.
Two ways to run beside it:

- in_thread: an event loop in a thread of this process. Cheap to start, but the loop
  and the judging share one interpreter lock, so a scan uses one core.
- in_process: an event loop in a child process, so probing and judging each get a core.
  Chunks cross a pipe pickled; every host and probe object crosses once, later chunks
  refer to it by number, so domains that share an MX host still share one object on
  this side (what measurement.evaluate.verdicts.HostJudgements keys on).

Either way a failure reaches the caller as an exception from the iterator, after every
chunk handed over before it; and when the caller stops early, the loop stops too.
"""

import asyncio
import io
import multiprocessing
import pickle
import queue
import threading
import time
from collections.abc import Callable, Iterator

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
    reader = ChunkReader()

    def messages() -> Iterator[tuple[str, object]]:
        while True:
            try:
                blob = receiving.recv_bytes()
            except (EOFError, OSError):
                child.join(timeout=5)
                raise ObserverLost(
                    f"the observer process ended unexpectedly (exit code {child.exitcode})"
                ) from None
            yield reader.loads(blob)

    try:
        yield from _chunks(messages())
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)


def _child_main(names: list[str], config: engine.ProbeConfig, sending) -> None:
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
        observe_chunks(names, config, hand_over)
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
