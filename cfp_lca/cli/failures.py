"""How a command ends badly: one line on stderr and an exit status, for bad input, a failed
read or write, a closed stdout and an interruption (Ctrl-C, SIGTERM, SIGHUP)."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from ..errors import printable

INTERRUPTED = 128  # a command ended by signal n exits 128 + n, as shells report it


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) received: stop as after Ctrl-C, with the signal's exit status."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_as_interrupts():
    """SIGTERM and SIGHUP end the command as Ctrl-C does (cleanup runs, one line is printed),
    where Python would die at once; the previous handlers are restored after. A signal that
    arrives while a finalizer runs (``__del__``: Python prints an exception raised there and
    loses it) is delivered again once the finalizer has returned."""
    import signal

    if threading_main() is False:
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    wanted = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {}

    def stop(signum: int, frame: FrameType | None) -> None:
        if in_finalizer(frame):
            again = threading.Timer(FINALIZER_WAIT_S, os.kill, (os.getpid(), signum))
            again.daemon = True
            again.start()
            return
        # a file the interrupted code had open (an import reading a .pyc) is closed as the
        # command unwinds; Python's ResourceWarning about it would be a second stderr line
        warnings.simplefilter("ignore", ResourceWarning)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    for signum in wanted:
        previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


FINALIZER_WAIT_S = 0.05  # after which a signal that came during a finalizer is sent again


def in_finalizer(frame: FrameType | None) -> bool:
    """Whether ``frame`` (where a signal arrived) runs inside an object's ``__del__``."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def threading_main() -> bool:
    """Whether this is the main thread (the only one that may set signal handlers)."""
    return threading.current_thread() is threading.main_thread()


def interruption_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The interruption an exception comes from, if any: a signal that arrives while a
    C extension initializes (matplotlib's renderer, say) surfaces as that module's
    ImportError caused by the KeyboardInterrupt."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def interrupted(exc: KeyboardInterrupt) -> int:
    """One line for an interrupted command; 128 + the signal number, as shells report it."""
    import signal

    signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
    name = signal.Signals(signum).name
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    print(f"cfp-lca: interrupted ({name}): unfinished outputs were removed; the next command "
          "checks the project and repairs it", file=sys.stderr)  # fmt: skip
    return 128 + signum


def os_error(exc: OSError, outputs: Sequence[Path]) -> int:
    """A failed read or write (full disk, file-size limit, stdout on /dev/full) as one line
    naming the file, else the output path the command was given, else stdout (then closed
    quietly, so that Python's own flush at exit does not fail again)."""
    if exc.filename is not None:
        return fail(f"cfp-lca: error: {exc.filename}: {exc.strerror or exc}")
    if outputs and _stdout_writable():
        return fail(f"cfp-lca: error: {outputs[0]}: cannot write: {exc.strerror or exc}")
    stdout_closed()
    return fail(f"cfp-lca: error: cannot write the output (stdout): {exc.strerror or exc}")


def _stdout_writable() -> bool:
    """Whether stdout still takes output (it is not the full disk or closed pipe)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return False
    return True


def fail(message: str) -> int:
    """Print an error as one line on stderr, invisible and control characters escaped (a
    name from data never drives the terminal); the exit status of bad input."""
    print(printable(" ".join(message.splitlines())), file=sys.stderr)
    return 2


def stdout_closed() -> int:
    """The reader of stdout went away (``| head``): stop quietly, as Python's docs advise."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 1
