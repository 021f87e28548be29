"""`kartlegg scan /path` on real directory trees built in temp dirs: walking, grouping, odd names,
symlinks, special and unreadable files."""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from detectors import synthetic
from reporting import findings, of, reasons, report, scan_cli
from scanner.cli.main import cli
from scanner.model.units import Skipped, WorkUnit
from scanner.crawlers.files import FileCrawler, display
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source

R = random.Random(44)
NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum"]


def people_csv(n: int = 40, delimiter: str = ",") -> str:
    rows = [delimiter.join(["navn", "fnr", "epost"])]
    for i in range(n):
        rows.append(delimiter.join([NAMES[i % len(NAMES)], synthetic.fodselsnummer(R), f"kunde{i}@example.no"]))
    return "\n".join(rows) + "\n"


def run(*args) -> tuple[int, list[dict]]:
    code, lines, _ = scan_cli(*args)
    return code, lines


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "eksport"
    for month in ("01", "02", "03"):
        for part in (1, 2):
            p = root / "malerdata" / "2024" / month / f"kunder_{part:04d}.csv"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(people_csv(20))
    (root / "notat.txt").write_text("Kunden Kari Nordmann (fnr 15076500565) ba om svar på kari@example.no.\n")
    (root / "katalog.csv").write_text("varenr,beskrivelse,pris\n" + "".join(
        f"{R.randint(10**10, 10**11 - 1)},Skrue {i} mm,{R.randint(1, 999)}.50\n" for i in range(50)))
    return root


def test_a_tree_is_scanned_per_dataset_and_field(tree):
    code, lines = run(str(tree))
    assert code == 0
    assert findings(lines) == {
        ("malerdata/*/*/kunder_*.csv", "navn", "PERSON"),
        ("malerdata/*/*/kunder_*.csv", "fnr", "NO_FODSELSNUMMER"),
        ("malerdata/*/*/kunder_*.csv", "epost", "EMAIL_ADDRESS"),
        ("notat.txt", None, "NO_FODSELSNUMMER"),
        ("notat.txt", None, "EMAIL_ADDRESS"),
        ("notat.txt", None, "PERSON"),
    }
    datasets = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    group = datasets["malerdata/*/*/kunder_*.csv"]
    assert group["objects"]["total"] == 6 and group["objects"]["sampled"] == 5 and group["format"] == "csv"
    assert group["location"]["container"] == str(tree)
    assert group["location"]["uri"] == f"file://{tree}/malerdata/*/*/kunder_*.csv"
    assert datasets["katalog.csv"]["fields"] == 3  # scanned, and nothing reported


def test_the_report_holds_masked_values_only(tree):
    _, lines = run(str(tree))
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in lines)
    for line in (tree / "malerdata/2024/01/kunder_0001.csv").read_text().splitlines()[1:]:
        for value in line.split(","):
            assert value not in text
    assert "15076500565" not in text and "kari@example.no" not in text


def test_a_single_file_and_a_file_url(tree, tmp_path):
    spaced = tmp_path / "med mellomrom" / "kunde liste.csv"
    spaced.parent.mkdir()
    spaced.write_text(people_csv(10, ";"))
    for target in (str(spaced), "file://" + str(spaced).replace(" ", "%20")):
        code, lines = run(target)
        assert code == 0
        assert ("kunde liste.csv", "epost", "EMAIL_ADDRESS") in findings(lines)
        (ds,) = of(lines, "dataset")
        assert ds["location"]["container"] == str(spaced.parent)
        assert ds["location"]["uri"].endswith("/med%20mellomrom/kunde%20liste.csv")


def test_include_and_exclude_match_relative_paths(tree):
    _, lines = run(str(tree), "--exclude", "malerdata/*")
    assert {d for d, _, _ in findings(lines)} == {"notat.txt"}
    _, lines = run(str(tree), "--include", "malerdata/2024/01/*")
    assert {r["location"]["dataset"] for r in of(lines, "dataset")} == {"malerdata/*/*/kunder_*.csv"}
    (ds,) = of(lines, "dataset")
    assert ds["objects"]["total"] == 2


def test_objects_per_dataset_zero_reads_every_file(tree):
    _, lines = run(str(tree), "--objects-per-dataset", "0")
    ds = next(r for r in of(lines, "dataset") if r["location"]["dataset"].startswith("malerdata"))
    assert ds["objects"]["sampled"] == 6 and ds["rows_sampled"] == 120


