"""Cached wrappers for the Step-by-step page's rules and answer check.

Plain arguments in (canonical text, numbers), core results out; equal requests from any
session share one entry, and the caches are bounded. SymPy's part (the steps, the proof
that an answer is right) goes through the server's job queue and never holds a page.
"""

from __future__ import annotations

import streamlit as st

from core.teaching import check_figures
from core.teaching.page_jobs import checked_answer, shown_steps
from ui import symbolic_jobs
from ui.cached import parse

X = ("x",)


@st.cache_data(max_entries=256, show_spinner=False)
def numeric_verdict(f: str, answer: str, order: int) -> check_figures.NumericVerdict:
    """The numbers' verdict at the random points: AD and NumPy, a few milliseconds."""
    return check_figures.numeric_verdict(parse(f, X), parse(answer, X), order)


@st.cache_data(max_entries=64, show_spinner=False)  # about 25 kB each
def answer_curves(
    f: str, answer: str, order: int, worst_point: float | None
) -> check_figures.AnswerCurves:
    return check_figures.answer_curves(parse(f, X), parse(answer, X), order, worst_point)


def steps_job(parsed) -> symbolic_jobs.Job:
    """The steps of d/dx f in LaTeX: a job shared by every session."""
    return symbolic_jobs.submit_small(
        "tt-steps", ("tt-steps", parsed.text), shown_steps, parsed,
    )  # fmt: skip


def check_job(parsed, answer, order: int) -> symbolic_jobs.Job:
    """The verdict on `answer` (parsed) as f's `order`-th derivative, SymPy's proof included."""
    return symbolic_jobs.submit_small(
        "tt-check", ("tt-check", parsed.text, answer.text, order), checked_answer,
        parsed, answer.text, order,
    )  # fmt: skip
