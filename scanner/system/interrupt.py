"""SIGINT, SIGTERM and SIGHUP stop a scan cleanly: reading stops, the detection processes are
ended, the findings so far are written with a summary marked `interrupted`, the inventory marks
the scan interrupted, and the process exits 128 + the signal's number (SIGHUP 129, SIGINT 130,
SIGTERM 143).

Before the scan writes its report (opening the inventory, waiting for a lock, starting the
detection processes) a signal raises `Interrupted` wherever the main thread is: nothing has been
written yet. Once it writes (`Interrupt.defer()`), a signal only sets a flag that the coordinator
looks at between units, so no record is cut in half and the summary is written. A second signal
then ends the process at once: its helper processes go with it (scanner.lifeline) and the report
has no summary.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name


def exit_code_for(signum: int) -> int:
    return 128 + int(signum)  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM


class Interrupted(BaseException):
    """A signal before the scan began writing (a BaseException: no `except Exception` keeps it)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal_name(signum)}")

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.signum)


class Interrupt:
    """The first stop signal this process received, if any."""

    def __init__(self, exit_at_once: bool = True):
        self.signum: int | None = None
        self.exit_at_once = exit_at_once  # a second signal: os._exit (the command), or raise (in-process callers)
        self._deferred = False

    @property
    def requested(self) -> bool:
        return self.signum is not None

    @property
    def name(self) -> str | None:
        return signal_name(self.signum) if self.signum is not None else None

    @property
    def exit_code(self) -> int | None:
        return exit_code_for(self.signum) if self.signum is not None else None

    def defer(self) -> None:
        """From now on a signal is a request the scan answers between units."""
        self._deferred = True

    def handle(self, signum, frame) -> None:
        if self.signum is not None and self._deferred:
            self._again(signum)
        if self.signum is None:
            self.signum = signum
        if not self._deferred:
            raise Interrupted(self.signum)

    def _again(self, signum: int) -> None:
        if not self.exit_at_once:
            raise Interrupted(signum)
        try:  # write(2) only: the main thread may be inside a print or a log call
            os.write(2, f"kartlegg: {signal_name(signum)} again: stopping now; the report has no summary\n".encode())
        except OSError:
            pass
        os._exit(exit_code_for(signum))


@contextmanager
def handled(exit_at_once: bool = True):
    """Stop signals go to an `Interrupt` while this is open (from the main thread; elsewhere
    signals cannot be caught and the `Interrupt` is never requested); those ignored stay so."""
    interrupt = Interrupt(exit_at_once)
    if threading.current_thread() is not threading.main_thread():
        yield interrupt
        return
    # one ignored when we started stays ignored: `nohup` (SIGHUP), a shell's background job (SIGINT)
    previous = {s: signal.signal(s, interrupt.handle) for s in SIGNALS if signal.getsignal(s) is not signal.SIG_IGN}
    try:
        yield interrupt
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)  # None: one set outside Python


def exit_now(code: int) -> None:
    """Leave at once: reading threads may be stuck in a read that would hold up an ordinary exit
    (which waits for them). Output is flushed and the helper processes are reaped first."""
    import logging

    from scanner.system import lifeline

    for s in SIGNALS:  # a few moments at most (bounded waits); the exit code stays the one decided
        signal.signal(s, signal.SIG_IGN)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed or full stream must not keep the process
            pass
    logging.shutdown()
    lifeline.stop_helpers()
    os._exit(code)
