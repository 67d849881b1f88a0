"""Monte Carlo samples saved as a NumPy ``.npy`` file of (iterations, labels) float64.

Written with plain writes to ``NAME.partial``, never through a memory map: a full disk or a
file-size limit is an ``OSError`` the command reports, where a memory-mapped write dies of
SIGBUS. The free space and the file-size limit are checked before the first draw (a disk
without room is refused at once), and the file takes its name only when complete, so an
interrupted run leaves nothing that looks like a finished file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import struct
from pathlib import Path

import numpy as np

from ...errors import InputError

MAGIC = b"\x93NUMPY\x01\x00"  # format version 1.0
ALIGN = 64  # the header's total length is a multiple of this (NumPy's own rule)


def npy_header(shape: tuple[int, int], length: int | None = None) -> bytes:
    """The .npy 1.0 header of a C-ordered float64 array, padded with spaces to ``length``
    bytes (by default the next multiple of ALIGN), as NumPy's reader accepts."""
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape!r}, }}"
    bare = len(MAGIC) + 2 + len(text) + 1
    total = length if length is not None else -(-bare // ALIGN) * ALIGN
    body = text + " " * (total - bare) + "\n"
    return MAGIC + struct.pack("<H", len(body)) + body.encode("latin1")


class SampleFile:
    """An .npy file of ``n`` rows of ``q`` float64, filled row block by row block."""

    def __init__(self, path: Path, n: int, q: int):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.q = q
        self.header = npy_header((n, q))
        size = len(self.header) + n * q * 8
        try:
            check_room(self.path.parent, size)
            self.handle = open(self.partial, "xb")  # noqa: SIM115 (closed by finish/discard)
        except OSError as exc:
            raise _problem(self.path, exc, size) from None
        try:
            self.handle.write(self.header)
        except OSError as exc:
            self.discard()
            raise _problem(self.path, exc) from None
        except BaseException:  # interrupted while opening
            self.discard()
            raise

    def write(self, start: int, q: np.ndarray) -> None:
        """Rows ``start``.. of the file: the (labels, n) block ``q`` transposed."""
        try:
            self.handle.seek(len(self.header) + start * self.q * 8)
            np.ascontiguousarray(q.T, dtype=np.float64).tofile(self.handle)
        except OSError as exc:
            self.discard()
            raise _problem(self.path, exc) from None

    def finish(self, rows: int) -> None:
        """Keep the first ``rows`` rows (fewer than planned after a tolerance stop) and give
        the file its name; the name was free when the run began, and is not overwritten."""
        try:
            self.handle.seek(0)
            self.handle.write(npy_header((rows, self.q), len(self.header)))
            self.handle.truncate(len(self.header) + rows * self.q * 8)
            self.handle.close()
            os.link(self.partial, self.path)
            self.partial.unlink()
        except OSError as exc:
            self.discard()
            raise _problem(self.path, exc) from None

    def discard(self) -> None:
        """Remove the unfinished file (an interrupted or failed run)."""
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            self.partial.unlink()


def check_room(folder: Path, size: int) -> None:
    """Refuse, before the first draw, a file the disk has no room for or the file-size limit
    (``ulimit -f``) forbids, as the OSError a write would give. Checked, not reserved: a
    reservation (posix_fallocate) of gigabytes can take minutes where the file system
    emulates it, and no signal interrupts it."""
    stats = os.statvfs(folder)
    if size > stats.f_bavail * stats.f_frsize:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and size > limit:
        raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))


def _problem(path: Path, exc: OSError, size: int | None = None) -> InputError:
    """A write that failed, as the one line the command prints."""
    need = f" ({size / 1e9:.3g} GB needed)" if size is not None else ""
    return InputError(path, "--save-samples", f"cannot write the samples{need}: "
                      f"{exc.strerror or exc}")  # fmt: skip
