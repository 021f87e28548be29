"""Stopping a scan, and outputs that fail.

SIGTERM, SIGINT and SIGHUP mid-scan end every child process (the detection processes, the
forkserver, the resource tracker), and the report is valid JSON Lines ending in a summary marked
interrupted; exit 143/130/129 and the inventory says `interrupted`. After SIGKILL no process is
left either (the children die with their parent), and the next scan marks the dead one
`abandoned` while a scan that is alive stays `running`. A report or inventory that cannot be
written is exit code 5, a malformed URL exit code 2, a locked inventory is waited for and then
exit code 4.

The scans are real `kartlegg scan` processes with a pool of detection processes (--workers 2,
started from the coordinator's loop at the scan's start: KARTLEGG_POOL_AFTER=0, as the estate is
too small for the pool to start by itself) reading a PostgreSQL estate in which one view sleeps
when read: the scan is mid-read for as long as the test needs. Tests wait on conditions (the
sleeping read, the pool's processes, a finding in the report) with generous timeouts, never on
time.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from reporting import VALIDATOR, of, report
from demo.estate import populate
from scanner.scan.executors.detection import POOL_AFTER_ENV

KARTLEGG = str(Path(sys.executable).with_name("kartlegg"))
DB, ROLE, PASSWORD = "signal_estate", "signal_skanner", "Signal-Lese-Passord-3"
SLEEPER = "venter"  # the view whose read sleeps (pg_sleep) until the test ends it
TIMEOUT = 180.0  # seconds for any one condition: far beyond what any step takes, far below the sleep


# -- processes --------------------------------------------------------------------------------------

def _processes() -> dict[int, dict]:
    """Every process: parent, state, start time (to tell a reused pid) and command line."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        found[int(entry)] = {"state": fields[0], "ppid": int(fields[1]), "start": int(fields[19]),
                             "cmdline": cmdline}
    return found


def _descendants(root: int) -> dict[int, dict]:
    table = _processes()
    tree, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, info in table.items():
            if info["ppid"] == parent and pid not in tree:
                tree[pid] = info
                frontier.append(pid)
    return tree


def _helpers(scan_pid: int) -> dict | None:
    """The scan's forkserver, resource tracker and detection processes, once all are there."""
    tree = _descendants(scan_pid)
    servers = [p for p, i in tree.items() if i["ppid"] == scan_pid and "multiprocessing.forkserver" in i["cmdline"]]
    trackers = [p for p, i in tree.items() if "multiprocessing.resource_tracker" in i["cmdline"]]
    workers = [p for p, i in tree.items() if servers and i["ppid"] == servers[0]]
    if len(servers) == 1 and len(trackers) == 1 and len(workers) == 2:
        return {"tree": tree, "forkserver": servers[0], "tracker": trackers[0], "workers": workers}
    return None


def _left(recorded: dict[int, dict]) -> list[str]:
    """The recorded processes still running (a zombie has ended; a reused pid is another process)."""
    now = _processes()
    return [f"{pid} {info['cmdline'][:100]}" for pid, info in recorded.items()
            if pid in now and now[pid]["start"] == info["start"] and now[pid]["state"] not in ("Z", "X")]


def _wait_for(what: str, predicate, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# -- the estate and the scan -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg(postgres_server):
    postgres_server.create_database(DB)
    engine = sa.create_engine(postgres_server.url(database=DB))
    populate(engine, rows=200)
    engine.dispose()
    postgres_server.execute(f"CREATE VIEW public.{SLEEPER} AS SELECT k.* FROM public.kunde k, pg_sleep(3600) AS s",
                            database=DB)
    postgres_server.execute("ANALYZE", database=DB)
    postgres_server.create_readonly_role(ROLE, PASSWORD, DB)
    return postgres_server


@pytest.fixture
def sleeping(pg):
    """The estate; afterwards the scanner's sessions are ended (a sleeping read outlives its client)."""
    yield pg
    pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (ROLE,), database=DB)


def _sleeping_reads(pg) -> int:
    return len(pg.execute("SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event = 'PgSleep'",
                          (ROLE,), database=DB))


