"""SymPy work for many sessions at once: a fair queue, one job per session, shared results.

A page never waits for SymPy: it submits a job and draws what it has; the job's result
fills in when it is ready. Jobs wait in one queue, first come first served, and at most
`runners` run at a time (one per worker of the SymPy pool) — except for a heavy session:
one whose jobs kept the workers busy for more than HEAVY_SECONDS lately (its running time,
halved every HALF_LIFE_SECONDS; a job several sessions wait for is shared among them).
A heavy session's jobs wait behind everyone else's (the least heavy first), and while a
light session has a job queued or running, a heavy job starts only if a worker stays free
after it: a neighbour typing huge expressions one after another never holds every worker
while others wait (alone, a heavy session may use them all).

Each session has at most one job it is waiting for: a new request from the same session
releases the older one, which is dropped from the queue, or stopped if it is running,
unless another session waits for it too. Finished results are kept per key (bounded,
least recently used first out), so a class opening the teacher's example pays for it once.

A job's budget counts from when it starts running (`core.engines.symbolic` counts CPU
time in the worker), never from when it was queued.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable

from core.engines.symbolic import current_job

QUEUED, RUNNING, DONE, CANCELLED, REFUSED = "queued", "running", "done", "cancelled", "refused"
HEAVY_SECONDS = 4.0  # a session's recent running time beyond which its jobs go last
HALF_LIFE_SECONDS = 30.0  # how fast a session's running time is forgiven


def session_of(owner: Hashable) -> str:
    """The session an owner belongs to: owners are "session:part" (ui.symbolic_jobs)."""
    return str(owner).split(":", 1)[0]


def _sessions(job: Job) -> set[str]:
    """The sessions waiting for `job` now."""
    return {session_of(owner) for owner in job.owners}


class Job:
    """One request: its state, and its result once done.

    Attributes:
        key: what it computes (equal keys share one job and one result).
        state: QUEUED, RUNNING, DONE, CANCELLED (nobody waits for it any more) or REFUSED
            (the queue was full).
        result: what the function returned (DONE only).
        error: what it raised instead (DONE only), re-raised by `value()`.
        submitted, started, finished: `time.monotonic()` of each event, or None.
    """

    def __init__(self, key: Hashable, function: Callable, args: tuple) -> None:
        self.key, self.function, self.args = key, function, args
        self.state = QUEUED
        self.result = None
        self.error: BaseException | None = None
        self.owners: set[Hashable] = set()
        self.submitted = time.monotonic()
        self.started: float | None = None
        self.finished: float | None = None
        self.sessions: frozenset[str] = frozenset()  # who pays for its running time
        self._futures: list = []
        self._lock = threading.Lock()
        self._ended = threading.Event()

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def pending(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the job to end; True when it has."""
        return self._ended.wait(timeout) if timeout > 0 else self._ended.is_set()

    def value(self):
        """The result; raises what the function raised."""
        if self.error is not None:
            raise self.error
        return self.result

    def track(self, future) -> None:
        """A worker request made by this job: cancelled with it (see `cancel`)."""
        with self._lock:
            self._futures.append(future)
            cancelled = self.state == CANCELLED
        if cancelled:
            future.cancel()

    def cancel(self) -> None:
        with self._lock:
            self.state = CANCELLED
            futures, self._futures = self._futures, []
        self._ended.set()
        for future in futures:
            future.cancel()  # a running request's worker is stopped (pebble)


