"""Cells the Regression notebook's tabs share: recording a fit, QuantEcon's lecture data,
the descent loop, and the Polynomial and Logistic tabs' computations (written out here so
that core.notebooks.regression and regression_more stay one idea each)."""

from __future__ import annotations

from core.regression.gradient_descent import DIVERGENCE_FACTOR
from core.regression.lecture_data import LECTURE_N, LECTURE_SEED, LECTURE_SIGMA, LECTURE_TRUTH
from core.regression.logistic import ARMIJO, MAX_HALVINGS

RECORD_FITS = """\
def record(name, value):  # a number the page shows
    shown[name] = float(value)


def record_fit(name, result):  # one row of the page's table
    path, losses, iterations, converged, distance = result
    record(f"{name}: iterations", iterations)
    record(f"{name}: final loss", losses[-1])
    record(f"{name}: distance to the exact answer", distance)
    record(f"{name}: converged", converged)
"""

LECTURE_DATA = f"""\
# QuantEcon's "Adventures with Autodiff": n = {LECTURE_N} points from PRNGKey({LECTURE_SEED}) in
# float32, drawn with JAX's older layout of random bits, as the lecture's printout was
jax.config.update("jax_threefry_partitionable", False)
key = jax.random.PRNGKey({LECTURE_SEED})
x32 = jax.random.uniform(key, ({LECTURE_N},), dtype=jnp.float32)
_, subkey = jax.random.split(key)
noise32 = jax.random.normal(subkey, ({LECTURE_N},), dtype=jnp.float32)
jax.config.update("jax_threefry_partitionable", True)  # back to the default
y32 = (jnp.float32({LECTURE_TRUTH[0]!r}) * x32 + jnp.float32({LECTURE_TRUTH[1]!r})
       + jnp.float32({LECTURE_SIGMA!r}) * noise32)
# the lecture's float32 closed form
mean_x, mean_y = x32.mean(), y32.mean()
alpha32 = jnp.sum((x32 - mean_x) * (y32 - mean_y)) / jnp.sum((x32 - mean_x) ** 2)
record("lecture's float32 α̂", alpha32)
record("lecture's float32 β̂", mean_y - alpha32 * mean_x)
x, y = np.asarray(x32, dtype=float), np.asarray(y32, dtype=float)  # fitted in float64
"""

DESCENT = f"""\
def gradient_descent(value_and_grad, start, data, step_size, rule="fixed", tol=1e-8,
                     stopping="gradient", max_iterations=2000, reference=None):
    \"\"\"(path, losses, iterations, converged, distance to `reference`).\"\"\"
    params = jnp.asarray(start, dtype=jnp.float64)
    loss, gradient = value_and_grad(params, *data)
    path, losses = [np.asarray(params)], [float(loss)]
    ceiling = {DIVERGENCE_FACTOR!r} * max(abs(float(loss)), 1e-300)  # fixed steps: diverged
    previous_params, previous_gradient, status = params, gradient, "running"
    if not np.isfinite(float(loss)):
        status = "diverged"
    elif stopping == "gradient" and float(jnp.linalg.norm(gradient)) <= tol:
        status = "converged"
    elif max_iterations == 0:
        status = "capped"
    k = 0
    while status == "running":
        step = step_size
        s, g = params - previous_params, gradient - previous_gradient
        if rule == "bb" and k > 0 and float(s @ g) > 0:
            step = (s @ s) / (s @ g)  # Barzilai–Borwein: a secant estimate of 1/curvature
        previous_params, previous_gradient, old_loss = params, gradient, loss
        params = params - step * gradient
        loss, gradient = value_and_grad(params, *data)
        k += 1
        norm = float(jnp.linalg.norm(gradient))
        finite = np.isfinite(float(loss)) and np.isfinite(norm) and bool(
            jnp.all(jnp.isfinite(params)))
        change = abs(float(loss) - float(old_loss)) / max(abs(float(old_loss)), 1e-300)
        met = change <= tol if stopping == "relative_loss" else norm <= tol
        if not finite or (rule == "fixed" and float(loss) > ceiling):
            status = "diverged"
        elif met:
            status = "converged"
        elif k >= max_iterations:
            status = "capped"
        if finite:
            path.append(np.asarray(params))
            losses.append(float(loss))
    distance = np.nan if reference is None else float(np.linalg.norm(path[-1] - reference))
    return np.array(path), np.array(losses), len(path) - 1, status == "converged", distance
"""

