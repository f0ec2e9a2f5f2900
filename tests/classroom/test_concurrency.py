"""Nothing lost (issue 24): answers sent at once from several processes are each counted
exactly once, on SQLite (one file shared by the processes) and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

import core
from core.classroom import ClassStore, schema
from tests.classroom.workers import ROOMY

PROCESSES = 8
STUDENTS_EACH = 20  # 40 answers a process: each student answers twice
ANSWERS = ["x^2", "2x"]  # every student answers wrong, then right: the last counts
ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 600  # for all of them, on a loaded two-core machine


def test_answers_from_eight_processes_are_each_counted_once(store_url):
    store = ClassStore(store_url, limits=ROOMY)
    processes: list[subprocess.Popen] = []
    try:
        keys = core.start_class(store)
        question = core.ask(store, keys.code, keys.teacher_key, "x^2")
        students = [
            core.join_class(store, keys.code, f"s{n}") for n in range(PROCESSES * STUDENTS_EACH)
        ]
        # Judge both answers once here, so the processes mostly read their stored forms.
        for answer in ANSWERS:
            core.submit_answer(store, keys.code, students[0], question, answer)
        # Separate interpreters (as replicas are), all started before any has finished
        # importing, so their answers reach the store at the same time.
        for group in (students[i::PROCESSES] for i in range(PROCESSES)):
            job = {"url": store_url, "code": keys.code, "question": question,
                   "students": group, "answers": ANSWERS}  # fmt: skip
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.classroom.workers", json.dumps(job)],
                cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            processes.append(process)
        sent = []
        for process in processes:
            out, err = process.communicate(timeout=WAIT_S)
            assert process.returncode == 0, err[-2000:]
            sent.append(json.loads(out.strip().splitlines()[-1])["sent"])
        assert sent == [len(ANSWERS) * STUDENTS_EACH] * PROCESSES
        results = core.class_results(store, keys.code, keys.teacher_key, question)
        total = PROCESSES * STUDENTS_EACH
        assert (results.students, results.answered, results.correct) == (total, total, total)
        with store.read() as connection:
            tries = connection.execute(
                sa.select(schema.answers.c.student_id, schema.answers.c.tries)
            ).all()
        expected = dict.fromkeys(students, len(ANSWERS))
        expected[students[0]] = 2 * len(ANSWERS)  # the judging answers, then the process's
        assert dict(tries) == expected
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        store.dispose()
