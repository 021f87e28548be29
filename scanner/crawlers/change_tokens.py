"""Change tokens for incremental scans (`WorkUnit.version`): what a source says about a unit's last
change — modification counters, ETags, sizes and mtimes — as a sha256 digest.

Equal tokens mean unchanged, so `--incremental` may pass the unit over; None means the source
cannot tell and the unit is always read. Only the digest is kept, so the pre-image may name
tables, paths and keys; it never holds a data value. A token never depends on scan settings
(sample size, objects per dataset): the pipeline combines it with those itself. Every token is
taken at discovery, before anything is read, so a change while a unit is sampled shows in the
next scan's token rather than being lost.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable


def canonical(parts) -> bytes:
    """The one byte string for `parts`: compact JSON, ASCII only (names that are not valid UTF-8
    keep their surrogate escapes), keys sorted; datetimes and other values by their str()."""
    return json.dumps(parts, ensure_ascii=True, separators=(",", ":"), sort_keys=True, default=str).encode("ascii")


def digest(*parts) -> str:
    """sha256 hex of the canonical form of `parts`. Start the parts with the rule's name
    (`"postgresql"`, `"files"`): tokens of different rules never meet, and a rule that changes
    renames itself."""
    return hashlib.sha256(canonical(parts)).hexdigest()


class Members:
    """A digest of a dataset's members as they stream past, in the listing's order.

    The listing order is canonical where this is used (S3 lists keys in byte order; the file walk
    sorts every directory; CloudWatch lists streams newest first, so a tie can at worst cost a
    rescan), so no member list is kept: a bucket of millions of keys costs memory per dataset.
    A member added, removed or changed changes the digest.
    """

    def __init__(self, rule: str):
        self.rule = rule
        self.count = 0
        self._hash = hashlib.sha256()

    def add(self, *parts) -> None:
        self.count += 1
        self._hash.update(canonical(parts) + b"\n")  # canonical JSON holds no raw newline

    def hexdigest(self) -> str:
        return digest(self.rule, self.count, self._hash.hexdigest())


def file_stamp(path: str) -> list[int] | None:
    """[st_ino, st_size, st_mtime_ns] of a file, or None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def file_version(paths: Iterable[str], rule: str = "files") -> str:
    """A token over files' stat: (path, inode, size, mtime in ns) each; a missing file counts as
    missing, so a file that appears or goes away changes the token. The device number is left out:
    it is not stable across reboots for every file system. Known limit: mtime has the kernel's
    coarse clock resolution (a few ms), or whole seconds on some file systems, so a same-size
    rewrite within one tick of the previous write, in place, looks unchanged."""
    return digest(rule, [[os.fsdecode(p), file_stamp(p)] for p in sorted(paths)])
