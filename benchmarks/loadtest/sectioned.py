"""One person through a page of sections (ui/sections.py), one widget moved in each.

A page of sections shows one section at a time, chosen by a segmented control (session
key `<prefix>section`; `?<query>=<code>` opens one). For each section a person (a) reruns
it unchanged and (b) moves its one `Knob`: a number input by ±0.1-1, a slider to another
value of its grid, a text input to another of its texts, or a button pressed. Sections
whose result comes later, through the SymPy job queue, wait for it after each move.

Used by the Beyond grad part of scenario "several" (benchmarks/loadtest/beyond.py) and by
scenario "teaching" (benchmarks/loadtest/teaching.py).
"""

from __future__ import annotations

import asyncio
import random
from typing import NamedTuple

from benchmarks.loadtest.kit import SYMBOLIC_LIMIT_S, cpu_check, latency_check
from benchmarks.loadtest.metrics import Check, ServerSample, kb, ms, summary
from benchmarks.loadtest.session import Interaction, Session


class Knob(NamedTuple):
    """The one widget a person moves in a section."""

    key: str  # its session-state key
    label: str  # its name in the table
    low: float = 0.0  # where a number's value stays
    high: float = 0.0
    grid: float | None = None  # a slider's step (values low + k * grid); None: a number input
    texts: tuple[str, ...] = ()  # a text input's texts (or a select slider's options)
    button: bool = False  # a button: pressed, each time


class PageSection(NamedTuple):
    """One section of a page, as a person uses it."""

    code: str  # its `?<query>=` value
    title: str  # its label on the segmented control
    short: str  # its name in the table
    knob: Knob
    symbolic: bool = False  # its result comes later, through the job queue


class SectionedPage(NamedTuple):
    """A page of sections: its URL path, picker key, name in the table and sections."""

    path: str  # "beyond_grad"
    section_key: str  # "bg_section"
    name: str  # "Beyond grad"
    sections: tuple[PageSection, ...]
    symbolic_in_latex: bool = False  # SymPy's results shown as st.latex (else as text)
    query: str = ""  # the link it is opened with ("tan=1&taylor=1")


def knob_value(knob: Knob, current, rng: random.Random):
    """Where a person moves `knob` from `current` (a slider's value is a list, `[v]`).

    A number input steps by ±0.1-1 (the other way at a bound); a slider goes to another
    value of its grid; a text input to another of its texts (a select slider: `[text]`);
    a button is pressed (True).

    Example:
        >>> knob_value(Knob("n", "n", 1, 3, 1), [2.0], random.Random(0)) in ([1.0], [3.0])
        True
    """
    if knob.button:
        return True
    if knob.texts:
        listed = isinstance(current, list)
        here = current[0] if listed and current else current
        choice = rng.choice([text for text in knob.texts if text != here])
        return [choice] if listed else choice
    if knob.grid is None:
        value, step = float(current), rng.choice([-1, 1]) * rng.uniform(0.1, 1.0)
        if not knob.low <= value + step <= knob.high:
            step = -step
        return round(min(knob.high, max(knob.low, value + step)), 3)
    steps = round((knob.high - knob.low) / knob.grid)
    grid = [round(knob.low + k * knob.grid, 6) for k in range(steps + 1)]
    here = float(current[0])
    return [float(rng.choice([v for v in grid if abs(v - here) > knob.grid / 2]))]


def session_for(page: SectionedPage, url: str, label: str, timeout_s: float) -> Session:
    session = Session(url, label, timeout_s, page_name=page.path)
    session.symbolic_needs_latex = page.symbolic_in_latex
    return session


async def switch(session: Session, page: SectionedPage, section: PageSection) -> Interaction:
    """Choose `section` (a page without a picker, `section_key` "", shows all: a rerun)."""
    if not page.section_key:
        return await session.interact("switch", section.code, lambda _shown: None)
    return await session.interact(
        "switch", section.code, lambda shown: shown.set(page.section_key, [section.title])
    )


async def move(session: Session, section: PageSection, rng: random.Random) -> Interaction:
    knob = section.knob
    value = knob_value(knob, None if knob.button else session.page.value(knob.key), rng)
    detail = f"{knob.key} pressed" if knob.button else f"{knob.key}={value}"
    return await session.interact(
        f"move {section.code}", detail, lambda shown: shown.set(knob.key, value)
    )


