"""Nothing lost (issue 24): answers sent at once from several processes are each counted
exactly once, on SQLite (one file shared by the processes) and on PostgreSQL."""

from __future__ import annotations

import multiprocessing

import sqlalchemy as sa

import core
from core.classroom import ClassStore, schema
from tests.classroom.workers import ROOMY, answer_twice

PROCESSES = 8
STUDENTS_EACH = 20  # 40 answers a process: each student answers twice
FIRST, LAST = "x^2", "2x"  # every student answers wrong, then right: the last counts


def test_answers_from_eight_processes_are_each_counted_once(store_url):
    store = ClassStore(store_url, limits=ROOMY)
    try:
        keys = core.start_class(store)
        question = core.ask(store, keys.code, keys.teacher_key, "x^2")
        students = [
            core.join_class(store, keys.code, f"s{n}") for n in range(PROCESSES * STUDENTS_EACH)
        ]
        # Judge both answers once here, so the workers only read their forms (no JAX there).
        for answer in (FIRST, LAST):
            core.submit_answer(store, keys.code, students[0], question, answer)
        groups = [students[i::PROCESSES] for i in range(PROCESSES)]
        # Plain processes (pool workers are daemons, which may not start the parsing
        # worker a submit uses), spawned: none inherits this process's JAX threads or
        # database connections. (A forkserver is one per process: started earlier by the
        # symbolic workers' pool, whose preload imports JAX, its children hung here.)
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        processes = [
            context.Process(
                target=answer_twice,
                args=(store_url, keys.code, question, group, (FIRST, LAST), results),
            )
            for group in groups
        ]
        for process in processes:
            process.start()
        sent = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join(timeout=60)
            assert process.exitcode == 0
        assert sent == [2 * STUDENTS_EACH] * PROCESSES
        results = core.class_results(store, keys.code, keys.teacher_key, question)
        total = PROCESSES * STUDENTS_EACH
        assert (results.students, results.answered, results.correct) == (total, total, total)
        with store.read() as connection:
            tries = connection.execute(
                sa.select(schema.answers.c.student_id, schema.answers.c.tries)
            ).all()
        expected = dict.fromkeys(students, 2)
        expected[students[0]] = 4  # the two judging answers, then the worker's two
        assert dict(tries) == expected
    finally:
        store.dispose()
