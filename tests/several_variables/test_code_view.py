"""The code behind the Several variables page runs on its own and computes what core computes.

Each snippet of `core.several_variables.code_view` is executed in a fresh namespace and
its values are compared with `core.several_variables.derivatives` (and the lectures'
numbers); the PyTorch snippet, which cannot run here, is compiled, checked for torch's
names, and its forward line is evaluated against a NumPy stand-in for torch. Also what
every snippet shares (`core.several_variables.code_pieces`): the canonical form, the
reserved names, the errors at the boundary.
"""

from __future__ import annotations

import ast
import math
import re
import sys
import types

import numpy as np
import pytest

from core import gradient, jacobian, jvp, parse_expression, parse_vector, vjp
from core.explorer.code_view import jax_code, numpy_code
from core.language.numeric_source import (
    expression_source,
    functions_used,
    helper_source,
    numeric_names,
    parameter_lines,
    python_names,
)
from core.several_variables import code_pieces
from core.several_variables.code_hessians_and_areas import change_of_variables_code, hessian_code
from core.several_variables.code_view import (
    gradient_code,
    jacobian_code,
    jvp_vjp_code,
    three_variables_code,
)
from core.several_variables.derivatives import value_and_gradient
from core.several_variables.tall_and_wide import example_functions
from tests.several_variables.snippets import (
    SCALARS,
    UV,
    XY,
    XYZ,
    assert_close,
    params_of,
    run_snippet,
)

TWO_PI = 2 * math.pi

VECTORS = [  # (text, variables, point)
    ("[x^2*y, 5x + sin(y)]", XY, (0.5, 0.5)),
    ("[a*x*y, log10(x) + abs(y), c*exp(x - y)]", XY, (0.5, 0.7)),
    ("[x*y*z, f*x + csc(z), sqrt(1 + y^2)]", XYZ, (0.4, -0.8, 1.2)),
    ("[T*u*cos(v), u*sin(v)]", UV, (0.6, 1.0)),
]
TORCH_API = {  # names the PyTorch snippet may use, each in torch's documented API
    "tensor", "set_default_dtype", "float64", "sin", "cos", "tan", "arcsin", "arccos",
    "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "log",
    "log10", "log2", "sqrt", "abs", "floor", "ceil", "sign", "maximum", "minimum", "where",
}  # fmt: skip
TORCH_NAMES = {"atan": "arctan", "max": "maximum", "min": "minimum"}  # where they differ
TORCH_HELPERS = {"sec": "1 / torch.cos(x)", "cot": "1 / torch.tan(x)", "csc": "1 / torch.sin(x)"}


# -- gradient ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "variables", "point"), SCALARS)
def test_gradient_snippet_matches_core(text, variables, point):
    parsed = parse_expression(text, variables)
    params = params_of(parsed)
    direction = np.array([3.0, 1.0, 1.0][: len(point)])
    namespace, _ = run_snippet(gradient_code(parsed, point, params, direction=direction))
    expected = value_and_gradient(parsed, point, params)
    assert_close(namespace["value"], expected.value)
    assert_close([namespace[f"df_d{v}"] for v in variables], expected.gradient)
    unit = direction / np.linalg.norm(direction)
    assert_close(namespace["direction"], unit)
    assert_close(namespace["slope"], expected.gradient @ unit)
    difference = (namespace["ahead"] - namespace["behind"]) / (2 * namespace["step"])
    assert_close(difference, expected.gradient @ unit, rtol=1e-6)


def test_gradient_snippet_prints_the_lecture_s_numbers():
    code = gradient_code(parse_expression("x^2 + y", XY), [2, 3])
    assert "jax.value_and_grad(f, argnums=(0, 1))(2.0, 3.0)" in code
    _, output = run_snippet(code)
    assert output.splitlines()[0] == "7.0 4.0 1.0"


def test_gradient_snippet_of_one_variable_and_default_direction():
    parsed = parse_expression("x*exp(x)", ("x",))
    namespace, _ = run_snippet(gradient_code(parsed, [0.5]))
    assert_close(namespace["df_dx"], 1.5 * np.exp(0.5))
    assert_close(namespace["slope"], 1.5 * np.exp(0.5))


