"""Running the Several variables page's code snippets in a test, and what they are run on.

A snippet is our own text, generated from the validated tree of a known test expression:
running it is the point of the tests (the app never runs it).
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

XY, XYZ, UV = ("x", "y"), ("x", "y", "z"), ("u", "v")
RTOL = 1e-9
# Parameters named like the snippets' own names (f, H, T, h) must not break them.
PARAMS = {"a": 2.0, "b": -0.5, "c": 3.0, "f": 0.25, "h": 1.5, "H": 0.75, "T": 1.25}
SCALARS = [  # (text, variables, point)
    ("x^2 + y", XY, (2.0, 3.0)),
    ("a*cot(x) + log10(y) + f*x*y", XY, (0.7, 2.5)),
    ("abs(x - y) + sqrt(2 + x^2)*e^(-y) + h", XY, (1.5, -0.4)),
    ("sin(x)*exp(-y^2) + atan(x*y) + sec(H*x) + max(x, y)", XY, (0.3, -1.1)),
    ("x^3 + 2y^2 - 3z + 1", XYZ, (1.0, 2.0, 3.0)),
    ("log10(x*y + 3) + z*pi + b*tanh(z)^2", XYZ, (0.5, 1.5, -0.2)),
]


def run_snippet(code: str) -> tuple[dict, str]:
    """The namespace a snippet leaves, and what it printed."""
    # Test only: the snippet is our own text, generated from a validated tree of a known
    # test expression, and running it is the point of the test (the app never runs it).
    namespace: dict = {}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace, output.getvalue()


def params_of(f) -> dict[str, float]:
    """PARAMS' values of f's parameters."""
    return {name: PARAMS[name] for name in f.parameters}


def assert_close(got, want, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=rtol, atol=rtol)
