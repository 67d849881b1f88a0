"""Where Brightway keeps its data, and opening a named project safely across processes.

Brightway's SQLite files (``projects.db``, a project's ``lci/databases.db`` and
``parameters.db``) are checked before bw2data opens them: a damaged file is one
:class:`ProjectError` naming it, and another process's write transaction is waited for (up
to $CFP_LCA_LOCK_TIMEOUT_S seconds, said on stderr) instead of failing after bw2data's 5 s.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # filelock is imported where a lock is taken, not by commands that read files
    from .locking import ProjectLock


DEFAULT_PROJECT = "cfp_lca"
MARKER = "cfp_lca"  # key in database and method metadata: written by cfp_lca
LOCK_TIMEOUT_ENV = "CFP_LCA_LOCK_TIMEOUT_S"
DEFAULT_LOCK_TIMEOUT_S = 60.0
MAX_NAME_CHARS = 100  # a project's folder is its name + ".<8 hex>": well under 255 bytes
MAX_NAME_BYTES = 200
# what bw2data opens in a project, with the tables it holds once created
PROJECT_FILES = {"lci/databases.db": ("activitydataset", "exchangedataset"), "parameters.db": ()}
SQLITE_MAGIC = b"SQLite format 3\x00"
DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk I/O error")
QUICK_CHECK_MAX_BYTES = 32 << 20  # larger files get the header checks only (cheap at any size)

logger = logging.getLogger(__name__)


class ProjectError(Exception):
    """A Brightway project or database that cfp_lca must not or cannot change."""


def configure_data_dir(path: str | Path | None = None) -> Path | None:
    """Point bw2data at ``path``, or at $BRIGHTWAY_DIR when only that is set.

    bw2data reads BRIGHTWAY2_DIR once, when it is imported, so this must run before; calling
    it later with a different directory is an error rather than a silent switch.
    """
    target = path or (
        os.environ.get("BRIGHTWAY_DIR") if not os.environ.get("BRIGHTWAY2_DIR") else None
    )
    if target is None:
        return None
    target = Path(target).expanduser().absolute()
    if target.exists() and not target.is_dir():
        raise ProjectError(f"Brightway data directory {target} is not a directory")
    if "bw2data" in sys.modules:
        import bw2data as bd

        if Path(bd.projects._base_data_dir).absolute() != target:
            raise ProjectError(
                f"bw2data was already imported with data directory {bd.projects._base_data_dir}; "
                f"cannot switch to {target}"
            )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"cannot create Brightway data directory {target}: {exc}") from None
    os.environ["BRIGHTWAY2_DIR"] = str(target)
    return target


def base_dir() -> Path:
    """The directory bw2data uses (or will use once imported) for its projects."""
    if "bw2data" in sys.modules and hasattr(sys.modules["bw2data"], "projects"):
        import bw2data as bd

        return Path(bd.projects._base_data_dir)
    env = os.environ.get("BRIGHTWAY2_DIR")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise ProjectError(
                f"BRIGHTWAY2_DIR={env}: not a directory (create it, or unset the variable)"
            )
        return path.absolute()
    from platformdirs import PlatformDirs

    return Path(PlatformDirs("Brightway3", "pylca").user_data_dir)


def project_lock() -> ProjectLock:
    """The inter-process lock of the Brightway data directory in use."""
    from .locking import lock_for

    return lock_for(base_dir())


def lock_timeout() -> float:
    """Seconds to wait for another process's write transaction on a Brightway SQLite file
    (Activity Browser saving, a script): $CFP_LCA_LOCK_TIMEOUT_S, 60 by default."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise ProjectError(f"{LOCK_TIMEOUT_ENV}={text!r}: not a number of seconds >= 0")
    return value


def import_brightway() -> None:
    """Import bw2data, holding the lock alone when the import creates the data directory's files.

    bw2data creates ``projects.db`` and the default project on first import; two processes
    doing that at once on a fresh directory break each other. An existing ``projects.db`` is
    checked first (bw2data would otherwise fail on a damaged one with a traceback, or make a
    new, empty list of projects in a file that lost it).
    """
    if "bw2data" in sys.modules and hasattr(sys.modules["bw2data"], "projects"):
        return
    base = base_dir()
    lock = project_lock()
    registry = base / "projects.db"
    fresh = not (registry.exists() or registry.is_symlink())
    with lock.exclusive() if fresh else lock.shared():
        if not fresh:
            check_sqlite(registry, _registry_advice(base), tables=("projectdataset",))
        try:
            _pardiso_library()
            with _pint_from_cache():
                import bw2data  # noqa: F401
        except (OSError, sqlite3.Error, *_peewee_errors()) as exc:
            raise ProjectError(
                f"cannot open the Brightway data directory {base}: {_reason(exc)}; "
                f"{_registry_advice(base)}"
            ) from None
    _set_timeouts()


