"""Taylor-mode (`jax.experimental.jet`) rules for primitives jet lacks or gets wrong.

jet's terms are Taylor coefficients here: the series u(t) = u_0 + u_1 t + u_2 t^2 + ...
comes in and v(t) = f(u(t)) goes out, truncated after t^K (K = the derivative order).

- atan, asin, acos have no jet rule; asinh, acosh, atanh have slow ones. Each is built
  from its first derivative as jet's own `deriv_prop` rules are: with c = f'(u) as a
  series, v' = c u' gives v_k = (1/k) sum_{j=1..k} j c_{k-j} u_j, and v_0 = f(u_0) is
  the primitive's own accurate value.
- tanh: jet forms 2 logistic(2x) - 1, which loses every digit near 0
  (tanh(2e-12) came back as 1.99995576e-12). Here v_0 = tanh(u_0) and the series
  follows v' = (1 - v^2) u', with sech^2(u_0) from cosh so that far tails keep
  their digits too.
- pow: jet takes exp(y log u), which is nan for a negative base (x^2.0, x^65 at
  x < 0), and 0 * inf = nan for a zero base (0^x, sqrt'(0)). Here a constant
  exponent takes the power recurrence (exact for whole exponents, any sign of base),
  a varying one exp(y log u), and a zero base its one-sided limits, as JAX's own
  grad reports sqrt'(0) = inf. See `_power_rule`.

The rules run in the caller's trace, on values, never inside jet: `lax` primitives
and array arithmetic (a jitted `jnp` function met *inside* jet would be compiled anew
for every series length, 0.3-0.7 s per new order). On concrete arrays, branches no
point needs are skipped, and the zero-base limits are worked out in NumPy on the few
points concerned; under `jit` every branch is built.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.experimental import jet

from core.engines import taylor_elementary


def _inverse_derivative_rule(primitive, derivative):
    def rule(primals_in, series_in, **_):
        (x,) = primals_in
        (series,) = series_in
        c0, c_series = jet.jet2(derivative, (x,), (series,))
        v = taylor_elementary.derivative_series([c0, *c_series], [x, *series], primitive.bind(x))
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
    one = lax.full_like(x, 1.0)
    return lax.pow(lax.mul(lax.sub(x, one), lax.add(x, one)), lax.full_like(x, -0.5))


def _atanh_derivative(x):
    return lax.div(lax.full_like(x, 1.0), _one_minus_square(x))


def _tanh_rule(primals_in, series_in, **_):
    """v = tanh(u): v_0 from the primitive, c = 1 - v^2 built alongside v.

    c_0 = sech^2(u_0) = 1/cosh^2(u_0) (1 - tanh^2 rounds to 0 beyond |u_0| ~ 19),
    c_k = -sum_{j=0..k} v_j v_{k-j}, v_k = (1/k) sum_{j=1..k} j c_{k-j} u_j.
    Every term is a product of accurate factors, so no digits cancel near 0.
    """
    (x,) = primals_in
    (series,) = series_in
    u = [x, *series]
    cosh = lax.cosh(x)
    c = [taylor_elementary.reciprocal(lax.mul(cosh, cosh))]
    v = [lax.tanh(x)]
    for k in range(1, len(u)):
        v.append(lax.mul(sum(j * c[k - j] * u[j] for j in range(1, k + 1)), 1.0 / k))
        c.append(-sum(v[j] * v[k - j] for j in range(k + 1)))
    return v[0], v[1:]


# -- pow ----------------------------------------------------------------------------------


def _all_zero(terms, like):
    flag = lax.full_like(like, True, dtype=bool)
    for term in terms:
        flag = lax.bitwise_and(flag, lax.eq(term, lax.full_like(term, 0.0)))
    return flag


def _known(flags):
    """A boolean array's value when it is concrete (the un-jitted path); None under jit."""
    return None if isinstance(flags, jax.core.Tracer) else np.asarray(flags)


def _choose(condition, if_true: Callable, if_false: Callable):
    """Terms if_true() where `condition`, else if_false(); a branch no point needs is skipped.

    Skipping is decided only on concrete arrays; under `jit` both branches are built.
    """
    known = _known(condition)
    if known is not None and known.all():
        return if_true()
    if known is not None and not known.any():
        return if_false()
    return [lax.select(condition, a, b) for a, b in zip(if_true(), if_false(), strict=True)]


_zero_bases = threading.local()


