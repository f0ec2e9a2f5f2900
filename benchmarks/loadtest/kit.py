"""What every scenario shares: options, results, the expression pool, the checks.

A `Check` is one row of the table; the helpers here turn interactions and /proc
samples into the rows the scenarios report (errors, latency percentiles, SymPy's
delivery, CPU per interaction, memory).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import ClassVar

from benchmarks.loadtest import expressions
from benchmarks.loadtest.metrics import Check, ServerSample, kb, mib, ms, summary
from benchmarks.loadtest.session import Interaction, Session

SYMBOLIC_LIMIT_S = 10.0
THINK_S = (3.0, 8.0)  # a person acts every 3-8 s


@dataclasses.dataclass
class Options:
    quick: bool = False
    seed: int = 0
    timeout_s: float = 60.0  # an interaction with no script_finished by then is an error

    def size(self, full, quick):
        return quick if self.quick else full


@dataclasses.dataclass
class Result:
    name: str
    checks: list[Check]
    data: dict
    runtime_s: float = 0.0


class Pool:
    """Fixed, disjoint slices of one expression list, so a scenario's typing is new work."""

    SLICES: ClassVar[dict[str, tuple[int, int]]] = {
        "single": (0, 40),
        "link": (40, 41),
        "classroom": (100, 400),
        "baseline": (400, 550),
        "hostile": (550, 700),
        "soak": (700, 1700),
        "capacity": (1700, 2900),  # 300 for each crowd size
    }

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._texts: list[str] = []

    def take(self, name: str, count: int | None = None) -> list[str]:
        start, stop = self.SLICES[name]
        stop = stop if count is None else min(stop, start + count)
        if len(self._texts) < stop:
            self._texts = expressions.expressions(max(stop, len(self._texts)), self.seed)
        return self._texts[start:stop]


def rng_for(options: Options, *names) -> random.Random:
    return random.Random("-".join(map(str, (options.seed, *names))))


def cycle(texts: list[str]) -> Iterator[str]:
    while True:
        yield from texts


def errors_of(interactions: list[Interaction]) -> list[str]:
    return [error for i in interactions for error in i.errors]


def error_check(scenario: str, interactions: list[Interaction], target: bool = True) -> Check:
    errors = errors_of(interactions)
    shown = f"{len(errors)}" + (f" (first: {errors[0][:80]})" if errors else "")
    return Check(scenario, "errors", shown, "0" if target else "", not errors if target else None)


def symbolic_checks(scenario: str, interactions: list[Interaction]) -> tuple[list[Check], dict]:
    """Delivered within 10 s: counted over interactions whose outcome is known (not cut
    short by the same person's next action before 10 s had passed)."""
    limit = SYMBOLIC_LIMIT_S
    judged = [i for i in interactions if i.superseded_s is None or i.superseded_s >= limit]
    late = [i for i in judged if i.symbolic_s is None or i.symbolic_s > limit]
    stats = summary(i.symbolic_s for i in judged)
    data = {
        "judged": len(judged),
        "late_or_missing": len(late),
        **stats,
        "undetermined": len(interactions) - len(judged),
    }
    checks = [
        Check(
            scenario,
            "symbolic not delivered within 10 s",
            f"{len(late)} of {len(judged)}",
            "0",
            not late,
        ),
        Check(
            scenario,
            "symbolic delivered p95 / max",
            f"{ms(stats['p95'])} / {ms(stats['max'])}",
            "≤ 10 s",
            stats["max"] is not None and stats["max"] <= SYMBOLIC_LIMIT_S,
        ),
    ]
    return checks, data


def cpu_check(
    scenario: str,
    label: str,
    before: ServerSample,
    after: ServerSample,
    count: int,
    target_ms: float | None = None,
) -> tuple[Check, float]:
    per = after.cpu_since(before) / max(count, 1) * 1000
    target = f"≤ {target_ms:g} ms" if target_ms else ""
    passed = per <= target_ms if target_ms else None
    return Check(scenario, f"server CPU per {label}", f"{per:,.0f} ms", target, passed), per


