"""The computational graph and its two sweeps, node by node, against JAX on each node's
own sub-expression.

Oracles: a node's value and tangent are `jax.jvp` of the sub-expression it computes (a
function of x, evaluated whole, not primitive by primitive); its adjoint ∂f/∂vᵢ is
`jax.vjp` of f with every occurrence of that sub-expression replaced by a free input u,
at u = vᵢ. The last tangent and the input's adjoint are also checked against jax.grad,
Taylor-mode AD (core.ad_derivatives) and the registry's hand-written derivatives.
"""

from __future__ import annotations

import doctest
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jax import lax

from core import ExpressionError, ad_derivatives, parse_expression
from core.language.expression import REFERENCE, build_function
from core.language.numeric_source import map_children
from core.language.tree import Symbol
from core.teaching import graph, graph_code, graph_figure, graph_rules, graph_sweeps
from core.teaching.graph import MAX_NODES, computational_graph
from core.teaching.graph_sweeps import adjoints_after, step_nodes
from tests.function_registry import REGISTRY

RTOL = 1e-9
FREE = "_u"  # the oracle's stand-in for one node (the parser never makes this name)


def _sweeps(text: str, x0: float, params=None):
    return graph_sweeps.graph_sweeps(computational_graph(parse_expression(text), params), x0)


def _scalar(tree, env_of):
    function = build_function(tree, "jax")

    def evaluate(t):
        env = env_of(t)
        env[REFERENCE] = t
        return lax.add(function(env), lax.full_like(t, 0.0))

    return evaluate


def _replaced(tree, target, by):
    if tree == target:
        return by
    return map_children(tree, lambda child: _replaced(child, target, by))


def _oracle(sweeps):
    """Per node: (value, tangent) by jax.jvp of its sub-expression in x, and its adjoint by
    jax.vjp of f in a free stand-in for it (None for constants)."""
    g, x0 = sweeps.graph, jnp.float64(sweeps.x0)
    params = dict(g.params)
    whole = g.nodes[g.output].tree

    def env_in_x(x):
        return {g.variable: x, **{n: lax.full_like(x, v) for n, v in params.items()}}

    rows = []
    for node in g.nodes:
        value, tangent = jax.jvp(_scalar(node.tree, env_in_x), (x0,), (jnp.float64(1.0),))
        adjoint = None
        if node.kind != "constant":

            def env_in_u(u):
                return {**env_in_x(lax.full_like(u, x0)), FREE: u}

            standing_in = _scalar(_replaced(whole, node.tree, Symbol(FREE)), env_in_u)
            _, pullback = jax.vjp(standing_in, value)
            (adjoint,) = pullback(jnp.float64(1.0))
            adjoint = float(adjoint)
        rows.append((float(value), float(tangent), adjoint))
    return rows


def _close(got: float, want: float, scale: float, what: str) -> None:
    if not math.isfinite(want):
        assert not math.isfinite(got) or math.isnan(want), what
        return
    assert got == pytest.approx(want, rel=RTOL, abs=1e-12 * scale), what


def assert_tables_match(sweeps) -> None:
    """Every row of both tables against the oracle, and the totals against jax.grad."""
    oracle = _oracle(sweeps)
    finite = [abs(v) for row in oracle for v in row if v is not None and math.isfinite(v)]
    scale = max([1.0, *finite])
    text = sweeps.graph.text
    for row, (value, tangent, _) in zip(sweeps.forward, oracle, strict=True):
        name = sweeps.graph.nodes[row.node].name
        _close(row.value, value, scale, f"{text}: value of {name}")
        _close(row.tangent, tangent, scale, f"{text}: tangent of {name}")
    for row in sweeps.reverse:
        name = sweeps.graph.nodes[row.node].name
        _close(row.adjoint, oracle[row.node][2], scale, f"{text}: adjoint of {name}")
    _close(sweeps.forward_derivative, sweeps.derivative, scale, f"{text}: forward f′")
    _close(sweeps.reverse_derivative, sweeps.derivative, scale, f"{text}: reverse f′")


# -- the graph ----------------------------------------------------------------------------


