"""Derivative Explorer's benchmark: JAX Taylor-mode AD against the other ways to differentiate.

Run from the repository root (`make bench`):

    python -m benchmarks.bench

Prints markdown tables:

1. Throughput: all derivative orders 0..n of two expressions on grids of 1e3, 1e5 and
   1e6 points by AD (`core.engines.autodiff.ad_derivatives`), SymPy diff + lambdify(cse=True),
   NumPy finite differences, autograd and numdifftools, with the time to evaluate the
   function alone (NumPy and jitted JAX), and ratios against AD.
2. Latency of a new expression on the page's 1000-point grid, after warm-up: the first
   plot (parse + AD 0..4), the symbolic report (0..4) and a new order-8 expression.
3. The targets, each PASS or FAIL with the measured number.
4. A warm rerun of the page in Streamlit's AppTest (in a fresh process, so its cold run
   is really cold).
8. The symbolic stage by stage (diff, back to SymPy, LaTeX, evaluation) for a zoo of
   expressions at orders 4, 8, 10: SymPy's path against SymEngine's, in CPU time
   (`benchmarks/symbolic_stages.py`), with its target.

Anything predicted to run longer than CELL_LIMIT_S is skipped and footnoted, not waited
for. Times are medians of a few runs (`time.perf_counter`), in milliseconds.
"""

from __future__ import annotations

import os

# As in app.py: one BLAS thread, or OpenBLAS's threads fight JAX's on 2x2 problems.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import importlib.metadata
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks import symbolic_stages

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"

F1 = "sin(x) - 2cos(3x)e^(-x^2)"
F2 = "tanh(x)*log(1+x^2) + sqrt(1+sin(x)^2)/(2+cos(x)) - atan(x/3)*exp(-x^2/4)"
FUNCTIONS = {"f1": F1, "f2": F2}
ORDERS = (1, 2, 4, 8)
SIZES = (1_000, 100_000, 1_000_000)
MAX_N = max(ORDERS)
DOMAIN = (-4.0, 4.0)
PAGE_GRID = 1_000
NUMDIFFTOOLS_SIZES = (1_000,)  # numdifftools is far too slow for larger grids
TARGET_SIZE = 1_000_000
TARGET_ORDER = 4

REPEATS = 5  # a time is the median of at most this many runs...
REPEAT_BUDGET_S = 1.5  # ...stopping early once a measurement has taken this long in all
CELL_LIMIT_S = 10.0  # a computation predicted to take longer than this is skipped
TARGET_CELL_LIMIT_S = 30.0  # ... except SymPy's evaluation at TARGET_SIZE, which targets use

# New expressions for the latency section: none is used anywhere else in this run.
NEW_EXPRESSIONS = (
    "3sin(2x) + x^2 e^(-x)",
    "log(1 + x^2)/(1 + cosh(x/2))",
    "sqrt(4 + x^2 sin(x)^2)",
    "atan(x^2 - 1)*tanh(3x)",
    "exp(sin(x)) - x cos(x^2)/5",
    "(x^3 - 2x + 1)/(x^2 + 3)",
)
NEW_ORDER8_EXPRESSIONS = (
    "cos(x)^3 - x e^(sin(x))",
    "log(2 + cos(x))*atan(x)",
    "tanh(x^2/3) + sqrt(1 + x^4)",
)

FIRST_PLOT_TARGET_S = 0.5
ORDER8_TARGET_S = 0.5
# Pages whose warm rerun is measured, with their targets (seconds, server-side).
PAGES = (
    ("the Explorer", "views/explorer.py", 0.100),
    ("the finite-differences lab", "views/fd_lab.py", 0.200),
    ("derivatives of data", "views/data.py", 0.200),
    ("kinks, programs and interpolation", "views/kinks.py", 0.200),
    ("regression", "views/regression.py", 0.300),
    ("descent trajectories", "views/descent.py", 0.300),
)
TRAJECTORY_TARGET_S = 0.300
NESTED_EXPRESSIONS = ("cos(x/2)^3 + x*exp(-x^2/5)", "log(3 + sin(x))*atan(x/2) - sqrt(2 + x^2)")
APPTEST_MARKER = "APPTEST-RESULT "
APPTEST_WARM_RUNS = 10
APPTEST_WARM_BUDGET_S = 20.0


# ---------------------------------------------------------------- helpers


def grid(size: int) -> np.ndarray:
    return np.linspace(*DOMAIN, size)


def measure(function: Callable[[], object]) -> float:
    """Median seconds of up to REPEATS calls, fewer when they take long."""
    times = []
    start = time.perf_counter()
    while len(times) < REPEATS:
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start >= REPEAT_BUDGET_S:
            break
    return statistics.median(times)