def _default_signals() -> None:
    """As a command started in a terminal has them: an ignored signal stays ignored across exec,
    and kartlegg leaves it so (nohup), so one the test runner ignores would not reach the scan."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


class Scan:
    """`kartlegg scan` of the estate, stuck in the sleeping view, in a session of its own (a
    Ctrl-C at the test's terminal is not for it)."""

    def __init__(self, pg, cwd: Path):
        self.cwd = cwd
        url = pg.url(user=ROLE, password=PASSWORD, database=DB)
        self.stderr = open(cwd / "stderr.txt", "w")
        self.proc = subprocess.Popen(
            [KARTLEGG, "scan", url, "--views", "--workers", "2", "--max-connections", "2",
             "--statement-timeout", "3600", "-o", "report.jsonl", "--html", "report.html",
             "--inventory", "inv.sqlite", "-q"],
            cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True,
            preexec_fn=_default_signals, env={**os.environ, POOL_AFTER_ENV: "0"})

    def findings(self) -> int:
        path = self.cwd / "report.jsonl"
        return path.exists() and path.read_text().count('"record":"finding"')

    def mid_read(self, pg) -> dict:
        """Wait until the scan has findings, its pool and a read it cannot finish; its helpers."""
        _wait_for("the read of the sleeping view", lambda: self.proc.poll() is None and _sleeping_reads(pg))
        _wait_for("a finding in the report", self.findings)
        found = _wait_for("the forkserver, the resource tracker and two detection processes",
                          lambda: _helpers(self.proc.pid))
        assert self.proc.poll() is None, self.error()
        return found

    def wait(self) -> int:
        try:
            return self.proc.wait(TIMEOUT)  # the sleeping read would hold it for an hour
        finally:
            self.stderr.close()

    def error(self) -> str:
        return (self.cwd / "stderr.txt").read_text()[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


@pytest.fixture
def scan_of(sleeping, tmp_path):
    started = []

    def start() -> Scan:
        started.append(Scan(sleeping, tmp_path))
        return started[-1]

    yield start
    for s in started:
        s.stop()


def _scans(inventory: Path) -> dict[str, dict]:
    """The inventory's scans as the table holds them (read directly: `kartlegg inventory scans`
    would itself mark a dead scan abandoned)."""
    with sqlite3.connect(inventory) as conn:
        return {row[0]: {"status": row[1], "exit_code": row[2]}
                for row in conn.execute("SELECT id, status, exit_code FROM scans")}


def _quick_scan(cwd: Path, name: str) -> subprocess.CompletedProcess:
    """Another scan into the same inventory: a small file, one worker."""
    (cwd / f"{name}.txt").write_text("Kontakt: kari.nordmann@example.no\n")
    return subprocess.run([KARTLEGG, "scan", f"{name}.txt", "--workers", "1", "-o", f"{name}.jsonl",
                           "--inventory", "inv.sqlite", "-q"], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT)


# -- signals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)],
                         ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_mid_scan_ends_every_child_and_leaves_an_interrupted_report(sleeping, scan_of, tmp_path, sig,
                                                                             code):
    scan = scan_of()
    helpers = scan.mid_read(sleeping)
    os.kill(scan.proc.pid, sig)
    assert scan.wait() == code, scan.error()
    assert not _left(helpers["tree"])  # ended and reaped before the scan exits, not soon after

    lines = report(tmp_path / "report.jsonl")  # every line a valid record
    summary = lines[-1]
    assert summary["record"] == "summary" and summary["interrupted"] == sig.name and summary["exit_code"] == code
    assert summary["findings"] == len(of(lines, "finding")) >= 1
    assert SLEEPER not in {r["location"]["dataset"] for r in of(lines, "dataset")}  # the read never finished
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>") and f"interrupted by {sig.name}" in html
    assert _scans(tmp_path / "inv.sqlite")[summary["scan_id"]] == {"status": "interrupted", "exit_code": code}
    assert "Traceback" not in scan.error()


def test_sigkill_leaves_no_process_and_the_next_scan_marks_it_abandoned(sleeping, scan_of, tmp_path):
    scan = scan_of()
    helpers = scan.mid_read(sleeping)
    scan_id = json.loads((tmp_path / "report.jsonl").read_text().splitlines()[0])["scan_id"]

    alive = _quick_scan(tmp_path, "meanwhile")  # a scan that is running is not abandoned
    assert alive.returncode == 0, alive.stderr[-2000:]
    assert _scans(tmp_path / "inv.sqlite")[scan_id]["status"] == "running"

    os.kill(scan.proc.pid, signal.SIGKILL)
    assert scan.wait() == -signal.SIGKILL
    _wait_for("the killed scan's children to end", lambda: not _left(helpers["tree"]))

    text = (tmp_path / "report.jsonl").read_text()
    whole = text.splitlines(keepends=True)
    for line in whole[:-1] + ([whole[-1]] if whole[-1].endswith("\n") else []):  # a cut last line may be left
        VALIDATOR.validate(json.loads(line))
    assert _scans(tmp_path / "inv.sqlite")[scan_id]["status"] == "running"  # nothing has looked yet

    after = _quick_scan(tmp_path, "after")
    assert after.returncode == 0, after.stderr[-2000:]
    assert _scans(tmp_path / "inv.sqlite")[scan_id] == {"status": "abandoned", "exit_code": None}
    listed = subprocess.run([KARTLEGG, "inventory", "scans", "--json", "--inventory", "inv.sqlite"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=TIMEOUT)
    states = {r["scan_id"]: r["status"] for r in json.loads(listed.stdout)}
    assert states[scan_id] == "abandoned" and sorted(states.values()).count("completed") == 2


# -- a scan whose process died -------------------------------------------------------------------

HOLDER = """
import sys, time
from scanner.model import records
from scanner.inventory.store import Store

store = Store.open(sys.argv[1])
writer = store.writer()
writer.write(records.header(sys.argv[2], records.now(), {"name": "kartlegg", "version": "test"},
                            [{"name": "x", "type": "files", "uri": "file:///x"}], {}, {}))
print("begun", flush=True)
time.sleep(600)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def inventory_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inv.sqlite'}"
    server = request.getfixturevalue("postgres_server")
    name = f"abandon_{os.getpid()}_{time.monotonic_ns()}"
    server.create_database(name)
    return server.url(database=name)


def test_only_a_scan_whose_process_is_gone_is_marked_abandoned(inventory_url, tmp_path):
    """Decided by a lock the scan's process holds (an flock beside an SQLite file, a session's
    advisory lock in PostgreSQL), not by time: a scan that is alive, in another process, stays
    running however long it runs; killed, the next look marks it abandoned."""
    from scanner.inventory.store import Store

    holder = subprocess.Popen([sys.executable, "-c", HOLDER, inventory_url, "scan-held"], stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).parent.parent)
    store = Store.open(inventory_url)
    try:
        assert holder.stdout.readline().strip() == "begun"
        assert store.sweep_abandoned() == []
        holder.kill()
        holder.wait()
        # PostgreSQL lets the lock go when it notices the session's end: soon, not at once
        assert _wait_for("the dead scan to be marked", store.sweep_abandoned) == ["scan-held"]
        with store.session() as s:
            from scanner.inventory.models import Scan

            assert s.get(Scan, "scan-held").status == "abandoned"
        assert store.sweep_abandoned() == []
    finally:
        holder.kill()
        holder.wait()
        store.dispose()


# -- locks ----------------------------------------------------------------------------------------

def test_a_postgresql_run_lock_names_its_holder_and_gives_up_after_the_wait(postgres_server):
    from scanner.inventory.store import Store
    from scanner.system.lock import Busy

    postgres_server.create_database("signal_run_locks")
    url = postgres_server.url(database="signal_run_locks")
    one, two = Store.open(url), Store.open(url)
    told = []
    try:
        with one.run_lock("config:/etc/kartlegg/scan.yaml", "scan.yaml"):
            with pytest.raises(Busy) as given_up:
                with two.run_lock("config:/etc/kartlegg/scan.yaml", "scan.yaml", wait=1.0, on_wait=told.append):
                    pass
    finally:
        one.dispose()
        two.dispose()
    assert len(told) == 1 and told[0].holder["pid"] == os.getpid()
    assert f"(pid {os.getpid()} on " in str(given_up.value) and "gave up after 1 s (--lock-wait)" in str(given_up.value)


LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


def _waiting_scan(cwd: Path, inventory: Path, name: str) -> tuple[subprocess.Popen, Path]:
    """A scan (with the default --lock-wait) that has said it waits for the inventory."""
    said = cwd / f"{name}.stderr"
    with open(said, "w") as err:
        proc = subprocess.Popen([KARTLEGG, "scan", "a.txt", "--inventory", str(inventory), "-o", f"{name}.jsonl",
                                 "-q"], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                preexec_fn=_default_signals)
    try:
        _wait_for(f"{name} to say it waits",
                  lambda: "Waiting up to 60 s" in said.read_text() or proc.poll() is not None)
        assert proc.poll() is None, said.read_text()[-2000:]
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, said


def test_an_inventory_another_process_is_writing_is_waited_for(tmp_path):
    from scanner.inventory.store import Store

    inventory = tmp_path / "inv.sqlite"
    Store.open(str(inventory)).dispose()
    (tmp_path / "a.txt").write_text("Kontakt: kari.nordmann@example.no\n")
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(inventory)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    started = [locker]
    try:
        assert locker.stdout.readline().strip() == "locked"
        given_up = subprocess.run([KARTLEGG, "scan", "a.txt", "--inventory", str(inventory), "--lock-wait", "2",
                                   "-o", "r.jsonl", "-q"], cwd=tmp_path, capture_output=True, text=True,
                                  timeout=TIMEOUT)
        assert given_up.returncode == 4, given_up.stderr[-2000:]
        assert (f"Waiting up to 2 s (--lock-wait): the inventory sqlite:///{inventory} is locked by another process "
                f"(held by pid {locker.pid} on ") in given_up.stderr
        assert "gave up after 2 s (--lock-wait)" in given_up.stderr and "Traceback" not in given_up.stderr
        assert not (tmp_path / "r.jsonl").exists()

        stopped, said = _waiting_scan(tmp_path, inventory, "stopped")  # a signal while it waits
        started.append(stopped)
        os.kill(stopped.pid, signal.SIGINT)
        assert stopped.wait(TIMEOUT) == 130
        assert "Stopped by SIGINT before the scan began: nothing was scanned." in said.read_text()
        assert not (tmp_path / "stopped.jsonl").exists()

        going_on, said = _waiting_scan(tmp_path, inventory, "going_on")  # the lock goes: the scan goes on
        started.append(going_on)
        locker.communicate("\n", timeout=TIMEOUT)
        assert going_on.wait(TIMEOUT) == 0, said.read_text()[-2000:]
        assert {s["status"] for s in _scans(inventory).values()} == {"completed"}
    finally:
        for proc in started:
            proc.kill()
            proc.wait()


# -- outputs that cannot be written, URLs that cannot be read ---------------------------------------------

def _without_root_override():
    """Root writes anywhere: without CAP_DAC_OVERRIDE (dropped from the bounding set before exec)
    the permission bits bind it too, so a read-only directory is read-only for the scan."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _scan(cwd: Path, *args) -> subprocess.CompletedProcess:
    (cwd / "a.txt").write_text("Kontakt: kari.nordmann@example.no\n")
    return subprocess.run([KARTLEGG, "scan", "a.txt", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=_without_root_override)


def test_a_full_disk_is_exit_code_5_with_a_clear_message(tmp_path):
    done = _scan(tmp_path, "-o", "/dev/full", "--inventory", "inv.sqlite")
    assert done.returncode == 5
    assert "Error: cannot write the report to /dev/full: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    # not left running: the report failed before anything was read, so no scan is recorded at all
    assert {s["status"] for s in _scans(tmp_path / "inv.sqlite").values()} == set()


@pytest.mark.parametrize("what", ["report", "inventory"])
def test_a_read_only_directory_is_exit_code_5(tmp_path, what):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if what == "report":
            done = _scan(tmp_path, "-o", "ro/r.jsonl", "--no-inventory")
            assert "Error: cannot write the report to ro/r.jsonl: Permission denied" in done.stderr
        else:
            done = _scan(tmp_path, "-o", "r.jsonl", "--inventory", "ro/inv.sqlite")
            assert "Error: cannot open the inventory ro/inv.sqlite: OperationalError: unable to open " \
                   "database file (SQLite writes beside the file: its directory must be writable)" in done.stderr
            assert not (tmp_path / "r.jsonl").exists()  # nothing scanned without its inventory
        assert done.returncode == 5, done.stderr[-2000:]
        assert "Traceback" not in done.stderr and list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("url, shown, why", [
    ("postgresql://[::1", "postgresql://[::1", "an unclosed or invalid [ ] around the host"),
    ("mysql+pymysql://u@host:notaport/db", "mysql+pymysql://u@host:notaport/db",
     "the port is not a number from 0 to 65535"),
    ("postgresql://skanner:Hemmelig-9@[::1/kunder", "postgresql://skanner:***@[::1/kunder",
     "an unclosed or invalid [ ] around the host"),
    ("mysql+pymysql://skanner:Hemmelig-9@db:3306x/crm", "mysql+pymysql://skanner:***@db:3306x/crm",
     "the port is not a number from 0 to 65535"),
])
def test_a_malformed_url_is_a_usage_error_naming_it_masked(tmp_path, url, shown, why):
    from scanner.cli.main import cli

    result = CliRunner().invoke(cli, ["scan", url, "-o", str(tmp_path / "r.jsonl"), "--no-inventory"])
    assert result.exit_code == 2
    assert f"Error: malformed URL {shown}: {why}" in result.output
    assert "Hemmelig" not in result.output and isinstance(result.exception, SystemExit)  # no traceback
    assert not (tmp_path / "r.jsonl").exists()