def test_the_default_example_node_by_node():
    sweeps = _sweeps("sin(x)*sin(x) + x^2", 1.5)
    nodes = sweeps.graph.nodes
    assert [(n.name, n.operation, n.inputs, n.formula) for n in nodes] == [
        ("v₀", "x", (), "x"),
        ("v₁", "sin", (0,), "sin(v₀)"),
        ("v₂", "×", (1, 1), "v₁·v₁"),
        ("v₃", "^2", (0,), "v₀²"),
        ("v₄", "+", (2, 3), "v₂ + v₃"),
    ]
    assert [row.rule for row in sweeps.forward] == [
        "v̇₀ = 1 (the seed: dx/dx)", "v̇₁ = cos(v₀)·v̇₀", "v̇₂ = v₁·v̇₁ + v₁·v̇₁", "v̇₃ = 2·v₀·v̇₀",
        "v̇₄ = v̇₂ + v̇₃",
    ]  # fmt: skip
    s, c = math.sin(1.5), math.cos(1.5)
    values = [r.value for r in sweeps.forward]
    np.testing.assert_allclose(values, [1.5, s, s * s, 2.25, s * s + 2.25], rtol=1e-15)
    tangents = [r.tangent for r in sweeps.forward]
    np.testing.assert_allclose(tangents, [1, c, 2 * s * c, 3, 2 * s * c + 3], rtol=1e-14)
    names = [sweeps.graph.nodes[r.node].name for r in sweeps.reverse]
    assert names == ["v₄", "v₃", "v₂", "v₁", "v₀"]
    adjoints = [r.adjoint for r in sweeps.reverse]
    np.testing.assert_allclose(adjoints, [1, 1, 1, 2 * s, 2 * s * c + 3], rtol=1e-14)
    assert sweeps.derivative == pytest.approx(2 * s * c + 3, rel=1e-14)
    assert sweeps.message == ""
    assert_tables_match(sweeps)


def test_a_shared_node_collects_the_adjoint_of_both_uses():
    sweeps = _sweeps("sin(x)*sin(x)", 0.7)
    sine = next(row for row in sweeps.reverse if sweeps.graph.nodes[row.node].operation == "sin")
    assert len([n for n in sweeps.graph.nodes if n.operation == "sin"]) == 1
    assert [c.rule for c in sine.received] == ["v̄₁ += v̄₂·v₁", "v̄₁ += v̄₂·v₁"]
    assert [c.position for c in sine.received] == [0, 1]
    for contribution in sine.received:
        assert contribution.amount == pytest.approx(math.sin(0.7), rel=1e-15)
    assert sine.adjoint == pytest.approx(2 * math.sin(0.7), rel=1e-15)
    assert sine.rule == "v̄₁ = v̄₂·v₁ + v̄₂·v₁ (from its 2 uses)"
    x = sweeps.reverse[-1]
    assert x.adjoint == pytest.approx(math.sin(1.4), rel=1e-14)  # d/dx sin²x = sin 2x


def test_x_used_by_three_nodes_sums_three_contributions():
    sweeps = _sweeps("log(x) + x*x - sin(x)", 2.0)  # Baydin et al.'s f with x₁ = x₂ = x
    x = sweeps.reverse[-1]
    assert len(x.received) == 4  # log, both sides of x·x, sin
    assert x.adjoint == pytest.approx(0.5 + 4 - math.cos(2.0), rel=1e-14)
    assert_tables_match(sweeps)


@pytest.mark.parametrize(
    ("text", "constants"),
    [("2*a*x + a", ["2·a", "a"]), ("(1 + 2)*x", ["1 + 2"]), ("pi*x^2 + 2^x", ["π", "2"]),
     ("x^(1/2)", ["1/2"]), ("5", ["5"])],
)  # fmt: skip
def test_parts_without_x_are_one_constant_node_each(text, constants):
    sweeps = _sweeps(text, 1.3)
    found = [n for n in sweeps.graph.nodes if n.kind == "constant"]
    assert [n.name for n in found] == constants
    for node in found:
        assert sweeps.forward[sweeps.graph.nodes.index(node)].tangent == 0
        assert node.constant is not None
    assert all(sweeps.graph.depends_on_x(row.node) for row in sweeps.reverse)
    assert_tables_match(sweeps)