# -- Jacobian, JVP, VJP ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "variables", "point"), VECTORS)
def test_jacobian_snippet_matches_core_in_both_modes(text, variables, point):
    vector = parse_vector(text, variables)
    params = params_of(vector)
    namespace, output = run_snippet(jacobian_code(vector, point, params))
    for mode, name in [("forward", "jacobian_forward"), ("reverse", "jacobian_reverse")]:
        assert_close(namespace[name], jacobian(vector, point, mode, params))
    # the timing sketch's maps are the page's tall and wide examples
    tall, wide = example_functions(vector, 100, params, point=point)
    assert_close(namespace["tall"](namespace["point"]), tall.function(tall.point))
    assert_close(namespace["wide_point"], wide.point)
    assert_close(namespace["wide"](namespace["wide_point"]), wide.function(wide.point))
    timings = re.findall(r"^(tall|wide) (jacfwd|jacrev): \d+ µs per call$", output, re.M)
    assert len(timings) == 4


def test_jacobian_snippet_gives_the_pycse_numbers_and_says_why_both_exist():
    code = jacobian_code(parse_vector("[x^2*y, 5x + sin(y)]"), [0.5, 0.5])
    namespace, _ = run_snippet(code)
    assert_close(namespace["jacobian_reverse"], [[0.5, 0.25], [5.0, np.cos(0.5)]])
    assert "2 JVPs, one per input" in code
    assert "2 VJPs, one per output" in code
    assert "R^2 -> R^100: T(p)" in code
    assert "R^100 -> R^2: W(q)" in code


def test_jacobian_snippet_of_a_scalar_expression():
    parsed = parse_expression("x*y + sin(x)", XY)
    namespace, _ = run_snippet(jacobian_code(parsed, [0.3, 0.9]))
    assert_close(namespace["jacobian_forward"], jacobian(parsed, [0.3, 0.9]))


@pytest.mark.parametrize(("text", "variables", "point"), VECTORS)
def test_jvp_vjp_snippet_matches_core(text, variables, point):
    vector = parse_vector(text, variables)
    params = params_of(vector)
    tangent = np.linspace(1.0, -1.0, len(variables))
    cotangent = np.linspace(0.5, 2.0, len(vector))
    namespace, _ = run_snippet(jvp_vjp_code(vector, point, tangent, cotangent, params))
    value, pushed = jvp(vector, point, tangent, params)
    _, pulled = vjp(vector, point, cotangent, params)
    assert_close(namespace["value"], value)
    assert_close(namespace["pushed_forward"], pushed)
    assert_close(namespace["pulled_back"], pulled)
    matrix = jacobian(vector, point, params=params)
    assert_close(namespace["jacobian"] @ namespace["tangent"], matrix @ tangent)


def test_jvp_vjp_snippet_gives_the_lecture_s_numbers():
    f = parse_vector("[x^2 + y^2, x*y]")
    namespace, _ = run_snippet(jvp_vjp_code(f, [3, 2], [1, 0], [1, 0]))
    assert_close(namespace["pushed_forward"], [6.0, 2.0])  # J e1 = [2 x1, x2]
    assert_close(namespace["pulled_back"], [6.0, 4.0])  # e1ᵀ J = [2 x1, 2 x2]


# -- three variables: JAX and PyTorch ------------------------------------------------------


def test_three_variables_lecture_gives_3_8_minus_3():
    parsed = parse_expression("x^3 + 2y^2 - 3z + 1", XYZ)
    jax_snippet, torch_snippet = three_variables_code(parsed, [1, 2, 3])
    _, output = run_snippet(jax_snippet)
    assert output.split() == ["3.0", "8.0", "-3.0"]
    assert "jax.grad(f, argnums=(0, 1, 2))(1.0, 2.0, 3.0)" in jax_snippet
    assert "f = x**3 + 2*y**2 - 3*z + 1\nf.backward()" in torch_snippet
    assert "print(x.grad, y.grad, z.grad)" in torch_snippet
    for name, value in zip("xyz", ["1.0", "2.0", "3.0"], strict=True):
        assert f"{name} = torch.tensor({value}, requires_grad=True)" in torch_snippet


