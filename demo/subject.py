"""The demo's data subject's request: one customer of the demo's customer system (generated,
synthetic identifiers) looked up in every system of the demo estate with `kartlegg subject`.

    python -m demo.subject demo-out/kundesystem.db -- [kartlegg subject options]

Reads the customer's identifiers from the demo database, as a caseworker would copy them from
the request, and runs `kartlegg subject` with them (the values go on its command line only)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys


def identifiers(db: str, customer: int = 1) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        fnr, name, phone, email, account = conn.execute(
            "SELECT fnr, navn, tlf, epost, kontonr FROM kunde WHERE kunde_id = ?", (customer,)).fetchone()
    finally:
        conn.close()
    return [f"fnr={fnr}", f"name={name}", f"phone={phone}", f"email={email}", f"account={account}"]


def main(argv: list[str]) -> None:
    db, rest = argv[0], argv[argv.index("--") + 1:] if "--" in argv else []
    args = [a for spec in identifiers(db) for a in ("--id", spec)]
    kartlegg = shutil.which("kartlegg", path=os.path.dirname(sys.executable)) or "kartlegg"
    os.execv(kartlegg, [kartlegg, "subject", *args, *rest])


if __name__ == "__main__":
    main(sys.argv[1:])
