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
        nfev, njev, nhev: evaluations of f, ∇f and ∇²f actually made.
        converged: whether the method's stopping test was met.
        message: what happened, in plain words.
    """

    points: np.ndarray
    values: np.ndarray
    nit: int
    nfev: int
    njev: int
    nhev: int
    converged: bool
    message: str
