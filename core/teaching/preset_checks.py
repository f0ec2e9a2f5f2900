"""The app's numbers for each lecture preset, computed by the core functions its page calls.

Each function here takes no argument: it is the page's computation at the preset's settings
(the same core call the page's cached wrapper makes), and returns what the page shows as
labelled numbers. `core.teaching.presets` pairs them with the numbers the lectures print.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.data.derivatives import Settings, data_view
from core.data.samples import sample_function
from core.descent.optimizers import trajectories
from core.descent.surfaces import surface
from core.engines.finite_differences import stencil_offsets
from core.explorer.derivatives import numeric_at
from core.fd_lab.error_curves import error_against_step, make_stencil
from core.fd_lab.stencil_view import stencil_view
from core.kinks.kink_report import kink_report
from core.language.expression import parse_expression
from core.regression.lecture_data import (
    lecture_closed_form,
    lecture_descent,
    quantecon_data,
    quantecon_draws,
)
from core.regression.line_fit import fit_line
from core.regression.many_features import fit_many_features
from core.regression.polynomial import compare_polynomial

FIVE_POINT_OFFSETS = (-2, -1, 0, 1, 2)
PYCSE_START = (1.0, 0.0)  # pycse's Rosenbrock starts at [1, 0]
COEFFICIENT_NAMES = ("c₃", "c₂", "c₁", "c₀")  # a cubic, highest power first (np.polyfit's order)


class AppNumber(NamedTuple):
    """One number the page shows: what it is, its value, and how the banner prints it."""

    label: str
    value: float
    text: str


def _number(label: str, value: float, digits: int = 8, decimals: int | None = None) -> AppNumber:
    """`value` printed to `digits` significant digits, or rounded to `decimals` places first
    (a matrix entry of 4e-15 is the 0 of the formula, and reads as 0)."""
    value = float(value)
    shown = value if decimals is None else round(value, decimals) + 0.0  # + 0.0: no "−0"
    return AppNumber(label, value, f"{shown:.{digits}g}".replace("-", "−"))


def _point(offset: int) -> str:
    """f(x − 2h), f(x − h), f(x), … for a stencil offset."""
    if offset == 0:
        return "f(x)"
    size = "h" if abs(offset) == 1 else f"{abs(offset)}h"
    return f"f(x {'−' if offset < 0 else '+'} {size})"


def _explorer_at(text: str, max_order: int, x0: float, params=None) -> np.ndarray:
    """AD's f, f′, … at x0, as the Explorer's value table has them (`numeric_at`)."""
    ad, _ = numeric_at(parse_expression(text), max_order, x0, params)
    return ad


def quantecon_forward_difference() -> tuple[AppNumber, ...]:
    """The lab's stencil view: forward difference (p = 1) of exp(2x) at 0 with h = 0.1."""
    offsets = stencil_offsets(1, "forward", 1)
    _, view = stencil_view(parse_expression("exp(2x)"), 0.0, offsets, 1, 0.1)
    return (_number("Df(0), h = 0.1", view.estimate), _number("f′(0)", view.exact))


def quantecon_sixth_derivative() -> tuple[AppNumber, ...]:
    """The Explorer's 6th derivative of (a·x + b)^m at x = 0.5, a = 2, b = 1, m = 7.5."""
    ad = _explorer_at("(a·x + b)^m", 6, 0.5, {"a": 2.0, "b": 1.0, "m": 7.5})
    return (_number("f⁽⁶⁾(0.5), AD", ad[6], 12),)


def quantecon_kink() -> tuple[AppNumber, ...]:
    """What JAX answers for |x|′(0) on the Kinks page (forward and reverse mode)."""
    answers = {a.method: a.value for a in kink_report(parse_expression("|x|"), 0.0).answers}
    return (
        _number("jax.grad: |x|′(0)", answers["JAX reverse mode (grad)"]),
        _number("forward mode: |x|′(0)", answers["JAX forward mode (jvp/jet)"]),
    )


def quantecon_line() -> tuple[AppNumber, ...]:
    """The lecture's closed form in float32, and the page's Barzilai–Borwein fit (float64)."""
    alpha, beta = lecture_closed_form(quantecon_draws())
    fits = fit_line(quantecon_data())
    bb_alpha, bb_beta = fits.bb.path[-1]
    return (
        _number("α̂, float32 formula", alpha),
        _number("β̂, float32 formula", beta),
        _number("α̂, Barzilai–Borwein", bb_alpha),
        _number("β̂, Barzilai–Borwein", bb_beta),
    )