@contextmanager
def _pint_from_cache() -> Iterator[None]:
    """While bw2data is imported, pint registries come from the parsed definitions kept in
    the cache: bw2parameters builds one at its import (``UnitRegistry()``, half a second of
    every computing command, spent parsing pint's files again). pint's name is restored."""
    import pint

    from ..model.units import cached_registry

    original = pint.UnitRegistry

    def registry(*args, **kwargs):
        return cached_registry(lambda **cache: original(*args, **kwargs, **cache))

    pint.UnitRegistry = registry
    try:
        yield
    finally:
        pint.UnitRegistry = original


def _pardiso_library() -> None:
    """Name MKL's runtime for pypardiso where it lies beside this Python: found there, it
    spares pypardiso's search of every folder under ``sys.prefix`` (0.6 s of every command
    importing bw2calc). A name already set, or none found, leaves pypardiso to search."""
    if os.environ.get("PYPARDISO_MKL_RT"):
        return
    found = sorted(Path(sys.prefix, "lib").glob("libmkl_rt.so*"), key=lambda p: len(p.name))
    if found:
        os.environ["PYPARDISO_MKL_RT"] = str(found[0])


def open_project(name: str, create: bool = True) -> None:
    """Make ``name`` the current project; with create=False a missing project is an error.

    An existing project is opened with the lock shared, its SQLite files checked first; a new
    name is checked before bw2data writes anything, and creating it holds the lock alone and
    leaves nothing behind when it fails.
    """
    import_brightway()
    import bw2data as bd

    lock = project_lock()
    with lock.shared(), sqlite_errors():
        if name in bd.projects:
            check_project_files(name)
            if bd.projects.current != name:  # switching reopens every SQLite file (and runs
                _switch(name)  # gc: 0.25 s per call)
            _set_timeouts()
            return
    if not create:
        raise ProjectError(f"Brightway project '{name}' does not exist (run `cfp-lca build`)")
    check_project_name(name)
    with lock.exclusive(), sqlite_errors():
        if name in bd.projects:  # another process created it meanwhile
            check_project_files(name)
            _switch(name)
        else:
            _create_project(name)
        _set_timeouts()


def _switch(name: str) -> None:
    """bw2data's switch to an existing project, its errors as one ProjectError."""
    import bw2data as bd

    try:
        bd.projects.set_current(name, update=False)
    except (OSError, sqlite3.Error, *_peewee_errors()) as exc:
        raise ProjectError(
            f"cannot open Brightway project '{name}' in {base_dir()}: {_reason(exc)}"
        ) from None


def check_project_name(name: str) -> None:
    """Refuse a new project name that bw2data would store under another folder name (it drops
    or replaces characters) or could not store at all; checked before it creates anything."""
    from bw_processing import safe_filename

    if not isinstance(name, str) or not name.strip():
        raise ProjectError("project name is empty: name it with letters, digits, '_' or '-'")
    size = len(name.encode("utf-8"))
    if len(name) > MAX_NAME_CHARS or size > MAX_NAME_BYTES:
        raise ProjectError(
            f"project name '{name[:20]}...' is too long ({len(name)} characters, {size} bytes "
            f"in UTF-8): at most {MAX_NAME_CHARS} characters and {MAX_NAME_BYTES} bytes (the "
            "project's folder is named after it)"
        )
    if safe_filename(name, add_hash=False) != name:
        bad = sorted({c for c in name if safe_filename(c, add_hash=False) != c})
        shown = " ".join(repr(c) for c in bad) if bad else "a repeated '-'"
        raise ProjectError(
            f"project name {name!r}: Brightway would drop or replace {shown} in its folder "
            "name; a new project's name may hold letters, digits, '_' and single '-'"
        )


