"""The compiled pairwise summation (``compiled._pairwise``, what the statistics' block moments
add with) is a hand copy of numpy's ``pairwise_sum``: this guard compares it with
``np.sum`` bit for bit, so a numpy that changes its order of additions fails here instead
of changing the statistics silently. Lengths below, at and around numpy's unroll of 8 and
its leaf of 128, and up to a whole block; values over many orders of magnitude, so that
another order of additions would round differently; the arrays as the code sums them
(the valid prefix of a block's buffer, and copies of a row of a Fortran-ordered block)."""

from __future__ import annotations

import numpy as np

from cfp_lca.calc.montecarlo import BLOCK_SIZE, compiled

AROUND = (511, 512, 1023, 1024, 2048, 4000, BLOCK_SIZE)
LENGTHS = sorted(
    set(range(300)) | {n + d for n in AROUND for d in (-9, -1, 0, 1, 7) if n + d <= BLOCK_SIZE}
)


def _values(rng: np.random.Generator, n: int) -> np.ndarray:
    """Signed values spread over 16 orders of magnitude: additions that round."""
    return rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 8, n)


def test_the_compiled_sum_is_numpys_bit_for_bit():
    rng = np.random.default_rng(28)
    for n in LENGTHS:
        for _ in range(5):
            buffer = _values(rng, BLOCK_SIZE)  # a block's buffer; its first n values valid
            expected = np.sum(buffer[:n])
            got = compiled._pairwise(buffer, n)
            assert got == expected or (np.isnan(got) and np.isnan(expected)), n


def test_the_sums_of_a_fortran_blocks_row_are_numpys():
    """As ``block_moments`` sums them: ``t = q[0] - shift`` over the valid samples of a
    (labels, n) block stored column by column, squared too."""
    rng = np.random.default_rng(8)
    for n in (1, 8, 127, 128, 129, 1000, BLOCK_SIZE):
        q = np.asfortranarray(rng.lognormal(8.0, 2.0, (4, n)))
        bad = rng.random(n) < 0.1
        t = q[0, ~bad] - 3000.0
        count = t.size
        buffer = np.zeros(n)
        buffer[:count] = t
        assert compiled._pairwise(buffer, count) == np.sum(t)
        assert compiled._pairwise(buffer * buffer, count) == np.sum(t * t)