def _fake_torch() -> types.ModuleType:
    """NumPy standing in for torch's forward computation (torch is not installed here)."""
    fake = types.ModuleType("torch")
    for name in TORCH_API:
        setattr(fake, name, getattr(np, name, None))
    fake.tensor = lambda value, requires_grad=False: np.float64(value)  # noqa: ARG005
    fake.set_default_dtype = lambda dtype: None  # noqa: ARG005
    return fake


@pytest.mark.parametrize(("text", "variables", "point"), SCALARS)
def test_three_variables_snippets(text, variables, point, monkeypatch):
    parsed = parse_expression(text, variables)
    params = params_of(parsed)
    jax_snippet, torch_snippet = three_variables_code(parsed, point, params)
    namespace, _ = run_snippet(jax_snippet)
    assert_close([namespace[f"df_d{v}"] for v in variables], gradient(parsed, point, params))

    compile(torch_snippet, "<torch snippet>", "exec")
    assert "jax" not in torch_snippet
    used = set(re.findall(r"\btorch\.(\w+)", torch_snippet))
    assert used <= TORCH_API
    for function in functions_used(parsed.tree):
        if function in TORCH_HELPERS:
            assert f"def {function}(x):\n    return {TORCH_HELPERS[function]}\n" in torch_snippet
        else:
            assert TORCH_NAMES.get(function, function) in used, function
    # Torch cannot run here: evaluate its forward line with NumPy in torch's place.
    monkeypatch.setitem(sys.modules, "torch", _fake_torch())
    forward, backward = torch_snippet.split("f.backward()")
    fake_namespace, _ = run_snippet(forward)
    assert_close(fake_namespace["f"], value_and_gradient(parsed, point, params).value)
    assert f"print({', '.join(f'{v}.grad' for v in variables)})" in backward


def test_torch_snippet_wraps_numbers_that_torch_functions_receive():
    parsed = parse_expression("sin(pi/4)*x + max(y, 2) + sqrt(2)*z", XYZ)
    _, torch_snippet = three_variables_code(parsed, [1, 2, 3])
    assert "torch.sin(torch.tensor(math.pi/4))" in torch_snippet
    assert "torch.maximum(y, torch.tensor(2.0))" in torch_snippet
    assert "torch.sqrt(torch.tensor(2.0))" in torch_snippet
    assert torch_snippet.startswith("import math\n\nimport torch\n")


def test_torch_snippet_says_which_grads_stay_none():
    _, torch_snippet = three_variables_code(parse_expression("x*y", XYZ), [1, 2, 3])
    assert "None for z: f does not depend on it" in torch_snippet


# -- generated from the tree, never from the typed text -------------------------------------


def test_snippets_show_the_canonical_form_not_the_typed_text():
    typed = "2x^2 + 3sin(y)·x − e^(−y²)"
    parsed = parse_expression(typed, XY)
    vector = parse_vector(f"[{typed}, x·y]", XY)
    snippets = [
        gradient_code(parsed, [1, 2]),
        hessian_code(parsed, [1, 2]),
        jacobian_code(vector, [1, 2]),
        jvp_vjp_code(vector, [1, 2], [1, 0], [0, 1]),
        *three_variables_code(parse_expression(typed, XYZ), [1, 2, 3]),
    ]
    for snippet in snippets:
        for fragment in ("2x^2", "3sin", "sin(y)·x", "−", "y²", "e^("):
            assert fragment not in snippet
        assert "2*x**2" in snippet


