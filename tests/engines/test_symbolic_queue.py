"""The fair SymPy queue (`core.engines.symbolic_queue`): order, sharing, cancelling, bounds.

Most tests run plain Python functions that wait on events, so they check the queue's
logic without SymPy's timing; the last ones run real SymPy reports in the worker pool.
"""

from __future__ import annotations

import threading
import time

import pytest

from core import parse_expression
from core.engines import symbolic as core_symbolic
from core.engines import symbolic_queue
from core.engines.symbolic import run_in_worker, symbolic_report
from core.engines.symbolic_queue import CANCELLED, DONE, QUEUED, REFUSED, RUNNING, SymbolicQueue

WAIT = 60  # s: generous on a loaded machine; every wait below ends as soon as it can


def wait_until(condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


class Recorder:
    """Functions for the queue that record their calls; `block` holds them until released."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = threading.Event()

    def quick(self, name: str) -> str:
        self.calls.append(name)
        return name.upper()

    def block(self, name: str) -> str:
        self.calls.append(name)
        assert self.release.wait(WAIT)
        return name.upper()


@pytest.fixture
def recorder():
    recorder = Recorder()
    yield recorder
    recorder.release.set()


def test_jobs_run_first_come_first_served_and_say_how_many_wait_ahead(recorder):
    queue = SymbolicQueue(runners=1)
    blocker = queue.submit("teacher", "a", recorder.block, "a")
    wait_until(lambda: blocker.state == RUNNING)
    jobs = [queue.submit(f"student {k}", f"k{k}", recorder.quick, f"k{k}") for k in range(3)]
    assert [job.state for job in jobs] == [QUEUED] * 3
    assert [queue.ahead(job) for job in jobs] == [0, 1, 2]
    assert queue.stats() == {"waiting": 3, "running": 1, "results": 0}
    recorder.release.set()
    wait_until(lambda: all(job.done for job in jobs))
    assert recorder.calls == ["a", "k0", "k1", "k2"]
    assert [job.value() for job in jobs] == ["K0", "K1", "K2"]
    assert all(job.started >= job.submitted for job in jobs)


def test_equal_requests_share_one_job_and_finished_results_are_reused(recorder):
    queue = SymbolicQueue(runners=1)
    blocker = queue.submit("x", "block", recorder.block, "block")
    first = queue.submit("teacher", "example", recorder.quick, "example")
    second = queue.submit("student", "example", recorder.quick, "example")
    assert first is second
    recorder.release.set()
    wait_until(lambda: first.done and blocker.done)
    later = queue.submit("latecomer", "example", recorder.quick, "example")
    assert later is first
    assert later.done
    assert recorder.calls.count("example") == 1


def test_a_new_request_from_a_session_drops_its_older_queued_one(recorder):
    queue = SymbolicQueue(runners=1)
    blocker = queue.submit("other", "block", recorder.block, "block")
    wait_until(lambda: blocker.state == RUNNING)
    old = queue.submit("student", "old", recorder.quick, "old")
    new = queue.submit("student", "new", recorder.quick, "new")
    assert old.state == CANCELLED
    assert queue.ahead(new) == 0
    recorder.release.set()
    wait_until(lambda: new.done)
    assert "old" not in recorder.calls


def test_a_job_someone_else_waits_for_is_kept_when_one_session_moves_on(recorder):
    queue = SymbolicQueue(runners=1)
    blocker = queue.submit("other", "block", recorder.block, "block")
    wait_until(lambda: blocker.state == RUNNING)
    shared = queue.submit("teacher", "example", recorder.quick, "example")
    queue.submit("student", "example", recorder.quick, "example")
    queue.submit("student", "own", recorder.quick, "own")
    assert shared.state == QUEUED
    assert shared.owners == {"teacher"}
    recorder.release.set()
    wait_until(lambda: shared.done)


def test_the_queue_is_bounded_and_says_so_at_once(recorder):
    queue = SymbolicQueue(runners=1, max_waiting=2)
    blocker = queue.submit("a", "block", recorder.block, "block")
    wait_until(lambda: blocker.state == RUNNING)
    kept = [queue.submit(f"s{k}", k, recorder.quick, str(k)) for k in range(2)]
    refused = queue.submit("s2", 2, recorder.quick, "2")
    assert refused.state == REFUSED
    assert not refused.pending
    assert all(job.state == QUEUED for job in kept)


def test_results_kept_are_bounded_least_recently_used_first_out(recorder):
    queue = SymbolicQueue(runners=1, max_results=2)
    for key in ("a", "b", "a", "c"):
        job = queue.submit(f"owner-{key}-{len(recorder.calls)}", key, recorder.quick, key)
        wait_until(lambda job=job: job.done)
    assert queue.stats()["results"] == 2
    queue.submit("someone", "b", recorder.quick, "b")  # "b" was least recently used: gone
    wait_until(lambda: recorder.calls.count("b") == 2)
    assert recorder.calls.count("a") == 1


def test_what_a_job_raises_comes_back_from_its_value(recorder):  # noqa: ARG001
    queue = SymbolicQueue(runners=1)
    job = queue.submit("s", "boom", divmod, 1, 0)
    wait_until(lambda: job.done)
    with pytest.raises(ZeroDivisionError):
        job.value()


class Transient:
    transient = True


def test_a_transient_result_is_kept_for_its_session_but_computed_again_for_others():
    calls = []

    def busy():
        calls.append(1)
        return Transient()

    queue = SymbolicQueue(runners=1)
    first = queue.submit("student", "k", busy)
    wait_until(lambda: first.done)
    assert queue.submit("student", "k", busy) is first  # polling does not resubmit
    second = queue.submit("classmate", "k", busy)
    wait_until(lambda: second.done)
    assert second is not first
    assert len(calls) == 2


# -- real SymPy work ----------------------------------------------------------------------

TOWER = "x^x^x^x^x"  # its derivatives swell past any budget


def test_a_running_job_nobody_wants_is_stopped_and_the_pool_serves_the_next():
    queue = SymbolicQueue(runners=1)
    huge = queue.submit("s", "tower", symbolic_report, parse_expression(TOWER), 10, None, None, 60)
    wait_until(lambda: huge.state == RUNNING)
    time.sleep(0.5)  # let it get into the worker
    started = time.monotonic()
    small = queue.submit("s", "small", symbolic_report, parse_expression("x^3"), 3)
    assert huge.state == CANCELLED
    wait_until(lambda: small.done)
    assert time.monotonic() - started < 30  # not the tower's 60 s budget
    assert small.value().message is None
    assert [str(d) for d in small.value().derivatives] == ["x**3", "3*x**2", "6*x", "6"]


def test_a_job_that_waited_behind_others_still_gets_its_whole_budget(monkeypatch):
    # The budget is SymPy's computing time from when the job starts: a job queued behind
    # a long one (here 3 s of sleeping, longer than the whole budget) is not cut short.
    monkeypatch.setattr(core_symbolic, "BUDGET_SECONDS", 2.0)
    queue = SymbolicQueue(runners=1)
    queue.submit("a", "sleep", run_in_worker, time.sleep, (3.0,))
    job = queue.submit("b", "f", symbolic_report, parse_expression("sin(x)*exp(-x^2)"), 6)
    wait_until(lambda: job.done)
    assert job.value().message is None
    assert len(job.value().derivatives) == 7
    assert job.started - job.submitted > 2.5
    assert job.state == DONE


def _make_heavy(queue: SymbolicQueue, recorder: Recorder, session: str) -> None:
    """Run one job of `session` for longer than HEAVY_SECONDS (set small by the test)."""
    job = queue.submit(f"{session}:curves", f"{session}-warm", recorder.block, "warm")
    wait_until(lambda: job.state == RUNNING)
    time.sleep(0.2)
    recorder.release.set()
    wait_until(lambda: job.done)
    recorder.release.clear()
    assert queue.usage(session) > symbolic_queue.HEAVY_SECONDS


def test_a_heavy_sessions_jobs_wait_behind_everyone_elses(recorder, monkeypatch):
    monkeypatch.setattr(symbolic_queue, "HEAVY_SECONDS", 0.1)
    queue = SymbolicQueue(runners=1)
    _make_heavy(queue, recorder, "neighbour")
    assert queue.usage("student") == 0.0
    blocker = queue.submit("teacher:curves", "a", recorder.block, "a")
    wait_until(lambda: blocker.state == RUNNING)
    huge = queue.submit("neighbour:curves", "huge", recorder.quick, "huge")  # first in line
    light = [queue.submit(f"student{k}:curves", f"s{k}", recorder.quick, f"s{k}") for k in (1, 2)]
    recorder.release.set()
    wait_until(lambda: huge.done and all(job.done for job in light))
    assert recorder.calls[-3:] == ["s1", "s2", "huge"]  # the heavy one last, the rest in order


def test_heavy_sessions_leave_a_worker_for_the_others(recorder, monkeypatch):
    monkeypatch.setattr(symbolic_queue, "HEAVY_SECONDS", 0.1)
    queue = SymbolicQueue(runners=2)
    _make_heavy(queue, recorder, "neighbour")
    teacher = queue.submit("teacher:curves", "t", recorder.block, "t")  # someone light
    wait_until(lambda: teacher.state == RUNNING)
    huge = queue.submit("neighbour:curves", "huge", recorder.block, "huge")
    time.sleep(0.2)
    assert huge.state == QUEUED  # a worker is free, but kept for the others
    student = queue.submit("student:curves", "s", recorder.quick, "s")
    wait_until(lambda: student.done)  # served at once, beside the teacher's job
    recorder.release.set()
    wait_until(lambda: huge.done and teacher.done)  # the neighbour's runs once one ends


def test_a_heavy_session_alone_uses_every_worker(recorder, monkeypatch):
    monkeypatch.setattr(symbolic_queue, "HEAVY_SECONDS", 0.1)
    queue = SymbolicQueue(runners=2)
    _make_heavy(queue, recorder, "neighbour")
    first = queue.submit("neighbour:curves", "huge1", recorder.block, "huge1")
    second = queue.submit("neighbour:point", "huge2", recorder.block, "huge2")
    wait_until(lambda: first.state == RUNNING and second.state == RUNNING)  # nobody else waits
    recorder.release.set()
    wait_until(lambda: first.done and second.done)


def test_a_job_shared_with_a_light_session_is_not_held_back(recorder, monkeypatch):
    monkeypatch.setattr(symbolic_queue, "HEAVY_SECONDS", 0.1)
    queue = SymbolicQueue(runners=1)
    _make_heavy(queue, recorder, "neighbour")
    blocker = queue.submit("teacher:curves", "a", recorder.block, "a")
    wait_until(lambda: blocker.state == RUNNING)
    shared = queue.submit("neighbour:curves", "example", recorder.quick, "example")
    queue.submit("student1:curves", "example", recorder.quick, "example")
    other = queue.submit("student2:curves", "s2", recorder.quick, "s2")
    recorder.release.set()
    wait_until(lambda: shared.done and other.done)
    assert recorder.calls[-2:] == ["example", "s2"]  # first come, first served again
