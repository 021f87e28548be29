"""Headless Chromium (Debian's chromium and chromium-driver), offline: the flags that keep it from the
network, shared by the PDF output (reports.pdf), tools/report-screenshot and the tests' browser."""

from __future__ import annotations

import os

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--disable-breakpad", "--no-pings",
         "--disable-domain-reliability")


def missing(paths=(CHROMIUM, CHROMEDRIVER)) -> list[str]:
    return [p for p in paths if not os.access(p, os.X_OK)]