def _create_project(name: str) -> None:
    """Create and open project ``name``, leaving nothing behind when that fails: its folders
    are made first (a name the file system refuses fails before bw2data inserts the row),
    and bw2data's row is inserted in a transaction rolled back on failure."""
    import bw2data as bd

    previous = bd.projects.current
    folders = _new_folders(name)
    try:
        for folder in folders:
            folder.mkdir(parents=True)
        with bd.projects.db.atomic():
            bd.projects.set_current(name)
    except (OSError, sqlite3.Error, *_peewee_errors()) as exc:
        _forget_project(name, folders)
        _reopen(previous)
        raise ProjectError(
            f"cannot create Brightway project '{name}' in {base_dir()}: {_reason(exc)}"
        ) from None


def _new_folders(name: str) -> list[Path]:
    """The folders bw2data would make for a new project ``name`` that do not exist yet."""
    import bw2data as bd
    from bw_processing import safe_filename

    folder = safe_filename(name, full=False)  # ProjectDataset's full_hash is False when new
    roots = (bd.projects._base_data_dir, bd.projects._base_logs_dir)
    return [Path(r) / folder for r in roots if not (Path(r) / folder).exists()]


def _forget_project(name: str, folders: list[Path]) -> None:
    """Delete the row of a project whose creation failed, and the folders it made."""
    import shutil

    from bw2data.project import ProjectDataset

    ProjectDataset.delete().where(ProjectDataset.name == name).execute()
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _reopen(previous: str) -> None:
    """Make ``previous`` current again after a failed switch (best effort: it existed)."""
    import bw2data as bd

    try:
        if previous in bd.projects:
            bd.projects.set_current(previous, update=False)
    except Exception:  # noqa: BLE001 - the original failure is the one to report
        logger.debug("could not reopen project %s", previous, exc_info=True)


def data_dir() -> Path:
    """The directory bw2data writes projects to."""
    import bw2data as bd

    return Path(bd.projects._base_data_dir)


# ------------------------------------------------------------------ SQLite files


def project_folder(name: str) -> Path:
    """The folder of existing project ``name`` (bw2data's naming), without opening it."""
    import bw2data as bd
    from bw2data.project import ProjectDataset

    return bd.projects._project_dir(ProjectDataset.get(ProjectDataset.name == name))


def check_project_files(name: str) -> None:
    """Check the SQLite files bw2data opens in project ``name`` (damage, a foreign lock)."""
    folder = project_folder(name)
    advice = (
        f"restore it from a backup, or build into another project (--project) or Brightway "
        f"directory (--bw-dir); the project's folder is {folder}"
    )
    for relative, tables in PROJECT_FILES.items():
        check_sqlite(folder / relative, advice, tables)


def lci_database_file() -> Path:
    """The current project's ``lci/databases.db``."""
    import bw2data as bd

    return Path(bd.projects.dir) / "lci" / "databases.db"


_CHECKED: set[tuple] = set()  # (path, size, mtime) whose content passed the full check


def check_sqlite(
    path: Path, advice: str, tables: tuple[str, ...] = (), write: bool = False
) -> None:
    """Refuse a damaged SQLite file bw2data is about to open, and wait (bounded, said once)
    for another process's write transaction on it; ``write``: wait until we could write.

    An absent file passes (bw2data creates it). The checks cost a header read and one query,
    plus SQLite's quick_check once per version of a file of up to 32 MiB.
    """
    if not (path.exists() or path.is_symlink()):
        return
    if path.is_dir():
        raise ProjectError(f"{path}: is a directory, not a SQLite database file; {advice}")
    if not path.is_file():
        raise ProjectError(f"{path}: is not a regular file; {advice}")
    try:
        conn = sqlite3.connect(path, timeout=wait_notice_s(), isolation_level=None)
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: cannot be opened ({_reason(exc)}); {advice}") from None
    try:
        found = _begin(conn, path, write)
        problem = _header_problem(path) or _missing_tables(found, tables)
        if problem is None:
            problem = _content_problem(conn, path)
    except sqlite3.DatabaseError as exc:
        problem = _header_problem(path) or f"is damaged ({_reason(exc)})"
    finally:
        conn.close()
    if problem is not None:
        raise ProjectError(f"{path}: {problem}; {advice}")


def _begin(conn: sqlite3.Connection, path: Path, write: bool) -> set[str]:
    """Open a transaction on ``conn`` (read: the schema read; write: BEGIN IMMEDIATE), waiting
    up to :func:`lock_timeout` for another process's lock; the table names."""
    timeout = lock_timeout()
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if conn.in_transaction:
                conn.rollback()
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProjectError(_locked_message(path, timeout)) from None
            if not told:
                _notice(_waiting_message(path, timeout))
                told = True
            conn.execute(f"PRAGMA busy_timeout = {max(1, int(left * 1000))}")


