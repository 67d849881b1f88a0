"""The technosphere matrix of a set of processes: refuse singular or near-singular systems.

The matrix is A = I - X, where X[i, j] is the amount of process i's product that process j
uses per unit of its own (credits are negative) and each process makes one unit of its
product. Inputs from processes outside the given set are external: they are not part of this
matrix. Because a background never buys from a foreground (nor from another background), the
matrix of a model with its backgrounds is block triangular, and it is non-singular exactly
when each background's block and the model's block are.

Only cycles can make A singular: ordered by who supplies whom, an acyclic system is
triangular with a unit diagonal. So the check finds the strongly connected components of the
supply graph and, for each component with a loop (two or more processes, or one that uses its
own product), refuses it when

- its block I - X_S is exactly singular (a zero pivot in the sparse LU): the loop consumes
  exactly what it produces, as when A supplies B 1 and B supplies A 1;
- its consumption loop gain, the largest eigenvalue of the block's non-negative inputs, is at
  least 1: making one unit takes at least one unit of itself around the loop, so no
  non-negative production meets a demand (the Hawkins-Simon condition);
- it is near-singular: delivering one unit of some process i takes more than MAX_MULTIPLIER
  units of i produced around the loop (m_i = [(I - X_S)^-1]_ii), or a non-positive number.
  The self-multiplier m_i does not depend on the units chosen (kg or t, per process), unlike a
  condition number, and it bounds how much a relative change of an amount in the loop moves
  the result. Amounts in the data carry about six significant digits, so with m_i above
  1e6 the result would depend on digits the data do not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from .objects import Catalog, Process, ProductModel

if TYPE_CHECKING:  # scipy is imported where a matrix is checked, not where a model is read
    import scipy.sparse as sp

MAX_MULTIPLIER = 1e6  # units produced around a loop per unit delivered (see the module text)
SHOWN = 8  # processes named in a message before "and N more"
_BLOCK = 256  # columns of the inverse solved at once (bounds memory for large loops)


def check_model(catalog: Catalog, model: ProductModel) -> None:
    """The technosphere of a model's activities with the catalog's backgrounds it names."""
    check_foreground(model, catalog.backgrounds)


def check_foreground(model: ProductModel, backgrounds: Mapping[str, Mapping[str, Process]]) -> None:
    """A model's activities and its background processes, as one matrix; errors name the model."""
    processes = [p for db in model.backgrounds for p in backgrounds.get(db, {}).values()]
    check_technosphere(
        [*processes, *model.activities], model.path, "activities", home=model.database
    )


def check_technosphere(
    processes: Iterable[Process], path: str | Path, label: str, home: str | None = None
) -> None:
    """Raise InputError(path, the processes of a loop, why) if their matrix is (near) singular.

    ``label`` names the kind of process in the message ("activities", "processes"); codes of
    processes in database ``home`` are shown bare, others as ``database:code`` (with no
    ``home``, bare when all processes share one database).
    """
    from scipy.sparse.csgraph import connected_components

    procs = _unique(processes)
    if not procs:
        return
    x = supply_matrix(procs)
    count, labels = connected_components(x, directed=True, connection="strong")
    diagonal = x.diagonal()
    for component in range(count):
        members = np.flatnonzero(labels == component)
        if len(members) == 1 and diagonal[members[0]] == 0:
            continue  # no loop: a unit diagonal
        problem = loop_problem(x[members][:, members].tocsc(), [procs[i].code for i in members])
        if problem:
            names = _names([procs[i] for i in members], procs, home)
            raise InputError(path, f"{label} {names}", problem)


def _unique(processes: Iterable[Process]) -> list[Process]:
    """Processes in order, each key once."""
    seen: dict[tuple[str, str], Process] = {}
    for p in processes:
        seen.setdefault(p.key, p)
    return list(seen.values())


