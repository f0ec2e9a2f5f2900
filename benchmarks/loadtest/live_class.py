"""Scenario "live class": a teacher leads, N students follow, ask and answer (issue 24).

1 teacher + 60 students (`--quick`: 10) behind nginx for 3 minutes (`--quick`: 30 s).
Every person is a `Session` (Streamlit's websocket protocol, as the browser speaks it):

- The teacher opens the Class page, presses "Start a class" and reads the code and the
  teacher key off the page; opens the Explorer from the sidebar (a rerun naming that
  page's script hash, the link's query empty, as a sidebar link does); types a new
  function every ~20 s; every ~60 s goes to the Class page, types the question's
  function, presses Ask and watches the dashboard (its fragment reruns every second, sent
  by the session on the server's `auto_rerun`) until every answer is in, then goes back.
- A student opens the join link (`/class?code=…`), types a nickname, presses Join. From
  then the server wakes them when the class changes (ui.classroom.waker: a run the
  server starts, as a browser sees it) and their sidebar's safety poll fragment reruns
  every 10 s (`auto_rerun`); when the teacher's view changes, the woken run switches the
  page (`st.switch_page` with the teacher's query: a `new_session` naming the page's
  script hash and a `page_info_changed` with the query, both followed by the session). A
  student answers the open question 1-8 s after it appears (type, then press Send: two
  reruns, as a text box's blur and a click are), right, right in another form or with
  the chain-rule slip; a quarter of them explore once: "Explore on my own", a move of
  the Explorer's order slider, "Rejoin the teacher".

Measured: follow latency (the teacher's run that pushed the view finished → the
student's session finished a full run on that page with that function: page and query
as the server sent them); answer → dashboard (the student pressed Send → the teacher's
dashboard shows that many answers; the k-th answer counted in the order the Send runs
finished); every other interaction's paint; errors; answers lost (the store read
directly at the end, `core.class_results` with the teacher key, against the Sends that
finished); server CPU per follower per minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import re
import time
import urllib.parse
from dataclasses import dataclass, field

from streamlit.util import calc_hash

from benchmarks.loadtest import protocol
from benchmarks.loadtest.kit import Options, Pool, Result, latency_check, rng_for
from benchmarks.loadtest.metrics import Check, ServerSample, ms, summary
from benchmarks.loadtest.servers import Cluster
from benchmarks.loadtest.session import Interaction, Session

NAME = "live class"
CLASS, EXPLORER = "class", "explorer"  # url paths; a page's script hash is calc_hash(path)
FUNCTIONS = ("x^3 + cos(x)", "sin(2x)", "exp(-x^2)", "tanh(x)", "x^2 sin(x)", "log(1 + x^2)")
QUESTIONS = (  # function, (right, right in another form, the chain-rule slip)
    ("sin(x^2)", ("2x cos(x^2)", "cos(x^2)*2x", "cos(x^2)")),
    ("exp(3x)", ("3exp(3x)", "exp(3x)*3", "exp(3x)")),
    ("cos(x^3)", ("-3x^2 sin(x^3)", "-sin(x^3)*3x^2", "-sin(x^3)")),
)
ANSWER_MIX = (0.6, 0.2, 0.2)
EXPLORE_SHARE = 0.25
VERDICT_BOX = "error box:"  # a wrong answer's verdict is an st.error box: not a failure


class ClassSession(Session):
    """A Session that calls `on_run(self, fragment)` after each run it sees finish."""

    def __init__(self, *args, on_run=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_run = on_run
        self.verdicts: set[str] = set()  # the error boxes that are a wrong answer's verdict

    def _on_finished(self, msg) -> None:
        super()._on_finished(msg)
        ok = (protocol.FINISHED, protocol.FINISHED_FRAGMENT)
        if self.on_run is not None and msg.script_finished in ok:
            self.on_run(self, bool(msg.metadata.run.fragment_ids))

    def on(self, path: str) -> bool:
        return self.page_script_hash == calc_hash(path)

    def query(self, name: str) -> str | None:
        values = urllib.parse.parse_qs(self.query_string).get(name)
        return values[0] if values else None


@dataclass
class Push:
    """One view the teacher pushed: the Explorer at `function` (None: any)."""

    function: str | None
    sent: float
    followers: set[str]
    pushed: float | None = None  # the teacher's run finished (the push is committed)
    seen: dict[str, float] = field(default_factory=dict)  # student -> full run with it


@dataclass
class Asked:
    """One question: what was sent and what the teacher's dashboard showed."""

    function: str
    answers: tuple[str, str, str]
    question_id: str | None = None  # learnt from the first student who sees it
    sends: list[tuple[float, float, str, int]] = field(default_factory=list)
    shown: list[tuple[float, int]] = field(default_factory=list)  # (time, answered)
    watching: bool = True