def test_parameters_take_their_values():
    sweeps = _sweeps("a*x^2 + b", 2.0, {"a": 3.0, "b": -1.0})
    assert sweeps.forward[-1].value == pytest.approx(11.0)
    assert sweeps.derivative == pytest.approx(12.0)
    assert_tables_match(sweeps)


def test_a_constant_f_and_f_equal_to_x():
    constant = _sweeps("5", 0.3)
    assert constant.forward_derivative == constant.reverse_derivative == constant.derivative == 0
    assert "does not depend on x" in constant.message
    assert [row.rule for row in constant.reverse] == ["v̄₀ = 0 (no adjoint reaches it)"]
    identity = _sweeps("x", 0.3)
    assert len(identity.graph.nodes) == 1
    assert identity.forward_derivative == identity.reverse_derivative == 1.0
    assert identity.message == ""


# -- local rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "x0", "forward", "sent"),
    [
        ("max(x, 1 - x)", 0.8, "v̇₂ = v̇₀", ["v̄₀ += v̄₂", "v̄₁ += 0"]),
        ("max(x, 1 - x)", 0.2, "v̇₂ = v̇₁", ["v̄₀ += 0", "v̄₁ += v̄₂"]),
        ("min(x, 1 - x)", 0.5, "v̇₂ = ½·v̇₀ + ½·v̇₁", ["v̄₀ += v̄₂·½", "v̄₁ += v̄₂·½"]),
        ("where(x < 1, x^2, 3x)", 0.5, "v̇₃ = v̇₁", ["v̄₁ += v̄₃", "v̄₂ += 0"]),
        ("x/cos(x)", 0.5, "v̇₂ = (1/v₁)·v̇₀ − (v₀/v₁²)·v̇₁", ["v̄₀ += v̄₂·(1/v₁)", "v̄₁ −= v̄₂·(v₀/v₁²)"]),
        ("x - exp(x)", 0.5, "v̇₂ = v̇₀ − v̇₁", ["v̄₀ += v̄₂", "v̄₁ −= v̄₂"]),
        ("x^x", 1.5, "v̇₁ = (v₀·v₀^(v₀ − 1))·v̇₀ + v₁·log(v₀)·v̇₀",
         ["v̄₀ += v̄₁·(v₀·v₀^(v₀ − 1))", "v̄₀ += v̄₁·v₁·log(v₀)"]),
        ("x^-3", 1.5, "v̇₁ = −3·v₀^(−4)·v̇₀", ["v̄₀ −= v̄₁·3·v₀^(−4)"]),
        ("-tanh(x)", 0.5, "v̇₂ = −v̇₁", ["v̄₁ −= v̄₂"]),
    ],
)  # fmt: skip
def test_rules_are_written_for_the_branch_taken(text, x0, forward, sent):
    sweeps = _sweeps(text, x0)
    assert sweeps.forward[-1].rule == forward
    assert [c.rule for c in sweeps.reverse[0].contributions] == sent
    assert_tables_match(sweeps)


@pytest.mark.parametrize("name", sorted(graph_rules._CALLS))
def test_every_function_has_a_rule_and_matches_jax(name):
    # A point inside each function's domain (acosh, acoth, asec and acsc need |x| > 1,
    # asin, atanh and asech |x| < 1).
    x0 = 1.7 if name in {"acosh", "acoth", "asec", "acsc"} else 0.35
    sweeps = _sweeps(f"{name}(x)", x0)
    assert sweeps.forward[1].rule.startswith("v̇₁ = ")
    assert_tables_match(sweeps)


@pytest.mark.parametrize(
    ("text", "x0"),
    [("where(x^-1 < 0.3, 2, x)", 0.0), ("floor(1/x + 0.5) + x", 0.25), ("sign(sqrt(x)) + x", 0.0)],
)
def test_no_adjoint_flows_through_a_comparison_floor_or_sign(text, x0):
    # 1/x and sqrt(x) have infinite derivatives at 0; JAX never multiplies them by the
    # (symbolic) zero derivative of <, floor or sign, and neither does the sweep
    sweeps = _sweeps(text, x0)
    assert sweeps.reverse_derivative == sweeps.derivative == 1.0
    assert_tables_match(sweeps)


