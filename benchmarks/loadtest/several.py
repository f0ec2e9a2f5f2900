"""Scenario "several": the Several variables page (views/several_variables.py), alone and
in a small class, and the Beyond grad page (views/beyond_grad.py), alone.

The page (URL path `/several_variables`) shows one of eight sections, chosen by a
segmented control (key `v_s`; `?v_s=<title>` opens one). Widgets by their
session-state keys: each section's typed function (`v_gf`, `v_jf`, ..., the sparse
section's g(u) `v_sg`) and its point's number inputs (`v_gx`, `v_gy`, ...); the Sparse
Jacobians section has no point: a move there picks another n on its select slider
(`v_sn`, `Section.knob`), and a new n or g is timed by the server once per (g, n).
SymPy's partial derivatives arrive later through the same polling fragment as the
Explorer's ("Symbolic: queued…"); the Gradient and Jacobians sections show them as
LaTeX, the Hessian and Three variables sections in tables only
(`Session.symbolic_needs_latex`).

1. One person, section after section: (a) the same rerun, (b) the point moved by a
   small random step, waiting each time for SymPy's values at the new point, and (c) in
   Gradient, Jacobians and Hessian, new typed functions.
2. One person on Beyond grad, section after section (benchmarks/loadtest/beyond.py).
3. A class on Several variables: people each opening a random section's link, acting
   every 3-8 s: 60% point moves, 20% section switches, 20% new functions.

Before all, every replica opens each section of both pages once (the first visit imports
the page's modules and warms JAX's primitives; reported, not judged). Typed functions
are smooth, defined everywhere, distinct and seeded (`functions`).
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from benchmarks.loadtest.beyond import BEYOND, BEYOND_SECTIONS, beyond_grad_alone, visit_beyond_grad
from benchmarks.loadtest.kit import (
    SYMBOLIC_LIMIT_S,
    Options,
    Pool,
    Result,
    class_rows,
    cpu_check,
    cycle,
    error_check,
    latency_check,
    one_of_a_class,
    rng_for,
)
from benchmarks.loadtest.metrics import Check, ServerSample, summary
from benchmarks.loadtest.sectioned import Knob, by_section, knob_value, same_rerun, timed
from benchmarks.loadtest.servers import Cluster, settle
from benchmarks.loadtest.session import Interaction, Session
from core.language.expression import parse_expression
from core.language.vector import parse_vector

PAGE = "several_variables"
SECTION_KEY = "v_s"
ALONE, CLASS = "several: one person", "several: classroom"
MIX = (("move", 0.60), ("switch", 0.20), ("type", 0.20))
ONE_PERSON_FUNCTIONS = 20  # per kind; the class types the ones after these


class Section(NamedTuple):
    """One section of the page, as a person uses it."""

    code: str  # its `?v_s=` value
    title: str  # its label on the segmented control
    short: str  # its name in the table
    function_key: str
    point_keys: tuple[str, ...]
    bounds: tuple[float, float]  # where a moved coordinate stays
    kind: str  # the typed functions that fit: a key of TEMPLATES
    symbolic: bool  # SymPy's result comes later, through the polling fragment
    symbolic_in_latex: bool  # shown as st.latex (else in a table only)
    typed_alone: bool  # the one person types new functions here (part c)
    knob: Knob | None = None  # moved instead of a point coordinate (a section with no point)


SECTIONS = (
    Section("gradient", "Gradient", "Gradient", "v_gf", ("v_gx", "v_gy"), (-3.5, 3.5),
            "xy", True, True, True),
    Section("jacobian", "Jacobians: forward and reverse", "Jacobians", "v_jf",
            ("v_jx", "v_jy"), (-3.5, 3.5), "xy-vector", True, True, True),
    Section("jvp", "JVP and VJP", "JVP and VJP", "v_pf", ("v_px", "v_py"), (-3.5, 3.5),
            "xy-vector", False, False, False),
    Section("hessian", "Hessian and stationary points", "Hessian", "v_hf",
            ("v_hx", "v_hy"), (-3.5, 3.5), "xy", True, False, True),
    Section("change", "Change of variables", "Change of variables", "v_cf",
            ("v_cpu", "v_cpv"), (0.05, 1.0), "uv-map", False, False, False),
    Section("three", "Three variables", "Three variables", "v_tf",
            ("v_tx", "v_ty", "v_tz"), (-3.5, 3.5), "xyz", True, False, False),
    Section("sparse", "Sparse Jacobians", "Sparse Jacobians", "v_sg", (), (0.0, 0.0), "u",
            False, False, False,
            Knob("v_sn", "n select slider", texts=("10", "30", "100", "300", "1000", "2500"))),
    Section("hvp", "Hessian-vector products", "HVP", "v_hvf", ("v_hvx", "v_hvy", "v_hvz"),
            (-3.5, 3.5), "xyz", False, False, False),
)  # fmt: skip

# Smooth functions, defined on the whole plane (space), with seeded numbers in them.
_XY = (
    "{a}*x^2 + {b}*sin(y) + x*y/{k}",
    "sin({a}*x)*cos(y/{k}) + {b}*x",
    "{a}*exp(-(x^2 + y^2)/{k}) + y",
    "{a}*x^3 - {b}*x*y^2 + y",
    "cos(x + {a}*y) + x^2/{k}",
    "tanh({a}*x - y) + {b}*y^2",
    "atan(x*y/{k}) + {a}*x^2",
    "log(1 + x^2 + {a}*y^2)",
    "sqrt(1 + x^2 + y^2/{k})",
    "x^2*y/{k} + {a}*cos(y)",
)
TEMPLATES = {
    "xy": _XY,
    "xy-vector": ("[{0}, {1}]",),  # two different functions of "xy", each its own numbers
    "uv-map": (
        "[{a}*u*cos(v), u*sin(v)]",
        "[u*cos(v), u*sin(v)/{a}]",
        "[u + v/{k}, v]",
        "[{a}*u + v/{k}, u - v/{b}]",
        "[u*cos(v) + {a}, u*sin(v) - {b}]",
        "[u^2 - v^2/{k}, {a}*u*v]",
    ),
    "xyz": (
        "{a}*x^2 + y*z/{k} + {b}*sin(z)",
        "exp(-(x^2 + y^2 + z^2)/{k}) + {a}*z",
        "x*y*z/{k} + {a}*cos(x + z)",
        "{a}*x^3 + {b}*y^2 - z/{k}",
    ),
    "u": (  # g(u) of the Sparse Jacobians section
        "-{a}*exp(u)",
        "{a}*u^3 - u/{k}",
        "sin({a}*u) + {b}",
        "-{b}*exp(u/{k})",
        "u^2/{k} - {a}",
        "tanh({a}*u) + u/{k}",
    ),
}
_VARIABLES = {
    "xy": ("x", "y"), "xy-vector": ("x", "y"), "uv-map": ("u", "v"), "xyz": "xyz", "u": ("u",),
}  # fmt: skip


def _draw(rng: random.Random, template: str) -> str:
    numbers = {
        "a": str(rng.choice([2, 3, 4, 5, 0.5, 1.5, 2.5, 0.3])),
        "b": str(rng.randint(1, 9)),
        "k": str(rng.randint(2, 8)),
    }
    return template.format(**numbers)


def functions(kind: str, count: int, seed: int) -> list[str]:
    """`count` distinct typed functions of one kind, the same for the same seed.

    Each list is the start of any longer one, so slices of it are disjoint work.

    Example:
        >>> functions("xy", 2, 0) == functions("xy", 5, 0)[:2]
        True
    """
    rng, variables = random.Random(f"several-{kind}-{seed}"), tuple(_VARIABLES[kind])
    found: dict[str, str] = {}  # canonical text -> typed text
    for _ in range(100 * count):
        if len(found) == count:
            break
        if kind == "xy-vector":
            text = "[{}, {}]".format(*(_draw(rng, t) for t in rng.sample(_XY, 2)))
        else:
            text = _draw(rng, rng.choice(TEMPLATES[kind]))
        parse = parse_vector if kind.endswith(("vector", "map")) else parse_expression
        parsed = parse(text, variables)
        if not parsed.parameters:
            found.setdefault(parsed.text, text)
    return list(found.values())


class SeveralUser:
    """One person on the Several variables page, acting on their own seeded random stream."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        typed: Mapping[str, Iterator[str]],
        section: Section = SECTIONS[0],
    ) -> None:
        self.session = session
        self.rng = rng
        self.typed = typed  # kind -> where this person's new functions come from
        self.section = section

    async def open(self, link: bool = False) -> Interaction:
        """Open the page on `self.section`: by its link (`?v_s=`), or plainly (the default)."""
        self.session.symbolic_needs_latex = self.section.symbolic_in_latex
        return await self.session.open(
            urllib.parse.urlencode({"v_s": self.section.title}) if link else ""
        )

    async def act(self) -> Interaction:
        """One action of the class mix: 60% moves, 20% section switches, 20% typing."""
        action = self.rng.choices([name for name, _ in MIX], [share for _, share in MIX])[0]
        if action == "move":
            return await self.move()
        if action == "switch":
            return await self.switch(self.rng.choice([s for s in SECTIONS if s != self.section]))
        return await self.type_function()

    async def switch(self, section: Section) -> Interaction:
        self.section = section
        self.session.symbolic_needs_latex = section.symbolic_in_latex
        return await self.session.interact(
            "switch", section.code, lambda page: page.set(SECTION_KEY, [section.title])
        )

    async def move(self) -> Interaction:
        """Step one coordinate of the section's point by 0.05-0.5, staying in its bounds
        (a section without a point: move its knob, e.g. another n)."""
        knob = self.section.knob
        if knob is not None:
            value = knob_value(knob, self.session.page.value(knob.key), self.rng)
            return await self.session.interact(
                f"move {self.section.code}", f"{knob.key}={value}",
                lambda page: page.set(knob.key, value),
            )  # fmt: skip
        key, (low, high) = self.rng.choice(self.section.point_keys), self.section.bounds
        current = float(self.session.page.value(key))
        step = self.rng.choice([-1, 1]) * self.rng.uniform(0.05, 0.5)
        if not low <= current + step <= high:
            step = -step
        value = round(min(high, max(low, current + step)), 3)
        return await self.session.interact(
            f"move {self.section.code}", f"{key}={value}", lambda page: page.set(key, value)
        )

    async def type_function(self) -> Interaction:
        text, key = next(self.typed[self.section.kind]), self.section.function_key
        return await self.session.interact(
            f"type {self.section.code}", text, lambda page: page.set(key, text)
        )