def test_every_name_a_snippet_assigns_is_reserved_from_parameters():
    """A parameter named like one of the snippet's own names would be overwritten."""
    parsed = parse_expression("a*x + y", XY)
    vector = parse_vector("[a*x, y]", XY)
    polar = parse_vector("[u cos(v), u sin(v)]", UV)
    snippets = [
        gradient_code(parsed, [1, 2]),
        hessian_code(parsed, [1, 2]),
        jacobian_code(vector, [1, 2]),
        jvp_vjp_code(vector, [1, 2], [1, 0], [0, 1]),
        change_of_variables_code(polar, (0, 1), (0, TWO_PI)),
        *three_variables_code(parse_expression("a*x + z", XYZ), [1, 2, 3]),
    ]
    allowed = code_pieces.SNIPPET_NAMES | {"a", "x", "y", "z", "u", "v", "_"}
    for snippet in snippets:
        for node in ast.walk(ast.parse(snippet)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assert node.id in allowed or node.id.startswith("df_d"), node.id
            if isinstance(node, ast.FunctionDef):
                assert node.name in allowed, node.name


def test_parameters_named_like_snippet_names_are_renamed():
    parsed = parse_expression("f*x + H*y + T", XY)
    code = hessian_code(parsed, [1, 2], {"f": 2.0, "H": 3.0, "T": 4.0})
    assert "H_ = 3.0\nT_ = 4.0\nf_ = 2.0\n" in code  # sorted, as parsed.parameters
    namespace, _ = run_snippet(gradient_code(parsed, [1, 2], {"f": 2.0, "H": 3.0, "T": 4.0}))
    assert_close(namespace["value"], 2.0 + 6.0 + 4.0)


# -- errors at the boundary -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gradient_code(parse_expression("x*y", XY), [1]), "needs 2 numbers"),
        (lambda: gradient_code(parse_vector("[x, y]"), [1, 2]), "scalar function"),
        (lambda: gradient_code(parse_expression("x*y", XY), [1, 2], direction=[0, 0]), "zero"),
        (lambda: gradient_code(parse_expression("x*y", XY), [1, math.nan]), "finite"),
        (lambda: hessian_code(parse_expression("x*y", XY), [1, 2], x_range=(1, 0)), "lower end"),
        (lambda: jvp_vjp_code(parse_vector("[x, y, x*y]"), [1, 2], [1, 0], [1, 0]), "3 numbers"),
        (lambda: jacobian_code(parse_vector("[x, y]"), [1, 2], {"q": 1.0}), "not a parameter"),
        (lambda: gradient_code(parse_expression("a*x", XY), [1, 2], {"a": math.inf}), "finite"),
        (lambda: change_of_variables_code(parse_vector("[u, v, u*v]", UV), (0, 1), (0, 1)),
         "two components"),
        (lambda: change_of_variables_code(parse_vector("[u, v]", UV), (0, 1), (0, math.inf)),
         "finite"),
    ],
)  # fmt: skip
def test_bad_input_gets_one_clear_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- numeric_source, shared with the Explorer ----------------------------------------------


def test_numeric_source_pieces():
    parsed = parse_expression("f*asin(x) + cot(x) + h*pi", ("x",))
    names = python_names(parsed, reserved={"f", "h"})
    assert names == {"f": "f_", "h": "h_", "x": "x"}
    assert expression_source(parsed, "np", names) == "f_*np.arcsin(x) + cot(x) + h_*np.pi"
    assert expression_source(parsed, "jnp", {"x": "p[0]"}) == (
        "f*jnp.arcsin(p[0]) + cot(p[0]) + h*jnp.pi"
    )
    assert parameter_lines(parsed, {"f": 2}, names) == "f_ = 2.0\nh_ = 1.0\n"
    assert helper_source(parsed, "np") == "\ndef cot(x):\n    return 1 / np.tan(x)\n"
    assert "def asin(x)" in helper_source(parsed, "jnp", taylor_mode=True)
    assert numeric_names("torch")["pi"] == "math.pi"
    with pytest.raises(ValueError, match="namespace"):
        numeric_names("tf")


def test_explorer_snippets_survive_parameters_named_f_and_h():
    """The Explorer's NumPy snippet defines f and the step h: parameters f, h are renamed."""
    parsed = parse_expression("f*x + h*sin(x)")
    params = {"f": 2.0, "h": 3.0}
    namespace, _ = run_snippet(numpy_code(parsed, 1, "central", 2, (0.5, 1.5), params))
    assert_close(namespace["derivative"], 2.0 + 3.0 * np.cos(namespace["x"]), rtol=1e-6)
    assert "f_ = 2.0" in jax_code(parsed, 2, (0.5, 1.5), params)
