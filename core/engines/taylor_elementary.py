"""jet's rules for exp, log, sin, cos, sinh, cosh and division, written so XLA fuses them.

Under `jit`, XLA's CPU compiler fuses a whole Taylor computation into one loop, but an
*expensive* operation (a division, a power) whose result has several users becomes a
loop of its own, and every such loop recomputes the cheap operations it needs, the
sines and cosines included (measured on sin(x) - 2cos(3x)e^(-x^2) and a seven-function
f at N = 10^6: 6-22 loops, each with its own copies of sin and cos). jet's own rules
divide every term by the series' first coefficient (`/ u[0]`), and each term of the
result is used by every later term, so each became such a loop. Here:

- a series is divided by its first coefficient once, as a product with its reciprocal
  (`reciprocal`, one user per term), and by k as a product with the constant 1/k;
- a quotient's own value is still the exact division u_0 / w_0 (it has one user, the
  output), while its higher terms use u_0 * (1/w_0).

The series are jet's (Taylor coefficients, not derivatives): with u(t) = u_0 + u_1 t + ...
coming in, the recurrences are the classical ones (Griewank and Walther, *Evaluating
Derivatives*, 2nd ed., Table 13.2), v_k = (1/k) sum_{j=1..k} j u_j c_{k-j} for
v' = c u'. Terms differ from jet's by a rounding at most (tests/engines/).
"""

from __future__ import annotations

import functools

from jax import lax
from jax.experimental import jet


def _total(terms):
    """The sum of a non-empty sequence, without jet's leading `0 +`."""
    return functools.reduce(lax.add, terms)


def reciprocal(x):
    """1 / x, for a series whose terms are then formed by products (one divide in all)."""
    return lax.div(lax.full_like(x, 1.0), x)


def derivative_series(c, u, first):
    """Terms of v from v' = c u': v_k = (1/k) sum_{j=1..k} j c_{k-j} u_j, with v_0 = first."""
    v = [first]
    for k in range(1, len(u)):
        v.append(lax.mul(_total([j * c[k - j] * u[j] for j in range(1, k + 1)]), 1.0 / k))
    return v


def _exp_rule(primals_in, series_in, **_):
    (x,), (series,) = primals_in, series_in
    u = [x, *series]
    v = [lax.exp(x)]
    for k in range(1, len(u)):
        v.append(lax.mul(_total([j * v[k - j] * u[j] for j in range(1, k + 1)]), 1.0 / k))
    return v[0], v[1:]


def log_series(u):
    """v = log u: v_k = (u_k - (1/k) sum_{j=1..k-1} j v_j u_{k-j}) / u_0, with v_0 = log u_0."""
    inverse = reciprocal(u[0])
    v = [lax.log(u[0])]
    for k in range(1, len(u)):
        term = u[k]
        if k > 1:
            convolution = _total([j * v[j] * u[k - j] for j in range(1, k)])
            term = lax.sub(term, lax.mul(convolution, 1.0 / k))
        v.append(lax.mul(term, inverse))
    return v


def _log_rule(primals_in, series_in, **_):
    (x,), (series,) = primals_in, series_in
    v = log_series([x, *series])
    return v[0], v[1:]


def _div_rule(primals_in, series_in, **_):
    """v = u / w: v_k = (u_k - sum_{j<k} v_j w_{k-j}) / w_0."""
    (x, y), (x_terms, y_terms) = primals_in, series_in
    u, w = [x, *x_terms], [y, *y_terms]
    inverse = reciprocal(y)
    v = [lax.mul(x, inverse)]
    for k in range(1, len(u)):
        convolution = _total([v[j] * w[k - j] for j in range(k)])
        v.append(lax.mul(lax.sub(u[k], convolution), inverse))
    return lax.div(x, y), v[1:]


def _sinusoidal_rule(sign: float, functions, index: int):
    """sin and cos (sign -1), sinh and cosh (+1): s' = c u', c' = sign * s u'."""
    sine, cosine = functions

    def rule(primals_in, series_in, **_):
        (x,), (series,) = primals_in, series_in
        u = [x, *series]
        s, c = [sine(x)], [cosine(x)]
        for k in range(1, len(u)):
            s.append(lax.mul(_total([j * u[j] * c[k - j] for j in range(1, k + 1)]), 1.0 / k))
            c.append(lax.mul(_total([j * u[j] * s[k - j] for j in range(1, k + 1)]), sign / k))
        chosen = (s, c)[index]
        return chosen[0], chosen[1:]

    return rule


def register() -> None:
    """Replace jet's rules for these primitives (called by `taylor_rules.register`)."""
    jet.jet_rules[lax.exp_p] = _exp_rule
    jet.jet_rules[lax.log_p] = _log_rule
    jet.jet_rules[lax.div_p] = _div_rule
    jet.jet_rules[lax.sin_p] = _sinusoidal_rule(-1.0, (lax.sin, lax.cos), 0)
    jet.jet_rules[lax.cos_p] = _sinusoidal_rule(-1.0, (lax.sin, lax.cos), 1)
    jet.jet_rules[lax.sinh_p] = _sinusoidal_rule(1.0, (lax.sinh, lax.cosh), 0)
    jet.jet_rules[lax.cosh_p] = _sinusoidal_rule(1.0, (lax.sinh, lax.cosh), 1)
