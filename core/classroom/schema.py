"""The class store's tables (SQLAlchemy Core): the same schema on SQLite and PostgreSQL.

Every table carries the class `code`, indexed, so one class's rows are read and deleted
by one key. No foreign keys: SQLite ignores them unless told, and a class's rows are
always deleted together, in one transaction (`core.classroom.store.delete_classes`).
Times are seconds since the epoch (floats), taken from the store's clock so tests can
move it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# One row per running class: the view students follow, and the counters bounded per class.
# A student's poll reads `version` from this row by its primary key.
classes = Table(
    "class_classes",
    metadata,
    Column("code", String(6), primary_key=True),
    Column("key_hash", String(64), nullable=False),  # SHA-256 of the teacher key, never the key
    Column("title", Text, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("active_at", Float, nullable=False),  # last action: 12 h after it, the class ends
    Column("page", String(64), nullable=False, default=""),
    Column("query", Text, nullable=False, default=""),
    Column("paused", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=0),  # +1 on each change students see
    Column("question_id", String(32), nullable=True),  # the question students see now
    Column("students", Integer, nullable=False, default=0),  # seats taken (numbers Student n)
    Column("join_start", Float, nullable=True),  # the join burst's window
    Column("join_count", Integer, nullable=False, default=0),
    Index("class_classes_active", "active_at"),
)

students = Table(
    "class_students",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("code", String(6), nullable=False),
    Column("nickname", String(64), nullable=False),
    Column("nickname_key", String(128), nullable=False),
    Column("number", Integer, nullable=False),  # 1, 2, ...: "Student n" when anonymised
    Column("joined_at", Float, nullable=False),
    Column("following", Boolean, nullable=False, default=True),
    Column("burst_start", Float, nullable=True),  # the answer burst's window
    Column("burst_count", Integer, nullable=False, default=0),
    UniqueConstraint("code", "nickname_key", name="class_students_nickname"),
    Index("class_students_code", "code"),
)

questions = Table(
    "class_questions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("code", String(6), nullable=False),
    Column("number", Integer, nullable=False),  # 1, 2, ... within the class
    Column("expression", Text, nullable=False),  # canonical text of f
    Column("latex", Text, nullable=False),
    Column("order", Integer, nullable=False),
    Column("asked_at", Float, nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Index("class_questions_code", "code"),
)

# One row per distinct answer (canonical text) to a question: its verdict, slip and values,
# computed once when the first student sends it; every later copy reuses the row.
forms = Table(
    "class_forms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(6), nullable=False),
    Column("question_id", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("latex", Text, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("slip", Text, nullable=True),
    Column("message", Text, nullable=False),
    Column("worst_point", Float, nullable=True),
    Column("difference", Float, nullable=True),
    Column("points", Integer, nullable=False),
    Column("proven", Boolean, nullable=True),
    Column("samples", LargeBinary, nullable=False),  # float64 values at the sample points
    UniqueConstraint("question_id", "text", name="class_forms_text"),
    Index("class_forms_code", "code"),
)

# One row per student and question: the last answer counts (an UPSERT on the key).
answers = Table(
    "class_answers",
    metadata,
    Column("question_id", String(32), primary_key=True),
    Column("student_id", String(32), primary_key=True),
    Column("code", String(6), nullable=False),
    Column("form_id", Integer, nullable=False),
    Column("typed", Text, nullable=False),  # what the student typed (bounded)
    Column("answered_at", Float, nullable=False),
    Column("tries", Integer, nullable=False, default=1),
    Index("class_answers_code", "code"),
)

CLASS_TABLES = (answers, forms, questions, students, classes)  # children first, for deletes