class SymbolicQueue:
    """Jobs for many owners (sessions), run in order by `runners` threads.

    Args:
        runners: jobs that may run at once (the SymPy pool's workers).
        max_waiting: jobs that may wait; beyond that a request is REFUSED at once.
        max_results: finished results kept.
        max_owners: owners remembered (the oldest are forgotten: sessions end silently).
    """

    def __init__(
        self, runners: int = 2, max_waiting: int = 256, max_results: int = 512,
        max_owners: int = 4096,
    ) -> None:  # fmt: skip
        self.runners, self.max_waiting = runners, max_waiting
        self.max_results, self.max_owners = max_results, max_owners
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._waiting: deque[Job] = deque()
        self._active: dict[Hashable, Job] = {}  # queued or running, by key
        self._results: OrderedDict[Hashable, Job] = OrderedDict()
        self._latest: OrderedDict[Hashable, Job] = OrderedDict()  # owner -> its job
        self._usage: OrderedDict[str, tuple[float, float]] = OrderedDict()  # (seconds, when)
        self._threads: list[threading.Thread] = []

    def submit(self, owner: Hashable, key: Hashable, function: Callable, *args) -> Job:
        """The job computing `function(*args)` for `key`, on behalf of `owner`.

        Returns the finished job at once when `key` was computed before, the job already
        queued or running when someone asked for `key` first, and otherwise a new job at
        the end of the queue. The owner's previous job is released.
        """
        with self._lock:
            mine = self._latest.get(owner)
            if mine is not None and mine.key == key and mine.state == DONE:
                return mine  # even a transient result: retried on the owner's next change
            job = self._results.get(key)
            if job is not None:
                self._results.move_to_end(key)
            else:
                job = self._active.get(key)
            if job is None:
                job = Job(key, function, args)
                if len(self._waiting) >= self.max_waiting:
                    job.state = REFUSED
                    job._ended.set()
                    return job
                self._active[key] = job
                self._waiting.append(job)
                self._start_runners()
                self._ready.notify()
            previous = self._latest.pop(owner, None)
            if previous is not None and previous is not job:
                self._release(owner, previous)
            job.owners.add(owner)
            self._latest[owner] = job
            while len(self._latest) > self.max_owners:
                old_owner, old_job = self._latest.popitem(last=False)
                self._release(old_owner, old_job)
            return job

    def ahead(self, job: Job) -> int:
        """How many jobs wait before `job` (0 when it runs next, or runs, or is done)."""
        with self._lock:
            for index, waiting in enumerate(self._waiting):
                if waiting is job:
                    return index
            return 0

    def stats(self) -> dict[str, int]:
        """Counts for a status line or a benchmark: waiting, running, results kept."""
        with self._lock:
            running = sum(job.state == RUNNING for job in self._active.values())
            return {"waiting": len(self._waiting), "running": running,
                    "results": len(self._results)}  # fmt: skip

    def _release(self, owner: Hashable, job: Job) -> None:
        """`owner` no longer waits for `job`; nobody else does: drop or stop it."""
        job.owners.discard(owner)
        if job.owners or not job.pending:
            return
        if job.state == QUEUED:
            self._waiting.remove(job)
        self._active.pop(job.key, None)
        job.cancel()

    def _start_runners(self) -> None:
        while len(self._threads) < self.runners:
            thread = threading.Thread(
                target=self._run_jobs, name=f"symbolic-runner-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def usage(self, session: str, now: float | None = None) -> float:
        """A session's recent running time (seconds, decayed; see the module's docstring)."""
        seconds, when = self._usage.get(session, (0.0, 0.0))
        now = time.monotonic() if now is None else now
        return seconds * 0.5 ** ((now - when) / HALF_LIFE_SECONDS)

    def _heaviness(self, sessions: Iterable[str], now: float) -> float:
        """0 for a job some light session waits for; else its lightest session's usage."""
        usage = min((self.usage(s, now) for s in sessions), default=0.0)
        return usage if usage > HEAVY_SECONDS else 0.0

    def _next(self) -> Job | None:
        """The waiting job to run now (under the lock): light sessions' first come first
        served, then heavy ones', least heavy first, while a worker is left for others."""
        now = time.monotonic()
        ranked = sorted(
            (self._heaviness(_sessions(job), now), index, job)
            for index, job in enumerate(self._waiting)
        )
        light_busy = any(  # someone light is queued or running: keep a worker for them
            self._heaviness(_sessions(job) | job.sessions, now) == 0
            for job in self._active.values()
        )
        running = sum(job.state == RUNNING for job in self._active.values())
        for heaviness, _, job in ranked:
            if heaviness == 0 or not light_busy or running + 1 < self.runners:
                return job
        return None

    def _charge(self, job: Job) -> None:
        """Its running time, shared by the sessions that waited for it when it started."""
        if not job.sessions or job.started is None or job.finished is None:
            return
        share = (job.finished - job.started) / len(job.sessions)
        for session in job.sessions:
            self._usage[session] = (self.usage(session, job.finished) + share, job.finished)
            self._usage.move_to_end(session)
        while len(self._usage) > self.max_owners:
            self._usage.popitem(last=False)

    def _run_jobs(self) -> None:
        while True:
            with self._lock:
                while (job := self._next() if self._waiting else None) is None:
                    self._ready.wait()
                self._waiting.remove(job)
                job.state, job.started = RUNNING, time.monotonic()
                job.sessions = frozenset(_sessions(job))
            token = current_job.set(job)
            try:
                job.result = job.function(*job.args)
            except Exception as error:  # the owner sees it through job.value()
                job.error = error
            finally:
                current_job.reset(token)
            self._finish(job)

    def _finish(self, job: Job) -> None:
        with self._lock:
            job.finished = time.monotonic()
            self._charge(job)
            self._ready.notify_all()  # a heavy job waiting for a worker may start now
            if self._active.get(job.key) is job:
                del self._active[job.key]
            if job.state == CANCELLED:
                return
            job.state = DONE
            job._ended.set()
            if not getattr(job.result, "transient", False):
                self._results[job.key] = job
                while len(self._results) > self.max_results:
                    self._results.popitem(last=False)
