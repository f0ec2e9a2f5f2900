"""SymPy's results for the pages, computed in the background by the server's job queue.

A page submits a job and draws what it has at once; `when_pending` then polls the job
in a small fragment and reruns the page when the result is there. Results are shared by
every session (core.engines.symbolic_queue).
"""

from __future__ import annotations

import uuid

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.engines.readable_report import readable_derivatives as readable_view
from core.engines.symbolic import WORKERS
from core.engines.symbolic_queue import QUEUED, REFUSED, RUNNING, Job, SymbolicQueue
from core.explorer.derivatives import symbolic_at
from core.explorer.derivatives import symbolic_curves as symbolic_curves_view

POLL_SECONDS = 0.4  # how often a page waiting for SymPy looks at its job
# How long a page waits for a symbolic job before drawing without it (0: not at all; the
# result fills in when ready). Tests that check what the page shows raise it.
WAIT_FOR_SYMBOLIC = 0.0
# How long the values table waits for SymPy's values at x0: an evaluation of derivatives
# the worker already has, a few milliseconds, drawn after the charts.
WAIT_FOR_POINT = 0.3


@st.cache_resource(show_spinner=False)
def symbolic_queue() -> SymbolicQueue:
    """The server's one queue of SymPy jobs (shared by every session and page)."""
    return SymbolicQueue(runners=WORKERS, max_results=256)  # a result: up to 100 kB


def session_owner(part: str) -> str:
    """Who asks, for the queue: this session (and which of its requests, `part`)."""
    owner = st.session_state.setdefault("_symbolic_owner", uuid.uuid4().hex)
    return f"{owner}:{part}"


def submit(part: str, key: tuple, function, *args, wait: float) -> Job:
    """Queue `function(*args)` for this session's request `part` (an older one of the same
    part is released); wait up to `wait` seconds for it. Equal keys share one job."""
    job = symbolic_queue().submit(session_owner(part), key, function, *args)
    if job.pending:
        job.wait(wait)
    return job


def submit_small(part: str, key: tuple, function, *args) -> Job:
    """`submit` for a job that is quick once its worker is warm (values at one point, a
    check): the page waits for it as long as for SymPy's values at x0 (WAIT_FOR_POINT),
    or longer where WAIT_FOR_SYMBOLIC is raised (tests)."""
    return submit(part, key, function, *args, wait=max(WAIT_FOR_SYMBOLIC, WAIT_FOR_POINT))


def symbolic_curves(
    parsed, max_order: int, x_range: tuple[float, float], params: tuple[tuple[str, float], ...]
) -> Job:
    """The job drawing SymPy's derivatives on the Explorer's grid (shared across sessions)."""
    key = ("curves", parsed.text, max_order, x_range, params)
    return submit(
        "curves", key, symbolic_curves_view, parsed, max_order, x_range, dict(params),
        wait=WAIT_FOR_SYMBOLIC,
    )  # fmt: skip


def symbolic_point(parsed, max_order: int, x0: float, params: tuple[tuple[str, float], ...]) -> Job:
    """The job giving SymPy's derivatives at x0 alone."""
    key = ("point", parsed.text, max_order, x0, params)
    return submit_small("point", key, symbolic_at, parsed, max_order, x0, dict(params))


def readable_derivatives(parsed, max_order: int) -> Job:
    """The job simplifying SymPy's derivatives for reading (core.engines.readable_report);
    parameters stay symbols, so their values are not part of the key."""
    key = ("readable", parsed.text, max_order)
    return submit_small("readable", key, readable_view, parsed, max_order)


MEANWHILE = "AD and finite differences are shown meanwhile."


def job_status(job: Job, meanwhile: str = MEANWHILE) -> str | None:
    """What a page says while `job` is not done ("Symbolic: queued, 3 ahead …"), or None;
    `meanwhile` says what the page shows until it is."""
    if job.state == QUEUED:
        ahead = symbolic_queue().ahead(job)
        where = "next in line" if ahead == 0 else f"{ahead} ahead"
        return f"Symbolic: queued, {where} — {meanwhile}"
    if job.state == RUNNING:
        return f"Symbolic: computing… — {meanwhile}"
    if job.state == REFUSED:
        return (
            "Symbolic: the server has too many SymPy requests waiting right now; change "
            "anything to ask again. AD and finite differences are shown."
        )
    return None


@st.fragment(run_every=POLL_SECONDS)
def wait_for(jobs: list[Job], meanwhile: str = MEANWHILE) -> None:
    """While any job runs or waits: say so here, and rerun the page once they are done.

    A fragment polling every POLL_SECONDS: only these few lines rerun meanwhile, not
    the page; when the jobs end, one rerun of the page draws their results.
    """
    if all(not job.pending for job in jobs):
        # Done since the page drew without them. In the page's own run, let it finish
        # (a rerun now would cut it short and send it twice); the first poll redraws.
        if _polling():
            st.rerun()  # the whole page, which draws the results
        return
    for job in jobs:
        status = job_status(job, meanwhile)
        if status:
            st.info(status, icon=":material/hourglass_top:")
            break


def _polling() -> bool:
    """Whether this run is the fragment's own poll, not the page's run that started it."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def when_pending(undrawn: list[Job | None], meanwhile: str = MEANWHILE) -> None:
    """Poll the jobs whose results the page could not draw yet (`wait_for`).

    A job refused by a full queue is not polled: the page says so instead. A job that
    ended since the page drew without it reruns the page at once.
    """
    jobs = [job for job in undrawn if job is not None and job.state != REFUSED]
    if jobs:
        wait_for(jobs, meanwhile)
    for job in undrawn:
        if job is not None and job.state == REFUSED:
            st.info(job_status(job), icon=":material/hourglass_disabled:")
