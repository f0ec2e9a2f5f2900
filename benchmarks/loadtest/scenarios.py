"""The nine scenarios, and the three that one person or one link makes.

1. single: one person; the same rerun, moves on a seen expression, new expressions.
2. classroom: 30 people for 3 minutes (`crowds`).
3. shared link: 100 people open the teacher's link within 10 s.
4. hostile neighbour: 10 people, alone and with one asking for the worst (`crowds`).
5. soak: one person types 1,000 distinct expressions.
6. several: the Several variables page, one person through its sections, then a class;
   and one person through the Beyond grad page's sections (`several`).
7. teaching: the Step by step page and the Explorer's tangent and Taylor sections, one
   person each, then a class of 30 on Step by step (`teaching`).
8. live-class: a teacher leads 60 students who follow, are asked and answer (`live_class`).
9. capacity: the classroom mix at 30, 60, 100 and 150 people, a minute each (`capacity`).

Every scenario returns a `Result`: its rows for the table and the raw numbers for the
JSON file. Random choices come from `random.Random` seeded by the scenario's name and
`Options.seed`, so two runs do the same things in the same order (the times differ;
the work does not).
"""

from __future__ import annotations

import asyncio

from benchmarks.loadtest.capacity import capacity
from benchmarks.loadtest.crowds import classroom, hostile
from benchmarks.loadtest.kit import (
    SYMBOLIC_LIMIT_S,
    Options,
    Pool,
    Result,
    cpu_check,
    error_check,
    latency_check,
    memory_check,
    rng_for,
)
from benchmarks.loadtest.live_class import live_class
from benchmarks.loadtest.metrics import Check, ServerSample, kb, mib, summary
from benchmarks.loadtest.servers import Cluster
from benchmarks.loadtest.session import Interaction, Session
from benchmarks.loadtest.several import several
from benchmarks.loadtest.teaching import teaching
from benchmarks.loadtest.users import ExplorerUser
from benchmarks.loadtest.users import shared_link as link_for

__all__ = ["SCENARIOS", "Options", "Pool", "Result"]


# -- 1. single ----------------------------------------------------------------------------
async def single(cluster: Cluster, options: Options, pool: Pool) -> Result:
    """One person: the same rerun, moves on a seen expression, new expressions."""
    name, rng = "single", rng_for(options, "single")
    session = Session(cluster.session_url(0), "single", options.timeout_s)
    checks, data = [], {}
    await session.open()
    user = ExplorerUser(session, rng, iter(pool.take("single")))
    parts = {
        "a: same rerun": (
            options.size(20, 5),
            lambda: session.interact("rerun", "", lambda _page: None),
        ),
        "b: slider/x₀/order moves": (options.size(30, 6), user.move),
        "c: new expression": (options.size(10, 3), lambda: user.type_expression(next(user.typed))),
    }
    try:
        for label, (count, act) in parts.items():
            before, done = ServerSample.take(cluster.pids), []
            new = label.startswith("c")
            for _ in range(count):
                done.append(await act())
                if new:  # a person who typed waits for SymPy's result
                    await session.wait_symbolic(done[-1], 3 * SYMBOLIC_LIMIT_S)
                await asyncio.sleep(0.2)
            after = ServerSample.take(cluster.pids)
            latency, stats = latency_check(name, f"{label}: latency", [i.painted_s for i in done])
            cpu, per = cpu_check(
                name, f"rerun ({label[0]})", before, after, count, None if new else 30
            )
            size = summary(i.painted_bytes for i in done)
            checks += [latency, cpu]
            part = {
                "latency": stats,
                "cpu_ms": per,
                "bytes": size,
                "interactions": [i.record() for i in done],
            }
            if new:
                first, part["first_chart"] = latency_check(
                    name, "c: first chart (AD + FD)", [i.first_chart_s for i in done], 0.1, "p50"
                )
                sym, part["symbolic"] = latency_check(
                    name, "c: symbolic delivered", [i.symbolic_s for i in done]
                )
                checks += [first, sym]
            else:
                checks.append(
                    Check(
                        name,
                        f"bytes per rerun ({label[0]})",
                        f"p50 {kb(size['p50'])}, p95 {kb(size['p95'])}, max {kb(size['max'])}",
                        "p95 ≤ 100 kB",
                        size["p95"] is not None and size["p95"] <= 100_000,
                    )
                )
            data[label] = part
        checks.append(error_check(name, session.interactions))
    finally:
        await session.close()
    return Result(name, checks, data)


