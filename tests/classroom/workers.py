"""One process of the concurrency test: `python -m tests.classroom.workers` reads its job
(the store's URL, the class, the question, its students and their answers) as JSON in its
one argument, sends every answer, and prints how many were accepted as JSON.

A separate interpreter, started as a person's server replica is: nothing (threads, pools,
database connections) is inherited from the test's process.
"""

from __future__ import annotations

import json
import sys

from core.classroom import ClassStore, Limits, submit_answer
from core.engines import bounded_parse

ROOMY = Limits(joins_per_window=10_000, answers_per_window=10_000)


def answer_all(url: str, code: str, question: str, students: list[str], answers: list[str]) -> int:
    """Each student sends the answers in turn (the last counts); returns how many were sent."""
    store = ClassStore(url, limits=ROOMY)
    sent = 0
    try:
        for answer in answers:
            for student in students:
                submit_answer(store, code, student, question, answer)
                sent += 1
    finally:
        store.dispose()
        _stop_parsing_workers()
    return sent


def _stop_parsing_workers() -> None:
    # The answers were parsed in this process's own killable parsing workers; a process
    # waits for its children when it exits, so they are stopped first.
    pool = bounded_parse._pool
    if pool is not None:
        pool.stop()
        pool.join()


def main() -> None:
    job = json.loads(sys.argv[1])
    sent = answer_all(job["url"], job["code"], job["question"], job["students"], job["answers"])
    print(json.dumps({"sent": sent}))


if __name__ == "__main__":
    main()
