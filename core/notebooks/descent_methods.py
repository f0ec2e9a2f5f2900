"""The optimizers of the descent notebook, as the cells that define and run them.

The page runs its hand-written optimizers (core.descent.algorithms) inside one compiled
`lax.while_loop` each (core.descent.run_loop); the notebook writes the same steps as small
JAX functions, each compiled with `jax.jit`, and runs them in a plain Python loop with the
page's stopping rules: |∇f| < tol (1e-8), the iteration cap, |f| beyond 1e12 (diverged,
or unbounded below), or a value that is not finite (left off the path). Every evaluation
is counted as the page counts it (f and ∇f once a step; Newton's Hessian and its line
search's values of f), so the table's nfev, njev and nhev are the page's. Adam and RMSProp
are optax's, as on the page.

SciPy's methods get f as a NumPy function and JAX's exact ∇f and ∇²f where the page gives
them; their counts are SciPy's own `OptimizeResult`'s, as on the page.
"""

from __future__ import annotations

from core.descent.messages import DIVERGENCE_BOUND

TOLERANCE = 1e-8  # the hand-written methods stop when |∇f| < this (core.descent.optimizers)

HAND_WRITTEN = f"""\
value_and_gradient = jax.jit(jax.value_and_grad(f))
hessian = jax.jit(jax.hessian(f))


def gd(x, g, state, settings):  # x ← x − η∇f
    return x - settings["learning_rate"] * g, state


def bb(x, g, state, settings):  # Barzilai–Borwein: α = sᵀs / sᵀy; the fixed step if sᵀy ≤ 0
    previous_x, previous_g = state
    step = settings["learning_rate"]
    if previous_x is not None and float((x - previous_x) @ (g - previous_g)) > 0:
        s, y = x - previous_x, g - previous_g
        step = (s @ s) / (s @ y)
    return x - step * g, (x, g)


def heavy_ball(x, g, velocity, settings):  # v ← βv − η∇f, x ← x + v
    velocity = settings["momentum"] * velocity - settings["learning_rate"] * g
    return x + velocity, velocity


def nesterov(x, g, velocity, settings):  # v ← βv − η∇f(x), x ← x + βv − η∇f(x)
    gradient_step = settings["learning_rate"] * g
    velocity = settings["momentum"] * velocity - gradient_step
    return x + settings["momentum"] * velocity - gradient_step, velocity


def optax_step(transformation):
    def step(x, g, state, _settings):
        updates, state = transformation.update(g, state, x)
        return optax.apply_updates(x, updates), state
    return step


def newton(x, g, value, damping=1e-6):
    \"\"\"(H + σI) d = −∇f with σ lifting λ_min(H) to `damping`, then Armijo halvings of t = 1
    (at most 30 values of f); returns the new x and the values of f it took.\"\"\"
    H = hessian(x)
    lowest = np.linalg.eigvalsh(np.asarray(H))[0]
    shift = 0.0 if lowest > damping else damping - lowest
    direction = jnp.linalg.solve(H + shift * jnp.eye(len(x)), -g)
    slope, t = float(g @ direction), 1.0
    trial, tries = float(f(x + direction)), 1
    while tries < 30 and not trial <= float(value) + 1e-4 * t * slope:
        t, tries = t / 2, tries + 1
        trial = float(f(x + t * direction))
    return x + t * direction, tries


def descend(method, x0, settings, max_iter):
    \"\"\"The path of a hand-written method, and its counts (nit, nfev, njev, nhev).\"\"\"
    x = jnp.array(x0)
    value, g = value_and_gradient(x)
    nfev = njev = 1
    nhev = 0
    points, values = [np.array(x0)], [float(value)]
    if not (np.isfinite(float(value)) and np.all(np.isfinite(np.asarray(g)))):
        return np.array(points), np.array(values), 0, (nfev, njev, nhev), False, "bad start"
    if method in ("adam", "rmsprop"):
        transformation = (optax.adam(settings["learning_rate"], b1=0.9, b2=0.999, eps=1e-8)
                          if method == "adam"
                          else optax.rmsprop(settings["learning_rate"], decay=0.9, eps=1e-8))
        state, step = transformation.init(x), optax_step(transformation)
    else:
        state = {{"bb": (None, None), "momentum": jnp.zeros_like(x),
                  "nesterov": jnp.zeros_like(x)}}.get(method)
        step = {{"gd": gd, "bb": bb, "momentum": heavy_ball, "nesterov": nesterov}}.get(method)
    if float(jnp.linalg.norm(g)) < {TOLERANCE!r}:
        return np.array(points), np.array(values), 0, (nfev, njev, nhev), True, "converged"
    for k in range(1, max_iter + 1):
        if method == "newton":
            x, tries = newton(x, g, value)
            nfev, nhev = nfev + tries, nhev + 1
        else:
            x, state = step(x, g, state, settings)
        value, g = value_and_gradient(x)
        nfev, njev = nfev + 1, njev + 1
        finite = bool(np.isfinite(float(value)) and np.all(np.isfinite(np.asarray(g)))
                      and np.all(np.isfinite(np.asarray(x))))
        if not finite:
            return np.array(points), np.array(values), k, (nfev, njev, nhev), False, "not finite"
        points.append(np.array(x))
        values.append(float(value))
        if abs(float(value)) > {DIVERGENCE_BOUND!r}:
            ending = "diverged" if float(value) > 0 else "unbounded below"
            return np.array(points), np.array(values), k, (nfev, njev, nhev), False, ending
        if float(jnp.linalg.norm(g)) < {TOLERANCE!r}:
            return np.array(points), np.array(values), k, (nfev, njev, nhev), True, "converged"
    return np.array(points), np.array(values), max_iter, (nfev, njev, nhev), False, "capped"
"""

