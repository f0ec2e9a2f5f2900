"""The contract of `core` (DESIGN.md) is importable from `core` exactly as written.

Checks outside this repository call these names with these parameters, and a
student's notebook does `import core`: a name that lives only in a submodule, or a
renamed parameter, breaks them. Each name is imported in a fresh interpreter too, so
the lazy import works on its own and not only after the suite imported its module.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import core

REPO_ROOT = Path(__file__).resolve().parents[1]

# name -> its parameters in order, as DESIGN.md writes them (None: a class or error)
CONTRACT: dict[str, tuple[str, ...] | None] = {
    "parse_expression": ("text", "variables"),
    "ExpressionError": None,
    "BudgetExceeded": None,
    "symbolic_derivatives": ("parsed", "max_order"),
    "ad_derivatives": ("parsed", "xs", "max_order", "params"),
    "fd_derivative": ("f", "xs", "order", "h", "scheme", "accuracy"),
    "fd_coefficients": ("order", "offsets"),
    "minimize_path": ("objective", "x0", "method", "use_grad", "use_hess", "max_iter", "settings"),
    "Trajectory": None,
    "parse_vector": ("text", "variables"),
    "gradient": ("parsed", "point", "params"),
    "jacobian": ("f", "point", "mode", "params"),
    "hessian": ("parsed", "point", "params"),
    "jvp": ("f", "point", "tangent", "params"),
    "vjp": ("f", "point", "cotangent", "params"),
    "root_derivative": ("equation", "unknown", "parameter", "value", "bracket", "params"),
    "taylor_polynomial": ("parsed", "x0", "degree", "params"),
    "derivative_steps": ("parsed", "variable"),
    "check_answer": ("parsed", "answer", "order"),
    # added with the Step by step page (a team note says so)
    "computational_graph": ("parsed", "params"),
    "ComputationalGraph": None,
    "graph_sweeps": ("graph", "x0"),
    "GraphSweeps": None,
    # issue 27's core (the pages come later)
    "sparse_jacobian": ("residual", "g", "n", "point", "params"),
    "SparseJacobian": None,
    "hessian_vector_product": ("parsed", "point", "vector", "params"),
    "fixed_point": ("equation", "unknown", "parameter", "value", "start", "params"),
    "view_notebook": ("page", "query"),
}
KEYWORD_ONLY = {
    "fd_derivative": {"h", "scheme", "accuracy"},
    "minimize_path": {"use_grad", "use_hess", "max_iter"},
}
VAR_KEYWORD = {"minimize_path": "settings"}
DEFAULTS = {
    ("parse_expression", "variables"): ("x",),
    ("parse_vector", "variables"): ("x", "y"),
    ("fd_derivative", "order"): 1,
    ("fd_derivative", "scheme"): "central",
    ("fd_derivative", "accuracy"): 2,
    ("minimize_path", "use_grad"): True,
    ("minimize_path", "use_hess"): False,
    ("minimize_path", "max_iter"): 1000,
    ("jacobian", "mode"): "forward",
    ("derivative_steps", "variable"): "x",
    ("check_answer", "order"): 1,
    ("sparse_jacobian", "point"): None,
    ("sparse_jacobian", "params"): None,
    ("hessian_vector_product", "params"): None,
    ("fixed_point", "params"): None,
}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_every_contract_name_is_in_all(name):
    assert name in core.__all__


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_signature(name):
    value = getattr(core, name)
    expected = CONTRACT[name]
    if expected is None:
        assert inspect.isclass(value)
        return
    parameters = dict(inspect.signature(value).parameters)
    # Additions to the contract are allowed only as optional keyword-only parameters.
    extra = [p for p in parameters.values() if p.name not in expected]
    for parameter in extra:
        assert parameter.kind is parameter.KEYWORD_ONLY, parameter
        assert parameter.default is not parameter.empty, parameter
    assert tuple(p for p in parameters if p in expected) == expected
    for parameter in (parameters[p] for p in expected):
        if VAR_KEYWORD.get(name) == parameter.name:
            assert parameter.kind is parameter.VAR_KEYWORD
            continue
        keyword_only = parameter.name in KEYWORD_ONLY.get(name, set())
        assert (parameter.kind is parameter.KEYWORD_ONLY) == keyword_only, parameter
        if (name, parameter.name) in DEFAULTS:
            assert parameter.default == DEFAULTS[name, parameter.name]


def test_errors_are_the_documented_kinds():
    assert issubclass(core.ExpressionError, ValueError)
    assert issubclass(core.BudgetExceeded, RuntimeError)
    assert core.ExpressionError("bad", 3).position == 3


def test_all_lists_only_what_core_gives():
    for name in core.__all__:
        assert getattr(core, name) is not None


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        _ = core.not_a_name


def test_each_name_imports_in_a_fresh_interpreter():
    names = ", ".join(sorted(CONTRACT))
    script = f"from core import {names}\nimport core\nprint(len(core.__all__))"
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout.strip().splitlines()[-1]) == len(core.__all__)
