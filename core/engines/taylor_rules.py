"""Taylor-mode (`jax.experimental.jet`) rules for primitives that jet has none for.

jet ships no rule for atan, asin or acos. Each is added here from its first
derivative, the same way jet defines its own `deriv_prop` rules: with c = f'(u) as a
series, v' = c u' gives v_k = (1/k) sum_{j=1..k} j c_{k-j} u_j. The derivative is
written with `lax` primitives only: a jitted `jnp` function met inside jet is
compiled anew for every series length, which costs 0.3-0.7 s per new order.
"""

from __future__ import annotations

from jax import lax
from jax.experimental import jet


def _inverse_derivative_rule(primitive, derivative):
    def rule(primals_in, series_in, **_):
        (x,) = primals_in
        (series,) = series_in
        c0, c_series = jet.jet2(derivative, (x,), (series,))
        c = [c0, *c_series]
        u = [x, *series]
        v = [primitive.bind(x)] + [None] * len(series)
        for k in range(1, len(v)):
            v[k] = sum(j * c[k - j] * u[j] for j in range(1, k + 1)) / k
        return v[0], v[1:]

    return rule


def _one_minus_square(x):
    return lax.sub(lax.full_like(x, 1.0), lax.mul(x, x))


def _atan_derivative(x):
    return lax.div(lax.full_like(x, 1.0), lax.add(lax.full_like(x, 1.0), lax.mul(x, x)))


def _asin_derivative(x):
    return lax.pow(_one_minus_square(x), lax.full_like(x, -0.5))


def _acos_derivative(x):
    return lax.neg(_asin_derivative(x))


def _asinh_derivative(x):
    return lax.pow(lax.add(lax.full_like(x, 1.0), lax.mul(x, x)), lax.full_like(x, -0.5))


def _acosh_derivative(x):
    return lax.pow(lax.sub(lax.mul(x, x), lax.full_like(x, 1.0)), lax.full_like(x, -0.5))


def _atanh_derivative(x):
    return lax.div(lax.full_like(x, 1.0), _one_minus_square(x))


def register() -> None:
    """Add the missing rules and replace jet's slow ones for the inverse hyperbolics.

    jet defines asinh, acosh and atanh by composition through jitted `jnp` arithmetic
    (recompiled for every order); these rules give the same series from lax only, and
    keep the primitive's own accurate value (a log formula loses digits near 0).
    """
    for primitive, derivative in (
        (lax.atan_p, _atan_derivative),
        (lax.asin_p, _asin_derivative),
        (lax.acos_p, _acos_derivative),
        (lax.asinh_p, _asinh_derivative),
        (lax.acosh_p, _acosh_derivative),
        (lax.atanh_p, _atanh_derivative),
    ):
        jet.jet_rules[primitive] = _inverse_derivative_rule(primitive, derivative)