async def _warm_replica(url: str, timeout_s: float):
    """A replica's warm-up: each section of Several variables, then of Beyond grad."""
    return await _visit_every_section(url, timeout_s), await visit_beyond_grad(url, timeout_s)


async def _visit_every_section(url: str, timeout_s: float) -> list[Interaction]:
    """One tab opens the page and switches through every section (a replica's warm-up)."""
    session = Session(url, "several-warm-up", max(timeout_s, 180.0), page_name=PAGE)
    user = SeveralUser(session, random.Random(0), {})
    try:
        visits = [await user.open()]
        visits += [await user.switch(section) for section in SECTIONS[1:]]
    finally:
        await session.close()
    return visits


# -- 1. one person ------------------------------------------------------------------------
async def _section_alone(cluster, session, user, section, sizes) -> tuple[list[Check], dict]:
    name, short = ALONE, section.short
    reruns, moves, typed = sizes
    checks, data = await same_rerun(cluster, session, name, short, section.code, reruns)

    done, before, after = await timed(cluster, session, moves, user.move, section.symbolic)
    latency, data["b: latency"] = latency_check(
        name, f"{short} b: point moves: latency", [i.painted_s for i in done]
    )
    cpu, data["b: cpu_ms"] = cpu_check(name, f"move ({short} b)", before, after, moves)
    data["b: bytes"] = summary(i.painted_bytes for i in done)
    checks += [latency, cpu]
    if section.symbolic:
        sym, data["b: symbolic"] = latency_check(
            name, f"{short} b: symbolic at the new point", [i.symbolic_s for i in done]
        )
        checks.append(sym)
    data["b"] = [i.record() for i in done]

    if not section.typed_alone:
        return checks, data
    done, before, after = await timed(cluster, session, typed, user.type_function, True)
    if any(i.charts for i in done):
        first, data["c: first chart"] = latency_check(
            name, f"{short} c: new function: first chart", [i.first_chart_s for i in done],
            0.1, "p50",
        )  # fmt: skip
        checks.append(first)
    latency, data["c: latency"] = latency_check(
        name, f"{short} c: new function: painted", [i.painted_s for i in done]
    )
    sym, data["c: symbolic"] = latency_check(
        name, f"{short} c: new function: symbolic delivered", [i.symbolic_s for i in done]
    )
    cpu, data["c: cpu_ms"] = cpu_check(name, f"new function ({short} c)", before, after, typed)
    data["c: bytes"] = summary(i.painted_bytes for i in done)
    data["c"] = [i.record() for i in done]
    return [*checks, latency, sym, cpu], data