@dataclass
class Lesson:
    """What the teacher and the students share in the driver (never the server's state)."""

    code: str = ""
    key: str = ""
    pushes: list[Push] = field(default_factory=list)
    asked: list[Asked] = field(default_factory=list)
    following: dict[str, bool] = field(default_factory=dict)
    run_errors: set[str] = field(default_factory=set)  # exceptions seen in any run
    # student -> (time, page path or "?", f in the link, f shown) of each full run
    runs: dict[str, list] = field(default_factory=dict)
    begin: float = math.inf  # the lesson's clock (after the joins)
    until: float = math.inf


def _texts(session: Session, kind: str, attribute: str) -> list[str]:
    return [getattr(node.proto, attribute) for node in session.page.elements(kind)]


def _on_page_errors(lesson: Lesson, session: Session) -> None:
    for node in session.page.elements("exception"):
        lesson.run_errors.add(f"{session.name}: exception: {node.proto.message[:120]}")


def _f(session: ClassSession) -> tuple[str | None, str | None]:
    """The Explorer's function as the link says it and as its box shows it."""
    try:
        shown = session.page.value("f")
    except KeyError:
        shown = None
    return session.query("f"), shown


def _student_run(lesson: Lesson, question: asyncio.Event):
    def on_run(session: ClassSession, fragment: bool) -> None:
        if fragment:
            return
        _on_page_errors(lesson, session)
        now = time.perf_counter()
        page = next((p for p in (EXPLORER, CLASS, "go") if session.on(p)), "?")
        lesson.runs.setdefault(session.name, []).append((now, page, *_f(session)))
        for push in lesson.pushes:
            waiting = session.name in push.followers and session.name not in push.seen
            if waiting and session.on(EXPLORER) and push.function in (None, *_f(session)):
                push.seen[session.name] = now
        if any("class_answer_" in node.proto.id for node in session.page.widgets()):
            question.set()

    return on_run


def _teacher_run(lesson: Lesson):
    def on_run(session: ClassSession, fragment: bool) -> None:
        if not fragment:
            _on_page_errors(lesson, session)
        if not lesson.asked or not lesson.asked[-1].watching:
            return
        for node in session.page.elements("metric"):
            if node.proto.label == "Answered":
                answered = int(node.proto.body.split(" of ")[0])
                lesson.asked[-1].shown.append((time.perf_counter(), answered))

    return on_run


async def _go(session: ClassSession, path: str) -> Interaction:
    """A sidebar link: the page's script hash, the link's query empty."""
    session.page_script_hash, session.page_name, session.query_string = calc_hash(path), path, ""
    return await session.interact("page", path, lambda _page: None)


async def _press(session: Session, key: str, action: str) -> Interaction:
    return await session.interact(action, key, lambda page: page.set(key, True))


async def _type(session: Session, key: str, text: str, action: str) -> Interaction:
    return await session.interact(action, text, lambda page: page.set(key, text))


# -- the teacher --------------------------------------------------------------------------
async def _start(teacher: ClassSession, lesson: Lesson) -> None:
    await teacher.open()
    await _press(teacher, "class_start", "start")
    shown = " ".join(_texts(teacher, "markdown", "body"))
    lesson.code = re.search(r"\*\*Class ([A-Z2-9]{6})\*\*", shown).group(1)
    control = next(t for t in _texts(teacher, "code", "code_text") if "key=" in t)
    lesson.key = urllib.parse.parse_qs(urllib.parse.urlsplit(control).query)["key"][0]
    if not teacher.on(CLASS):
        raise RuntimeError("the Class page's script hash is not calc_hash('class')")


async def _push(teacher: ClassSession, lesson: Lesson, function: str | None) -> None:
    followers = {name for name, follows in lesson.following.items() if follows}
    push = Push(function, time.perf_counter(), followers)
    lesson.pushes.append(push)
    if function is None:
        done = await _go(teacher, EXPLORER)
    else:
        done = await _type(teacher, "f", function, "function")
    push.pushed = push.sent + (done.painted_s or 0.0)


