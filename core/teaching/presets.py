"""Lecture presets: each lecture example, the page that shows it, and the number it printed.

A preset names the lecture, the page (its view file) and the URL query that sets that page
up, the numbers the lecture publishes, a sentence on what to notice, and the function (in
`core.teaching.preset_checks`) that computes the app's numbers as the page does. Data only:
the picker and the banner that shows the two side by side live in `ui.presets`.

Where a lecture only draws a curve, its "published" number is its formula at the preset's
point, and the text says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import NamedTuple

from core.teaching import preset_checks as checks
from core.teaching.preset_checks import AppNumber

QUANTECON = "QuantEcon, “Adventures with Autodiff” (jax.quantecon.org)"
PROBML = "pyprobml, the autodiff notebook (Murphy, Probabilistic Machine Learning)"
CARROLL = "Colin Carroll, “Exercises in automatic differentiation using autograd and jax” (2019)"
PYCSE = "pycse (John Kitchin), “Introduction to autograd” (06-623, 2019)"
SYMBOLIC_NUMERIC_AD = "the “symbolic, numeric and automatic differentiation” lecture"
FLOAT32_STEP = 2.0**-23  # the gap between float32 numbers in [1, 2)


class Published(NamedTuple):
    """A number as a lecture prints it, and the interval the app's number must fall in.

    Attributes:
        label: the `AppNumber` it is compared with.
        text: the number as printed (or the lecture's formula, evaluated).
        low, high: the app's number must lie in [low, high].
        reproduced: for float32 numbers, the exact digits the app prints here, when they are
            the printed ones or where they are known to differ in the last place.
    """

    label: str
    text: str
    low: float
    high: float
    reproduced: str | None = None


def printed(label: str, text: str, reproduced: str | None = None) -> Published:
    """A number at its printed digits: within half a unit of its last printed digit."""
    exponent = Decimal(text.replace("−", "-")).as_tuple().exponent
    half = 0.5 * 10.0 ** int(exponent)
    value = float(text.replace("−", "-"))
    return Published(label, text, value - half, value + half, reproduced)


def within(label: str, text: str, tolerance: float, reproduced: str | None = None) -> Published:
    """A number the app reproduces to `tolerance` (a float32 printout, a stated agreement)."""
    value = float(text.replace("−", "-"))
    return Published(label, text, value - tolerance, value + tolerance, reproduced)


def at_most(label: str, text: str, bound: float) -> Published:
    """A bound the lecture states ("agree to 0.1 %")."""
    return Published(label, text, 0.0, bound)


class Preset(NamedTuple):
    """One lecture example, set up on the page that shows it.

    Attributes:
        key: a short name ("quantecon_ols").
        title: what the picker lists.
        lecture: where the example is from.
        view: the page's view file ("views/regression.py").
        query: the URL query that sets the page up; each value as the page writes it back.
        published: the lecture's numbers.
        notice: one sentence on what to look at.
        compute: the app's numbers, computed as the page computes them.
    """

    key: str
    title: str
    lecture: str
    view: str
    query: Mapping[str, str]
    published: tuple[Published, ...]
    notice: str
    compute: Callable[[], tuple[AppNumber, ...]]

    @property
    def published_text(self) -> str:
        """The published numbers in one line: "label text; label text"."""
        return "; ".join(f"{p.label} = {p.text}" for p in self.published)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "quantecon_forward",
        "QuantEcon: f′ of exp(2x) against a forward difference, h = 0.1",
        QUANTECON,
        "views/fd_lab.py",
        {"lab_f": "exp(2x)", "lab_x0": "0", "lab_h": "1e-1", "lab_scheme": "forward"},
        (printed("Df(0), h = 0.1", "2.2140"), printed("f′(0)", "2")),
        "The lecture's Df(x) = (f(x + h) − f(x))/h with h = 0.1 draws a curve about 10 % above "
        "f′ = 2e²ˣ (its formula at x = 0: (e^0.2 − 1)/0.1 = 2.2140 against 2); the error curves "
        "show a forward difference gaining one digit per tenfold smaller h, down to h ≈ 1e-8.",
        checks.quantecon_forward_difference,
    ),
    Preset(
        "quantecon_sixth",
        "QuantEcon: the 6th derivative of (a·x + b)^m",
        QUANTECON,
        "views/explorer.py",
        {
            "f": "(a·x + b)^m",
            "n": "6",
            "range": "0,3",
            "x0": "0.5",
            "p_a": "2",
            "p_b": "1",
            "p_m": "7.5",
        },
        (printed("f⁽⁶⁾(0.5), AD", "1911097.4975"),),
        "SymPy prints the lecture's a⁶m(m − 1)(m − 2)(m − 3)(m − 4)(m − 5)(ax + b)^m/(ax + b)⁶ "
        "(1911097.4975 at a = 2, b = 1, m = 7.5, x = 0.5); AD gives the same number without "
        "the formula, while 6th-order finite differences keep only about four digits.",
        checks.quantecon_sixth_derivative,
    ),
    Preset(
        "quantecon_abs",
        "QuantEcon: |x|′(0) = 1",
        QUANTECON,
        "views/kinks.py",
        {"k_f": "|x|", "k_x0": "0"},
        (printed("jax.grad: |x|′(0)", "1.0"),),
        "jax.grad returns 1 at the kink (the lecture: “the right derivative”), while the slopes "
        "from the left and right are −1 and 1 and the central difference gives 0.",
        checks.quantecon_kink,
    ),
    Preset(
        "quantecon_ols",
        "QuantEcon: least squares by Barzilai–Borwein on the lecture's data",
        QUANTECON,
        "views/regression.py",
        {"r_data": "quantecon"},
        (
            printed("α̂, float32 formula", "0.45994443", reproduced="0.45994443"),
            within("β̂, float32 formula", "1.0219053", 2.5 * FLOAT32_STEP, reproduced="1.0219055"),
            within("α̂, Barzilai–Borwein", "0.45994443", FLOAT32_STEP),
            within("β̂, Barzilai–Borwein", "1.0219053", 2.5 * FLOAT32_STEP),
        ),
        "The lecture's data (n = 100, PRNGKey(1234), α = 0.5, β = 1, σ = 0.1) are drawn with "
        "JAX's older random bits, which its printout used; since JAX 0.5 the same key gives "
        "α̂ 0.4934, β̂ 1.0055. Barzilai–Borwein needs 3 steps where the fixed step takes hundreds.",
        checks.quantecon_line,
    ),
    Preset(
        "quantecon_cubic",
        "QuantEcon: a cubic fitted by descent to the lecture's data",
        QUANTECON,
        "views/regression.py",
        {"r_tab": "polynomial", "r_pdata": "quantecon", "r_rule": "bb"},
        tuple(
            within(f"{name}, Barzilai–Borwein", text, 1e-6)
            for name, text in zip(
                checks.COEFFICIENT_NAMES,
                ("−0.8329239", "1.3838388", "−0.1643882", "1.0807867"),
                strict=True,
            )
        ),
        "The exercise fits k = 4 coefficients by the lecture's loop, which stops when no "
        "coefficient moves by 1e-5 and so stops early on this ill-conditioned cubic (the page "
        "shows where); the page's Barzilai–Borwein descent reaches np.polyfit's least-squares "
        "cubic, the numbers compared here (the lecture's own p̂ is not quoted).",
        checks.quantecon_cubic,
    ),
    Preset(
        "probml_cubic",
        "pyprobml: f′ … f⁗ of x³ + 2x² − 3x + 1 at 1",
        PROBML,
        "views/explorer.py",
        {"f": "x^3 + 2x^2 - 3x + 1", "n": "4", "range": "-3,2", "x0": "1"},
        (
            within("f′(1)", "4", 1e-12),
            within("f″(1)", "10", 1e-12),
            within("f‴(1)", "6", 1e-12),
            within("f⁗(1)", "0", 1e-12),
        ),
        "Nested jax.grad gives 4, 10, 6, 0; the table shows AD and SymPy agreeing to rounding "
        "and the 4th derivative exactly 0: a cubic has nothing left to differentiate.",
        checks.probml_cubic,
    ),
    Preset(
        "carroll_tanh",
        "autograd post: the first four derivatives of tanh",
        CARROLL,
        "views/explorer.py",
        {"f": "tanh(x)", "n": "4", "range": "-4,4", "x0": "1"},
        (
            printed("f′(1)", "0.419974342"),
            printed("f″(1)", "−0.639700008"),
            printed("f‴(1)", "0.621626681"),
            printed("f⁗(1)", "0.665091045"),
        ),
        "The post draws tanh and four elementwise_grad's of it on [−4, 4]; the values at x = 1 "
        "are the closed forms (f′ = 1 − tanh², f″ = −2 tanh·f′, …), which AD matches to rounding.",
        checks.carroll_tanh,
    ),
    Preset(
        "carroll_sine",
        "autograd post: y″ = −y",
        CARROLL,
        "views/explorer.py",
        {"f": "sin(x)", "n": "2", "range": "-6.3,6.3", "x0": "1"},
        (within("y″(1) + y(1)", "0", 1e-12),),
        "The second derivative of sin is sin turned upside down: the f″ panel mirrors f, and "
        "y″ + y is 0 to rounding at every x.",
        checks.carroll_sine,
    ),
    Preset(
        "carroll_regression",
        "autograd post: gradient descent against pinv on 100 × 10 data",
        CARROLL,
        "views/regression.py",
        {"r_many": "1"},
        (at_most("relative difference, descent − pinv", "≤ 0.1 %", 1e-3),),
        "Descent on the mean squared error of ten features reaches the pseudo-inverse's "
        "weights: the post finds them agreeing to 0.1 %; with the step 1/L and a gradient "
        "tolerance of 1e-8 they agree to about 1e-9.",
        checks.carroll_regression,
    ),
    Preset(
        "pycse_sqrt",
        "pycse: derivatives of √x data",
        PYCSE,
        "views/data.py",
        {
            "d_f": "sqrt(x)",
            "d_range": "0.1,1",
            "d_n": "10",
            "d_noise": "0",
            "d_methods": "gradient1,gradient2,polynomial",
            "d_degree": "5",
        },
        (
            printed("D[1, 0]", "−5"),
            printed("D[1, 1]", "0"),
            printed("D[1, 2]", "5"),
            printed("true f′(0.1)", "1.58113883"),
        ),
        "Ten samples of √x on [0.1, 1] (h = 0.1): the inside rows of D are the lecture's −5, 0, "
        "5; its first row (−10, 10) is np.gradient's edge_order=1, the page's D uses the "
        "second-order edge (−15, 20, −5), and both miss f′(0.1) = 1.5811 most at the left end.",
        checks.pycse_square_root,
    ),
    Preset(
        "pycse_rosenbrock",
        "pycse: Rosenbrock by BFGS with and without the gradient, and dogleg",
        PYCSE,
        "views/descent.py",
        {"g_x": "1", "g_y": "0", "g_m": "BFGS,dogleg"},
        (
            printed("BFGS with gradient: nit", "32"),
            printed("BFGS with gradient: nfev", "37"),
            printed("BFGS with gradient: njev", "37"),
            printed("BFGS without: nit", "32"),
            printed("BFGS without: njev", "37"),
            printed("dogleg: nit", "1"),
            printed("dogleg: nfev", "2"),
            printed("dogleg: njev", "2"),
            printed("dogleg: nhev", "1"),
            within("dogleg: final f", "4.930380657631324e-30", 1e-40),
        ),
        "With the exact gradient BFGS needs 37 values of f instead of 111 (the 2019 printout "
        "says 148: the SciPy of then counted its differenced gradients' values of f "
        "differently; nit and njev agree). Dogleg with the Hessian lands on (1, 1) in one step.",
        checks.pycse_rosenbrock,
    ),
    Preset(
        "five_point",
        "The five-point stencil and tanh′(2)",
        SYMBOLIC_NUMERIC_AD,
        "views/fd_lab.py",
        {"lab_f": "tanh(x)", "lab_x0": "2"},
        (
            printed("weight of f(x − 2h)", "0.0833333"),
            printed("weight of f(x − h)", "−0.666667"),
            printed("weight of f(x)", "0"),
            printed("weight of f(x + h)", "0.666667"),
            printed("weight of f(x + 2h)", "−0.0833333"),
            printed("tanh′(2)", "0.0707"),
        ),
        "The stencil table's offsets −2 … 2 give (f(x − 2h) − 8f(x − h) + 8f(x + h) − "
        "f(x + 2h))/(12h), the curve “central (p=4)” above: its error falls 10⁴-fold per "
        "tenfold h until round-off takes over near h = 1e-3.",
        checks.five_point_stencil,
    ),
)

PRESET_BY_KEY: dict[str, Preset] = {preset.key: preset for preset in PRESETS}