async def _one_person(cluster: Cluster, options: Options) -> tuple[list[Check], dict]:
    sizes = (options.size(8, 2), options.size(8, 2), options.size(5, 1))
    session = Session(cluster.session_url(0), "several", options.timeout_s, page_name=PAGE)
    typed = {kind: iter(functions(kind, ONE_PERSON_FUNCTIONS, options.seed)) for kind in TEMPLATES}
    user = SeveralUser(session, rng_for(options, "several"), typed)
    checks, data, opened = [], {}, []
    try:
        opened.append(await user.open())
        for section in SECTIONS:
            if section != SECTIONS[0]:
                opened.append(await user.switch(section))
            await session.wait_symbolic(opened[-1], 3 * SYMBOLIC_LIMIT_S)
            rows, data[section.code] = await _section_alone(cluster, session, user, section, sizes)
            checks += rows
    finally:
        await session.close()
    shown = by_section(opened, SECTIONS)
    checks.insert(0, Check(ALONE, "section opened (its default function, warm replica)", shown))
    checks.append(error_check(ALONE, session.interactions))
    data["opened"] = [i.record() for i in opened]
    return checks, data


# -- 3. the class -------------------------------------------------------------------------
async def _class_member(url, label, rng, typed, start_within_s, until, timeout_s) -> Session:
    session = Session(url, label, timeout_s, page_name=PAGE)

    async def begin() -> SeveralUser:
        user = SeveralUser(session, rng, typed, rng.choice(SECTIONS))
        await user.open(link=True)
        return user

    return await one_of_a_class(session, begin, rng, start_within_s, until)