def test_a_missing_root_fails_the_source(tmp_path):
    # on the command line a missing path is a usage error (tests/test_cli_usage.py); a
    # configuration's source that is not there (a share not mounted) fails as a source
    config = tmp_path / "k.yaml"
    config.write_text(f"sources:\n  - path: {tmp_path / 'finnes-ikke'}\ninventory:\n  enabled: false\n")
    code, lines = run("--config", str(config))
    assert code == 6  # nothing could be read
    (err,) = of(lines, "error")
    assert err["location"] is None and err["error"]["type"] == "FileNotFoundError"


def test_symlinks_never_lead_out_of_the_root_and_loops_are_read_once(tree, tmp_path):
    outside = tmp_path / "utenfor"
    outside.mkdir()
    (outside / "hemmelig.csv").write_text(people_csv(10))
    links = tree / "lenker"
    links.mkdir()
    (links / "utenfor.csv").symlink_to(outside / "hemmelig.csv")
    (links / "utenfor-mappe").symlink_to(outside)
    (links / "loop").symlink_to(tree)
    (links / "notat-lenke.txt").symlink_to(tree / "notat.txt")  # the same file: read once
    (links / "brutt.csv").symlink_to(tmp_path / "borte.csv")
    code, lines = run(str(tree))
    assert code == 0
    skipped = reasons(lines)
    assert skipped["lenker/utenfor.csv"] == "symlink leads outside the root: not followed"
    assert skipped["lenker/utenfor-mappe"] == "symlink leads outside the root: not followed"
    assert skipped["lenker/loop"] == "symlink to a directory already scanned"
    assert skipped["lenker/brutt.csv"] == "broken symlink"
    assert skipped["lenker/notat-lenke.txt"] == "symlink to a file in the root: read at its own path"
    scanned = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert not any("hemmelig" in d or d.startswith("lenker/") for d in scanned)
    assert sum(1 for d in scanned if d.endswith("notat.txt")) == 1


def test_fifos_are_listed_not_opened(tree):
    os.mkfifo(tree / "kanal.fifo")  # opening it for reading would block the scan forever
    code, lines = run(str(tree))
    assert code == 0
    assert reasons(lines)["kanal.fifo"] == "not a regular file (fifo)"


def test_names_that_are_not_utf8_are_escaped_and_still_scanned(tree):
    raw = os.path.join(os.fsencode(tree), b"kundeliste_\xf8st.csv")
    with open(raw, "w") as fh:
        fh.write(people_csv(10))
    code, lines = run(str(tree))
    assert code == 0
    assert ("kundeliste_\\xf8st.csv", "fnr", "NO_FODSELSNUMMER") in findings(lines)
    assert display(os.fsdecode(b"a\xf8b")) == "a\\xf8b"


def test_units_travel_as_json_and_are_sampled_by_a_fresh_crawler(tree):
    source = Source(str(tree), crawler="files")
    settings = ScanSettings()
    with FileCrawler(source, settings) as crawler:
        units = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
    assert len(units) == 3
    for unit in units:
        again = pickle.loads(pickle.dumps(unit))
        as_json = json.loads(json.dumps(asdict(unit)))
        assert as_json["meta"]["members"] == unit.meta["members"]
        with FileCrawler(source, settings) as fresh:
            sample = fresh.sample(again)
        assert sample.fields and sample.rows_sampled > 0


