"""One inter-process read-write lock per Brightway data directory.

Commands that only read a built project share the lock; anything that writes (creating a
project, writing databases or methods) holds it alone. bw2data keeps database and method
metadata in JSON files that each process caches in memory, so every change of lock level
reloads them: a writer never flushes another process's stale copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import ReadWriteLock, Timeout

LOCK_FILE = "cfp_lca.lock"
WAIT_NOTICE_S = 0.5  # after this long without the lock, tell the caller that we are waiting


class ProjectLock:
    """Shared or exclusive access to one Brightway data directory, reentrant in a process.

    ``exclusive`` inside ``shared`` gives up the shared level, waits for the exclusive one and
    takes the shared level back afterwards; ``shared`` inside ``exclusive`` is covered by it.
    """

    def __init__(self, base: Path):
        self.path = Path(base) / LOCK_FILE
        self._lock = ReadWriteLock(self.path, is_singleton=False)
        self._shared = 0
        self._exclusive = 0
        self.on_wait: Callable[[str], None] | None = None

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the lock with other readers (no writer) for the duration of the block."""
        if self._exclusive:
            yield
            return
        self._acquire(self._lock.acquire_read, "read")
        self._shared += 1
        try:
            yield
        finally:
            self._shared -= 1
            self._lock.release()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock alone for the duration of the block (waits for readers to finish)."""
        if self._exclusive:
            self._exclusive += 1
            try:
                yield
            finally:
                self._exclusive -= 1
            return
        held = self._shared
        for _ in range(held):
            self._lock.release()
        self._shared = 0
        try:
            self._acquire(self._lock.acquire_write, "write")
            self._exclusive = 1
            reload_metadata()
            try:
                yield
            finally:
                self._exclusive = 0
                self._lock.release()
        finally:
            for _ in range(held):
                self._acquire(self._lock.acquire_read, "read")
            self._shared = held
            if held:
                reload_metadata()

    def _acquire(self, acquire: Callable, mode: str) -> None:
        """Acquire at once if free; otherwise say so once and wait."""
        try:
            acquire(timeout=WAIT_NOTICE_S)
            return
        except Timeout:
            pass
        if self.on_wait is not None:
            self.on_wait(f"waiting for another process to release {self.path} ({mode})")
        acquire()


_LOCKS: dict[Path, ProjectLock] = {}


def lock_for(base: Path) -> ProjectLock:
    """The (one per process) lock of a Brightway data directory."""
    base = Path(os.path.realpath(base))  # one lock object per directory, however it is spelt
    if base not in _LOCKS:
        base.mkdir(parents=True, exist_ok=True)
        _LOCKS[base] = ProjectLock(base)
    return _LOCKS[base]


def reload_metadata() -> None:
    """Re-read bw2data's cached metadata files of the current project, if bw2data is loaded."""
    import sys

    if "bw2data" not in sys.modules:
        return
    import bw2data as bd

    if not bd.projects.dataset:
        return
    for store in (bd.databases, bd.methods, bd.geomapping):
        store.load()