async def _ask(teacher: ClassSession, lesson: Lesson, number: int, students: int, wait_s: float):
    function, answers = QUESTIONS[number % len(QUESTIONS)]
    await _go(teacher, CLASS)
    await _type(teacher, "class_ask_f", function, "ask: type")
    asked = Asked(function, answers)
    lesson.asked.append(asked)
    await _press(teacher, "class_ask", "ask")
    deadline = time.perf_counter() + wait_s
    while time.perf_counter() < deadline:  # the dashboard's fragment reruns meanwhile
        if asked.shown and asked.shown[-1][1] >= students:
            break
        await asyncio.sleep(0.25)
    asked.watching = False
    await _go(teacher, EXPLORER)


async def _teach(teacher, lesson, options, begin, until, students) -> None:
    change_s, ask_s = options.size(20.0, 7.0), options.size(60.0, 14.0)
    functions = iter(FUNCTIONS * 20)
    await _push(teacher, lesson, None)  # the Explorer opens: a page switch for everyone
    next_change, next_ask, asked = begin + change_s, begin + ask_s * 5 / 6, 0
    while time.perf_counter() < until and teacher.alive:
        due = min(next_change, next_ask)
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if time.perf_counter() >= until:
            break
        if next_ask <= next_change:
            await _ask(teacher, lesson, asked, students, options.size(25.0, 10.0))
            asked, next_ask = asked + 1, next_ask + ask_s
            next_change = max(next_change, time.perf_counter() + 1.0)
        else:
            await _push(teacher, lesson, next(functions))
            next_change += change_s


# -- a student ----------------------------------------------------------------------------
def _open_question(student: ClassSession) -> str | None:
    """The id of the question whose answer box the student's page shows, if any."""
    for node in student.page.widgets():
        if "class_answer_" in node.proto.id:
            return node.proto.id.rsplit("class_answer_", 1)[1]
    return None


def _asked(lesson: Lesson, question: str) -> Asked:
    """The question by its id: an id not seen before is the one asked last (the teacher
    notes a question before pressing Ask, so a student cannot see it earlier)."""
    for asked in lesson.asked:
        if asked.question_id == question:
            return asked
    lesson.asked[-1].question_id = question
    return lesson.asked[-1]


async def _answer(student: ClassSession, lesson: Lesson, question: str, rng) -> None:
    asked = _asked(lesson, question)
    pick = rng.choices(range(3), ANSWER_MIX)[0]
    await _type(student, f"class_answer_{question}", asked.answers[pick], "answer: type")
    sent = await _press(student, f"class_send_{question}", "answer: send")
    if pick == 2:  # a wrong answer's verdict is an error box, as it should be
        student.verdicts.update(
            f"{VERDICT_BOX} {body[:200]}" for body in student.page.error_boxes()
        )
    if sent.painted_s is not None and not set(sent.errors) - student.verdicts:
        asked.sends.append((sent.started, sent.started + sent.painted_s, question, pick))


async def _explore(student: ClassSession, lesson: Lesson, rng: random.Random) -> None:
    lesson.following[student.name] = False
    await _press(student, "class_explore", "explore")
    if not student.on(EXPLORER):
        await _go(student, EXPLORER)
    order = rng.choice([2.0, 3.0, 5.0, 6.0])
    await student.interact("move", f"n={order}", lambda page: page.set("n", [order]))
    await _press(student, "class_rejoin", "rejoin")
    lesson.following[student.name] = True


async def _learn(index, cluster, lesson, options, rng, joined) -> ClassSession:
    question = asyncio.Event()
    name = f"student{index}"
    student = ClassSession(
        cluster.session_url(index + 1), name, options.timeout_s, page_name=CLASS,
        on_run=_student_run(lesson, question),
    )  # fmt: skip
    try:
        await asyncio.sleep(rng.uniform(0, options.size(20.0, 3.0)))
        await student.open(urllib.parse.urlencode({"code": lesson.code.lower()}))
        await _type(student, "class_nickname", f"Learner {index}", "nickname")
        await _press(student, "class_join", "join")
        lesson.following[name] = True
        joined.append(student)
        explore_at = rng.uniform(0.2, 0.8) if rng.random() < EXPLORE_SHARE else None
        answered: set[str] = set()
        while time.perf_counter() < lesson.until + 3.0 and student.alive:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(question.wait(), 1.0)
            if question.is_set():
                question.clear()
                shown = _open_question(student)
                if shown is not None and shown not in answered:
                    answered.add(shown)
                    await asyncio.sleep(rng.uniform(*options.size((2.0, 8.0), (1.0, 4.0))))
                    if _open_question(student) == shown:
                        await _answer(student, lesson, shown, rng)
            elif explore_at is not None and time.perf_counter() > lesson.begin + explore_at * (
                lesson.until - lesson.begin
            ):
                explore_at = None
                await _explore(student, lesson, rng)
    except Exception as error:  # one person's failure is a result, not a crash
        failed = Interaction("failed", errors=[f"student: {type(error).__name__}: {error}"])
        student.interactions.append(failed)
    finally:
        await student.close()
    return student


