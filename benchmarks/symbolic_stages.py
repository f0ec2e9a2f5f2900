"""The symbolic stage, stage by stage: today's SymPy path against the SymEngine path.

Run alone (`python -m benchmarks.symbolic_stages`) or as a section of `make bench`.

What one report of derivatives 0..N costs the symbolic worker, in CPU time
(`time.process_time`, this process only, medians of REPEATS runs, every cache emptied
before each run: SymPy's own, the worker's and the SymEngine path's), for a zoo of
typical expressions of the language at orders N = 4, 8, 10:

- SymPy's path, what the worker ran before SymEngine and still runs for what SymEngine
  does not take: `symbolic_worker.differentiate` (SymPy's diff with the stand-ins),
  `symbolic_worker.evaluate` (lambdify with cse, then the call) and `short_latex`.
- The SymEngine path (`core.engines.symengine_path`): SymEngine's derivative (with the
  conversion of f), the result back to SymPy (`to_sympy`), the same `short_latex`, and
  SymEngine's `Lambdify` (cse) and its call.

Evaluation is on the page's grid of 1,000 points. The target, from issue 25: the whole
symbolic stage at least 5x less CPU at order 8, on the zoo's median.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

# The Explorer's examples (core.explorer.examples), the benchmark's new expressions
# (benchmarks.bench), a kink, a `where` and a `min`, which SymEngine leaves to SymPy.
ZOO = (
    "sin(x) − 2cos(3x)e^(−x²)",  # the page's default example
    "exp(2x)",
    "tanh(x)",
    "(a·x + b)^m",
    "3sin(2x) + x^2 e^(-x)",
    "log(1 + x^2)/(1 + cosh(x/2))",
    "sqrt(4 + x^2 sin(x)^2)",
    "atan(x^2 - 1)*tanh(3x)",
    "(x^3 - 2x + 1)/(x^2 + 3)",
    "cos(x)^3 - x e^(sin(x))",
    "log(2 + cos(x))*atan(x)",
    "tanh(x)*log(1+x^2) + sqrt(1+sin(x)^2)/(2+cos(x)) - atan(x/3)*exp(-x^2/4)",
    "|x|*sin(x) + floor(x)",
    "where(x < 1, exp(x), log(x))",
    "min(sin(x), cos(x))",
)
ORDERS = (4, 8, 10)
GRID = np.linspace(-4.0, 4.0, 1_000)
REPEATS = 3
REPEAT_BUDGET_S = 60.0  # fewer repeats for an expression whose runs take longer than this
TARGET_ORDER = 8
TARGET_RATIO = 5.0

OLD_STAGES = ("diff", "eval", "latex")
NEW_STAGES = ("diff", "to_sympy", "latex", "eval")


def _cpu(function: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def _forget() -> None:
    """Every cache the two paths keep, so that each run starts as a new expression does."""
    import sympy.core.cache

    from core.engines import symbolic_worker, symengine_forms, symengine_path

    sympy.core.cache.clear_cache()
    symengine_forms.forget()
    for cached in (symbolic_worker.differentiate, symbolic_worker._compiled):
        cached.cache_clear()
    symbolic_worker.short_latex.cache_clear()
    symengine_path.derived.cache_clear()
    symengine_path._compiled.cache_clear()
    symengine_path._known.clear()


def _where(parsed):
    symbols = [parsed.symbols[name] for name in parsed.variables + parsed.parameters]
    params = {"a": 2.0, "b": 1.0, "m": 7.5}
    return symbols, [GRID] + [params.get(name, 1.0) for name in parsed.parameters]


def sympys_path(parsed, max_order: int) -> list[dict[str, float]]:
    """CPU seconds of each stage at each order 0..max_order, SymPy's path."""
    from core.engines import symbolic_worker

    _forget()
    symbols, values = _where(parsed)
    x = parsed.symbols[parsed.variables[0]]
    expr, times = parsed.sympy, []
    for order in range(max_order + 1):
        row = dict.fromkeys(OLD_STAGES, 0.0)
        if order:
            row["diff"], expr = _cpu(lambda e=expr: symbolic_worker.differentiate(e, x))
        row["eval"], _ = _cpu(lambda e=expr: symbolic_worker.evaluate(e, symbols, values))
        row["latex"], _ = _cpu(lambda e=expr: symbolic_worker.short_latex(e))
        times.append(row)
    return times


def symengines_path(parsed, max_order: int) -> tuple[list[dict[str, float]], bool]:
    """CPU seconds of each stage at each order, the SymEngine path; and whether it took it.

    An expression SymEngine does not take goes through SymPy's stages, as in the worker.
    """
    import symengine

    from core.engines import symbolic_worker, symengine_path
    from core.engines.symengine_forms import NotInSymEngine, to_sympy

    _forget()
    symbols, values = _where(parsed)
    x = parsed.symbols[parsed.variables[0]]
    try:
        converted, form = _cpu(lambda: symengine_path.as_symengine(parsed.sympy))
    except NotInSymEngine:
        return sympys_path(parsed, max_order), False
    variable = symengine.Symbol(x.name)
    expr, times = parsed.sympy, []
    for order in range(max_order + 1):
        row = dict.fromkeys(NEW_STAGES, 0.0)
        row["diff"] = converted if order == 0 else 0.0
        if order:
            row["diff"], form = _cpu(lambda f=form: symengine_path.derivative(f, variable))
            row["to_sympy"], expr = _cpu(lambda f=form: to_sympy(f))
        row["latex"], _ = _cpu(lambda e=expr: symbolic_worker.short_latex(e))
        row["eval"], _ = _cpu(lambda f=form: symengine_path.evaluate(f, symbols, values))
        times.append(row)
    return times, True