def quantecon_cubic() -> tuple[AppNumber, ...]:
    """The page's cubic by Barzilai–Borwein on raw x, np.polyfit's, and the lecture's loop."""
    comparison = compare_polynomial(quantecon_data(), degree=3, rule="bb")
    loop = lecture_descent(quantecon_draws(), 3)
    descent = zip(COEFFICIENT_NAMES, comparison.raw.coefficients, strict=True)
    polyfit = zip(COEFFICIENT_NAMES, comparison.raw.reference, strict=True)
    return (
        *(_number(f"{name}, Barzilai–Borwein", value, 6) for name, value in descent),
        *(_number(f"{name}, np.polyfit", value, 6) for name, value in polyfit),
        _number("the lecture's loop: steps", loop.iterations),
        _number("the lecture's loop: c₃", loop.coefficients[0], 4),
    )


def probml_cubic() -> tuple[AppNumber, ...]:
    """The Explorer's f′ … f⁗ of x³ + 2x² − 3x + 1 at x = 1."""
    ad = _explorer_at("x^3 + 2x^2 - 3x + 1", 4, 1.0)
    return tuple(_number(f"f{mark}(1)", ad[k], 12) for k, mark in enumerate("′″‴⁗", 1))


def carroll_tanh() -> tuple[AppNumber, ...]:
    """The Explorer's first four derivatives of tanh at x = 1."""
    ad = _explorer_at("tanh(x)", 4, 1.0)
    return tuple(_number(f"f{mark}(1)", ad[k], 9) for k, mark in enumerate("′″‴⁗", 1))


def carroll_sine() -> tuple[AppNumber, ...]:
    """The Explorer's sin and its second derivative at x = 1, and their sum."""
    ad = _explorer_at("sin(x)", 2, 1.0)
    return (
        _number("y(1)", ad[0], 9),
        _number("y″(1)", ad[2], 9),
        _number("y″(1) + y(1)", ad[2] + ad[0], 3),
    )


def carroll_regression() -> tuple[AppNumber, ...]:
    """The regression page's 100 × 10 fit: fixed-step descent against `np.linalg.pinv`."""
    fit = fit_many_features()
    return (
        _number("relative difference, descent − pinv", fit.relative_difference, 2),
        _number("descent steps", fit.descent.iterations),
    )


def pycse_square_root() -> tuple[AppNumber, ...]:
    """The data page on √x sampled at 10 points of [0.1, 1]: D's corner and np.gradient."""
    samples = sample_function(parse_expression("sqrt(x)"), 10, (0.1, 1.0), "uniform", 0.0, 0)
    view = data_view(samples, ("gradient1", "gradient2", "polynomial"), Settings(5, None))
    row = view.matrix_corner[1]
    first = view.estimates.derivatives["gradient1"][0]
    return (
        *(_number(f"D[1, {j}]", row[j], 6, decimals=9) for j in range(3)),
        _number("D[0, 0] (edge_order=2)", view.matrix_corner[0, 0], 6, decimals=9),
        _number("true f′(0.1)", samples.true_derivative[0], 9),
        _number("np.gradient, edge_order=1, at 0.1", first, 6),
    )


def pycse_rosenbrock() -> tuple[AppNumber, ...]:
    """The descent page's SciPy counts on Rosenbrock from (1, 0), as its two tables show them."""
    rosenbrock = parse_expression(surface("rosenbrock").text, ("x", "y"))
    runs = trajectories(
        rosenbrock,
        np.array(PYCSE_START),
        {
            "BFGS (JAX gradient)": {"method": "BFGS", "use_grad": True},
            "BFGS (finite differences)": {"method": "BFGS", "use_grad": False},
            "dogleg": {"use_grad": True, "use_hess": True},
        },
    )
    exact, differenced, dogleg = runs.values()
    return (
        _number("BFGS with gradient: nit", exact.nit),
        _number("BFGS with gradient: nfev", exact.nfev),
        _number("BFGS with gradient: njev", exact.njev),
        _number("BFGS without: nit", differenced.nit),
        _number("BFGS without: njev", differenced.njev),
        _number("BFGS without: nfev", differenced.nfev),
        _number("dogleg: nit", dogleg.nit),
        _number("dogleg: nfev", dogleg.nfev),
        _number("dogleg: njev", dogleg.njev),
        _number("dogleg: nhev", dogleg.nhev),
        _number("dogleg: final f", dogleg.values[-1], 16),
    )


def five_point_stencil() -> tuple[AppNumber, ...]:
    """The lab's stencil table for offsets −2 … 2, and its exact tanh′(2) (float64 AD)."""
    stencil = make_stencil(1, FIVE_POINT_OFFSETS)
    sweep = error_against_step(parse_expression("tanh(x)"), 2.0, 1, None, "float64", ("central4",))
    weights = dict(zip(stencil.offsets, stencil.weights, strict=True))
    return (
        *(
            _number(f"weight of {_point(offset)}", weights[offset], 6)
            for offset in FIVE_POINT_OFFSETS
        ),
        _number("tanh′(2)", sweep.exact, 9),
    )
