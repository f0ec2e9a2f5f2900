"""Many people at once on the Explorer: the classroom and the hostile neighbour.

Each person is a `Session` driven by an `ExplorerUser`: opens the app at a random
moment in the first seconds, then acts every 3-8 s (uniform; timed from the start of
the previous action, and never while their own run is still going) in the classroom
mix, and at the end waits up to 10 s for SymPy's last result.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator

from benchmarks.loadtest import expressions
from benchmarks.loadtest.kit import (
    Options,
    Pool,
    Result,
    cpu_check,
    cycle,
    error_check,
    errors_of,
    latency_check,
    memory_check,
    one_of_a_class,
    rng_for,
    symbolic_checks,
)
from benchmarks.loadtest.metrics import Check, ServerSample, kb, ms, summary
from benchmarks.loadtest.servers import Cluster, settle
from benchmarks.loadtest.session import Interaction, Session
from benchmarks.loadtest.users import ExplorerUser


async def _mix_user(
    url: str,
    label: str,
    rng: random.Random,
    typed: Iterator[str],
    start_within_s: float,
    until: float,
    timeout_s: float,
) -> Session:
    session = Session(url, label, timeout_s)

    async def begin() -> ExplorerUser:
        await session.open()
        return ExplorerUser(session, rng, typed)

    return await one_of_a_class(session, begin, rng, start_within_s, until)


async def _crowd(
    cluster, options, name, users, seconds, typed, extra=(), start_within_s=None
) -> list[Session]:
    """`users` people in the classroom mix for `seconds`, plus the `extra` coroutines."""
    until = time.perf_counter() + seconds
    if start_within_s is None:
        start_within_s = options.size(10.0, 3.0)
    tasks = [
        _mix_user(
            cluster.session_url(index),
            f"{name}{index}",
            rng_for(options, name, index),
            cycle(typed[index::users] or typed),
            start_within_s,
            until,
            options.timeout_s,
        )
        for index in range(users)
    ]
    return list(await asyncio.gather(*tasks, *(coro(until) for coro in extra)))


def _actions(sessions: list[Session]) -> list[Interaction]:
    return [i for s in sessions for i in s.interactions if i.action != "open"]


async def classroom(cluster: Cluster, options: Options, pool: Pool) -> Result:
    """30 people for 3 minutes, each acting every 3-8 s in the classroom mix."""
    name = "classroom"
    users, seconds = options.size(30, 4), options.size(180.0, 20.0)
    before = ServerSample.take(cluster.pids)
    sessions = await _crowd(cluster, options, name, users, seconds, pool.take(name))
    after = ServerSample.take(cluster.pids)
    actions = _actions(sessions)
    everything = [i for s in sessions for i in s.interactions]
    latency, stats = latency_check(
        name,
        f"latency ({len(actions)} actions, {users} people)",
        [i.painted_s for i in actions],
        1.0,
    )
    symbolic, sym_data = symbolic_checks(name, actions)
    cpu, per = cpu_check(name, "interaction", before, after, len(everything))
    size = summary(i.painted_bytes for i in actions)
    polls = sum(s.fragment_reruns for s in sessions)
    checks = [
        latency,
        error_check(name, everything),
        *symbolic,
        cpu,
        Check(name, "bytes per action", f"p50 {kb(size['p50'])}, p95 {kb(size['p95'])}"),
        Check(
            name, "fragment polls (auto-reruns) per action", f"{polls / max(len(actions), 1):.1f}"
        ),
        memory_check(name, before, after),
    ]
    data = {
        "fragment_reruns": polls,
        "users": users,
        "seconds": seconds,
        "latency": stats,
        "symbolic": sym_data,
        "cpu_ms": per,
        "bytes": size,
        "pss_before": before.pss,
        "pss_after": after.pss,
        "interactions": [i.record() for i in everything],
    }
    return Result(name, checks, data)


async def _hostile(cluster, options, texts: list[str], until: float, log: list) -> Session:
    session = Session(cluster.session_url(10_000), "hostile", max(options.timeout_s, 180.0))
    try:
        await session.open()
        user = ExplorerUser(session, rng_for(options, "hostile"), iter(()))
        await user.set_order(10)
        for text in cycle(texts):
            if time.perf_counter() >= until or not session.alive:
                break
            log.append(await user.type_expression(text))
    finally:
        await session.close()
    return session


async def hostile(cluster: Cluster, options: Options, pool: Pool) -> Result:
    """10 people in the classroom mix, alone and with a neighbour asking for the worst.

    The phases alternate (alone, with, alone, with), each with new sessions and new
    expressions, after the servers have settled: a drift in the machine's load (other
    work on a shared machine) then weighs on both sides alike.
    """
    name = "hostile"
    users, seconds = options.size(10, 3), options.size(30.0, 15.0)
    rounds = options.size(2, 1)
    huge = expressions.huge_expressions(options.size(40, 6), options.seed)
    alone, others, log, phases = [], [], [], []
    before = ServerSample.take(cluster.pids)
    for round_ in range(rounds):
        for neighbour in (False, True):
            await settle(cluster.pids)
            label = f"{'with' if neighbour else 'alone'}{round_}-"
            typed = pool.take("hostile" if neighbour else "baseline")[round_::rounds]
            texts = huge[round_::rounds]
            extra = [lambda until, t=texts: _hostile(cluster, options, t, until, log)]
            sessions = await _crowd(
                cluster,
                options,
                label,
                users,
                seconds,
                typed,
                extra=extra if neighbour else (),
                start_within_s=options.size(5.0, 2.0),
            )
            actions = _actions(sessions[:users])
            (others if neighbour else alone).extend(actions)
            phases.append({"phase": label, "p95": summary(i.painted_s for i in actions)["p95"]})
    after = ServerSample.take(cluster.pids)
    p95_alone = summary(i.painted_s for i in alone)["p95"]
    p95_with = summary(i.painted_s for i in others)["p95"]
    ratio = p95_with / p95_alone if p95_alone and p95_with else None
    runs = summary(i.painted_s for i in log)
    shown = f"{ms(p95_alone)} → {ms(p95_with)} ({'—' if ratio is None else f'{ratio:.2f}×'})"
    checks = [
        Check(
            name,
            "others' p95: alone → with the neighbour",
            shown,
            "≤ 1.20×",
            ratio is not None and ratio <= 1.2,
        ),
        error_check(name, [*alone, *others]),
        Check(
            name,
            "the neighbour's runs (order 10, huge)",
            f"{len(log)} runs, p50 {ms(runs['p50'])}, max {ms(runs['max'])}, "
            f"{len(errors_of(log))} errors",
        ),
        memory_check(name, before, after),
    ]
    data = {
        "users": users,
        "phase_s": seconds,
        "phases": phases,
        "p95_alone": p95_alone,
        "p95_with": p95_with,
        "ratio": ratio,
        "alone": [i.record() for i in alone],
        "with_neighbour": [i.record() for i in others],
        "neighbour": [i.record() for i in log],
    }
    return Result(name, checks, data)