def test_an_infinite_value_only_compared_leaves_f_finite():
    sweeps = _sweeps("where(x^-1 < 0.3, 2, x)", 0.0)
    assert "v₁ = 1/v₀" not in sweeps.message  # x^-1 is written as a power
    assert "is infinite (∞) at v₀ = 0" in sweeps.message
    assert "so f(x₀) = 0 is finite all the same" in sweeps.message


# -- the whole tables, over many expressions ----------------------------------------------


@pytest.mark.parametrize("known", REGISTRY, ids=[k.text for k in REGISTRY])
def test_registry_functions_node_by_node_and_against_their_derivative(known):
    low, high = known.domain
    x0 = low + 0.37 * (high - low)
    sweeps = _sweeps(known.text, x0, known.params)
    assert_tables_match(sweeps)
    exact = float(known.derivatives[1](np.float64(x0)))
    for got in (sweeps.forward_derivative, sweeps.reverse_derivative):
        assert got == pytest.approx(exact, rel=known.rtol, abs=1e-12)
    taylor = ad_derivatives(parse_expression(known.text), [x0], 1, known.params)[1, 0]
    assert sweeps.reverse_derivative == pytest.approx(taylor, rel=RTOL, abs=1e-12)


_LEAVES = st.sampled_from(["x", "x", "x", "2", "0.5", "pi", "3"])
_FUNCTIONS = ("sin", "cos", "exp", "atan", "tanh", "sinh", "asinh", "abs", "cosh")


def _expression_text():
    def extend(children):
        unary = st.builds(lambda f, a: f"{f}({a})", st.sampled_from(_FUNCTIONS), children)
        positive = st.builds(
            lambda f, a: f"{f}(1 + ({a})^2)", st.sampled_from(("log", "sqrt")), children
        )
        binary = st.builds(
            lambda a, op, b: f"({a}){op}({b})", children, st.sampled_from("+-*"), children
        )
        quotient = st.builds(lambda a, b: f"({a})/(2 + sin({b}))", children, children)
        power = st.builds(lambda a, n: f"({a})^{n}", children, st.sampled_from(["2", "3", "-1"]))
        branch = st.builds(
            lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(("max", "min")), children, children
        )
        where = st.builds(
            lambda a, b, c: f"where({a} < 0.3, {b}, {c})", children, children, children
        )
        shared = st.builds(lambda a: f"({a})*({a}) + sin({a})", children)  # repeated parts
        return unary | positive | binary | quotient | power | branch | where | shared

    return st.recursive(_LEAVES, extend, max_leaves=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expression_text(), st.floats(-2.0, 2.0))
def test_random_expressions_node_by_node(text, x0):
    try:
        parsed = parse_expression(text)
    except ExpressionError:
        return  # e.g. a constant expression SymPy finds undefined
    if _size(parsed.tree) > 3 * MAX_NODES:
        return  # certainly over the bound (tested on its own)
    try:
        sweeps = graph_sweeps.graph_sweeps(computational_graph(parsed), x0)
    except ValueError as error:
        if f"more than {MAX_NODES} nodes" in str(error):
            return
        raise
    assert len(sweeps.graph.nodes) <= MAX_NODES
    labels = [node.tree for node in sweeps.graph.nodes]
    assert len(set(labels)) == len(labels), "a repeated sub-expression must be one node"
    assert_tables_match(sweeps)
    for row in sweeps.reverse:  # an adjoint is the sum of what it received
        amounts = [c.amount for c in row.received]
        if row.node != sweeps.graph.output and all(map(math.isfinite, amounts)):
            assert row.adjoint == pytest.approx(math.fsum(amounts), rel=1e-12, abs=1e-300)


def _size(tree) -> int:
    return 1 + sum(_size(child) for child in _children(tree))


def _children(tree) -> list:
    found = []
    map_children(tree, lambda child: found.append(child) or child)
    return found


# -- bounds and messages ------------------------------------------------------------------


def test_too_many_nodes_is_one_clear_sentence():
    text = " + ".join(f"sin({k}*x)" for k in range(1, 26))
    with pytest.raises(ValueError, match=f"more than {MAX_NODES} nodes") as caught:
        computational_graph(parse_expression(text))
    assert "shorter" in str(caught.value)


