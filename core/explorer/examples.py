"""The Explorer's one-click examples: what each shows and the view that shows it best."""

from __future__ import annotations

from typing import NamedTuple


class Example(NamedTuple):
    label: str
    text: str
    max_order: int
    x_range: tuple[float, float]
    note: str
    params: tuple[tuple[str, float], ...] = ()


EXAMPLES = (
    Example("exp(2x)", "exp(2x)", 4, (-2.0, 1.5), "Each derivative doubles: f⁽ᵏ⁾ = 2ᵏ e²ˣ."),
    Example("sin(x) − 2cos(3x)e^(−x²)", "sin(x) − 2cos(3x)e^(−x²)", 4, (-4.0, 4.0),
            "Symbolic derivatives swell quickly; AD stays exact to rounding."),
    Example("x³ + 2x² − 3x + 1", "x³ + 2x² − 3x + 1", 4, (-3.0, 2.0),
            "A cubic: the 4th derivative is exactly zero."),
    Example("tanh(x)", "tanh(x)", 4, (-3.0, 3.0), "The first four derivatives of tanh."),
    Example("sin(x): y″ = −y", "sin(x)", 2, (-6.3, 6.3),
            "The second derivative is the function turned upside down: y″ = −y."),
    Example("cos(x): y″ = −y", "cos(x)", 2, (-6.3, 6.3), "Same for cos: y″ = −y."),
    Example("sqrt(x)", "sqrt(x)", 3, (0.0, 4.0),
            "Every derivative blows up at 0: those points are masked and flagged."),
    Example("|x|", "|x|", 2, (-2.0, 2.0),
            "A kink at 0: the derivative jumps from −1 to 1; methods disagree there."),
    Example("(a·x + b)^m", "(a·x + b)^m", 6, (0.0, 3.0),
            "Parameters a, b, m stay symbols in the symbolic derivatives; sliders set them.",
            (("a", 2.0), ("b", 1.0), ("m", 7.5))),
)  # fmt: skip