# -- 3. shared link -----------------------------------------------------------------------
async def shared_link(cluster: Cluster, options: Options, pool: Pool) -> Result:
    """100 people open the teacher's link within 10 s."""
    name = "shared link"
    visitors, spread = options.size(100, 10), options.size(10.0, 3.0)
    query = link_for(pool.take("link")[0], order=4)
    rng = rng_for(options, "link")
    offsets = sorted(rng.uniform(0, spread) for _ in range(visitors))
    sessions = [
        Session(cluster.session_url(i), f"link{i}", options.timeout_s) for i in range(visitors)
    ]
    all_open = asyncio.Event()
    finished: list[Interaction] = []

    async def visit(session: Session, offset: float) -> Interaction:
        await asyncio.sleep(offset)
        try:
            opened = await session.open(query)
        except Exception as error:  # a refused or failed connection is a result too
            opened = Interaction("open", errors=[f"connect: {type(error).__name__}: {error}"])
        finished.append(opened)
        await all_open.wait()  # the tabs stay open until everyone has the page
        return opened

    before = ServerSample.take(cluster.pids)
    tasks = [asyncio.ensure_future(visit(s, t)) for s, t in zip(sessions, offsets, strict=True)]
    while len(finished) < visitors:
        await asyncio.sleep(0.2)
    after = ServerSample.take(cluster.pids)
    all_open.set()
    opened = list(await asyncio.gather(*tasks))
    await asyncio.gather(*(s.close() for s in sessions))
    paints = [i.painted_s if i.charts and not i.errors else float("inf") for i in opened]
    latency, stats = latency_check(
        name, f"first paint with a chart ({visitors} visitors)", paints, 3.0
    )
    cpu, per = cpu_check(name, "visitor", before, after, visitors)
    size = summary(i.painted_bytes for i in opened)
    checks = [
        latency,
        error_check(name, opened),
        cpu,
        Check(name, "bytes per first visit", f"p50 {kb(size['p50'])}"),
        memory_check(name, before, after),
    ]
    data = {
        "query": query,
        "latency": stats,
        "cpu_ms": per,
        "bytes": size,
        "pss_before": before.pss,
        "pss_after": after.pss,
        "interactions": [i.record() for i in opened],
    }
    return Result(name, checks, data)


# -- 5. soak ------------------------------------------------------------------------------
async def soak(cluster: Cluster, options: Options, pool: Pool) -> Result:
    """One person types 1,000 distinct expressions, one after another."""
    name = "soak"
    count, mark = options.size(1000, 30), options.size(50, 10)
    session = Session(cluster.session_url(0), "soak", options.timeout_s)
    user = ExplorerUser(session, rng_for(options, name), iter(()))
    samples: list[tuple[int, list[int]]] = [(0, ServerSample.take(cluster.pids).pss)]
    try:
        await session.open()
        for index, text in enumerate(pool.take(name, count), start=1):
            await user.type_expression(text)
            if index in (mark, count) or index % 50 == 0:
                samples.append((index, ServerSample.take(cluster.pids).pss))
    finally:
        await session.close()
    at_mark = next(pss for index, pss in samples if index == mark)
    end = samples[-1][1]
    growth = [(e - m) / m for m, e in zip(at_mark, end, strict=True) if m]
    worst = max(growth, default=None)
    latency, stats = latency_check(
        name, f"latency ({count} new expressions)", [i.painted_s for i in session.interactions[1:]]
    )
    checks = [
        Check(
            name,
            f"PSS growth after the first {mark} (worst replica)",
            "—" if worst is None else f"{worst:+.1%}",
            "≤ +10%",
            worst is not None and worst <= 0.10,
        ),
        Check(
            name,
            "PSS per replica at the end",
            ", ".join(mib(v) for v in end) + f" (total {mib(sum(end))})",
            "≤ 1,024 MiB each",
            max(end) <= 2**30,
        ),
        latency,
        error_check(name, session.interactions),
    ]
    data = {
        "count": count,
        "mark": mark,
        "pss_samples": samples,
        "growth": growth,
        "latency": stats,
        "interactions": [i.record() for i in session.interactions],
    }
    return Result(name, checks, data)


SCENARIOS = {
    "single": single,
    "classroom": classroom,
    "link": shared_link,
    "hostile": hostile,
    "soak": soak,
    "several": several,
    "teaching": teaching,
    "live-class": live_class,
    "capacity": capacity,
}
