"""Compare two JSONL reports of the same estate, apart from what differs between any two runs.

    python tools/compare_reports.py BEFORE.jsonl AFTER.jsonl [--new-key NAME ...] [--ignore NAME ...]
                                    [--schema] [--path OLD=NEW]

Ignored: scan ids, times, durations, change tokens and the tool's version; the order of records (units finish in
any order). `--new-key` names keys the AFTER report may add (a new record field); `--ignore` names keys whose
values may differ (the inventory's `revision` after a migration); `--schema` allows the schema version to differ; `--path OLD=NEW` reads OLD in
the BEFORE report's text as NEW (two checkouts in different directories). Prints every difference; exit 0 when there is none, 1 when
there are, 2 for unusable input. A restructuring of the code must leave the demo's report the same
(issue 16); so must any change that claims to change nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# keys whose values differ between any two runs of the same scan: ids, times, durations, and the
# change tokens and newest/oldest times of files and objects (digests of mtimes, which a demo
# estate generated afresh never repeats)
VOLATILE = frozenset({"scan_id", "started_at", "finished_at", "at", "duration_ms", "duration_s", "seconds",
                      "last_read", "newest", "oldest"})
TOKEN = "sha256:"  # a dataset's `version` (change token); a detector's `version` is compared


def normalised(value, new_keys: frozenset[str] = frozenset(), schema: bool = False, paths=()):
    if isinstance(value, str):
        for old, new in paths:
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in VOLATILE or k in new_keys or (schema and k == "schema_version"):
                continue
            if k == "version" and isinstance(v, str) and v.startswith(TOKEN):
                continue
            if k == "tool" and isinstance(v, dict):
                v = {kk: vv for kk, vv in v.items() if kk != "version"}
            out[k] = normalised(v, new_keys, schema, paths)
        return out
    if isinstance(value, list):
        return [normalised(v, new_keys, schema, paths) for v in value]
    return value


def canonical(record: dict, new_keys: frozenset[str] = frozenset(), schema: bool = False, paths=()) -> str:
    return json.dumps(normalised(record, new_keys, schema, paths), sort_keys=True, ensure_ascii=False)


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def differences(before: list[dict], after: list[dict], new_keys: frozenset[str] = frozenset(),
                schema: bool = False, paths=(), ignore: frozenset[str] = frozenset()) -> list[str]:
    """Records only in one report (as multisets of normalised records), each as one line."""
    b = Counter(canonical(r, ignore, schema, paths) for r in before)
    a = Counter(canonical(r, new_keys | ignore, schema) for r in after)
    out = [f"- {rec}" for rec, n in sorted((b - a).items()) for _ in range(n)]
    out += [f"+ {rec}" for rec, n in sorted((a - b).items()) for _ in range(n)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--new-key", action="append", default=[], help="a key the AFTER report may add")
    parser.add_argument("--ignore", action="append", default=[], help="a key whose value may differ")
    parser.add_argument("--schema", action="store_true", help="the schema version may differ")
    parser.add_argument("--path", action="append", default=[], metavar="OLD=NEW",
                        help="read OLD in the BEFORE report as NEW")
    args = parser.parse_args(argv)
    try:
        before, after = read(args.before), read(args.after)
    except (OSError, ValueError) as exc:
        print(f"compare_reports: {exc}", file=sys.stderr)
        return 2
    paths = [tuple(p.split("=", 1)) for p in args.path if "=" in p]
    diff = differences(before, after, frozenset(args.new_key), args.schema, paths, frozenset(args.ignore))
    kinds = Counter(r["record"] for r in after)
    print(f"{len(before)} and {len(after)} records ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); "
          f"{len(diff)} differ" + (f" (ignoring {', '.join(sorted(VOLATILE))}"
                                   f"{', ' + ', '.join(args.new_key + args.ignore) if args.new_key or args.ignore else ''}"
                                   f"{', schema_version' if args.schema else ''})"))
    for line in diff:
        print(line)
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