def test_repeated_parts_count_once_against_the_bound():
    text = " + ".join(["sin(x)"] * 40)
    assert len(computational_graph(parse_expression(text)).nodes) == 41  # x, sin, 39 sums


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: computational_graph(parse_expression("x*y", ("x", "y"))), ValueError,
         "one variable"),
        (lambda: computational_graph(parse_expression("a*x"), {"b": 1.0}), ValueError,
         "not a parameter"),
        (lambda: computational_graph("sin(x)"), TypeError, "parsed expression"),
        (lambda: _sweeps("x", math.nan), ValueError, "finite"),
        (lambda: _sweeps("x", math.inf), ValueError, "finite"),
        (lambda: graph_sweeps.step_nodes(_sweeps("x", 1.0), "sideways"), ValueError, "mode"),
    ],
)  # fmt: skip
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("text", "x0", "words"),
    [
        ("log(x - 2)", 1.0, ["v₂ = log(v₁) is undefined (nan) at v₁ = −1", "positive"]),
        ("sqrt(x)", 0.0, ["v₁ = sqrt(v₀) = 0 at v₀ = 0", "derivative there is ∞"]),
        ("1/x", 0.0, ["infinite", "division by zero"]),
        ("acosh(x) + x", 0.5, ["acosh needs a number ≥ 1"]),
        ("x^0.5", -1.0, ["a negative number to a power"]),
    ],
)
def test_undefined_values_show_as_nan_with_a_message(text, x0, words):
    sweeps = _sweeps(text, x0)
    for word in words:
        assert word in sweeps.message
    assert not math.isfinite(sweeps.forward[-1].value) or not math.isfinite(
        sweeps.forward_derivative
    )


def test_sqrt_has_its_own_rule():
    # sqrt is lax.pow(x, 0.5) in the language's JAX form; its rule is still written as sqrt's
    assert _sweeps("sqrt(x)", 4.0).forward[1].rule == "v̇₁ = (1/(2·√v₀))·v̇₀"


# -- steps ----------------------------------------------------------------------------------


def test_steps_skip_constants_and_adjoints_fill_from_the_output():
    sweeps = _sweeps("2*sin(x)*sin(x) + 3", 0.4)
    forward, reverse = step_nodes(sweeps, "forward"), step_nodes(sweeps, "reverse")
    assert all(sweeps.graph.depends_on_x(i) for i in forward)
    assert reverse == tuple(reversed(forward))
    assert adjoints_after(sweeps, 0) == {}
    first = adjoints_after(sweeps, 1)
    assert first[sweeps.graph.output] == 1.0
    complete = adjoints_after(sweeps, len(reverse))
    for row in sweeps.reverse:
        assert complete[row.node] == pytest.approx(row.adjoint, rel=1e-14)


# -- the figure -----------------------------------------------------------------------------


def _trace(figure, name):
    """The node trace of a state (the edges and the legend have traces of that name too)."""
    return next(t for t in figure.data if t.name == name and t.mode == "markers+text")


def test_layout_layers_are_the_longest_path_from_x():
    g = computational_graph(parse_expression("sin(x)*sin(x) + x^2"))
    layers = [point[0] for point in graph_figure.layout(g).values()]
    assert layers == [0.0, 1.0, 2.0, 1.0, 3.0]


def test_the_figure_highlights_the_current_node_by_size_and_outline():
    sweeps = _sweeps("sin(x)*sin(x) + x^2", 1.5)
    figure = graph_figure.graph_figure(sweeps, "forward", 3)
    current, done, pending = (_trace(figure, n) for n in ("this step", "done", "to do"))
    assert list(current.customdata) == [2]  # v₂ = v₁·v₁
    assert list(done.customdata) == [0, 1]
    assert list(pending.customdata) == [3, 4]
    assert current.marker.size > done.marker.size
    assert current.marker.line.width > done.marker.line.width
    assert current.marker.color != done.marker.color != pending.marker.color
    swept = next(t for t in figure.data if t.name == "swept")
    waiting = next(t for t in figure.data if t.name == "not yet swept")
    assert swept.line.dash == "solid"
    assert waiting.line.dash == "dot"
    labels = [annotation.text for annotation in figure.layout.annotations]
    assert "v̇₁ = 0.07074" in labels[1]
    assert "v̇" not in labels[3]