def supply_matrix(processes: Sequence[Process]) -> sp.csr_matrix:
    """X: X[i, j] = amount of process i used per unit of process j (inputs among the set only)."""
    import scipy.sparse as sp

    index = {p.key: i for i, p in enumerate(processes)}
    rows, cols, values = [], [], []
    for j, p in enumerate(processes):
        for x in p.exchanges:
            i = index.get((x.database, x.code)) if x.kind == "technosphere" else None
            if i is not None:
                rows.append(i)
                cols.append(j)
                values.append(x.amount)
    n = len(processes)
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(n, n), dtype=float)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


def loop_problem(block: sp.csc_matrix, codes: Sequence[str]) -> str | None:
    """Why the loop ``block`` (X restricted to one strongly connected component) is refused."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu

    n = block.shape[0]
    try:
        lu = splu(sp.identity(n, format="csc") - block)
    except RuntimeError:
        return (
            "singular technosphere: these supply each other in a loop that consumes exactly "
            "what it produces, so no production meets a demand; check their inputs from "
            "each other"
        )
    gain = consumption_gain(block)
    if gain is not None:
        return (
            f"the loop consumes more than it produces (loop gain {gain:.4g}, must be below 1): "
            "no non-negative production meets a demand; check their inputs from "
            "each other"
        )
    multipliers = self_multipliers(lu, n)
    bad = np.flatnonzero(
        ~(np.isfinite(multipliers) & (multipliers > 0)) | (multipliers > MAX_MULTIPLIER)
    )
    if not len(bad):
        return None
    size = np.where(np.isfinite(multipliers[bad]), np.abs(multipliers[bad]), np.inf)
    worst = int(bad[np.argmax(size)])
    return (
        f"near-singular technosphere: delivering one unit of '{codes[worst]}' takes "
        f"{multipliers[worst]:.3g} units of it around the loop (accepted: above 0, at most "
        f"{MAX_MULTIPLIER:g}); check their inputs from each other"
    )


def self_multipliers(lu, n: int) -> np.ndarray:
    """The diagonal of (I - X_S)^-1, solved in blocks of columns."""
    out = np.empty(n)
    for start in range(0, n, _BLOCK):
        stop = min(n, start + _BLOCK)
        unit = np.zeros((n, stop - start))
        unit[np.arange(start, stop), np.arange(stop - start)] = 1.0
        with np.errstate(all="ignore"):
            solved = lu.solve(unit)
        out[start:stop] = solved[np.arange(start, stop), np.arange(stop - start)]
    return out


def consumption_gain(block: sp.csc_matrix, iterations: int = 500) -> float | None:
    """The largest eigenvalue of the block's non-negative part where it is >= 1, else None.

    Power iteration on I + X+ with Collatz-Wielandt bounds: for x > 0,
    min_i (X+ x)_i / x_i <= rho(X+) <= max_i (X+ x)_i / x_i. None as soon as the upper
    bound is below 1; otherwise iterates until the bounds meet and returns the lower bound if
    it is >= 1. Undecided (bounds straddling 1 to the end) means rho is within rounding of 1,
    which the singular and near-singular tests catch.
    """
    positive = block.copy()
    positive.data = np.maximum(positive.data, 0.0)
    x = np.ones(block.shape[0])
    low = 0.0
    for _ in range(iterations):
        y = positive @ x
        ratios = y / x
        low, high = float(ratios.min()), float(ratios.max())
        if high < 1:
            return None
        if low >= 1 and high - low <= 1e-9 * high:
            break
        x = x + y
        x /= x.max()
        if x.min() < 1e-250:
            break
    return low if low >= 1 else None


def _names(members: Sequence[Process], procs: Sequence[Process], home: str | None) -> str:
    """'a', 'b', ... for a message: at most SHOWN, database-qualified outside ``home``."""
    if home is None and len({p.database for p in procs}) == 1:
        home = procs[0].database
    shown = [f"'{p.code}'" if p.database == home else f"'{p.database}:{p.code}'" for p in members]
    more = len(shown) - SHOWN
    return ", ".join(shown[:SHOWN]) + (f" and {more} more" if more > 0 else "")