@contextlib.contextmanager
def flag_zero_bases():
    """While tracing under `jit`: powers skip their zero-base limits and list where they apply.

    Yields the list of boolean arrays (one per power met) that are True where a base is
    0; the caller computes those few points again on concrete arrays, where the limits
    are worked out in NumPy. The limits, built for every point under `jit`, cost as
    much as the rest of a power's series (sqrt(1 + sin(x)^2) at N = 10^6, orders 0-4).
    """
    _zero_bases.flags = []
    try:
        yield _zero_bases.flags
    finally:
        del _zero_bases.flags


def _power_rule(primals_in, series_in, **_):
    """v = u^y for any series u and y, with v_0 = pow(u_0, y_0) from the primitive.

    A constant exponent (y_1 = ... = y_K = 0, so constant to this order) takes the
    power recurrence, which is exact for whole exponents and right for a negative
    base; a varying one takes exp(y log u). A zero base takes the limits of
    `_power_at_zero`.
    """
    (u0, y0), (u_terms, y_terms) = primals_in, series_in
    u, y = [u0, *u_terms], [y0, *y_terms]
    v0 = lax.pow(u0, y0)
    constant = _all_zero(y_terms, u0)
    terms = _choose(constant, lambda: _constant_power(u, y0, v0), lambda: _varying_power(u, y, v0))
    zero_base = lax.eq(u0, lax.full_like(u0, 0.0))
    known = _known(zero_base)
    flagged = getattr(_zero_bases, "flags", None)
    if known is None and flagged is not None:  # the caller redoes these points itself
        flagged.append(zero_base)
        return v0, terms
    if known is None:  # under jit: every point may need the limits
        at_zero = _power_at_zero(u, y, constant, jnp)
    elif known.any():
        at_zero = _power_at_zero_on_host(u, y, constant, known)
    else:
        return v0, terms
    return v0, [lax.select(zero_base, a, b) for a, b in zip(at_zero, terms, strict=True)]


def _power_at_zero_on_host(u, y, constant, zero_base: np.ndarray):
    """`_power_at_zero` in NumPy, at the zero-base points only, on concrete arrays.

    About 500 tiny operations at order 10: dispatched one by one to JAX they cost
    10-20 ms per power; in NumPy on the few points concerned, well under 1 ms.
    """
    where = np.flatnonzero(zero_base)
    with np.errstate(all="ignore"):  # nan and inf are the point here, not a warning
        rows = _power_at_zero(
            [np.asarray(term)[where] for term in u],
            [np.asarray(term)[where] for term in y],
            np.asarray(constant)[where],
            np,
        )
    terms = []
    for row in rows:
        full = np.zeros(zero_base.shape)
        full[where] = row
        terms.append(jnp.asarray(full, dtype=u[0].dtype))
    return terms


def _constant_power(b, r, power0):
    """Terms 1..K of W = b^r for a constant r, where b_0 != 0 (negative too, if r is whole).

    From b W' = r b' W: W_m = (1/(m b_0)) sum_{j=1..m} ((r + 1) j - m) b_j W_{m-j}. The
    factor (r + 1) j - m is formed first: for a whole r it is exactly 0 where the true
    term is (x^2.0 has no third derivative, not a rounding residue).
    """
    r_plus_one = r + 1
    scaled = [None] + [r_plus_one * j for j in range(1, len(b))]
    inverse = 1.0 / b[0]  # once: a divide per term would make XLA loop over each apart
    power = [power0]
    for m in range(1, len(b)):
        total = sum((scaled[j] - m) * b[j] * power[m - j] for j in range(1, m + 1))
        power.append(total * inverse * (1.0 / m))
    return power[1:]


def _varying_power(u, y, v0):
    """Terms 1..K of u^y = exp(w), w = y log u, for a varying exponent and u_0 != 0.

    L = log u has L_0 = log u_0 and L_k = (u_k - (1/k) sum_{j=1..k-1} j L_j u_{k-j}) / u_0;
    w_k = sum_{j=0..k} y_j L_{k-j}; v_k = (1/k) sum_{j=1..k} j w_j v_{k-j}. A negative
    base gives nan (u^y is complex beside the point).
    """
    logs = taylor_elementary.log_series(u)
    w = [None] + [sum(y[j] * logs[k - j] for j in range(k + 1)) for k in range(1, len(u))]
    v = [v0]
    for k in range(1, len(u)):
        v.append(sum(j * w[j] * v[k - j] for j in range(1, k + 1)) * (1.0 / k))
    return v[1:]


