"""Scenario "capacity": the classroom mix at 30, 60, 100 and 150 people (issue 25).

Each crowd acts for a minute (`--quick`: 4 and 8 people for 15 s) on the same servers,
with new expressions for each size and the servers settled in between. A row per size:
the interactions' p95, SymPy's results delivered p95, symbolic results given up (not
delivered within 10 s), errors and server CPU per interaction — where the p95 crosses 1 s
and where SymPy starts giving up is the knee, per core of this machine.
"""

from __future__ import annotations

import os

from benchmarks.loadtest.crowds import _actions, _crowd
from benchmarks.loadtest.kit import Options, Pool, Result, errors_of, symbolic_checks
from benchmarks.loadtest.metrics import Check, ServerSample, ms, summary
from benchmarks.loadtest.servers import Cluster, settle

NAME = "capacity"
SIZES, QUICK_SIZES = (30, 60, 100, 150), (4, 8)
TEXTS_PER_SIZE = 300


async def capacity(cluster: Cluster, options: Options, pool: Pool) -> Result:
    """The classroom mix at each size in turn (see the module's docstring)."""
    sizes, seconds = options.size(SIZES, QUICK_SIZES), options.size(60.0, 15.0)
    texts = pool.take(NAME)
    rows, checks = [], []
    for index, users in enumerate(sizes):
        await settle(cluster.pids)
        before = ServerSample.take(cluster.pids)
        typed = texts[index * TEXTS_PER_SIZE : (index + 1) * TEXTS_PER_SIZE]
        sessions = await _crowd(cluster, options, f"capacity{users}-", users, seconds, typed)
        after = ServerSample.take(cluster.pids)
        actions = _actions(sessions)
        everything = [i for s in sessions for i in s.interactions]
        latency = summary(i.painted_s for i in actions)
        _, symbolic = symbolic_checks(NAME, actions)
        cpu_ms = after.cpu_since(before) / max(len(everything), 1) * 1000
        busy = after.cpu_since(before) / seconds / (os.cpu_count() or 1)
        row = {
            "people": users,
            "actions": len(actions),
            "p95_s": latency["p95"],
            "symbolic_p95_s": symbolic["p95"],
            "symbolic_given_up": symbolic["late_or_missing"],
            "symbolic_judged": symbolic["judged"],
            "errors": len(errors_of(everything)),
            "cpu_ms_per_interaction": cpu_ms,
            "machine_busy": busy,  # server CPU over the minute, per core (the tail runs past it)
        }
        rows.append(row)
        checks.append(
            Check(
                NAME,
                f"{users} people ({len(actions)} actions)",
                f"p95 {ms(row['p95_s'])}, SymPy p95 {ms(row['symbolic_p95_s'])}, given up "
                f"{row['symbolic_given_up']} of {row['symbolic_judged']}, errors "
                f"{row['errors']}, CPU {cpu_ms:,.0f} ms/interaction, machine {busy:.0%} busy",
                "p95 ≤ 1 s, 0 given up" if users == 100 else "",
                (row["p95_s"] or 0) <= 1.0 and not row["symbolic_given_up"] and not row["errors"]
                if users == 100
                else None,
            )
        )
    knee = next((r["people"] for r in rows if (r["p95_s"] or 0) > 1.0), None)
    gives_up = next((r["people"] for r in rows if r["symbolic_given_up"]), None)
    cores = os.cpu_count() or 1
    within = rows[-1]["people"] if knee is None else _below(rows, knee)
    checks.append(
        Check(
            NAME,
            f"knee ({cores} cores)",
            f"p95 over 1 s from {knee or '—'} people; SymPy gives up from "
            f"{gives_up or '—'} people; {within / cores:g} people per core within 1 s",
        )
    )
    return Result(NAME, checks, {"rows": rows, "seconds": seconds, "cores": cores})


def _below(rows: list[dict], knee: int) -> int:
    """The largest size measured below the knee (0 if the smallest already missed)."""
    return max((r["people"] for r in rows if r["people"] < knee), default=0)
