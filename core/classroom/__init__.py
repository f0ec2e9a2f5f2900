"""The live class: a teacher's class that students join with a code, one shared store.

State lives in one database that every replica reaches (SQLite by default, PostgreSQL
across machines; `core.classroom.store`), never in a process's memory. Modules:
`codes` (codes, keys, nicknames), `store` and `schema` (the database), `lessons` (start,
join, the followed view, end), `questions` (ask and answer), `judging` (each distinct
answer judged once, its slip named by `core.teaching.slips`), `results` (grouping),
`export` (CSV), `limits` (bounds and bursts).
"""

from __future__ import annotations

from core.classroom.errors import ClassError
from core.classroom.export import ExportRow, export_csv, export_rows
from core.classroom.lessons import (
    ClassKeys,
    ClassView,
    Student,
    class_students,
    class_view,
    end_class,
    join_class,
    push_view,
    set_following,
    start_class,
    view_version,
)
from core.classroom.limits import Burst, Limits
from core.classroom.questions import (
    Question,
    ask,
    class_questions,
    current_question,
    end_question,
    last_answer,
    submit_answer,
)
from core.classroom.results import AnswerGroup, ClassResults, class_results
from core.classroom.store import ClassStore, class_store, purge_expired

__all__ = [
    "AnswerGroup",
    "Burst",
    "ClassError",
    "ClassKeys",
    "ClassResults",
    "ClassStore",
    "ClassView",
    "ExportRow",
    "Limits",
    "Question",
    "Student",
    "ask",
    "class_questions",
    "class_results",
    "class_store",
    "class_students",
    "class_view",
    "current_question",
    "end_class",
    "end_question",
    "export_csv",
    "export_rows",
    "join_class",
    "last_answer",
    "purge_expired",
    "push_view",
    "set_following",
    "start_class",
    "submit_answer",
    "view_version",
]
