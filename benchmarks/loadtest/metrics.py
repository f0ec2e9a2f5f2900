"""Numbers for the report: percentiles, the servers' CPU and memory, the result table.

CPU and memory are read from /proc for each server's whole process tree (the server,
its threads, and every descendant such as SymPy's worker pool): CPU is utime + stime
of each live process plus cutime + cstime (its reaped children); memory is the sum
of `Pss` in `/proc/<pid>/smaps_rollup`, so pages shared between a server and its
forked workers are counted once in all.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    data = sorted(v for v in values if v is not None and math.isfinite(v))
    if not data:
        return None
    rank = (len(data) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summary(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """count, p50, p95, max and mean of the values that are there."""
    data = [v for v in values if v is not None]
    return {
        "count": len(data),
        "p50": percentile(data, 50),
        "p95": percentile(data, 95),
        "max": max(data) if data else None,
        "mean": sum(data) / len(data) if data else None,
    }


# -- /proc --------------------------------------------------------------------------------
def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def process_tree(pid: int) -> list[int]:
    """`pid` and all its live descendants."""
    children = _children_map()
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the process tree under `pid`, reaped children included."""
    total = 0
    for member in process_tree(pid):
        fields = _stat_fields(member)
        if fields:
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / _TICKS


def pss_bytes(pid: int) -> int:
    """Proportional set size of the process tree under `pid`."""
    total = 0
    for member in process_tree(pid):
        try:
            text = (PROC / str(member) / "smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
                break
    return total


@dataclasses.dataclass
class ServerSample:
    """CPU seconds and PSS bytes of each server (one entry per replica pid)."""

    cpu_s: list[float]
    pss: list[int]

    @classmethod
    def take(cls, pids: Sequence[int]) -> ServerSample:
        return cls([cpu_seconds(p) for p in pids], [pss_bytes(p) for p in pids])

    def cpu_since(self, before: ServerSample) -> float:
        return sum(self.cpu_s) - sum(before.cpu_s)


# -- the table ----------------------------------------------------------------------------
@dataclasses.dataclass
class Check:
    """One row of the result table: a measured number, against a target if it has one."""

    scenario: str
    metric: str
    measured: str
    target: str = ""
    passed: bool | None = None  # None: reported, no target

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "**MISS**", None: ""}[self.passed]


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def kb(count: float | None) -> str:
    """Bytes in kB (1000 bytes, as the targets are written)."""
    return "—" if count is None else f"{count / 1000:,.1f} kB"


def mib(count: float | None) -> str:
    return "—" if count is None else f"{count / 2**20:,.0f} MiB"


def table(checks: Sequence[Check]) -> str:
    """The checks as one markdown table."""
    lines = ["| scenario | metric | target | measured | verdict |", "|---|---|---|---|---|"]
    lines += [
        f"| {c.scenario} | {c.metric} | {c.target or '—'} | {c.measured} | {c.verdict} |"
        for c in checks
    ]
    return "\n".join(lines)