async def visit_sections(page: SectionedPage, url: str, timeout_s: float) -> list[Interaction]:
    """One tab opens the page and switches through its sections (a replica's warm-up)."""
    session = session_for(page, url, f"{page.path}-warm-up", max(timeout_s, 180.0))
    try:
        visits = [await session.open(page.query)]
        visits += [await switch(session, page, section) for section in page.sections[1:]]
        await session.wait_symbolic(visits[-1], 3 * SYMBOLIC_LIMIT_S)
    finally:
        await session.close()
    return visits


def by_section(visits: list[Interaction], sections) -> str:
    """Each section's paint time, as one cell of the table."""
    pairs = zip(sections, visits, strict=True)
    return ", ".join(f"{section.short} {ms(visit.painted_s)}" for section, visit in pairs)


async def timed(cluster, session: Session, count: int, act, wait_symbolic: bool):
    """`count` actions, 0.2 s apart; the servers' CPU from the first to SymPy's last."""
    before, done = ServerSample.take(cluster.pids), []
    for _ in range(count):
        done.append(await act())
        if wait_symbolic:  # a person who moved or typed reads SymPy's numbers too
            await session.wait_symbolic(done[-1], 3 * SYMBOLIC_LIMIT_S)
        await asyncio.sleep(0.2)
    return done, before, ServerSample.take(cluster.pids)


async def same_rerun(cluster, session, name: str, short: str, code: str, count: int):
    """Part (a): the same rerun `count` times: latency, CPU (≤ 30 ms) and bytes (≤ 100 kB)."""
    data = {}

    async def same() -> Interaction:
        return await session.interact("rerun", code, lambda _page: None)

    done, before, after = await timed(cluster, session, count, same, False)
    latency, data["a: latency"] = latency_check(
        name, f"{short} a: same rerun: latency", [i.painted_s for i in done]
    )
    cpu, data["a: cpu_ms"] = cpu_check(name, f"rerun ({short} a)", before, after, count, 30)
    size = data["a: bytes"] = summary(i.painted_bytes for i in done)
    weight = Check(
        name,
        f"bytes per rerun ({short} a)",
        f"p50 {kb(size['p50'])}, p95 {kb(size['p95'])}, max {kb(size['max'])}",
        "p95 ≤ 100 kB",
        size["p95"] is not None and size["p95"] <= 100_000,
    )
    data["a"] = [i.record() for i in done]
    return [latency, cpu, weight], data


async def moves(cluster, session, name: str, section: PageSection, rng, count: int, short: str):
    """Part (b): the section's knob moved `count` times (waiting for SymPy where it has)."""
    knob, data = section.knob, {}

    async def act() -> Interaction:
        return await move(session, section, rng)

    done, before, after = await timed(cluster, session, count, act, section.symbolic)
    what, many = ("press", "presses") if knob.button else ("move", "moves")
    latency, data["b: latency"] = latency_check(
        name, f"{short} b: {knob.label} {many}: latency", [i.painted_s for i in done]
    )
    cpu, data["b: cpu_ms"] = cpu_check(name, f"{what} ({short} b)", before, after, count)
    checks = [latency, cpu]
    if section.symbolic:
        sym, data["b: symbolic"] = latency_check(
            name, f"{short} b: SymPy's result delivered", [i.symbolic_s for i in done]
        )
        checks.append(sym)
    data["b: bytes"] = summary(i.painted_bytes for i in done)
    data["b"] = [i.record() for i in done]
    return checks, data


async def one_person(cluster, options, page: SectionedPage, name: str, rng, sizes):
    """One person through every section of `page`: (a) the same rerun, (b) moves.

    Returns the table's rows (the first: each section's paint time when opened) and the
    data; `sizes` is (reruns, moves) per section.
    """
    reruns, count = sizes
    session = session_for(page, cluster.session_url(0), page.path, options.timeout_s)
    checks, data, opened = [], {}, []
    try:
        opened.append(await session.open(page.query))
        for section in page.sections:
            if section != page.sections[0]:
                opened.append(await switch(session, page, section))
            await session.wait_symbolic(opened[-1], 3 * SYMBOLIC_LIMIT_S)
            short = f"{page.name}: {section.short}"
            same, same_data = await same_rerun(cluster, session, name, short, section.code, reruns)
            moved, moved_data = await moves(cluster, session, name, section, rng, count, short)
            checks += [*same, *moved]
            data[section.code] = {**same_data, **moved_data}
    finally:
        await session.close()
    shown = by_section(opened, page.sections)
    checks.insert(0, Check(name, f"{page.name}: section opened (warm replica)", shown))
    data["opened"] = [i.record() for i in opened]
    return checks, data, session.interactions
