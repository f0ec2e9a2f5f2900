"""The code behind the Beyond grad page: each section's computation as a standalone snippet.

Every snippet runs on its own in a notebook, in float64 (float32 beside it where the
lecture prints float32), with the page's numbers as its constants: a `jax.custom_jvp`
rule, ∂f(ẋ, ẏ) = cos(x)·ẋ·y + sin(x)·ẏ; softplus log(1 + eˣ) with s′ = σ as its rule;
the TD(0) pseudo-loss ½ (stop_gradient(r + θ·s) − θ·s_prev)²; the straight-through
estimator y + stop_gradient(q(y) − y); the implicit function theorem dx*/da = −F_a/F_x
at a root found by `brentq`; d(A⁻¹) = −A⁻¹ dA A⁻¹; `has_aux`; per-example gradients and
Hessians by `jax.vmap`; and expression swell, SymPy's derivatives against JAX's jaxprs.
The two built from a typed function (implicit_code, swell_code) are in
core.beyond_grad.code_typed, printed from its validated tree, never from the typed text.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from core.beyond_grad.arguments import square_matrix

HEADER = (
    "import jax\nimport jax.numpy as jnp\n{more}\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)
DTYPES = ("float32", "float64")
# Beyond log(largest float) (88.72 in float32, 709.78 in float64) e^x overflows.
LARGE_X = {"float32": 100.0, "float64": 1000.0}
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def custom_jvp_code(x: float, y: float, direction: tuple[float, float]) -> str:
    """f(x, y) = sin(x)·y with a hand-written JVP rule, pushed along a direction by `jax.jvp`.

    Args:
        x, y: the point (float32 numbers: the lecture's printout is float32).
        direction: the tangent (ẋ, ẏ).

    Returns:
        The snippet: `value32, tangent32` from float32 inputs (2.7278922 and −1.2484405
        for the lecture's (2, 3) along (1, 0)), then `value, tangent` in float64.

    Raises:
        ValueError: for a number that is not finite in float32 or a direction that is
            not two numbers.

    Example:
        >>> "jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot" in custom_jvp_code(2, 3, (1, 0))
        True
    """
    x, y = (number(v, name, limit=_FLOAT32_MAX) for v, name in ((x, "x"), (y, "y")))
    dx, dy = _vector(direction, "direction (ẋ, ẏ)", length=2, limit=_FLOAT32_MAX)
    return HEADER.format(more="") + (
        "\n@jax.custom_jvp\ndef f(x, y):\n    return jnp.sin(x) * y\n\n\n"
        "@f.defjvp\ndef f_jvp(primals, tangents):  # the rule JAX uses instead of tracing f\n"
        "    x, y = primals\n    x_dot, y_dot = tangents\n    primal_out = f(x, y)\n"
        "    return primal_out, jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot\n\n\n"
        "# the lecture prints float32 (JAX's default): inputs and tangents of one dtype\n"
        f"point32 = (jnp.float32({x!r}), jnp.float32({y!r}))\n"
        f"direction32 = (jnp.float32({dx!r}), jnp.float32({dy!r}))\n"
        "value32, tangent32 = jax.jvp(f, point32, direction32)\nprint(value32, tangent32)\n\n"
        "# the same in float64; jax.grad uses the rule too (transposed)\n"
        f"point = (jnp.float64({x!r}), jnp.float64({y!r}))\n"
        f"direction = (jnp.float64({dx!r}), jnp.float64({dy!r}))\n"
        "value, tangent = jax.jvp(f, point, direction)\n"
        "print(value, tangent, jax.grad(f, argnums=(0, 1))(*point))\n"
    )


def softplus_code(dtype: str, x: float | None = None) -> str:
    """The gradient of softplus log(1 + eˣ) at a large x: as written (nan) and by a rule (1.0).

    Args:
        dtype: "float32" or "float64", the dtype of the computation.
        x: the point; by default `LARGE_X[dtype]` (100 or 1000), beyond where eˣ overflows.

    Returns:
        The snippet: `naive_gradient` (nan beyond the overflow) and `custom_gradient`
        = σ(x) (1.0 there), by `jax.grad`, and `naive_value`, `custom_value`.

    Raises:
        ValueError: for another dtype or an x that is not finite in that dtype.
    """
    if dtype not in DTYPES:
        raise ValueError(f"The dtype must be one of {', '.join(DTYPES)}; got {dtype!r}.")
    limit = _FLOAT32_MAX if dtype == "float32" else math.inf
    x = LARGE_X[dtype] if x is None else number(x, "x", limit=limit)
    return HEADER.format(more="") + (
        "\ndef naive_softplus(x):  # JAX differentiates it as e^x · 1/(1 + e^x): inf · 0 = nan\n"
        "    return jnp.log(1 + jnp.exp(x))\n\n\n"
        "@jax.custom_jvp\ndef softplus(x):\n"
        "    return jnp.logaddexp(x, 0.0)  # log(e^x + e^0), without overflow\n\n\n"
        "@softplus.defjvp\ndef softplus_jvp(primals, tangents):  # s'(x) = σ(x), never inf\n"
        "    (x,), (x_dot,) = primals, tangents\n"
        "    return softplus(x), jax.nn.sigmoid(x) * x_dot\n\n\n"
        f"x = jnp.{dtype}({x!r})  # e^x overflows in {dtype} beyond x ≈ "
        f"{math.log(np.finfo(dtype).max):.2f}\n"
        "naive_value, naive_gradient = jax.value_and_grad(naive_softplus)(x)\n"
        "custom_value, custom_gradient = jax.value_and_grad(softplus)(x)\n"
        "print(naive_value, naive_gradient)\nprint(custom_value, custom_gradient)\n"
    )


def stop_gradient_code(theta: ArrayLike, s_prev: ArrayLike, r: float, s: ArrayLike) -> str:
    """The TD(0) pseudo-loss ½ (stop_gradient(r + θ·s) − θ·s_prev)² and its gradient in θ.

    Args:
        theta: θ, n numbers; s_prev: the state left, s: the state reached (n each).
        r: the reward.

    Returns:
        The snippet: `semi_gradient` = −δ s_prev (the lecture's [−1.2, −2.4, 1.2]) and
        `full_gradient` = δ (s − s_prev), without stop_gradient, with δ = r + θ·s − θ·s_prev.

    Raises:
        ValueError: for vectors of different lengths or numbers that are not finite.
    """
    theta = _vector(theta, "θ")
    s_prev = _vector(s_prev, "s_prev", length=len(theta), phrase="(as many as θ)")
    s = _vector(s, "s", length=len(theta), phrase="(as many as θ)")
    r = number(r, "reward r")
    return HEADER.format(more="") + (
        f"theta = jnp.array({_list(theta)})\n"
        f"s_prev = jnp.array({_list(s_prev)})  # the state left\n"
        f"r = {r!r}  # the reward\ns = jnp.array({_list(s)})  # the state reached\n\n\n"
        "def td_loss(theta):  # the target is a constant to jax.grad\n"
        "    target = jax.lax.stop_gradient(r + theta @ s)\n"
        "    return 0.5 * (target - theta @ s_prev) ** 2\n\n\n"
        "def full_loss(theta):  # the target moves with θ too\n"
        "    return 0.5 * (r + theta @ s - theta @ s_prev) ** 2\n\n\n"
        "semi_gradient = jax.grad(td_loss)(theta)  # -δ s_prev\n"
        "full_gradient = jax.grad(full_loss)(theta)  # δ (s - s_prev)\n"
        "print(semi_gradient, full_gradient)\n"
    )


def straight_through_code(w: ArrayLike, y: ArrayLike) -> str:
    """f(y) = w·q(y) with q(y) = one_hot(argmax y): gradient 0, straight through: gradient w.

    Args:
        w: the weights, n ≥ 2 numbers.
        y: n numbers with a unique largest entry.

    Returns:
        The snippet: `value, gradient` of w·q(y) (gradient 0) and `ste_value,
        ste_gradient` of w·(y + stop_gradient(q(y) − y)) (the same value, gradient w).

    Raises:
        ValueError: for lengths that differ or are below 2, numbers that are not
            finite, or a tie for the largest entry of y.
    """
    w = _vector(w, "weights w", minimum=2)
    y = _vector(y, "y", length=len(w), phrase="(as many as w)")
    if y.count(max(y)) > 1:
        raise ValueError(
            f"y = {list(y)} has a tie for its largest entry, where q(y) is undefined: "
            "make one entry the largest."
        )
    return HEADER.format(more="") + (
        f"w = jnp.array({_list(w)})\ny = jnp.array({_list(y)})\n\n\n"
        "def q(y):  # 1 at the largest entry, 0 elsewhere: a step function of y\n"
        "    return jax.nn.one_hot(jnp.argmax(y), y.shape[0])\n\n\n"
        "def f(y):\n    return w @ q(y)\n\n\n"
        "def f_straight_through(y):  # forward: q(y); backward: as if q(y) were y\n"
        "    return w @ (y + jax.lax.stop_gradient(q(y) - y))\n\n\n"
        "value, gradient = jax.value_and_grad(f)(y)  # 0: q is flat almost everywhere\n"
        "ste_value, ste_gradient = jax.value_and_grad(f_straight_through)(y)  # w\n"
        "print(value, gradient)\nprint(ste_value, ste_gradient)\n"
    )


def inverse_code(A: ArrayLike, dA: ArrayLike) -> str:
    """d(A⁻¹) = −A⁻¹ dA A⁻¹ against `jax.jacfwd(jnp.linalg.inv)(A)` contracted with dA.

    Args:
        A: an invertible n × n matrix, n ≤ `MAX_MATRIX_SIZE`.
        dA: the direction, an n × n matrix.

    Returns:
        The snippet: `formula`, `by_jacobian` (the n⁴ Jacobian contracted with dA by
        `jnp.tensordot`) and `by_jvp` (one `jax.jvp`), all equal.

    Raises:
        ValueError: for matrices that are not square of the same size, entries that are
            not finite, or a singular A.
    """
    A, dA = square_matrix(A, "A"), square_matrix(dA, "dA")
    if A.shape != dA.shape:
        raise ValueError(f"dA must have A's shape {A.shape}; got {dA.shape}.")
    if not np.linalg.cond(A) < 1e12:
        raise ValueError("A is singular (or nearly so): choose an invertible matrix.")
    return HEADER.format(more="") + (
        f"A = jnp.array({_rows(A)})\ndA = jnp.array({_rows(dA)})  # a direction\n\n"
        "A_inv = jnp.linalg.inv(A)\n"
        "formula = -A_inv @ dA @ A_inv  # from d(A A⁻¹) = dA A⁻¹ + A d(A⁻¹) = 0\n\n"
        "jacobian = jax.jacfwd(jnp.linalg.inv)(A)  # shape (n, n, n, n): ∂(A⁻¹)_ij / ∂A_kl\n"
        "by_jacobian = jnp.tensordot(jacobian, dA, axes=2)  # Σ_kl ∂(A⁻¹)_ij/∂A_kl dA_kl\n"
        "_, by_jvp = jax.jvp(jnp.linalg.inv, (A,), (dA,))  # the same, without the n⁴ array\n"
        "print(formula)\nprint(by_jacobian)\nprint(by_jvp)\n"
    )


def has_aux_code(x: float, y: float) -> str:
    """`jax.value_and_grad(f, has_aux=True)`: f returns (x² + y, 42); the 42 rides along.

    Returns:
        The snippet: `value`, `aux`, `grad` (7.0, 42 and ∂f/∂x = 4.0 at (2, 3)).

    Raises:
        ValueError: for a number that is not finite.
    """
    x, y = number(x, "x"), number(y, "y")
    return HEADER.format(more="") + (
        "\ndef f(x, y):\n    loss = x**2 + y\n"
        "    aux = 42  # anything else to return: predictions, a dict of diagnostics\n"
        "    return loss, aux\n\n\n"
        "# has_aux: the first output is differentiated, the second is passed through\n"
        f"(value, aux), grad = jax.value_and_grad(f, has_aux=True)({x!r}, {y!r})  # ∂f/∂x\n"
        "print(value, aux, grad)\n"
    )


def per_example_code(w: ArrayLike, x0: ArrayLike) -> str:
    """Per-example gradients by `jax.vmap(jax.grad(loss), in_axes=(None, 0))`, and Hessians.

    Args:
        w: the weights, n numbers.
        x0: the first example, n numbers; the second is 2·x0.

    Returns:
        The snippet: `per_example_gradients` = [x0, 2·x0] for loss(w, x) = w·x, and
        the per-example Hessians of the logistic loss (labels 1, 0), `summed_hessian`,
        against `gauss_newton` = XᵀSX with S = diag(σ(Xw)(1 − σ(Xw))).

    Raises:
        ValueError: for lengths that differ or numbers that are not finite.
    """
    w = _vector(w, "w")
    x0 = _vector(x0, "x0", length=len(w), phrase="(as many as w)")
    return HEADER.format(more="") + (
        f"w = jnp.array({_list(w)})\nx0 = jnp.array({_list(x0)})\n"
        "X = jnp.stack([x0, 2 * x0])  # two examples, one per row\n\n\n"
        "def loss(w, x):\n    return w @ x\n\n\n"
        "# one gradient per row of X, w shared by all (None: not mapped)\n"
        "per_example_gradients = jax.vmap(jax.grad(loss), in_axes=(None, 0))(w, X)\n"
        "print(per_example_gradients)  # row i is ∇_w (w·x_i) = x_i\n\n\n"
        "def logistic_loss(w, x, label):  # -log p(label | x), p = σ(w·x)\n"
        "    return jax.nn.softplus(w @ x) - label * (w @ x)\n\n\n"
        "labels = jnp.array([1.0, 0.0])\n"
        "hessians = jax.vmap(jax.hessian(logistic_loss), in_axes=(None, 0, 0))(w, X, labels)\n"
        "summed_hessian = hessians.sum(axis=0)\n"
        "p = jax.nn.sigmoid(X @ w)\n"
        "gauss_newton = X.T @ jnp.diag(p * (1 - p)) @ X  # XᵀSX\n"
        "print(summed_hessian)\nprint(gauss_newton)\n"
    )


# -- pieces ------------------------------------------------------------------------------


def layout(header: str, constants: str, definitions: list[str], body: str) -> str:
    """Header, constants, definitions and body with PEP 8's two blank lines around defs."""
    top = f"{constants}\n" if constants else ""
    return f"{header}{top}\n" + "\n\n".join(definitions) + f"\n\n{body}"


def number(value, name: str, limit: float = math.inf) -> float:
    """`value` as a finite float of magnitude at most `limit`, or a ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}.") from None
    if not math.isfinite(number) or abs(number) > limit:
        where = " in float32" if limit < math.inf else ""
        raise ValueError(f"{name} must be a finite number{where}; got {value!r}.")
    return number


def _vector(values, name: str, length=None, minimum=1, phrase="", limit=math.inf) -> tuple:
    """`values` as a tuple of finite floats, of `length` entries (or at least `minimum`)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The {name} must be a list of numbers; got {values!r}.") from None
    count = array.size if array.ndim == 1 else None
    if count is None or (length is not None and count != length) or count < minimum:
        want = f"{length} numbers {phrase}".strip() if length else f"at least {minimum} numbers"
        raise ValueError(f"The {name} must be a list of {want}; got {values!r}.")
    if not (np.isfinite(array).all() and (np.abs(array) <= limit).all()):
        raise ValueError(f"The {name} must hold finite numbers; got {array.tolist()}.")
    return tuple(float(v) for v in array)


def _list(values) -> str:
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def _rows(matrix: np.ndarray) -> str:
    return "[" + ", ".join(_list(row) for row in matrix) + "]"