@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs setpriv to drop root")
def test_unreadable_files_and_directories_are_listed_and_the_scan_goes_on():
    # Permission bits do not stop root, so when the tests run as root the scan runs as nobody.
    root = Path(tempfile.mkdtemp(prefix="kartlegg-perm-"))
    try:
        root.chmod(0o755)
        data = root / "data"
        (data / "stengt").mkdir(parents=True)
        (data / "apen.csv").write_text(people_csv(10))
        (data / "lukket.csv").write_text(people_csv(10))
        (data / "stengt" / "inni.csv").write_text(people_csv(10))
        for p in (root, data):
            p.chmod(0o755)
        (data / "apen.csv").chmod(0o644)
        (data / "lukket.csv").chmod(0o000)
        (data / "stengt").chmod(0o000)
        home = root / "home"
        home.mkdir()
        home.chmod(0o777)
        out = home / "report.jsonl"
        cmd = [sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", str(data), "-o", str(out)]
        env = {**{k: v for k, v in os.environ.items() if k != "KARTLEGG_FINGERPRINT_KEY_FILE"},
               "XDG_CONFIG_HOME": str(home / "config"), "KARTLEGG_CACHE_DIR": str(home / "c"),
               "HOME": str(home), "PYTHONPATH": str(Path(__file__).parent.parent),
               "KARTLEGG_INVENTORY": str(home / "inventory.sqlite")}
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        done = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        lines = report(out)
        assert ("apen.csv", "fnr", "NO_FODSELSNUMMER") in findings(lines)
        skipped = reasons(lines)
        assert skipped["lukket.csv"] == "PermissionError: Permission denied"
        assert skipped["stengt"] == "unreadable directory: permission denied"
    finally:
        for p in root.rglob("*"):
            if not p.is_symlink():
                p.chmod(0o700)
        shutil.rmtree(root)


@pytest.mark.parametrize(("url", "scheme"), [
    ("/srv/eksport", "file"), ("eksport/2024", "file"), ("./x", "file"), ("~/data", "file"), ("kunder.csv", "file"),
    ("file:///srv/eksport", "file"), ("s3://bucket/x", "s3"), ("s3://", "s3"), ("sqlite:///k.db", "sqlite"),
    ("postgresql://u@h/db", "postgresql"), ("mysql+pymysql://h/db", "mysql+pymysql"), ("postgresql:/typo", "postgresql"),
])
def test_anything_that_is_not_a_url_is_a_path(url, scheme):
    from scanner.model.sources import scheme_of

    assert scheme_of(url) == scheme


@pytest.mark.parametrize(("path", "root", "glob"), [
    ("/var/log/nginx/*.log*", "/var/log/nginx", "*.log*"),
    ("/srv/app/logs/**/*.log", "/srv/app/logs", "**/*.log"),
    ("/srv/eksport", "/srv/eksport", None),
    ("/data/20[0-9][0-9]/kunder.csv", "/data", "20[0-9][0-9]/kunder.csv"),
])
def test_a_glob_splits_into_a_root_and_a_pattern(path, root, glob):
    from scanner.crawlers.files import split_glob

    assert split_glob(path) == (root, glob)


@pytest.mark.parametrize(("glob", "matches", "misses"), [
    ("*.log*", ["access.log", "access.log.2.gz"], ["old/access.log", "access.txt"]),
    ("**/*.log", ["a.log", "x/a.log", "x/y/z/a.log"], ["a.log.1", "x/a.txt"]),
    ("2024/??/*.csv", ["2024/01/k.csv"], ["2024/1/k.csv", "2024/01/x/k.csv"]),
    ("[!.]*.log", ["app.log"], [".hidden.log"]),
])
def test_glob_semantics_are_the_shells(glob, matches, misses):
    from scanner.crawlers.files import glob_regex

    rx = glob_regex(glob)
    assert all(rx.match(m) for m in matches) and not any(rx.match(m) for m in misses)


def test_a_quoted_glob_scans_the_matching_files_as_rotated_datasets(tmp_path):
    logs = tmp_path / "log" / "nginx"
    logs.mkdir(parents=True)
    line = '203.0.113.{i} - - [01/May/2024:10:00:00 +0200] "GET /sok?epost=kunde{i}%40example.no HTTP/1.1" 200 5 "-" "curl"\n'
    for name in ("access.log", "access.log.1"):
        (logs / name).write_text("".join(line.format(i=i) for i in range(1, 60)))
    import gzip as gz
    (logs / "access.log.2.gz").write_bytes(gz.compress("".join(line.format(i=i) for i in range(1, 60)).encode()))
    (logs / "error.log").write_text("2024/05/01 10:00:00 [error] 12#0: *1 open() failed\n")
    (logs / "notes.txt").write_text("Kari Nordmann 15076500565\n")
    (logs / "gammel").mkdir()
    (logs / "gammel" / "access.log").write_text(line.format(i=1))
    code, lines = run(str(logs / "*.log*"))
    assert code == 0
    datasets = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    assert set(datasets) == {"access.log*", "error.log"}
    assert datasets["access.log*"]["objects"]["total"] == 3


def test_a_root_whose_name_is_not_utf8_is_reported_escaped(tmp_path):
    root = os.path.join(os.fsencode(tmp_path), b"rot_\xe5")
    os.mkdir(root)
    with open(os.path.join(root, b"kunder.csv"), "w") as fh:
        fh.write(people_csv(10))
    code, lines = run(os.fsdecode(root))
    assert code == 0
    (ds,) = of(lines, "dataset")
    assert ds["location"]["container"].endswith("rot_\\xe5") and lines[0]["sources"][0]["name"] == "rot_\\xe5"
    assert ("kunder.csv", "fnr", "NO_FODSELSNUMMER") in findings(lines)


def test_names_that_look_like_console_markup_are_printed_as_they_are(tmp_path):
    root = tmp_path / "m"
    root.mkdir()
    (root / "[red]kunder.csv").write_text(people_csv(10))
    (root / "[link=x]ut.csv").write_text(people_csv(10))
    out = Path(tempfile.mkdtemp()) / "r.jsonl"
    result = CliRunner().invoke(cli, ["scan", str(root), "-o", str(out)], catch_exceptions=False, terminal_width=200)
    assert result.exit_code == 0
    assert "[red]kunder.csv#fnr" in result.output and "[link=x]ut.csv#fnr" in result.output


@pytest.mark.parametrize(("name", "content", "hidden"), [
    # a headerless file whose first row reads like a header: its values must not become field names
    ("kontakter.csv", "Kari Nordmann;Storgata 1;Oslo\nOla Hansen;Kirkeveien 2;Bergen\n" * 3, "Kari Nordmann"),
    ("kunder.json", '{"kari.nordmann@example.no": {"fnr": "15076500565"}}', "kari.nordmann@example.no"),
])
def test_field_names_that_hold_personal_data_are_masked(tmp_path, name, content, hidden):
    root = tmp_path / "n"
    root.mkdir()
    (root / name).write_text(content)
    _, lines = run(str(root))
    text = json.dumps(lines, ensure_ascii=False)
    assert hidden not in text
    assert of(lines, "finding")


def test_an_empty_directory_is_said_to_be_empty(tmp_path):
    code, lines = run(str(tmp_path))
    assert code == 0 and reasons(lines) == {".": "no files: nothing to scan"}


def test_a_linked_directory_is_reported_under_its_own_name(tmp_path):
    root = tmp_path / "r"
    (root / "z_ekte").mkdir(parents=True)
    (root / "z_ekte" / "kunder.csv").write_text(people_csv(10))
    (root / "a_lenke").symlink_to(root / "z_ekte")
    _, lines = run(str(root))
    assert {r["location"]["dataset"] for r in of(lines, "dataset")} == {"z_ekte/kunder.csv"}
    assert reasons(lines)["a_lenke"] == "symlink to a directory already scanned"


def test_columns_beyond_the_field_cap_are_listed_not_dropped(tmp_path):
    root = tmp_path / "w"
    root.mkdir()
    header = [f"felt_{chr(97 + i % 26)}{i // 26}" for i in range(249)] + ["epost"]
    rows = [",".join(["x"] * 249 + [f"k{i}@example.no"]) for i in range(20)]
    (root / "bred.csv").write_text(",".join(header) + "\n" + "\n".join(rows) + "\n")
    _, lines = run(str(root))
    skipped = {r["location"]["field"]: r["reason"] for r in of(lines, "skipped") if r["location"]["field"]}
    # one record stands for the 50 columns past the cap, named by the first and last of them
    assert skipped == {f"{header[200]}…epost": "50 more fields beyond the first 200: not read"}


def test_a_large_parquet_file_costs_its_footer_and_one_row_group(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "p"
    root.mkdir()
    n = 200_000
    table = pa.table({"epost": [f"kunde{i}@example.no" for i in range(n)], "belop": list(range(n))})
    pq.write_table(table, root / "kunder.parquet", row_group_size=10_000)
    _, lines = run(str(root))
    (ds,) = of(lines, "dataset")
    assert ds["objects"]["read_bytes"] < ds["objects"]["bytes"] / 4
    assert ("kunder.parquet", "epost", "EMAIL_ADDRESS") in findings(lines)


def test_a_hard_linked_file_is_read_once(tree):
    os.link(tree / "notat.txt", tree / "notat-kopi.txt")
    _, lines = run(str(tree))
    scanned = [r["location"]["dataset"] for r in of(lines, "dataset")]
    assert sum(1 for d in scanned if d.startswith("notat")) == 1


def test_a_directory_swapped_for_a_symlink_after_listing_is_not_followed(tmp_path):
    root = tmp_path / "r"
    (root / "inn").mkdir(parents=True)
    (root / "inn" / "kunder.csv").write_text(people_csv(10))
    outside = tmp_path / "ute"
    outside.mkdir()
    (outside / "kunder.csv").write_text(people_csv(10))
    source = Source(str(root), crawler="files")
    with FileCrawler(source, ScanSettings()) as crawler:
        (unit,) = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
        (root / "inn" / "kunder.csv").unlink()
        (root / "inn").rmdir()
        (root / "inn").symlink_to(outside)  # the swap: the listed path now leads out of the root
        with pytest.raises(Skipped, match="outside the root|swapped"):
            crawler.sample(unit)