POLYNOMIAL_CELL = """\
def polynomial_loss(coefficients, u, y):  # mean((polyval(c, u) − y)²), highest power first
    return jnp.mean((jnp.polyval(coefficients, u) - y) ** 2)


loss_and_gradient = jax.jit(jax.value_and_grad(polynomial_loss))
low, high = x.min(), x.max()
features_of = {"raw": x, "scaled": (2 * x - low - high) / (high - low)}  # scaled: [−1, 1]
fits, references = {}, {}
for features, u in features_of.items():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", np.exceptions.RankWarning)
        references[features] = np.polyfit(u, y, degree)
    for warning in caught:
        print(f"np.polyfit on {features} x warned: {warning.message}")
    V = np.vander(u, degree + 1)
    L = 2 * np.linalg.norm(V, 2) ** 2 / len(u)  # the safe step is 1/L on these features
    fits[features] = gradient_descent(loss_and_gradient, np.zeros(degree + 1), (u, y), 1 / L,
                                      rule=rule, tol=1e-8, max_iterations=cap,
                                      reference=references[features])
    record_fit(f"descent on {features} x", fits[features])
raw_condition = np.linalg.cond(np.vander(features_of["raw"], degree + 1))
scaled_condition = np.linalg.cond(np.vander(features_of["scaled"], degree + 1))
record("κ(V) on raw x", raw_condition)
record("κ(V) on scaled x", scaled_condition)
record("κ(VᵀV) on raw x", raw_condition**2)  # κ(V)², exactly: VᵀV's own rounding caps it
record("κ(VᵀV) on scaled x", scaled_condition**2)

curve_x = np.linspace(low, high, 200)
curve_u = (2 * curve_x - low - high) / (high - low)
fig = make_subplots(rows=1, cols=2, subplot_titles=["the fits", "the loss"])
fig.add_scatter(x=x, y=y, mode="markers", name="data", row=1, col=1)
fig.add_scatter(x=curve_x, y=np.polyval(references["scaled"], curve_u), name="np.polyfit",
                row=1, col=1)
for features, curve in (("raw", curve_x), ("scaled", curve_u)):
    fig.add_scatter(x=curve_x, y=np.polyval(fits[features][0][-1], curve),
                    name=f"descent on {features} x", row=1, col=1)
    fig.add_scatter(y=fits[features][1], name=f"loss, {features} x", row=1, col=2)
fig.update_yaxes(type="log", row=1, col=2)
"""

