"""The gallery: one-click programs whose derivatives are known in closed form.

Each shows one thing about differentiating code (a loop, a branch, an early return,
steps that cancel); the tests check every one against its stated derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class GalleryProgram(NamedTuple):
    """A one-click program with its derivative known in closed form.

    Attributes:
        title: a short name for a menu.
        source: the body of f(x).
        explanation: what it shows, in a sentence or two.
        exact_derivative_text: f'(x) written out for the page.
        exact_derivative: the same f' as a NumPy function (for plots and tests).
        x_range: a good interval to plot.
    """

    title: str
    source: str
    explanation: str
    exact_derivative_text: str
    exact_derivative: Callable[[np.ndarray], np.ndarray]
    x_range: tuple[float, float]


def _exp_partial_sum(x: np.ndarray, terms: int) -> np.ndarray:
    return sum(np.asarray(x, dtype=float) ** k / math.factorial(k) for k in range(terms))


GALLERY = (
    GalleryProgram(
        "A loop that squares and scales",
        "for i in range(2):\n    x = 0.2 * x * x\nreturn x\n",
        "Each pass squares x and scales it: after two passes f(x) = 0.2·(0.2x²)² = 0.008x⁴. "
        "JAX differentiates through the Python loop as it runs.",
        "f′(x) = 0.032 x³",
        lambda x: 0.032 * np.asarray(x) ** 3,
        (-3.0, 3.0),
    ),
    GalleryProgram(
        "A branch: one formula or another",
        "if x < 0:\n    y = sin(x)\nelse:\n    y = x + x**2 + x**3\nreturn y\n",
        "Python's if picks a formula at each point, so grad point by point works; jit and "
        "vmap cannot decide a traced comparison, and the rewrite uses jnp.where instead.",
        "f′(x) = cos(x) for x < 0, and 1 + 2x + 3x² otherwise",
        lambda x: np.where(np.asarray(x) < 0, np.cos(x), 1 + 2 * np.asarray(x) + 3 * x**2),
        (-3.0, 1.5),
    ),
    GalleryProgram(
        "A Rube Goldberg machine for x²",
        "y = x\n"
        "for i in range(5):\n    y = 2 * y          # doubled five times: 32x\n"
        "big = y * y + 1        # 1024x² + 1, always positive\n"
        "for i in range(5):\n    y = y / 2          # halved five times: x again\n"
        "root = sqrt(big)       # sqrt(1024x² + 1)\n"
        "area = (root * root - 1) / 1024   # the square root undone: x²\n"
        "return area + y - x    # x² + x - x\n",
        "Fifteen steps of doubling, halving, squaring and a square root that all cancel: "
        "AD follows every one and still gets the derivative of x² to rounding.",
        "f′(x) = 2x",
        lambda x: 2 * np.asarray(x),
        (-2.0, 2.0),
    ),
    GalleryProgram(
        "A series summed in a loop",
        "term = 1\ntotal = 1\nfor k in range(1, 12):\n    term = term * x / k\n"
        "    total = total + term\nreturn total\n",
        "The first twelve terms of the series of exp(x), built term by term. Its derivative "
        "is the same sum with one term fewer, close to exp(x) near 0.",
        "f′(x) = 1 + x + x²/2! + … + x¹⁰/10! ≈ exp(x)",
        lambda x: _exp_partial_sum(x, 11),
        (-2.0, 2.0),
    ),
    GalleryProgram(
        "An early return",
        "if x > 1:\n    return 1 + 2 * tanh(x - 1)\nreturn x * x\n",
        "Two formulas that meet smoothly at x = 1. The rewrite moves the last line into an "
        "else branch and merges both returns with jnp.where.",
        "f′(x) = 2 / cosh²(x − 1) for x > 1, and 2x otherwise",
        lambda x: np.where(np.asarray(x) > 1, 2 / np.cosh(np.asarray(x) - 1) ** 2, 2 * x),
        (-1.0, 3.0),
    ),
)