# -- the scenario -------------------------------------------------------------------------
async def live_class(cluster: Cluster, options: Options, pool: Pool) -> Result:  # noqa: ARG001
    """1 teacher + N students on the replicas behind nginx: follow, ask, answer (its
    functions are its own, not the pool's: a class sees a few, many times)."""
    import core  # the store the replicas share: the same URL from the same environment

    students, seconds = options.size(60, 10), options.size(180.0, 30.0)
    lesson, joined = Lesson(), []
    teacher = ClassSession(
        cluster.session_url(0), "teacher", options.timeout_s, page_name=CLASS,
        on_run=_teacher_run(lesson),
    )  # fmt: skip
    try:
        await _start(teacher, lesson)
        tasks = [
            asyncio.ensure_future(
                _learn(i, cluster, lesson, options, rng_for(options, NAME, i), joined)
            )
            for i in range(students)
        ]
        waited = time.perf_counter() + options.size(40.0, 15.0)
        while len(joined) < students and time.perf_counter() < waited:
            await asyncio.sleep(0.25)
        idle = await _idle_class(cluster, joined, options.size(15.0, 6.0))
        before = ServerSample.take(cluster.pids)  # the lesson's CPU, not the joins'
        begin = lesson.begin = time.perf_counter()
        until = lesson.until = begin + seconds
        await _teach(teacher, lesson, options, begin, until, len(joined))
        sessions = list(await asyncio.gather(*tasks))
        after = ServerSample.take(cluster.pids)
        store = core.class_store()
        questions = core.class_questions(store, lesson.code, lesson.key)
        counted = [core.class_results(store, lesson.code, lesson.key, q.id) for q in questions]
        core.end_class(store, lesson.code, lesson.key)  # its data deleted, as a class's is
    finally:
        await teacher.close()
    return _result(
        lesson, teacher, sessions, counted, (before, after), (students, begin, until), idle
    )


async def _idle_class(cluster: Cluster, joined: list, seconds: float) -> tuple[float, int, float]:
    """The server CPU (s), the polls sent and the seconds measured while every student
    waits and the teacher does nothing: what following costs when nothing changes."""
    before, polls = ServerSample.take(cluster.pids), sum(s.fragment_reruns for s in joined)
    start = time.perf_counter()
    await asyncio.sleep(seconds)
    after = ServerSample.take(cluster.pids)
    polled = sum(s.fragment_reruns for s in joined) - polls
    return after.cpu_since(before), polled, time.perf_counter() - start


def _follows(lesson: Lesson) -> tuple[list[float], int, int]:
    """Follow latencies (s, from the teacher's push), and follows missed / expected."""
    latencies, missed, expected = [], 0, 0
    for push in lesson.pushes:
        expected += len(push.followers)
        missed += len(push.followers - set(push.seen))
        start = push.pushed or push.sent
        latencies += [max(0.0, seen - start) for seen in push.seen.values()]
    return latencies, missed, expected


def _late(lesson: Lesson, push: Push, after: float = 3.0) -> dict[str, list]:
    """The followers shown the push more than `after` s late (or never): their full runs
    from the push until then (seconds from the push, page, f in the link, f shown)."""
    start = push.pushed or push.sent
    late = {}
    for name in sorted(push.followers):
        seen = push.seen.get(name)
        if seen is not None and seen - start <= after:
            continue
        until = seen if seen is not None else math.inf
        late[name] = [
            (round(t - start, 2), page, link, shown)
            for t, page, link, shown in lesson.runs.get(name, [])
            if start - 1 <= t <= until
        ][:20]
    return late


