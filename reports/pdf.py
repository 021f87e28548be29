"""The HTML report as one PDF file a consultant can hand over: printed by headless Chromium from the
report file itself (its print stylesheet: A4, folds opened, no controls), offline, within a timeout."""

from __future__ import annotations

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
    with tempfile.TemporaryDirectory(prefix="kartlegg-pdf-") as profile:
        cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", "--no-pdf-header-footer",
               html.resolve().as_uri()]
        # its own process group: Chromium starts helpers that a timeout must end too
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise PdfError(f"Chromium did not print the PDF within {timeout:g} s") from None
    if proc.returncode != 0 or not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise PdfError(f"Chromium could not print the PDF (exit code {proc.returncode}: {last[0]})")


__all__ = ["PdfError", "TIMEOUT_S", "print_pdf"]