def _cumulative(times: list[dict[str, float]], order: int) -> dict[str, float]:
    """Each stage's seconds summed over orders 0..order, and their total ("whole")."""
    sums = {stage: sum(row.get(stage, 0.0) for row in times[: order + 1]) for stage in times[0]}
    sums["whole"] = sum(sums.values())
    return sums


def measure(text: str) -> tuple[dict[int, dict], dict[int, dict], bool]:
    """Median cumulative stage times at each order in ORDERS, for both paths."""
    from core import parse_expression

    parsed = parse_expression(text)
    runs_old, runs_new, started = [], [], time.process_time()
    took = True
    for _ in range(REPEATS):
        runs_old.append(sympys_path(parsed, max(ORDERS)))
        new, took = symengines_path(parsed, max(ORDERS))
        runs_new.append(new)
        if time.process_time() - started > REPEAT_BUDGET_S:
            break

    def medians(runs) -> dict[int, dict]:
        result = {}
        for order in ORDERS:
            cells = [_cumulative(run, order) for run in runs]
            result[order] = {key: statistics.median(c[key] for c in cells) for key in cells[0]}
        return result

    return medians(runs_old), medians(runs_new), took


def _ms(seconds: float) -> str:
    value = seconds * 1e3
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _ratio(old: float, new: float) -> str:
    return f"{old / new:.1f}×" if new > 0 else "—"


def _print_table(headers, rows) -> None:
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join([":---"] + ["---:"] * (len(headers) - 1)) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(flush=True)


def symbolic_stages_section() -> dict[str, float]:
    """Prints the tables and the target line; returns the zoo's median ratio at TARGET_ORDER."""
    warm_up()
    print("## 8. The symbolic stage by stage: SymPy's path against SymEngine's\n")
    print(
        "CPU ms (`time.process_time`, medians, caches emptied before each run) for a report"
        " of derivatives 0..N on the page's 1,000-point grid. SymPy's path: `diff` ="
        " SymPy's diff with the stand-ins, `eval` = lambdify(cse) + call, `LaTeX` ="
        " `short_latex`. SymEngine's path: `diff` = SymEngine (with converting f),"
        " `→SymPy` = the result back to SymPy, the same `LaTeX`, `eval` = SymEngine's"
        " Lambdify(cse) + call. An expression marked † is one SymEngine does not take: it"
        " goes through SymPy's path in both columns.\n",
        flush=True,
    )
    results = {text: measure(text) for text in ZOO}
    ratios_at: dict[int, list[float]] = {order: [] for order in ORDERS}
    stage_ratios: dict[int, dict[str, list[float]]] = {
        order: {stage: [] for stage in ("diff", "eval", "latex")} for order in ORDERS
    }
    for order in ORDERS:
        rows = []
        for text, (old, new, took) in results.items():
            o, n = old[order], new[order]
            ratios_at[order].append(o["whole"] / n["whole"])
            if took:  # SymEngine's diff counted with its way back to SymPy
                stage_ratios[order]["diff"].append(o["diff"] / (n["diff"] + n["to_sympy"]))
                for stage in ("eval", "latex"):
                    stage_ratios[order][stage].append(o[stage] / n[stage])
            rows.append(
                [f"`{text}`" + ("" if took else " †")]
                + [_ms(o[stage]) for stage in (*OLD_STAGES, "whole")]
                + [_ms(n.get(stage, 0.0)) for stage in (*NEW_STAGES, "whole")]
                + [_ratio(o["whole"], n["whole"])]
            )
        print(f"### Orders 0..{order}\n")
        _print_table(
            ["expression", "SymPy diff", "SymPy eval", "SymPy LaTeX", "**SymPy whole**",
             "SymEngine diff", "→SymPy", "LaTeX", "SymEngine eval", "**SymEngine whole**",
             "**whole: SymPy / SymEngine**"],
            rows,
        )  # fmt: skip
    summary = []
    for order in ORDERS:
        medians = {stage: statistics.median(v) for stage, v in stage_ratios[order].items()}
        summary.append(
            [f"0..{order}"]
            + [f"{medians[stage]:.1f}×" for stage in ("diff", "eval", "latex")]
            + [f"{statistics.median(ratios_at[order]):.1f}×"]
        )
    print("### The zoo's median ratio (SymPy's CPU / SymEngine's), stage by stage\n")
    _print_table(
        ["orders", "diff (SymEngine's with →SymPy)", "eval", "LaTeX", "**whole**"], summary
    )
    median = statistics.median(ratios_at[TARGET_ORDER])
    verdict = "**PASS**" if median >= TARGET_RATIO else "**FAIL**"
    print(
        f"Target: whole symbolic stage ≥ {TARGET_RATIO:g}× less CPU at order {TARGET_ORDER}"
        f" on the zoo's median: {median:.1f}× — {verdict}\n",
        flush=True,
    )
    return {"median_ratio": median}


def warm_up() -> None:
    """Import and run both paths once (printers, lambdify, Lambdify), as a worker does."""
    from core import parse_expression

    parsed = parse_expression("sin(x)*exp(-x^2)")
    sympys_path(parsed, 1)
    symengines_path(parsed, 1)


if __name__ == "__main__":
    warm_up()
    symbolic_stages_section()
