"""Work for the concurrency test's processes (a module, so a forkserver can import it)."""

from __future__ import annotations

from core.classroom import ClassStore, Limits, submit_answer
from core.engines import bounded_parse

ROOMY = Limits(joins_per_window=10_000, answers_per_window=10_000)


def answer_twice(url: str, code: str, question: str, students: list[str], answers: tuple, out):
    """Each student sends the first answer, then the second (the one that counts); puts how
    many answers were accepted (or the error) on the queue `out`."""
    store = ClassStore(url, limits=ROOMY)
    sent = 0
    try:
        for answer in answers:
            for student in students:
                submit_answer(store, code, student, question, answer)
                sent += 1
    except Exception as error:  # reported to the test, which fails on it
        out.put(repr(error))
        raise
    finally:
        store.dispose()
        _stop_parsing_workers()
    out.put(sent)


def _stop_parsing_workers() -> None:
    # The answers were parsed in this process's own killable parsing workers; a process
    # waits for its children when it exits, so they are stopped first.
    pool = bounded_parse._pool
    if pool is not None:
        pool.stop()
        pool.join()
