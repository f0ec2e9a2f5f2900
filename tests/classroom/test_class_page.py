"""The Class page and the class around every page, in AppTest: a teacher and students, each
in a session of their own, sharing one store (a SQLite file) as replicas do.

AppTest has no browser: a teacher's view reaches the store from the link the page runs
with (the browser's address), so these tests give the teacher's page its view by a link;
tests/browser/test_browser_class.py types and clicks through nginx and two replicas.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import APP, no_exception

CLASS = "views/classroom.py"


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """Every test's classes in a store of its own (the store is one per URL and process)."""
    monkeypatch.setenv("DERIVATIVE_EXPLORER_CLASS_STORE", f"sqlite:///{tmp_path}/class.sqlite3")
    from ui.classroom import membership

    membership.store.clear()


def _session(view: str = CLASS, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(view).run()
    no_exception(at)
    return at


def _start(teacher: AppTest) -> str:
    teacher.button(key="class_start").click().run()
    no_exception(teacher)
    shown = " ".join(m.value for m in teacher.markdown)
    return re.search(r"\*\*Class ([A-Z2-9]{6})\*\*", shown).group(1)


def _join(code: str, nickname: str) -> AppTest:
    student = _session(CLASS, {"code": code.lower()})  # the join link; any case
    assert student.text_input(key="class_code").value == code.lower()
    student.text_input(key="class_nickname").input(nickname)
    student.button(key="class_join").click().run()
    no_exception(student)
    assert any(nickname in s.value for s in student.success)
    return student


def _texts(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [e.value for e in at.error]
        + [s.value for s in at.success]
        + [m.value for m in at.metric]
        + [str(m.label) for m in at.metric]
    )


def test_a_class_code_is_six_characters_a_student_can_read_aloud():
    teacher = _session()
    code = _start(teacher)
    assert re.fullmatch(r"[A-HJ-KM-NP-Z2-9]{6}", code)
    links = [block.value for block in teacher.code]
    assert any(link.endswith(f"/class?code={code}") for link in links)  # the join link
    assert any("key=" in link for link in links)  # the teacher's control link, apart
    assert any("svg" in html.proto.body for html in teacher.get("html"))  # the QR code


def test_students_follow_the_teachers_view_and_pause():
    teacher = _session()
    code = _start(teacher)
    student = _join(code, "Ada")
    # the teacher shows the Explorer at a function: the student's next run opens it
    teacher.query_params["f"] = "x^3 + cos(x)"
    teacher.switch_page("views/explorer.py").run()
    no_exception(teacher)
    student.run()
    no_exception(student)
    assert student.text_input(key="f").value == "x^3 + cos(x)"
    # "Eyes on me": the student sees the pause card, and the page no more
    teacher.toggle(key="class_pause").set_value(True).run()
    student.run()
    assert "Eyes on your teacher" in _texts(student)
    assert not student.get("plotly_chart")
    teacher.toggle(key="class_pause").set_value(False).run()
    student.run()
    assert "Eyes on your teacher" not in _texts(student)
    # exploring on one's own: the teacher's next view does not move the student
    student.button(key="class_explore").click().run()
    # (AppTest reruns the page it last opened itself: back to the one the browser shows)
    student.switch_page("views/explorer.py").run()
    teacher.query_params["f"] = "tanh(x)"
    teacher.run()
    student.run()
    assert student.text_input(key="f").value == "x^3 + cos(x)"
    assert "class_rejoin" in [button.key for button in student.button]


def test_a_question_is_answered_and_tallied_with_the_slip_named():
    teacher = _session()
    code = _start(teacher)
    answers = {"Ada": "2x cos(x^2)", "Ben": "cos(x^2)*2*x", "Cy": "cos(x^2)"}
    students = {name: _join(code, name) for name in answers}
    teacher.text_input(key="class_ask_f").input("sin(x^2)")
    teacher.button(key="class_ask").click().run()
    no_exception(teacher)
    for name, answer in answers.items():
        student = students[name]
        student.run()
        box = next(t for t in student.text_input if t.key.startswith("class_answer_"))
        box.input(answer).run()
        send = next(b for b in student.button if b.key.startswith("class_send_"))
        send.click().run()
        no_exception(student)
        verdicts = [s.value for s in student.success] + [e.value for e in student.error]
        assert verdicts, name
    teacher.run()
    shown = _texts(teacher)
    assert "3 of 3" in shown
    assert "chain rule" in shown.lower()
    correct = next(m for m in teacher.metric if m.label == "Correct")
    assert correct.value == "2"  # 2x cos(x²) and cos(x²)·2x: one group, both right


def test_a_wrong_code_or_a_bad_nickname_says_what_to_do():
    student = _session()
    student.text_input(key="class_code").input("ZZZZZZ")
    student.text_input(key="class_nickname").input("Ada")
    student.button(key="class_join").click().run()
    no_exception(student)
    assert student.error
    assert "code" in student.error[0].value
    teacher = _session()
    code = _start(teacher)
    student.text_input(key="class_code").input(code)
    student.text_input(key="class_nickname").input("<script>")
    student.button(key="class_join").click().run()
    no_exception(student)
    assert student.error
    assert "nickname" in student.error[0].value.lower()


def test_only_the_control_link_gives_the_teachers_page():
    teacher = _session()
    code = _start(teacher)
    control = next(block.value for block in teacher.code if "key=" in block.value)
    key = control.split("key=")[1]
    again = _session(CLASS, {"code": code, "key": key})  # another device
    assert "class_ask" in [button.key for button in again.button]
    assert "key" not in dict(again.query_params)  # the secret leaves the address bar
    stranger = _session(CLASS, {"code": code, "key": "guess" * 6})
    assert "class_ask" not in [button.key for button in stranger.button]
    assert stranger.error