SCIPY = f"""\
gradient_numpy = jax.jit(jax.grad(f))
hessian_numpy = jax.jit(jax.hessian(f))
DIFFERENCED_HESSIAN = {{"trust-ncg": "2-point"}}  # what SciPy gets without the exact Hessian


def scipy_run(method, x0, use_grad, use_hess, max_iter):
    \"\"\"scipy.optimize.minimize with every iterate kept; SciPy's own counts.\"\"\"
    points, values = [np.array(x0)], [f_scipy(np.array(x0))]
    if not np.isfinite(values[0]):  # SciPy is not run from where f is undefined
        return np.array(points), np.array(values), 0, (0, 0, 0), False, "bad start"
    stopped = []

    def keep(intermediate_result):  # stop, as the page does, at a non-finite or huge f
        point, value = np.array(intermediate_result.x), float(intermediate_result.fun)
        if not (np.all(np.isfinite(point)) and np.isfinite(value)):
            stopped.append(True)
            raise StopIteration
        points.append(point)
        values.append(value)
        if abs(value) > {DIVERGENCE_BOUND!r}:
            stopped.append(True)
            raise StopIteration

    options = {{"method": method, "callback": keep, "options": {{"maxiter": max_iter}}}}
    if use_grad and method != "Nelder-Mead":
        options["jac"] = lambda p: np.asarray(gradient_numpy(jnp.asarray(p)))
    if method in ("Newton-CG", "trust-ncg", "dogleg"):
        if use_hess:
            options["hess"] = lambda p: np.asarray(hessian_numpy(jnp.asarray(p)))
        elif method in DIFFERENCED_HESSIAN:
            options["hess"] = DIFFERENCED_HESSIAN[method]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = minimize(f_scipy, np.array(x0, dtype=float), **options)
    if not stopped and np.isfinite(result.fun) and not np.array_equal(result.x, points[-1]):
        points.append(np.array(result.x))  # the answer, when SciPy ends without a callback
        values.append(float(result.fun))
    counts = tuple(int(result.get(key) or 0) for key in ("nfev", "njev", "nhev"))
    nit = int(result.get("nit", len(points) - 1))
    converged = bool(result.success) and not stopped
    return np.array(points), np.array(values), nit, counts, converged, str(result.message)

"""
