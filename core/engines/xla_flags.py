"""XLA's one option this project sets: let LLVM unroll the compiled AD's two-point loop.

`core.engines.autodiff_compiled` writes every derivative row from one fused loop: a
variadic reduce over an axis of length 2 (each row, then a neutral -0.0). LLVM
vectorises that loop over the grid only once it has fully unrolled the inner loop of
2, and its default unroll threshold stops doing so when the loop body is large: from
between orders 4 and 8 for sin(x) - 2cos(3x)e^(-x^2) (LLVM's remark: "loop not vectorized:
Control flow cannot be substituted for a select"). Orders 0-8 at N = 10^6 then took
89 ms against 50 ms with the threshold raised (f2: 168 -> 72 ms; `make bench`).

Raising the threshold only allows more full unrolling of loops with a small, known trip
count; it does not change any floating-point operation or its order. XLA reads
XLA_FLAGS once, before its first computation, so this runs when `core` is imported; a
process that already computed with JAX, or that sets `--xla_backend_extra_options`
itself, keeps its own options (the results are the same, order 8 is slower).
"""

from __future__ import annotations

import os

UNROLL_THRESHOLD = 5000  # LLVM's default is a few hundred; 5000 vectorises f2 at order 10
OPTION = f"--xla_backend_extra_options=-unroll-threshold={UNROLL_THRESHOLD}"


def configure(environ=os.environ) -> bool:
    """Add the option to XLA_FLAGS unless extra backend options are already set there."""
    flags = environ.get("XLA_FLAGS", "")
    if "xla_backend_extra_options" in flags:
        return False
    environ["XLA_FLAGS"] = f"{flags} {OPTION}".strip()
    return True


configure()
