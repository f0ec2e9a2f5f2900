"""Scenario "teaching": the Step by step page (views/teaching.py) and the Explorer's
tangent, secant and Taylor sections (ui/explorer_tangent.py), alone and in a class.

1. One person through each section of Step by step (`/teaching`: segmented control
   `t_s`, `?t_s=<title>`): (a) the same rerun, (b) one widget moved: a new f for
   the steps (their SymPy work comes through the job queue: each waits for it), a new
   answer to check (the numbers' verdict at once, SymPy's proof later), and the graph's
   Step button pressed.
2. One person on the Explorer opened with both sections (`/?tan=true&taylor=true`): the
   Taylor degree moved, and Shrink h pressed. The driver sends full reruns, as it does
   everywhere: a browser reruns only the section's fragment, so these are upper bounds.
3. A class of 30 on Step by step, each opening a random section's link and acting every
   3-8 s: 70% moves of their section's widget, 30% switches to another section.

Before all, every replica opens each section once (reported, not judged).
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.parse

from benchmarks.loadtest import sectioned
from benchmarks.loadtest.kit import (
    Options,
    Pool,
    Result,
    class_rows,
    error_check,
    one_of_a_class,
    rng_for,
)
from benchmarks.loadtest.metrics import Check, ServerSample
from benchmarks.loadtest.sectioned import Knob, PageSection, SectionedPage
from benchmarks.loadtest.servers import Cluster, settle
from benchmarks.loadtest.session import Interaction, Session

ALONE, CLASS = "teaching: one person", "teaching: classroom"
STEP_FUNCTIONS = (
    "x^2*sin(x)", "e^(x^2)/x", "ln(cos(x))", "atan(sqrt(x))", "|x|*x", "tanh(x)^3",
    "sin(x)^2*cos(3x)", "x^3 - 2x + 1", "sqrt(1 + x^2)", "exp(sin(x))/(1 + x^2)",
    "log(x^2 + 1)*cosh(x)", "asin(x/2) + x*acos(x/3)",
)  # fmt: skip
# Answers to d/dx sin(x)² (the section's default f): right ones written differently, and
# near misses.
ANSWERS = (
    "sin(2x)", "2sin(x)cos(x)", "2x*cos(x)", "cos(x)^2", "2sin(x)", "sin(x)cos(x)",
    "2cos(x)sin(x)", "1 - cos(2x)",
)  # fmt: skip
TEACHING = SectionedPage(
    "teaching",
    "t_s",
    "Step by step",
    (
        PageSection("steps", "Rules, step by step", "Steps",
                    Knob("t_rf", "f", texts=STEP_FUNCTIONS), True),
        PageSection("check", "Check your answer", "Check",
                    Knob("t_ca", "answer", texts=ANSWERS), True),
        PageSection("graph", "Computational graph", "Graph",
                    Knob("t_g_next", "Step button", button=True)),
    ),
)  # fmt: skip
TANGENTS = SectionedPage(
    "",
    "",
    "Explorer",
    (
        PageSection("taylor", "", "Taylor degree",
                    Knob("deg", "degree slider", 1, 10, 1)),
        PageSection("secant", "", "Shrink h", Knob("explorer_shrink_h", "Shrink h", button=True)),
    ),
    query="tan=true&taylor=true",
)  # fmt: skip
MOVE_SHARE = 0.7
VERDICT = "error box: Not quite"  # a wrong answer's verdict: what the page is for, not a fault


def _without_verdicts(interactions: list[Interaction]) -> list[Interaction]:
    """The interactions with the wrong answers' red verdicts taken out of their errors."""
    for interaction in interactions:
        interaction.errors = [e for e in interaction.errors if not e.startswith(VERDICT)]
    return interactions


class TeachingUser:
    """One person of the class on Step by step, on their own seeded random stream."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        self.section = rng.choice(TEACHING.sections)

    async def open(self) -> Interaction:
        return await self.session.open(urllib.parse.urlencode({"t_s": self.section.title}))

    async def act(self) -> Interaction:
        if self.rng.random() < MOVE_SHARE:
            return await sectioned.move(self.session, self.section, self.rng)
        self.section = self.rng.choice([s for s in TEACHING.sections if s != self.section])
        return await sectioned.switch(self.session, TEACHING, self.section)


async def _warm_replica(url: str, timeout_s: float):
    return (
        await sectioned.visit_sections(TEACHING, url, timeout_s),
        await sectioned.visit_sections(TANGENTS, url, timeout_s),
    )


async def _class_member(url, label, rng, start_within_s, until, timeout_s) -> Session:
    session = sectioned.session_for(TEACHING, url, label, timeout_s)

    async def begin() -> TeachingUser:
        user = TeachingUser(session, rng)
        await user.open()
        return user

    return await one_of_a_class(session, begin, rng, start_within_s, until)


async def _classroom(cluster: Cluster, options: Options) -> tuple[list[Check], dict]:
    users, seconds = options.size(30, 4), options.size(90.0, 15.0)
    until = time.perf_counter() + seconds
    before = ServerSample.take(cluster.pids)
    sessions = await asyncio.gather(
        *(
            _class_member(
                cluster.session_url(index),
                f"teaching-class{index}",
                rng_for(options, "teaching-class", index),
                options.size(10.0, 3.0),
                until,
                options.timeout_s,
            )
            for index in range(users)
        )
    )
    after = ServerSample.take(cluster.pids)
    everything = _without_verdicts([i for s in sessions for i in s.interactions])
    kinds = {k: sum(i.action.startswith(k) for i in everything) for k in ("move", "switch")}
    return class_rows(
        CLASS, sessions, everything, (before, after), ("moves / switches", kinds),
        (users, seconds),
    )  # fmt: skip


async def _alone(cluster: Cluster, options: Options, page: SectionedPage, label: str):
    sizes = (options.size(6, 2), options.size(6, 2))
    rng = rng_for(options, label)
    checks, data, interactions = await sectioned.one_person(
        cluster, options, page, ALONE, rng, sizes
    )
    errors = error_check(ALONE, _without_verdicts(interactions))
    errors.metric = f"{page.name}: errors"
    return [*checks, errors], data


async def teaching(cluster: Cluster, options: Options, pool: Pool) -> Result:  # noqa: ARG001
    """Step by step and the Explorer's tangent sections: one person each, then a class."""
    warmed = await asyncio.gather(
        *(_warm_replica(url, options.timeout_s) for url in cluster.replica_urls)
    )
    first_teaching = sectioned.by_section(warmed[0][0], TEACHING.sections)
    first_tangents = sectioned.by_section(warmed[0][1], TANGENTS.sections)
    await settle(cluster.pids)
    steps, steps_data = await _alone(cluster, options, TEACHING, "teaching")
    await settle(cluster.pids)
    tangents, tangents_data = await _alone(cluster, options, TANGENTS, "tangents")
    await settle(cluster.pids)
    crowd, crowd_data = await _classroom(cluster, options)
    visits = [i for replica in warmed for pages in replica for i in pages]
    warm_errors = error_check(ALONE, visits)
    warm_errors.metric = "errors in the warm-up visits"
    checks = [
        Check(ALONE, "Step by step: first visit of each section (warm-up)", first_teaching),
        Check(ALONE, "Explorer with both sections open: first visit (warm-up)", first_tangents),
        warm_errors,
        *steps,
        *tangents,
        *crowd,
    ]
    data = {
        "warm_up": [[[i.record() for i in page] for page in replica] for replica in warmed],
        "one_person": steps_data,
        "tangents": tangents_data,
        "classroom": crowd_data,
    }
    return Result("teaching", checks, data)