def once(function: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = function()
    return time.perf_counter() - t0, result


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    value = seconds * 1e3
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return "—"
    value = numerator / denominator
    if value >= 10:
        return f"{value:.1f}×"
    return f"{value:.2f}×" if value >= 0.1 else f"{value:.3f}×"


def size_label(size: int) -> str:
    exponent = round(np.log10(size))
    return f"1e{exponent}" if 10**exponent == size else f"{size:,}"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join([":---"] + ["---:"] * (len(headers) - 1)) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(flush=True)


class Footnotes:
    """Numbered footnotes for cells that are not measured; the same text, the same number."""

    SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, text: str) -> str:
        if text not in self.texts:
            self.texts.append(text)
        return str(self.texts.index(text) + 1).translate(self.SUPERSCRIPT)

    def skipped(self, text: str) -> str:
        return "—" + self.mark(text)

    def print(self) -> None:
        for number, text in enumerate(self.texts, 1):
            print(f"{str(number).translate(self.SUPERSCRIPT)} {text}  ")
        if self.texts:
            print(flush=True)


class Skipped:
    """A cell that was not measured, and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def grid_scale(
    here: dict[int, float], before: dict[int, float | Skipped] | None, size_ratio: float
) -> float:
    """How much longer a computation takes on this grid than on the previous one.

    Measured, from the highest order timed on both grids: neither linear in N at small
    N (fixed overheads) nor at large N (memory traffic), so N/N_prev only as a fallback.
    """
    common = [
        k
        for k, t in here.items()
        if isinstance(t, float) and t > 0 and before and isinstance(before.get(k), float)
    ]
    if not common:
        return size_ratio
    k = max(common)
    return here[k] / before[k]


def _predict(
    k: int, here: dict[int, float], before: dict[int, float | Skipped] | None, size_ratio: float
) -> float:
    """Seconds order k is expected to take: scaled from the previous grid when it was timed
    there, otherwise extrapolated geometrically from the lower orders on this grid."""
    previous = before.get(k) if before else None
    if isinstance(previous, Skipped):
        return float("inf")
    if previous is not None:
        return previous * grid_scale(here, before, size_ratio)
    if k >= 2 and here.get(k - 1) and here.get(k - 2):
        return here[k - 1] * max(1.0, here[k - 1] / here[k - 2])
    if k >= 1 and here.get(k - 1):
        return here[k - 1]
    return 0.0


def per_order_times(
    name: str, compute: Callable[[np.ndarray, int], object], sizes: Sequence[int]
) -> dict[int, dict[int, float | Skipped]]:
    """Seconds of each order k = 0..MAX_N alone at each size, for methods that do one
    order per call (FD, autograd, numdifftools); the time of orders 0..n is their sum.

    Orders are measured in groups, one per n in ORDERS; a group predicted (from lower
    orders and smaller grids) to exceed CELL_LIMIT_S is skipped with every later one.
    """
    times: dict[int, dict[int, float | Skipped]] = {}
    before, previous_size = None, None
    for size in sizes:
        xs = grid(size)
        size_ratio = size / previous_size if previous_size else 1.0
        measured: dict[int, float] = {}
        row: dict[int, float | Skipped] = {}
        start = 0
        skip: Skipped | None = None
        for n in ORDERS:
            group = range(start, n + 1)
            start = n + 1
            if skip is None and isinstance(before and before.get(group.start), Skipped):
                skip = Skipped(
                    f"{name}: orders {group.start}–{MAX_N} were already skipped on a smaller grid."
                )
            if skip is None:
                # Predict the whole group, then re-predict the rest after each order.
                for k in group:
                    estimates = dict(measured)
                    for j in range(k, group.stop):
                        estimates[j] = _predict(j, estimates, before, size_ratio)
                    expected = sum(estimates[j] for j in group)
                    if expected > CELL_LIMIT_S:
                        skip = Skipped(
                            f"{name}: orders {group.start}–{MAX_N} at N={size_label(size)}"
                            f" skipped: orders {group.start}–{group.stop - 1} alone were predicted"
                            f" to take {expected:,.0f} s (> {CELL_LIMIT_S:.0f} s limit),"
                            " extrapolated from lower orders and the smaller grid."
                        )
                        break
                    measured[k] = measure(lambda xs=xs, k=k: compute(xs, k))
            for k in group:
                row[k] = measured[k] if skip is None else skip
        times[size] = row
        before, previous_size = row, size
    return times


def cumulative(row: dict[int, float | Skipped], n: int) -> float | Skipped:
    parts = [row[k] for k in range(n + 1)]
    for part in parts:
        if isinstance(part, Skipped):
            return part
    return float(sum(parts))


def cell(value: float | Skipped | None, notes: Footnotes) -> str:
    if isinstance(value, Skipped):
        return notes.skipped(value.reason)
    return ms(value)


def number(value: float | Skipped | None) -> float | None:
    return None if isinstance(value, Skipped) else value


def max_error(values: np.ndarray | None, reference: np.ndarray) -> str:
    """max |v - r| / max(1, |r|) over the points where the reference is finite."""
    if values is None:
        return "—"
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(reference)
    error = np.abs(values[finite] - reference[finite]) / np.maximum(1.0, np.abs(reference[finite]))
    return f"{np.max(error):.1e}"


def autograd_functions() -> dict[str, Callable]:
    """f1 and f2 written with autograd.numpy (checked against the parser's NumPy form)."""
    import autograd.numpy as anp

    def f1(x):
        return anp.sin(x) - 2.0 * anp.cos(3.0 * x) * anp.exp(-(x**2))

    def f2(x):
        return (
            anp.tanh(x) * anp.log(1.0 + x**2)
            + anp.sqrt(1.0 + anp.sin(x) ** 2) / (2.0 + anp.cos(x))
            - anp.arctan(x / 3.0) * anp.exp(-(x**2) / 4.0)
        )

    return {"f1": f1, "f2": f2}


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-minute load average, flagged when other processes compete for the CPUs."""
    if not hasattr(os, "getloadavg"):
        return "unknown"
    load = os.getloadavg()[0]
    busy = load > 0.5 * (os.cpu_count() or 1)
    return f"{load:.2f}" + (" (the machine is busy: timings include contention)" if busy else "")


def stop_symbolic_pool() -> None:
    from core.engines import symbolic

    pool = getattr(symbolic, "_pool", None)
    if pool is not None:
        pool.stop()
        pool.join(timeout=10)


# ---------------------------------------------------------------- sections


def print_machine() -> None:
    from core.engines import autodiff

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    print("# Derivative Explorer benchmark\n")
    print_table(
        ["", ""],
        [
            ["CPU", f"{cpu_model()}; os.cpu_count() = {os.cpu_count()}, usable = {affinity}"],
            ["load average (1 min) at start", load_average()],
            ["JAX device", autodiff.device_name()],
            ["XLA_FLAGS", f"`{os.environ.get('XLA_FLAGS', '')}`"],
            ["Python", platform.python_version()],
            ["jax / jaxlib", f"{version('jax')} / {version('jaxlib')}"],
            ["sympy", version("sympy")],
            ["symengine", version("symengine")],
            ["numpy", version("numpy")],
            ["autograd", version("autograd")],
            ["numdifftools", version("numdifftools")],
            ["streamlit", version("streamlit")],
        ],
    )


def latency_section() -> dict[str, float]:
    """New expressions on the page's grid, right after the start-up warm-ups."""
    from core import parse_expression
    from core.engines.autodiff import ad_derivatives
    from core.engines.finite_differences import fd_derivative
    from core.engines.symbolic import symbolic_report

    xs = grid(PAGE_GRID)
    print(f"## 2. A new expression on the page's {PAGE_GRID:,}-point grid (after warm-up)\n")
    rows, first_plots, first_plots_fd, symbolic_totals = [], [], [], []
    for text in NEW_EXPRESSIONS:
        t_parse, parsed = once(lambda text=text: parse_expression(text))
        t_ad, _ = once(lambda parsed=parsed: ad_derivatives(parsed, xs, 4))

        def fd_all(parsed=parsed):
            function = lambda x: parsed.numpy({"x": x})  # noqa: E731
            return [
                fd_derivative(function, xs, k, scheme="central", accuracy=2) for k in range(1, 5)
            ]

        t_fd, _ = once(fd_all)
        t_symbolic, report = once(lambda parsed=parsed: symbolic_report(parsed, 4, xs))
        first_plots.append(t_parse + t_ad)
        first_plots_fd.append(t_parse + t_ad + t_fd)
        symbolic_totals.append(t_parse + t_symbolic)
        rows.append(
            [
                f"`{text}`",
                ms(t_parse),
                ms(t_ad),
                ms(t_fd),
                ms(t_parse + t_ad),
                ms(t_parse + t_ad + t_fd),
                ms(t_parse + t_symbolic),
                "complete" if report.message is None else f"stopped: {report.message}",
            ]
        )
    print_table(
        [
            "new expression (orders 0..4)",
            "parse",
            "AD 0..4",
            "FD 1..4",
            "**first plot** (parse + AD)",
            "parse + AD + FD",
            "parse + symbolic_report 0..4",
            "symbolic",
        ],
        rows,
    )
    rows, order8 = [], []
    for text in NEW_ORDER8_EXPRESSIONS:
        t_parse, parsed = once(lambda text=text: parse_expression(text))
        t_ad, _ = once(lambda parsed=parsed: ad_derivatives(parsed, xs, 8))
        order8.append(t_parse + t_ad)
        rows.append([f"`{text}`", ms(t_parse), ms(t_ad), ms(t_parse + t_ad)])
    print_table(["new expression (orders 0..8)", "parse", "AD 0..8", "**total**"], rows)
    return {
        "first_plot_max": max(first_plots),
        "first_plot_median": statistics.median(first_plots),
        "first_plot_fd_max": max(first_plots_fd),
        "symbolic_max": max(symbolic_totals),
        "symbolic_median": statistics.median(symbolic_totals),
        "order8_max": max(order8),
        "order8_median": statistics.median(order8),
    }


def throughput(label: str, text: str, notes: Footnotes) -> dict[str, dict]:
    """Every method on every grid size and order for one expression; prints two tables."""
    import autograd
    import jax
    import jax.numpy as jnp
    import numdifftools
    import sympy

    from core import parse_expression
    from core.engines import autodiff, autodiff_compiled, taylor_mode
    from core.engines.finite_differences import fd_derivative

    parsed = parse_expression(text)
    numpy_f = lambda x: parsed.numpy({"x": x})  # noqa: E731
    autograd_f = autograd_functions()[label]
    check = grid(101)
    np.testing.assert_allclose(autograd_f(check), numpy_f(check), rtol=1e-12, atol=1e-12)

    # f alone
    alone_numpy, alone_jax = {}, {}
    jitted = jax.jit(taylor_mode.elementwise_function(parsed, {}))
    for size in SIZES:
        xs = grid(size)
        alone_numpy[size] = measure(lambda xs=xs: numpy_f(xs))
        np.asarray(jitted(jnp.asarray(xs)))  # compile for this length
        alone_jax[size] = measure(lambda xs=xs: np.asarray(jitted(jnp.asarray(xs))))

    # AD: every order 0..n in one call; compile = first call - warm call for jitted sizes.
    ad, ad_compile = {}, {}
    for size in SIZES:
        xs = grid(size)
        for n in ORDERS:
            autodiff_compiled.compiled.cache_clear()
            first, _ = once(lambda xs=xs, n=n: autodiff.ad_derivatives(parsed, xs, n))
            ad[size, n] = measure(lambda xs=xs, n=n: autodiff.ad_derivatives(parsed, xs, n))
            if size >= autodiff.COMPILE_FROM_LENGTH:
                ad_compile[size, n] = max(0.0, first - ad[size, n])

    # SymPy: diff step by step, then one lambdify(cse=True) of [f, f', ..., f^(n)].
    x = parsed.symbols["x"]
    sympy.lambdify([x], [x + 1], modules="numpy", cse=True)  # one-time imports, not f's cost
    expressions, diff_times = [parsed.sympy], [0.0]
    sympy_skip: Skipped | None = None
    for k in range(1, MAX_N + 1):
        if len(diff_times) >= 3 and diff_times[-2] > 0:
            expected = diff_times[-1] * max(1.0, diff_times[-1] / diff_times[-2])
            if expected > CELL_LIMIT_S:
                sympy_skip = Skipped(
                    f"SymPy {label}: differentiating to order {k} predicted to take"
                    f" {expected:,.0f} s (> {CELL_LIMIT_S:.0f} s limit)."
                )
                break
        t, derivative = once(lambda: sympy.diff(expressions[-1], x))
        expressions.append(derivative)
        diff_times.append(t)
    sympy_compile: dict[int, float | Skipped] = {}
    lambdified = {}
    for n in ORDERS:
        if n >= len(expressions):
            sympy_compile[n] = sympy_skip
            continue
        t, lambdified[n] = once(
            lambda n=n: sympy.lambdify([x], expressions[: n + 1], modules="numpy", cse=True)
        )
        sympy_compile[n] = sum(diff_times[1 : n + 1]) + t
    sympy_eval: dict[tuple[int, int], float | Skipped] = {}
    for n in ORDERS:
        for index, size in enumerate(SIZES):
            if n not in lambdified:
                sympy_eval[size, n] = sympy_skip
                continue
            expected = 0.0
            if index:
                smaller = SIZES[index - 1]
                here = {m: t for (at, m), t in sympy_eval.items() if at == size}
                before = {m: t for (at, m), t in sympy_eval.items() if at == smaller}
                if isinstance(before[n], Skipped):
                    expected = float("inf")
                else:
                    expected = before[n] * grid_scale(here, before, size / smaller)
            if expected == float("inf"):
                sympy_eval[size, n] = Skipped(
                    f"SymPy {label}: orders 0–{n} were already skipped on a smaller grid."
                )
                continue
            limit = TARGET_CELL_LIMIT_S if size == TARGET_SIZE else CELL_LIMIT_S
            if expected > limit:
                sympy_eval[size, n] = Skipped(
                    f"SymPy {label}: evaluating orders 0–{n} at N={size_label(size)} predicted"
                    f" to take {expected:,.0f} s (> {limit:.0f} s limit), scaled from"
                    " the smaller grid."
                )
                continue
            xs = grid(size)
            with np.errstate(all="ignore"):
                sympy_eval[size, n] = measure(lambda xs=xs, n=n: lambdified[n](xs))

    # One order per call: FD, autograd (nested elementwise_grad), numdifftools.
    fd = per_order_times(
        f"FD {label}",
        lambda xs, k: fd_derivative(numpy_f, xs, k, scheme="central", accuracy=2),
        SIZES,
    )
    nested = [autograd_f]
    for _ in range(MAX_N):
        nested.append(autograd.elementwise_grad(nested[-1]))
    autograd_times = per_order_times(f"autograd {label}", lambda xs, k: nested[k](xs), SIZES)

    def numdifftools_order(xs, k):
        if k == 0:
            return numpy_f(xs)
        return numdifftools.Derivative(numpy_f, n=k)(xs)

    nd_times = per_order_times(f"numdifftools {label}", numdifftools_order, NUMDIFFTOOLS_SIZES)
    nd_note = Skipped("numdifftools is run at N=1e3 only (far too slow for larger grids).")

    time_rows, ratio_rows, results = [], [], {}
    for size in SIZES:
        for n in ORDERS:
            fd_n = cumulative(fd[size], n)
            autograd_n = cumulative(autograd_times[size], n)
            nd_n = cumulative(nd_times[size], n) if size in nd_times else nd_note
            compile_ = (
                ms(ad_compile[size, n])
                if (size, n) in ad_compile
                else "eager"
                + notes.mark(
                    f"N < {autodiff.COMPILE_FROM_LENGTH:,}: ad_derivatives runs un-jitted"
                    " (eager Taylor mode), so there is no compile step."
                )
            )
            time_rows.append(
                [
                    size_label(size),
                    str(n),
                    ms(ad[size, n]),
                    compile_,
                    ms(alone_numpy[size]),
                    ms(alone_jax[size]),
                    cell(sympy_compile[n], notes),
                    cell(sympy_eval[size, n], notes),
                    cell(fd_n, notes),
                    cell(autograd_n, notes),
                    cell(nd_n, notes),
                ]
            )
            base = ad[size, n]
            ratio_rows.append(
                [
                    size_label(size),
                    str(n),
                    ratio(number(sympy_eval[size, n]), base),
                    ratio(number(fd_n), base),
                    ratio(number(autograd_n), base),
                    ratio(number(nd_n), base),
                    ratio(base, alone_numpy[size]),
                    ratio(base, alone_jax[size]),
                ]
            )
            results[size, n] = {
                "ad": base,
                "sympy_eval": number(sympy_eval[size, n]),
                "autograd": number(autograd_n),
                "alone_numpy": alone_numpy[size],
                "alone_jax": alone_jax[size],
            }

    print(f"### {label} = `{text}`\n")
    print("Times in ms for all orders 0..n (median of up to 5 runs):\n")
    print_table(
        [
            "N",
            "n",
            "AD (warm)",
            "AD compile",
            "f alone NumPy",
            "f alone JAX jit",
            "SymPy compile (diff+lambdify)",
            "SymPy eval",
            "FD",
            "autograd",
            "numdifftools",
        ],
        time_rows,
    )
    print("Ratios (> 1× in the first four columns: AD is faster):\n")
    print_table(
        [
            "N",
            "n",
            "SymPy eval / AD",
            "FD / AD",
            "autograd / AD",
            "numdifftools / AD",
            "AD / f NumPy",
            "AD / f JAX jit",
        ],
        ratio_rows,
    )

    # Agreement on the smallest grid: the order-n row of each method against SymPy's.
    xs = grid(SIZES[0])
    reference = None
    error_rows = []
    with np.errstate(all="ignore"):
        ad_values = autodiff.ad_derivatives(parsed, xs, MAX_N)
        for n in ORDERS:
            if n not in lambdified:
                continue
            reference = np.asarray(lambdified[n](xs)[n] + 0.0 * xs, dtype=np.float64)
            fd_values = fd_derivative(numpy_f, xs, n, scheme="central", accuracy=2)
            measured = not isinstance(autograd_times[xs.size].get(n), Skipped)
            autograd_values = nested[n](xs) if measured else None
            nd_values = numdifftools.Derivative(numpy_f, n=n)(xs)
            error_rows.append(
                [
                    str(n),
                    max_error(ad_values[n], reference),
                    max_error(fd_values, reference),
                    max_error(autograd_values, reference),
                    max_error(nd_values, reference),
                ]
            )
    print(
        f"Agreement with SymPy at N={size_label(SIZES[0])}: max |d - d_SymPy| / max(1, |d_SymPy|)"
        " of the n-th derivative:\n"
    )
    print_table(["n", "AD", "FD", "autograd", "numdifftools"], error_rows)
    return results


def apptest_child() -> None:
    """Run in a fresh process: the page's cold run, then warm reruns (prints one JSON line)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    cold, _ = once(at.run)
    result = {}
    for title, path, _target in PAGES:
        if path != PAGES[0][1]:
            page_cold, _ = once(lambda path=path: at.switch_page(path).run())
        else:
            page_cold = cold
        exceptions = [str(getattr(e, "message", e)) for e in at.exception]
        warm = []
        start = time.perf_counter()
        while len(warm) < APPTEST_WARM_RUNS and time.perf_counter() - start < APPTEST_WARM_BUDGET_S:
            t, _ = once(at.run)
            warm.append(t)
            exceptions += [str(getattr(e, "message", e)) for e in at.exception]
        result[title] = {"cold": page_cold, "warm": warm, "exceptions": sorted(set(exceptions))}
    print(APPTEST_MARKER + json.dumps(result), flush=True)
    stop_symbolic_pool()


def apptest_section() -> dict | None:
    print("## 4. Warm rerun of each page (Streamlit AppTest)\n")
    if not APP.exists():
        print("not measured: app.py missing\n", flush=True)
        return None
    try:
        process = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench", "--apptest"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print("not measured: the AppTest process did not finish within 600 s\n", flush=True)
        return None
    lines = [line for line in process.stdout.splitlines() if line.startswith(APPTEST_MARKER)]
    if not lines:
        tail = (process.stderr or process.stdout)[-2000:]
        print(f"not measured: the AppTest process failed (exit {process.returncode}):\n")
        print("```\n" + tail + "\n```\n", flush=True)
        return None
    result = json.loads(lines[-1][len(APPTEST_MARKER) :])
    rows = []
    for title, page in result.items():
        warm = page["warm"]
        rows.append(
            [
                title,
                ms(page["cold"]),
                ms(statistics.median(warm)),
                str(len(warm)),
                ms(min(warm)),
                ms(max(warm)),
            ]
        )
        if page["exceptions"]:
            print(f"{title} raised: " + "; ".join(page["exceptions"]) + "\n", flush=True)
    print_table(
        ["page", "first run (fresh process)", "warm rerun median", "warm reruns", "min", "max"],
        rows,
    )
    return result


def verdict(passed: bool) -> str:
    return "**PASS**" if passed else "**FAIL**"


def print_targets(
    results: dict[str, dict], latency: dict[str, float], apptest: dict | None
) -> None:
    print("## 3. Targets\n")
    rows = []
    key = (TARGET_SIZE, TARGET_ORDER)
    where = f"N={size_label(TARGET_SIZE)}, orders 0–{TARGET_ORDER}"
    for label, by_cell in results.items():
        r = by_cell[key]
        ad = r["ad"]
        high = by_cell[TARGET_SIZE, MAX_N]
        high_where = f"N={size_label(TARGET_SIZE)}, orders 0–{MAX_N}"
        checks = [
            (where, "AD ≥ 5× faster than SymPy lambdify(cse) evaluation", r["sympy_eval"], ad, 5),
            (where, "AD ≥ 30× faster than autograd", r["autograd"], ad, 30),
            (high_where, "AD ≥ 10× faster than SymPy lambdify(cse) evaluation",
             high["sympy_eval"], high["ad"], 10),
        ]  # fmt: skip
        for at, what, other, mine, threshold in checks:
            if other is None:
                rows.append([f"{label}, {at}: {what}", "not measured", "—"])
                continue
            value = other / mine
            rows.append(
                [
                    f"{label}, {at}: {what}",
                    f"{value:.2f}× ({ms(other)} / {ms(mine)} ms)",
                    verdict(value >= threshold),
                ]
            )
        for name, alone, within in (
            ("jitted JAX f", r["alone_jax"], 2.0),
            ("jitted JAX f", r["alone_jax"], 1.5),
            ("NumPy f", r["alone_numpy"], 1.5),
        ):
            value = ad / alone
            rows.append(
                [
                    f"{label}, {where}: AD within {within:g}× of {name} alone",
                    f"{value:.2f}× ({ms(ad)} / {ms(alone)} ms)",
                    verdict(value <= within),
                ]
            )
    rows.append(
        [
            f"new order-8 expression (parse + AD 0..8, N={PAGE_GRID:,}) < {ORDER8_TARGET_S} s",
            f"worst {ms(latency['order8_max'])} ms, median {ms(latency['order8_median'])} ms",
            verdict(latency["order8_max"] < ORDER8_TARGET_S),
        ]
    )
    rows.append(
        [
            f"new expression first plot (parse + AD 0..4, N={PAGE_GRID:,})"
            f" < {FIRST_PLOT_TARGET_S} s",
            f"worst {ms(latency['first_plot_max'])} ms,"
            f" median {ms(latency['first_plot_median'])} ms"
            f" (with FD 1..4: worst {ms(latency['first_plot_fd_max'])} ms)",
            verdict(latency["first_plot_max"] < FIRST_PLOT_TARGET_S),
        ]
    )
    for title, _path, target in PAGES:
        what = f"warm rerun of {title} (AppTest) < {target * 1000:.0f} ms"
        if apptest is None or title not in apptest:
            rows.append([what, "not measured (see section 4)", "—"])
            continue
        median = statistics.median(apptest[title]["warm"])
        rows.append([what, f"median {ms(median)} ms", verdict(median < target)])
    print_table(["target", "measured", "result"], rows)


def nested_forward(function: Callable, order: int) -> Callable:
    """The `order`-th derivative of an elementwise function by nested `jax.jvp`."""
    import jax
    import jax.numpy as jnp

    derivative = function
    for _ in range(order):
        derivative = (lambda g: lambda x: jax.jvp(g, (x,), (jnp.ones_like(x),))[1])(derivative)
    return derivative


def taylor_versus_nested_section() -> None:
    """Taylor mode (jet) against nested forward mode (jvp), eager and compiled, on new
    expressions at the page's grid: the issue asks for both to be measured."""
    import jax
    import jax.numpy as jnp

    from core import parse_expression
    from core.engines.taylor_mode import elementwise_function, taylor_derivatives

    print("## 6. Taylor mode (jet) against nested forward mode (jvp), new expressions\n")
    xs = jnp.asarray(grid(PAGE_GRID))
    rows = []
    for text in NESTED_EXPRESSIONS:
        function = elementwise_function(parse_expression(text), {})
        for order in (4, 8):

            def jet_all(function=function, order=order):
                return jax.block_until_ready(taylor_derivatives(function, xs, order))

            def jvp_all(function=function, order=order):
                return jax.block_until_ready(
                    [nested_forward(function, k)(xs) for k in range(order + 1)]
                )

            compiled_jet = jax.jit(lambda x, f=function, n=order: taylor_derivatives(f, x, n))
            compiled_jvp = jax.jit(
                lambda x, f=function, n=order: [nested_forward(f, k)(x) for k in range(n + 1)]
            )
            jet_first, _ = once(jet_all)
            jvp_first, _ = once(jvp_all)
            jet_compile, _ = once(lambda c=compiled_jet: jax.block_until_ready(c(xs)))
            jvp_compile, _ = once(lambda c=compiled_jvp: jax.block_until_ready(c(xs)))
            rows.append(
                [f"`{text}`", str(order), ms(jet_first), ms(jvp_first), ms(jet_compile),
                 ms(jvp_compile), ms(measure(lambda c=compiled_jet: jax.block_until_ready(c(xs)))),
                 ms(measure(lambda c=compiled_jvp: jax.block_until_ready(c(xs))))]
            )  # fmt: skip
    print_table(
        ["new expression", "orders 0..n", "jet eager (first call)", "nested jvp eager (first)",
         "jet jit compile+run", "nested jvp jit compile+run", "jet jit warm",
         "nested jvp jit warm"],
        rows,
    )  # fmt: skip
    print(
        "The page uses eager jet: a new expression answers in tens of ms without compiling;"
        " nested forward mode repeats work that grows like 2^n.\n",
        flush=True,
    )


def trajectory_section() -> dict[str, float]:
    """The full default trajectory set on the default surface (Rosenbrock), warm."""
    from core import parse_expression
    from core.descent.optimizers import DEFAULT_METHODS, trajectories
    from core.descent.surfaces import surface

    print("## 5. Descent: the full default trajectory set on Rosenbrock\n")
    rosenbrock = surface("rosenbrock")
    parsed = parse_expression(rosenbrock.text, ("x", "y"))
    start = np.array(rosenbrock.start, dtype=np.float64)
    cold, _ = once(lambda: trajectories(parsed, start, DEFAULT_METHODS, 1000))
    warm = [once(lambda: trajectories(parsed, start, DEFAULT_METHODS, 1000))[0] for _ in range(7)]
    print_table(
        ["methods", "first call (compiles)", "warm median", "warm min", "warm max"],
        [[str(len(DEFAULT_METHODS)), ms(cold), ms(statistics.median(warm)), ms(min(warm)),
          ms(max(warm))]],
    )  # fmt: skip
    return {"median": statistics.median(warm)}


def gpu_section() -> None:
    """Section 7 (benchmarks/gpu.py) when JAX's default device is a GPU; else a line saying so."""
    import jax

    from benchmarks import gpu

    if jax.devices()[0].platform == "cpu":
        print(
            "## 7. GPU\n\nNo GPU: JAX computes on the CPU here, so the N = 10⁸ table against"
            " the memory-bandwidth floor was not run. On a machine with one, install the"
            " `gpu` extra (`make install-gpu`) and run `make bench` or"
            " `python -m benchmarks.gpu`.\n",
            flush=True,
        )
        return
    gpu.print_gpu_section()


def main() -> None:
    if "--apptest" in sys.argv[1:]:
        apptest_child()
        return
    started = time.perf_counter()
    from core.engines import autodiff, symbolic

    print_machine()
    t_ad_warm, _ = once(lambda: autodiff.warm_up(PAGE_GRID))
    t_symbolic_warm, _ = once(symbolic.warm_up)
    print(
        f"Start-up warm-ups: `autodiff.warm_up({PAGE_GRID})` {ms(t_ad_warm)} ms,"
        f" `symbolic.warm_up()` {ms(t_symbolic_warm)} ms.\n",
        flush=True,
    )
    try:
        latency = latency_section()
        print("## 1. Throughput: all orders 0..n on N points\n")
        print(
            "AD = `ad_derivatives` (one call for orders 0..n; jitted and cached from"
            f" N = {autodiff.COMPILE_FROM_LENGTH:,}); AD compile = first call − warm call."
            " SymPy compile = `sympy.diff` step by step + one `lambdify([f, f', …, f⁽ⁿ⁾],"
            " cse=True)` (sharing subexpressions across orders; the page's worker lambdifies"
            " each order separately, which is slower); SymPy eval = calling it. FD ="
            " `fd_derivative` per order 1..n (central, accuracy 2) + f. autograd = nested"
            " `elementwise_grad`, each order 0..n computed separately. numdifftools ="
            " `nd.Derivative(f, n=k)` per order. All float64.\n",
            flush=True,
        )
        notes = Footnotes()
        results = {label: throughput(label, text, notes) for label, text in FUNCTIONS.items()}
        notes.print()
    finally:
        stop_symbolic_pool()
    stages = symbolic_stages.symbolic_stages_section()
    apptest = apptest_section()
    descent = trajectory_section()
    taylor_versus_nested_section()
    gpu_section()
    print_targets(results, latency, apptest)
    stage_target = (
        f"whole symbolic stage ≥ {symbolic_stages.TARGET_RATIO:g}× less CPU than SymPy's path"
        f" at orders 0..{symbolic_stages.TARGET_ORDER} (zoo median, section 8)"
    )
    print_table(
        ["target", "measured", "result"],
        [[f"full trajectory set on the default surface < {TRAJECTORY_TARGET_S * 1000:.0f} ms",
          f"median {ms(descent['median'])} ms",
          verdict(descent["median"] < TRAJECTORY_TARGET_S)],
         [stage_target, f"{stages['median_ratio']:.1f}×",
          verdict(stages["median_ratio"] >= symbolic_stages.TARGET_RATIO)]],
    )  # fmt: skip
    print(
        f"Total benchmark time: {time.perf_counter() - started:,.0f} s;"
        f" load average (1 min) at the end: {load_average()}.",
        flush=True,
    )


if __name__ == "__main__":
    main()
