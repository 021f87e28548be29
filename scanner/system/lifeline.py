"""A scan's helper processes never outlive it: the detection processes, the `forkserver` that
forks them and multiprocessing's resource tracker.

When the scan ends in its own time it ends them. When it is killed outright (SIGKILL, the OOM
killer, a crash) no code of it runs, so on Linux each helper asks the kernel in advance
(prctl(PR_SET_PDEATHSIG)) to be killed when its parent goes: the forkserver when the scan goes,
a detection process when the forkserver goes. The resource tracker needs nothing: it exits (and
removes what was left behind) once every process holding its pipe has gone.

The kernel sends the signal when the *thread* that made the child ends, not the process, so the
forkserver is started from the main thread (`start_forkserver`); one started from a reading
thread would be killed when that thread's source is done. A forkserver started elsewhere (a
test process, a non-main thread) is left without the request rather than given a wrong one.
Elsewhere than Linux this module does nothing, and the helpers end when their pipes close.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
# The scan's pid, in the environment of a forkserver started from the scan's main thread only:
# the forkserver imports this module first (its preload list) and so knows to ask.
PARENT_ENV = "KARTLEGG_LIFELINE_PARENT"


def die_with_parent(parent: int | None = None) -> bool:
    """Ask the kernel for SIGKILL when this process's parent dies. `parent`: the pid it must be,
    so a parent that died before the request (and would send nothing) ends this process now."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    return True


def _as_forkserver() -> None:
    """Run at import: in a forkserver the scan started from its main thread, take the lifeline."""
    parent = os.environ.pop(PARENT_ENV, None)
    if parent and parent.isdigit() and sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:
        die_with_parent(int(parent))


_as_forkserver()


def start_forkserver(preload: list[str], env: dict[str, str] | None = None) -> int | None:
    """Start the forkserver (and the resource tracker) now, from this thread; its pid. `env`:
    variables the forkserver starts with (for its preload modules), not left in this process."""
    from multiprocessing import forkserver

    forkserver.set_forkserver_preload([__name__, *preload])
    main = threading.current_thread() is threading.main_thread()
    extra = dict(env or {})
    if main:
        extra[PARENT_ENV] = str(os.getpid())
    os.environ.update(extra)
    try:
        forkserver.ensure_running()
    finally:
        for name in extra:
            os.environ.pop(name, None)
    return forkserver_pid()


def forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)


def worker_started(forkserver: int | None) -> None:
    """In a detection process: die with the forkserver, and leave Ctrl-C and a hang-up to the
    scan (a terminal sends them to every process in its group; the scan ends its workers)."""
    die_with_parent(forkserver)
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def stop_helpers(timeout: float = 10.0) -> None:
    """End the forkserver and the resource tracker and reap them, for a scan about to leave with
    os._exit (which runs no exit handlers). Call it once the detection processes have ended.

    Uses multiprocessing's internals; whatever has changed there, the lifeline still ends them."""
    try:
        from multiprocessing import forkserver, process, resource_tracker, util

        util._run_finalizers(0)  # semaphores unlinked by their owners, so the tracker has nothing to warn of
        server = forkserver._forkserver
        _close_and_reap(server, "_forkserver_pid", "_forkserver_alive_fd", timeout)
        tracker = resource_tracker._resource_tracker
        _close_and_reap(tracker, "_pid", "_fd", timeout)
        tempdir = process.current_process()._config.get("tempdir")  # the forkserver's socket
        if tempdir:
            shutil.rmtree(tempdir, ignore_errors=True)
    except Exception:  # noqa: BLE001 - best effort: the lifeline and EOF end them anyway
        pass


def _close_and_reap(helper, pid_attr: str, fd_attr: str, timeout: float) -> None:
    """Close our end of the helper's pipe (it exits on EOF), wait for it, kill it if it lingers."""
    pid, fd = getattr(helper, pid_attr, None), getattr(helper, fd_attr, None)
    if pid is None or fd is None:
        return
    setattr(helper, pid_attr, None)
    setattr(helper, fd_attr, None)
    os.close(fd)
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return
        time.sleep(0.02)
