"""One row of a regression tab's results table."""

from __future__ import annotations


def result_row(name: str, result) -> dict:
    """A descent's result as a table row: iterations, final loss, distance, convergence."""
    return {
        "method": name,
        "iterations": result.iterations,
        "final loss": f"{result.final_loss:.6g}",
        "distance to the exact answer": f"{result.distance:.2e}",
        "converged": "yes" if result.converged else "no",
    }
