"""Run the load benchmark: `python -m benchmarks.loadtest [--scenario NAME ...] [--quick]`.

Starts the servers (nginx in front of `--replicas` replicas, default one per core;
`--replicas 0` is one bare server), warms each replica up, runs the scenarios in
order, stops the servers, prints one markdown table (target, measured, pass/miss per
row, and each scenario's runtime) and writes everything measured, interaction by
interaction, to `benchmarks/results/loadtest-<timestamp>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib.metadata
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.loadtest import scenarios, servers
from benchmarks.loadtest.metrics import Check, ServerSample, table

RESULTS = Path(__file__).resolve().parents[1] / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__)
    parser.add_argument(
        "--scenario",
        action="append",
        choices=list(scenarios.SCENARIOS),
        help="run only these (repeatable); default: all, in order",
    )
    parser.add_argument("--quick", action="store_true", help="every scenario shrunk to ~20 s")
    parser.add_argument(
        "--replicas",
        type=int,
        default=os.cpu_count() or 1,
        help="replicas behind nginx (default: one per core); 0: one bare server",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds an interaction may take before it counts as an error",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON file")
    parser.add_argument("--log-dir", type=Path, default=None, help="keep the servers' logs here")
    parser.add_argument("--verbose", action="store_true", help="log every interaction")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser


def _versions() -> dict[str, str]:
    found = {}
    for package in ("streamlit", "jax", "sympy", "plotly", "websockets", "protobuf"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "missing"
    return found


def run(
    names: list[str], options: scenarios.Options, replicas: int, log_dir: Path | None = None
) -> Iterator[tuple[scenarios.Result, dict]]:
    """Start the servers, run `names` against them, stop them: each result as it comes,
    with the facts of the run (launcher, URLs, start-up time)."""
    pool = scenarios.Pool(options.seed)
    started = time.perf_counter()
    with servers.serve(replicas, log_dir) as cluster:
        facts = {
            "launcher": cluster.launcher,
            "url": cluster.url,
            "replica_urls": list(cluster.replica_urls),
            "start_and_warm_up_s": time.perf_counter() - started,
        }
        for name in names:
            asyncio.run(servers.settle(cluster.pids))
            began, cpu_began = time.perf_counter(), time.process_time()
            before = ServerSample.take(cluster.pids)
            result = asyncio.run(scenarios.SCENARIOS[name](cluster, options, pool))
            after = ServerSample.take(cluster.pids)
            result.runtime_s = time.perf_counter() - began
            driver_cpu = time.process_time() - cpu_began
            result.data["driver_cpu_s"] = driver_cpu
            result.data["replicas"] = {  # how the sessions spread over the replicas
                "cpu_s": [a - b for a, b in zip(after.cpu_s, before.cpu_s, strict=True)],
                "pss_before": before.pss,
                "pss_after": after.pss,
            }
            runtime = f"{result.runtime_s:,.0f} s ({driver_cpu:,.0f} s)"
            result.checks.append(Check(result.name, "runtime (driver CPU)", runtime))
            print(f"{result.name}: {result.runtime_s:.0f} s", file=sys.stderr, flush=True)
            yield result, facts


def _document(results: list[scenarios.Result], facts: dict, args, options, load_before) -> dict:
    return {
        "started": args.stamp,
        "options": vars(options),
        "replicas": args.replicas,
        "machine": {
            "cpus": os.cpu_count(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
            "python": sys.version.split()[0],
        },
        "versions": _versions(),
        **facts,
        "scenarios": {
            r.name: {
                "runtime_s": r.runtime_s,
                "checks": [vars(c) | {"verdict": c.verdict} for c in r.checks],
                "data": r.data,
            }
            for r in results
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Stopped by a signal, still stop the servers (the context managers' exits run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    if args.verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logging.getLogger("benchmarks.loadtest").addHandler(handler)
        logging.getLogger("benchmarks.loadtest").setLevel(logging.DEBUG)
    names = args.scenario or list(scenarios.SCENARIOS)
    options = scenarios.Options(quick=args.quick, seed=args.seed, timeout_s=args.timeout)
    args.stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    args.out.mkdir(parents=True, exist_ok=True)
    ignore = args.out / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*.json\n")
    path = args.out / f"loadtest-{args.stamp}.json"
    load_before = os.getloadavg()
    results = []
    for result, facts in run(names, options, args.replicas, args.log_dir):
        results.append(result)  # written after each scenario: a later failure keeps these
        document = _document(results, facts, args, options, load_before)
        path.write_text(json.dumps(document, indent=1, default=str))
    checks = [check for result in results for check in result.checks]
    print(table(checks))
    print(f"\nwritten: {path}", file=sys.stderr)
    missed = [c for c in checks if c.passed is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
