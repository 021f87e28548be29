"""Keep third-party libraries from reaching the network at run time."""

from __future__ import annotations

import os

_installed = False


def install() -> None:
    """Point tldextract at its bundled public-suffix snapshot.

    Presidio's e-mail recognizer calls tldextract, which otherwise fetches the public suffix
    list with no timeout: offline it logs tracebacks, behind a silent proxy it hangs for minutes.
    """
    global _installed
    if _installed:
        return
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    tx.TLD_EXTRACTOR("example.no")  # load the snapshot now (~60 ms), not in the first scan
    _installed = True