def test_reverse_arrows_point_back_to_the_arguments():
    sweeps = _sweeps("exp(x)", 0.5)
    figure = graph_figure.graph_figure(sweeps, "reverse", 1)
    edge = next(t for t in figure.data if t.name == "this step")
    assert edge.x[1] < edge.x[0]  # from exp (layer 1) towards x (layer 0)
    assert edge.marker.size[1] > 0  # the arrowhead sits at the argument's end
    forward = graph_figure.graph_figure(sweeps, "forward", 2)
    edge = next(t for t in forward.data if t.name == "this step")
    assert edge.x[1] > edge.x[0]
    labels = [annotation.text for annotation in figure.layout.annotations]
    assert "v̄₀ = 1.649 so far" in labels[0]


def test_the_figure_of_a_large_graph_is_compact():
    text = " + ".join(f"sin({k}*x)*cos(x + {k})" for k in range(1, 8))
    sweeps = _sweeps(text, 0.3)
    figure = graph_figure.graph_figure(sweeps, "reverse")
    assert figure.layout.height <= 1200
    shown = [*_trace(figure, "done").customdata, *_trace(figure, "this step").customdata]
    assert sorted(shown) == sorted(step_nodes(sweeps, "reverse"))


# -- the code behind it and the docstrings ------------------------------------------------


def _run(code: str) -> dict:
    # Test only: the snippet is our own text, printed from the validated tree of a known
    # test expression; running it is the point of the test.
    namespace: dict = {}
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "text", ["sin(x)*sin(x) + x^2", "log(x) + x*x - sin(x)", "where(x < 1, x^2, 2x) + cot(x)",
             "a*x^3 - f", "5", "x", "max(x, 1 - x)^2"],
)  # fmt: skip
def test_the_code_reproduces_both_tables(text):
    sweeps = _sweeps(text, 0.8)
    names = _run(graph_code.graph_code(sweeps.graph, 0.8))
    computed = [row for row in sweeps.forward if sweeps.graph.depends_on_x(row.node)]
    for k, row in enumerate(computed):
        assert float(names[f"v{k}"]) == pytest.approx(row.value, rel=1e-12)
        assert float(names[f"dv{k}"]) == pytest.approx(row.tangent, rel=1e-12)
    by_node = {row.node: row.adjoint for row in sweeps.reverse}
    for k, row in enumerate(computed):
        assert float(names["bar"][f"v{k}"]) == pytest.approx(by_node[row.node], rel=1e-12)


@pytest.mark.parametrize("module", [graph, graph_sweeps, graph_rules, graph_code, graph_figure])
def test_docstring_examples(module):
    result = doctest.testmod(module, verbose=False)
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize(
    "text", ["sin(x)*sin(x) + x^2", " + ".join(f"sin({k}*x)" for k in range(1, 11))]
)
def test_labels_are_readable_and_sit_on_a_box_off_the_edges(text):
    """Issue 21: the labels were ~10 px grey text drawn over the edges."""
    sweeps = _sweeps(text, 0.3)
    figure = graph_figure.graph_figure(sweeps, "forward", 2)
    labels = figure.layout.annotations
    assert len(labels) == len(sweeps.graph.nodes)
    for label in labels:
        assert label.font.size >= 14
        red, green, blue = (int(label.font.color[i : i + 2], 16) for i in (1, 3, 5))
        assert max(red, green, blue) <= 0x40  # near black, not grey
        assert label.bgcolor.startswith("rgba(255, 255, 255")  # a box that hides edges
        assert label.yanchor == "top"
        assert label.yshift < -10  # starts below the node's marker
    assert not [t for t in figure.data if t.mode == "text"]  # no bare text over the edges


@pytest.mark.parametrize(
    ("text", "x0"), [("log(x)", -1.0), ("log(x - 2) + x", 1.0), ("asin(x)", 2.0)]
)
def test_outside_the_domain_the_derivative_is_undefined_too(text, x0):
    # log's local rule u'/u gives -1 at x = -1, yet ln has no derivative where it has no
    # value: every tangent of an undefined node, and f'(x0), are nan (issue 21, item 3).
    sweeps = _sweeps(text, x0)
    assert math.isnan(sweeps.value)
    assert math.isnan(sweeps.derivative)
    for row in sweeps.forward:
        if math.isnan(row.value):
            assert math.isnan(row.tangent)
