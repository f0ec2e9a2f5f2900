"""The record every optimizer returns: its path and what the path cost."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Trajectory(NamedTuple):
    """A descent path and what it cost.

    Attributes:
        points: (n, d) iterates, from x0 to the last finite one.
        values: (n,) f at `points`.
        nit: steps (iterations) taken.
        nfev, njev, nhev: evaluations of f, ∇f and ∇²f for the search. For a SciPy
            method these are SciPy's own counts (its `OptimizeResult`'s nfev, njev
            and nhev, 0 where it has none), the numbers a notebook prints: its finite
            differences count in nfev (gradient) or njev (Hessian). For the
            hand-written methods they are every evaluation made.
        converged: whether the method's stopping test was met.
        message: what happened, in plain words.
        extra_evaluations: (f, ∇f, ∇²f) evaluated beyond nfev, njev and nhev: for a
            SciPy method, the app's check of the start point (f there, and ∇f where
            the method is given it) and the Hessian SciPy computes for its result
            without counting it; (0, 0, 0) for the hand-written methods.
    """

    points: np.ndarray
    values: np.ndarray
    nit: int
    nfev: int
    njev: int
    nhev: int
    converged: bool
    message: str
    extra_evaluations: tuple[int, int, int] = (0, 0, 0)