async def _classroom(cluster: Cluster, options: Options) -> tuple[list[Check], dict]:
    users, seconds = options.size(30, 4), options.size(90.0, 15.0)
    start = ONE_PERSON_FUNCTIONS
    pools = {k: functions(k, start + 4 * users, options.seed)[start:] for k in TEMPLATES}
    until = time.perf_counter() + seconds
    before = ServerSample.take(cluster.pids)
    sessions = await asyncio.gather(
        *(
            _class_member(
                cluster.session_url(index),
                f"several-class{index}",
                rng_for(options, "several-class", index),
                {kind: cycle(texts[index::users]) for kind, texts in pools.items()},
                options.size(10.0, 3.0),
                until,
                options.timeout_s,
            )
            for index in range(users)
        )
    )
    after = ServerSample.take(cluster.pids)
    everything = [i for s in sessions for i in s.interactions]
    kinds = {k: sum(i.action.startswith(k) for i in everything) for k, _ in MIX}
    return class_rows(
        CLASS, sessions, everything, (before, after), ("moves / switches / typed", kinds),
        (users, seconds),
    )  # fmt: skip


async def several(cluster: Cluster, options: Options, pool: Pool) -> Result:  # noqa: ARG001
    """The Several variables page: one person through every section, then a class; and
    one person through every section of Beyond grad."""
    warmed = await asyncio.gather(
        *(_warm_replica(url, options.timeout_s) for url in cluster.replica_urls)
    )
    visits, beyond_visits = [w[0] for w in warmed], [w[1] for w in warmed]
    first = by_section(visits[0], SECTIONS)
    beyond_first = by_section(beyond_visits[0], BEYOND_SECTIONS)
    await settle(cluster.pids)
    alone, alone_data = await _one_person(cluster, options)
    await settle(cluster.pids)
    beyond, beyond_data = await beyond_grad_alone(cluster, options, ALONE)
    await settle(cluster.pids)
    crowd, crowd_data = await _classroom(cluster, options)
    everything = [i for replica in visits + beyond_visits for i in replica]
    warm_errors = error_check(ALONE, everything)
    warm_errors.metric = "errors in the warm-up visits"
    checks = [
        Check(ALONE, "first visit of each section on a fresh replica (warm-up)", first),
        Check(ALONE, f"{BEYOND.name}: first visit of each section (warm-up)", beyond_first),
        warm_errors,
        *alone,
        *beyond,
        *crowd,
    ]
    data = {
        "warm_up": [[i.record() for i in replica] for replica in visits],
        "warm_up_beyond_grad": [[i.record() for i in replica] for replica in beyond_visits],
        "one_person": alone_data,
        "beyond_grad": beyond_data,
        "classroom": crowd_data,
    }
    return Result("several", checks, data)
