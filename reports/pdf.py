"""The HTML report as one PDF file a consultant can hand over: printed by headless Chromium from the
report file itself (its print stylesheet: A4, folds opened, no controls), offline, within a timeout."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from pathlib import Path

from reports.chromium import CHROMIUM, FLAGS, missing

TIMEOUT_S = 120


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why and what to install."""


def print_pdf(html: Path, pdf: Path, timeout: float = TIMEOUT_S, chromium: str | None = None) -> None:
    chromium = chromium or CHROMIUM
    if missing((chromium,)):
        raise PdfError(f"PDF output needs headless Chromium at {chromium}: install the Debian package chromium "
                       "(apt-get install chromium)")
    out = pdf.resolve()
    out.unlink(missing_ok=True)  # a PDF left from before must not pass for this one
    # a helper still writing into the profile as it is removed must not turn a good PDF into an error
    with tempfile.TemporaryDirectory(prefix="kartlegg-pdf-", ignore_cleanup_errors=True) as profile:
        cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", "--no-pdf-header-footer",
               html.resolve().as_uri()]
        # its own process group: Chromium starts helpers that a timeout must end too. Its messages go
        # to a file, not a pipe: a helper holding the pipe open would keep a finished print waiting.
        with open(Path(profile) / "stderr.txt", "w+b") as log:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                    start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:  # after a print too: no helper of it outlives the command
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.seek(0)
            err = log.read()[-4096:]
        if timed_out:
            raise PdfError(f"Chromium did not print the PDF within {timeout:g} s")
    if proc.returncode != 0 or not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise PdfError(f"Chromium could not print the PDF (exit code {proc.returncode}: {last[0]})")


__all__ = ["PdfError", "TIMEOUT_S", "print_pdf"]