def _waiting_message(path: Path, timeout: float) -> str:
    return (
        f"waiting for another process to release {path} (it holds a write transaction; "
        f"giving up after {timeout:g} s, see {LOCK_TIMEOUT_ENV})"
    )


def _locked_message(path: Path, timeout: float) -> str:
    return (
        f"{path}: locked by another process's write transaction for more than {timeout:g} s; "
        f"close the program writing to this Brightway project (Activity Browser, a script) "
        f"and run the command again, or wait longer with {LOCK_TIMEOUT_ENV}=SECONDS"
    )


def _notice(text: str) -> None:
    """Say that we wait: through the lock's ``on_wait`` (the CLI prints it), else the log."""
    lock = project_lock()
    if lock.on_wait is not None:
        lock.on_wait(text)
    else:
        logger.warning(text)


def _header_problem(path: Path) -> str | None:
    """What the 100-byte header and the size of a SQLite file say is wrong with it (read
    inside a transaction: no other process is writing it meanwhile)."""
    size = path.stat().st_size
    if size == 0:
        return "is empty (0 bytes), not a SQLite database"
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100 or header[:16] != SQLITE_MAGIC:
        return "is not a SQLite database (overwritten or damaged)"
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return "has a damaged header (page size)"
    pages = int.from_bytes(header[28:32], "big")
    counted = header[92:96] == header[24:28] and pages > 0  # SQLite >= 3.7.0 keeps it valid
    if size % page or (counted and size < pages * page):
        expected = f" of {pages * page}" if counted else ""
        return f"is truncated ({size}{expected} bytes)"
    return None


def _missing_tables(found: set[str], tables: tuple[str, ...]) -> str | None:
    missing = [t for t in tables if t not in found]
    if missing:
        return f"is a SQLite file without Brightway's table {', '.join(missing)}"
    return None


def _content_problem(conn: sqlite3.Connection, path: Path) -> str | None:
    """SQLite's quick_check of a file up to QUICK_CHECK_MAX_BYTES, once per version."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key in _CHECKED or stat.st_size > QUICK_CHECK_MAX_BYTES:
        return None
    rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        return f"is damaged ({'; '.join(rows)})"
    _CHECKED.add(key)
    return None


def _registry_advice(base: Path) -> str:
    return (
        f"restore it from a backup, or move the Brightway directory {base} aside "
        "(`cfp-lca build` then starts a new one)"
    )


def _set_timeouts() -> None:
    """bw2data's own connections wait as long as our checks for another process's lock."""
    import bw2data as bd
    from bw2data.configuration import config

    seconds = lock_timeout()
    for database in [bd.projects.db, *(sub for _, sub in config.sqlite3_databases)]:
        database.db.timeout = seconds


@contextmanager
def sqlite_errors() -> Iterator[None]:
    """bw2data's SQLite failures inside the block (a lock held past the timeout, a damaged
    file found mid-way) as one ProjectError naming the current project's file."""
    try:
        yield
    except (sqlite3.Error, *_peewee_errors()) as exc:
        path, reason = _current_file(), _reason(exc)
        if "locked" in reason:
            raise ProjectError(_locked_message(path, lock_timeout())) from None
        if any(word in reason for word in DAMAGE_WORDS):
            reason += "; restore it from a backup, or build into another project (--project)"
        raise ProjectError(f"{path}: {reason}") from None


def _current_file() -> Path | str:
    try:
        return lci_database_file()
    except Exception:  # noqa: BLE001 - naming the file is a courtesy, never a new failure
        return "Brightway's SQLite files"


def _peewee_errors() -> tuple[type[Exception], ...]:
    """peewee's error classes (it wraps sqlite3's), if peewee is installed."""
    try:
        import peewee
    except ImportError:
        return ()
    return (peewee.PeeweeException,)


def _reason(exc: BaseException) -> str:
    """An exception as a short phrase on one line (an OSError: what, and the path)."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    return " ".join(str(exc).split()) or type(exc).__name__


def wait_notice_s() -> float:
    """Seconds a wait for another process lasts before it is announced (``locking``)."""
    from .locking import WAIT_NOTICE_S

    return WAIT_NOTICE_S