def _power_at_zero(u, y, constant, xp):
    """Terms 1..K of u^y where u_0 = 0: one-sided limits, as JAX reports sqrt'(0) = inf.

    0^y (u constant): identically 0 near y_0 > 0, constant if y is; otherwise nan.
    A varying exponent on a varying zero base (x^x at 0) is nan. Otherwise y = r is
    constant; let p be the index of u's first non-zero term, u = t^p b(t), b_0 != 0:

    - u^r = t^(pr) b^r. When pr = s is a whole number the series is b^r
      (`_constant_power`) shifted by s: x^2.0 at 0 gives 0, 0, 2 exactly. Terms of b
      beyond u's known ones are nan, so an order that needs them says so
      (sqrt(x^2) at the top order).
    - Otherwise terms k < pr are 0 and terms k > pr are +-inf: d^k/dt^k t^(pr) b^r ->
      falling(pr, k) t^(pr - k) b_0^r. The limit is taken from the side where u > 0
      (t -> 0+ if b_0 > 0, t -> 0- if b_0 < 0 and p is odd), where u^r is real;
      sqrt(x) at 0 gives 0, inf, -inf, inf, ...

    Written once for two array libraries (`xp`): NumPy on the host for concrete
    arrays, jax.numpy under `jit`.
    """
    order = len(u) - 1
    r = y[0]
    zero, one, nan, inf = (xp.full_like(r, value) for value in (0.0, 1.0, np.nan, np.inf))
    # p, and one-hot masks of where u's first non-zero term is.
    seen = xp.zeros_like(r, dtype=bool)
    firsts, p = [], zero
    for j in range(1, order + 1):
        nonzero = u[j] != 0
        first = nonzero & ~seen
        firsts.append(first)
        seen = seen | nonzero
        p = xp.where(first, float(j), p)
    # b_i = u_{p+i}; i < order suffices (p >= 1). Unknown terms (p + i > order) are nan.
    b = []
    for i in range(order):
        term = nan
        for j in range(1, order - i + 1):
            term = xp.where(firsts[j - 1], u[j + i], term)
        b.append(term)
    # The side t -> 0+ or 0- on which u > 0; a whole r needs none (u^r is a polynomial).
    whole_r = r == xp.floor(r)
    side = xp.where(whole_r | (b[0] > 0), one, xp.where(xp.remainder(p, 2) == 1, -one, nan))
    b = [side * term for term in b]  # side^p = side, since side = -1 only for odd p
    power = [xp.power(b[0], r)]
    power += _constant_power(b, r, power[0])
    shift = p * r
    whole_shift = (shift == xp.floor(shift)) & (shift >= 0)
    side_powers = [one, side]
    for s in range(2, order + 1):
        side_powers.append(side_powers[s - 2])
    falling, terms = one, []
    for k in range(1, order + 1):
        shifted = zero
        for s in range(1, k + 1):
            shifted = xp.where(shift == s, side_powers[s] * power[k - s], shifted)
        falling = falling * (shift - (k - 1))
        blow_up = side_powers[k] * xp.sign(falling) * xp.sign(power[0]) * inf
        term = xp.where(whole_shift, shifted, xp.where(k < shift, zero, blow_up))
        terms.append(xp.where(r == 0, zero, term))  # u^0 = 1
    u_constant = _all_zero_in(u[1:])
    zero_power = xp.where(constant | (r > 0), zero, nan)
    return [xp.where(u_constant, zero_power, xp.where(constant, term, nan)) for term in terms]


def _all_zero_in(terms):
    flag = terms[0] == 0
    for term in terms[1:]:
        flag = flag & (term == 0)
    return flag


def register() -> None:
    """Add jet's missing rules and replace its slow or inaccurate ones.

    jet defines asinh, acosh and atanh by composition through jitted `jnp` arithmetic
    (recompiled for every order); these rules give the same series from lax only, and
    keep the primitive's own accurate value (a log formula loses digits near 0).
    """
    taylor_elementary.register()
    for primitive, derivative in (
        (lax.atan_p, _atan_derivative),
        (lax.asin_p, _asin_derivative),
        (lax.acos_p, _acos_derivative),
        (lax.asinh_p, _asinh_derivative),
        (lax.acosh_p, _acosh_derivative),
        (lax.atanh_p, _atanh_derivative),
    ):
        jet.jet_rules[primitive] = _inverse_derivative_rule(primitive, derivative)
    jet.jet_rules[lax.tanh_p] = _tanh_rule
    jet.jet_rules[lax.pow_p] = _power_rule
