"""The live-class names of DESIGN.md's contract are importable from `core` as written, and
the additions the Class page uses are there too (issue 24)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import core

REPO_ROOT = Path(__file__).resolve().parents[2]

CONTRACT = {
    "class_store": ("url",),
    "start_class": ("store", "title"),
    "join_class": ("store", "code", "nickname"),
    "push_view": ("store", "code", "teacher_key", "page", "query", "paused"),
    "class_view": ("store", "code"),
    "ask": ("store", "code", "teacher_key", "expression", "order"),
    "submit_answer": ("store", "code", "student_id", "question_id", "answer"),
    "class_results": ("store", "code", "teacher_key", "question_id"),
}
DEFAULTS = {
    ("class_store", "url"): None,
    ("start_class", "title"): "",
    ("push_view", "paused"): False,
    ("ask", "order"): 1,
}
ADDITIONS = {
    "view_version": ("store", "code"),
    "end_class": ("store", "code", "teacher_key"),
    "class_students": ("store", "code", "teacher_key"),
    "set_following": ("store", "code", "student_id", "following"),
    "current_question": ("store", "code"),
    "end_question": ("store", "code", "teacher_key"),
    "class_questions": ("store", "code", "teacher_key"),
    "last_answer": ("store", "code", "student_id", "question_id"),
    "export_rows": ("store", "code", "teacher_key"),
    "export_csv": ("store", "code", "teacher_key"),
    "purge_expired": ("store",),
}


@pytest.mark.parametrize("name", sorted(CONTRACT | ADDITIONS))
def test_the_signature_is_as_written(name):
    assert name in core.__all__
    parameters = inspect.signature(getattr(core, name)).parameters
    assert tuple(parameters) == (CONTRACT | ADDITIONS)[name]
    for parameter in parameters.values():
        assert parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        if (name, parameter.name) in DEFAULTS:
            assert parameter.default == DEFAULTS[name, parameter.name]


def test_the_error_and_the_records_have_their_fields():
    assert issubclass(core.ClassError, ValueError)
    assert core.ClassKeys._fields == ("code", "teacher_key")
    assert core.ClassView._fields[:4] == ("page", "query", "version", "paused")
    assert core.ClassResults._fields == ("students", "answered", "correct", "groups")
    assert core.AnswerGroup._fields[:4] == ("latex", "count", "correct", "mistake")
    assert core.ExportRow._fields == (
        "question", "function", "order", "nickname", "answer", "verdict", "slip", "time"
    )  # fmt: skip


def test_the_names_import_in_a_fresh_interpreter_without_jax():
    names = ", ".join(sorted(CONTRACT | ADDITIONS))
    script = (
        f"from core import ClassError, {names}\nimport sys\n"
        "print(any(m == 'jax' or m.startswith('jax.') for m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )
    assert completed.stdout.strip() == "False"  # a student's answer poll never loads JAX