LOGISTIC_CELL = f"""\
# two Gaussian blobs N(±(separation/2)(1, 1)/√2, I), from jax.random.key(0)
direction = np.array([1.0, 1.0]) / np.sqrt(2)
centres = np.stack([-0.5 * separation * direction, 0.5 * separation * direction])
noise = np.asarray(jax.random.normal(jax.random.key(0), (2, per_class, 2)))
points = (centres[:, None, :] + noise).reshape(-1, 2)
labels = np.repeat([0.0, 1.0], per_class)


def cross_entropy(z, labels):  # −y log σ(z) − (1 − y) log σ(−z), never log(0)
    return -(labels * jax.nn.log_sigmoid(z) + (1 - labels) * jax.nn.log_sigmoid(-z))


def loss(w, points, labels, lam):  # the mean negative log-likelihood plus a ridge
    z = w[0] + points @ w[1:]
    return jnp.mean(cross_entropy(z, labels)) + 0.5 * lam * w @ w


args = (points, labels, lam)
value, gradient = jax.jit(loss), jax.jit(jax.grad(loss))
value_and_gradient = jax.jit(jax.value_and_grad(loss))
hessian = jax.jit(jax.hessian(loss))

# SciPy's BFGS with the exact gradient: the reference
bfgs = minimize(lambda w: float(value(w, *args)), np.zeros(3),
                jac=lambda w: np.asarray(gradient(w, *args)), method="BFGS",
                options={{"gtol": 1e-10}})

# Newton: H d = −∇L (solved, never inverted), t halved until Armijo's rule holds
w = jnp.zeros(3)
current, g = value_and_gradient(w, *args)
newton_path, newton_losses = [np.asarray(w)], [float(current)]
while float(jnp.linalg.norm(g)) > 1e-10 and len(newton_path) <= 50:
    direction = jnp.linalg.solve(hessian(w, *args), -g)
    slope, t, halvings = float(g @ direction), 1.0, 0
    trial = float(value(w + direction, *args))
    while not trial <= float(current) + {ARMIJO!r} * t * slope and halvings < {MAX_HALVINGS}:
        t, halvings = t / 2, halvings + 1
        trial = float(value(w + t * direction, *args))
    new_w = w + t * direction
    if not np.all(np.isfinite(np.asarray(new_w))):
        break  # H singular to working precision: λ = 0 on separable data
    w = new_w
    current, g = value_and_gradient(w, *args)
    newton_path.append(np.asarray(w))
    newton_losses.append(float(current))
newton_converged = float(jnp.linalg.norm(g)) <= 1e-10

# gradient descent with the step 1/L, L = λ_max(XᵀX)/(4n) + λ (σ(1 − σ) ≤ ¼)
design = np.column_stack([np.ones(len(points)), points])
L = np.linalg.norm(design, 2) ** 2 / (4 * len(design)) + lam
descent = gradient_descent(value_and_gradient, np.zeros(3), args, 1 / L, max_iterations=2000)

for name, path, losses, converged in (
        ("newton", newton_path, newton_losses, newton_converged),
        ("gradient descent", descent[0], descent[1], descent[3])):
    record(f"{{name}}: iterations", len(path) - 1)
    record(f"{{name}}: final loss", losses[-1])
    record(f"{{name}}: distance to BFGS", np.linalg.norm(path[-1] - bfgs.x))
    record(f"{{name}}: converged", converged)
record("scipy BFGS: iterations", bfgs.nit)
record("scipy BFGS: final loss", bfgs.fun)
record("scipy BFGS: converged", bfgs.success)


# per-example gradients at Newton's answer: one call of vmap(grad) over the data
def per_example_loss(w, point, label, lam):
    return cross_entropy(w[0] + w[1:] @ point, label) + 0.5 * lam * w @ w


per_example = np.asarray(jax.vmap(jax.grad(per_example_loss), in_axes=(None, 0, 0, None))(
    w, points, labels, lam))
order = np.argsort(-np.linalg.norm(per_example, axis=1), kind="stable")[:5]
for rank, index in enumerate(order):
    record(f"pulls hardest #{{rank + 1}}: example", index)
    for j, component in enumerate(per_example[index]):
        record(f"pulls hardest #{{rank + 1}}: ∂ℓ/∂w{{j}}", component)
for j, (mean, full) in enumerate(zip(per_example.mean(axis=0), np.asarray(gradient(w, *args)))):
    record(f"mean of the per-example ∂ℓ/∂w{{j}}", mean)
    record(f"∂L/∂w{{j}} of the whole loss", full)

fig = make_subplots(rows=1, cols=2, subplot_titles=["the classes and the boundary", "the loss"])
for label in (0.0, 1.0):
    fig.add_scatter(x=points[labels == label, 0], y=points[labels == label, 1],
                    mode="markers", name=f"class {{int(label)}}", row=1, col=1)
w0, w1, w2 = np.asarray(w)
edge = np.array([points[:, 0].min(), points[:, 0].max()])
if w2 != 0:
    fig.add_scatter(x=edge, y=-(w0 + w1 * edge) / w2, name="σ(z) = ½ (Newton)", row=1, col=1)
fig.add_scatter(y=newton_losses, name="loss, Newton", row=1, col=2)
fig.add_scatter(y=descent[1], name="loss, gradient descent", row=1, col=2)
fig.update_yaxes(type="log", row=1, col=2)
"""