def memory_check(scenario: str, before: ServerSample, after: ServerSample) -> Check:
    return Check(
        scenario,
        "PSS, all replicas: start → end",
        f"{mib(sum(before.pss))} → {mib(sum(after.pss))}",
    )


def latency_check(
    scenario: str, label: str, values, target_s: float | None = None, key: str = "p95"
) -> tuple[Check, dict]:
    stats = summary(values)
    shown = f"p50 {ms(stats['p50'])}, p95 {ms(stats['p95'])}, max {ms(stats['max'])}"
    if target_s is None:
        return Check(scenario, label, shown), stats
    passed = stats[key] is not None and stats[key] <= target_s
    return Check(scenario, label, shown, f"{key} ≤ {ms(target_s)}", passed), stats


async def one_of_a_class(
    session: Session,
    begin: Callable[[], Awaitable[object]],
    rng: random.Random,
    start_within_s: float,
    until: float,
) -> Session:
    """One person of a crowd: arrives within `start_within_s`, `begin()`s (opens the page
    and returns who acts: anything with `act()`), acts every THINK_S until `until`, then
    waits up to SYMBOLIC_LIMIT_S for SymPy's last result. A failure to connect is recorded
    as an interaction with an error, never raised."""
    await asyncio.sleep(rng.uniform(0, start_within_s))
    try:
        user = await begin()
        next_at = time.perf_counter() + rng.uniform(*THINK_S)
        while next_at < until and session.alive:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            acted = time.perf_counter()
            await user.act()
            next_at = acted + rng.uniform(*THINK_S)
        if session.interactions:
            await session.wait_symbolic(session.interactions[-1], SYMBOLIC_LIMIT_S)
    except Exception as error:  # could not connect at all: a result, not a crash
        failed = Interaction("failed", errors=[f"session: {type(error).__name__}: {error}"])
        session.interactions.append(failed)
    finally:
        await session.close()
    return session


def class_rows(
    scenario: str,
    sessions: list[Session],
    everything: list[Interaction],
    samples: tuple[ServerSample, ServerSample],
    kinds: tuple[str, dict[str, int]],
    size: tuple[int, float],
) -> tuple[list[Check], dict]:
    """The rows of a class on one page: latency (p95 ≤ 1 s), errors, SymPy's delivery,
    CPU per interaction, bytes, the mix of actions and memory, with their data.

    `everything` is every interaction (opens included); `kinds` is the mix's title and
    count per kind ("moves / switches", {"move": 7, "switch": 2}); `size` is
    (people, seconds).
    """
    (before, after), (users, seconds) = samples, size
    actions = [i for i in everything if i.action != "open"]
    latency, stats = latency_check(
        scenario, f"latency ({len(actions)} actions, {users} people)",
        [i.painted_s for i in actions], 1.0,
    )  # fmt: skip
    symbolic, sym_data = symbolic_checks(scenario, actions)
    cpu, per = cpu_check(scenario, "interaction", before, after, len(everything))
    weight = summary(i.painted_bytes for i in actions)
    title, counts = kinds
    checks = [
        latency,
        error_check(scenario, everything),
        *symbolic,
        cpu,
        Check(scenario, "bytes per action", f"p50 {kb(weight['p50'])}, p95 {kb(weight['p95'])}"),
        Check(scenario, f"actions: {title}", " / ".join(map(str, counts.values()))),
        memory_check(scenario, before, after),
    ]
    data = {
        "users": users,
        "seconds": seconds,
        "latency": stats,
        "symbolic": sym_data,
        "cpu_ms": per,
        "bytes": weight,
        "fragment_reruns": sum(s.fragment_reruns for s in sessions),
        "interactions": [i.record() for i in everything],
    }
    return checks, data