def _dashboard(lesson: Lesson) -> tuple[list[float], int]:
    """Answer → dashboard latencies, and answers the dashboard never showed while watched."""
    latencies, unseen = [], 0
    for asked in lesson.asked:
        for rank, (sent, _, _, _) in enumerate(sorted(asked.sends, key=lambda s: s[1]), 1):
            shown = next((t for t, count in asked.shown if count >= rank and t >= sent), None)
            if shown is None:
                unseen += 1
            else:
                latencies.append(shown - sent)
    return latencies, unseen


def _result(lesson, teacher, sessions, counted, samples, size, idle) -> Result:
    (before, after), (students, begin, until), (idle_cpu, idle_polls, idle_s) = samples, size, idle
    idle_ms = idle_cpu / max(students, 1) / max(idle_s, 1e-9) * 1000
    everyone = [teacher, *sessions]
    actions = [i for s in everyone for i in s.interactions if i.action not in ("open", "failed")]
    errors = [
        e for s in everyone for i in s.interactions for e in i.errors if e not in s.verdicts
    ] + sorted(lesson.run_errors)
    follow, missed, expected = _follows(lesson)
    dash, unseen = _dashboard(lesson)
    sent = sum(len(asked.sends) for asked in lesson.asked)
    stored = sum(result.answered for result in counted)
    right_sent = sum(1 for asked in lesson.asked for s in asked.sends if s[3] < 2)
    right_stored = sum(result.correct for result in counted)
    minutes = (until - begin) / 60
    cpu = after.cpu_since(before)
    per_follower = cpu / max(students, 1) / max(minutes, 1e-9) * 1000
    follow_row, follow_stats = latency_check(
        NAME, f"follow latency ({len(follow)} follows, {len(lesson.pushes)} pushes)", follow, 2.0
    )
    dash_row, dash_stats = latency_check(
        NAME, f"answer → dashboard ({len(dash)} answers)", dash, 2.0
    )
    other_row, other_stats = latency_check(
        NAME, f"other interactions ({len(actions)})", [i.painted_s for i in actions], 1.0
    )
    shown_errors = f"{len(errors)}" + (f" (first: {errors[0][:80]})" if errors else "")
    checks = [
        follow_row,
        Check(NAME, "follows missed (a follower never shown a push)", f"{missed} of {expected}"),
        dash_row,
        other_row,
        Check(NAME, "errors", shown_errors, "0", not errors),
        Check(NAME, "answers lost (Sends that finished − the store's count)",
              f"{sent - stored} ({stored} counted of {sent} sent)", "0", stored == sent),
        Check(NAME, "answers judged right (store vs sent right)",
              f"{right_stored} of {right_sent}", "equal", right_stored == right_sent),
        Check(NAME, "answers the watched dashboard never showed", f"{unseen}"),
        Check(NAME, "server CPU per follower per minute", f"{per_follower:,.0f} ms"),
        Check(NAME, "server CPU per student per second (an idle class)",
              f"{idle_ms:.2f} ms ({idle_polls:,} polls in {idle_s:.0f} s)"),
        Check(NAME, "poll fragment reruns sent",
              f"{sum(s.fragment_reruns for s in sessions):,}"),
    ]  # fmt: skip
    data = {
        "students": students,
        "joined": len(lesson.following),
        "seconds": until - begin,
        "code": lesson.code,
        "follow": follow_stats,
        "follows_missed": missed,
        "follows_expected": expected,
        "pushes": [
            {
                "function": p.function,
                "followers": len(p.followers),
                "seen": len(p.seen),
                "latency": summary(t - (p.pushed or p.sent) for t in p.seen.values()),
                "late": _late(lesson, p),
            }
            for p in lesson.pushes
        ],
        "dashboard": dash_stats,
        "other": other_stats,
        "answers_sent": sent,
        "answers_stored": stored,
        "right_sent": right_sent,
        "right_stored": right_stored,
        "cpu_s": cpu,
        "cpu_ms_per_follower_minute": per_follower,
        "idle_cpu_s": idle_cpu,
        "idle_polls": idle_polls,
        "idle_s": idle_s,
        "idle_ms_per_student_second": idle_ms,
        "errors": errors[:50],
        "interactions": [i.record() for s in everyone for i in s.interactions],
        "dashboard_reads": [summary(t for t, _ in a.shown) for a in lesson.asked],
        "answer_ms": ms(summary(dash)["p50"]),
    }
    return Result(NAME, checks, data)
