"""Colouring the columns of a sparse Jacobian so that one JVP recovers every column of a colour.

Two columns j and k may share a colour when no row has a nonzero in both: then the JVP
with the seed e_j + e_k gives J e_j + J e_k, and each row of it holds an entry of only
one of the two columns (Curtis, Powell and Reid, 1974). In graph terms this colours the
column intersection graph (columns joined when they share a row), a distance-2
colouring of the pattern; the fewer the colours, the fewer the JVPs.

Finding the fewest colours is NP-hard in general; this uses DSATUR (Brélaz, 1979), the
greedy method that colours next the column whose coloured neighbours already use the
most distinct colours (ties: the most neighbours, then the smallest index) and gives it
the smallest colour they leave free. On the stencils of the sparse Jacobian page it
reaches the lower bound, the largest number of nonzeros in one row (those columns must
all differ): 3 for the 1-D three-point stencil (n >= 3) and 5 for the 2-D five-point
stencil (m x m grids, 3 <= m <= 50 checked by the tests), where greedy colouring in the
natural, largest-first or smallest-last order needs 6 or 7 on the grid. (A 2 x 2 grid
needs 4: every two of its points share a row.)
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy import sparse


def column_colouring(pattern: sparse.sparray | np.ndarray) -> np.ndarray:
    """Colour the columns of a sparsity pattern so that columns of one colour share no row.

    Args:
        pattern: (m, n) boolean, dense or SciPy sparse: True where J_ij can be nonzero.

    Returns:
        int array of shape (n,): the colour 0, 1, ... of each column.

    Example:
        >>> tridiagonal = np.abs(np.subtract.outer(range(5), range(5))) <= 1  # |i - j| <= 1
        >>> column_colouring(tridiagonal).tolist()
        [0, 1, 2, 0, 1]
    """
    neighbours = column_conflicts(pattern)
    n = neighbours.shape[0]
    degree = np.diff(neighbours.indptr)
    colours = np.full(n, -1, dtype=np.int64)
    seen: list[set[int]] = [set() for _ in range(n)]  # colours among coloured neighbours
    # Max-heap on (saturation, degree, -index), with stale entries skipped when popped: an
    # entry is pushed only when a saturation grows, so the loop ends after <= n + nnz pops.
    heap = [(0, -int(degree[j]), j) for j in range(n)]
    heapq.heapify(heap)
    while heap:
        minus_saturation, _, j = heapq.heappop(heap)
        if colours[j] >= 0 or -minus_saturation != len(seen[j]):
            continue
        colour = next(c for c in range(len(seen[j]) + 1) if c not in seen[j])
        colours[j] = colour
        for k in neighbours.indices[neighbours.indptr[j] : neighbours.indptr[j + 1]]:
            if colours[k] < 0 and colour not in seen[k]:
                seen[k].add(colour)
                heapq.heappush(heap, (-len(seen[k]), -int(degree[k]), int(k)))
    return _numbered_by_first_column(colours)


def _numbered_by_first_column(colours: np.ndarray) -> np.ndarray:
    """Rename the colours so that they first appear in the order 0, 1, 2, ... along the columns
    (the 1-D stencil then reads 0, 1, 2, 0, 1, 2, ...)."""
    _, first_columns = np.unique(colours, return_index=True)
    new_names = np.empty(first_columns.size, dtype=np.int64)
    new_names[np.argsort(first_columns)] = np.arange(first_columns.size)
    return new_names[colours]


def column_conflicts(pattern: sparse.sparray | np.ndarray) -> sparse.csr_array:
    """The column intersection graph: (n, n) boolean, True where columns j != k share a row."""
    matrix = sparse.csr_array(pattern, dtype=np.int64)
    shared = sparse.coo_array(matrix.T @ matrix)
    off_diagonal = (shared.row != shared.col) & (shared.data != 0)
    n = matrix.shape[1]
    rows, columns = shared.row[off_diagonal], shared.col[off_diagonal]
    return sparse.csr_array((np.ones(rows.size, dtype=bool), (rows, columns)), shape=(n, n))


def fewest_possible_colours(pattern: sparse.sparray | np.ndarray) -> int:
    """A lower bound on the colours of any valid colouring: the most nonzeros in one row."""
    matrix = sparse.csr_array(pattern, dtype=bool)
    return int(np.diff(matrix.indptr).max(initial=0))
