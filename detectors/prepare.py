"""Build every cache kartlegg keeps once per installation into a directory, for an installation
whose users would each build their own, or never keep one: a container image, whose cache (in
/tmp) is empty at every run, and a shared read-only install.

    python -m detectors.prepare [DIR]

DIR defaults to the installation's own cache (`detectors.paths.shipped_dir()`: share/kartlegg/
cache in its prefix, the venv), which kartlegg reads where the user's cache lacks an entry. What
is built: the screens' Hyperscan database and the name list's literal database for the default
detectors, spaCy's tokenizer rules, the blank spaCy pipeline and the public-suffix list (a few
seconds; a run of an image without them paid about 2.5 s of that before its first finding).

A Hyperscan database is compiled for the CPU it is built on: on one without that CPU's
instruction sets (AVX2, AVX-512) it is refused, and kartlegg compiles its own, as with no
shipped cache. Entries are named by what made them (spaCy's version, the detectors): an image
that installs another spaCy with its model builds those entries again at run time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from detectors.paths import SHIPPED_ENV, shipped_dir


def prepare(directory: Path) -> list[str]:
    """Build the caches into `directory` (in this process: what it has built stays loaded); the
    names of the entries it holds after."""
    directory.mkdir(parents=True, exist_ok=True)
    before = {k: os.environ.get(k) for k in ("KARTLEGG_CACHE_DIR", SHIPPED_ENV)}
    # every builder writes to the cache directory (detectors.paths), and none may read instead
    # from an installation cache prepared before: `directory` gets every entry
    os.environ["KARTLEGG_CACHE_DIR"] = str(directory)
    os.environ[SHIPPED_ENV] = str(directory / "nothing-shipped")
    try:
        from detectors import nlp, suffixes
        from detectors.engine import Engine

        engine = Engine()
        engine.warm()  # patterns, screens' database, tokenizer rules, public suffixes
        engine.screen.warm(build=True)  # the literal databases, which a scan builds only when large
        suffixes.rules()
        nlp.blank_pipeline_path()
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return sorted(p.name for p in directory.iterdir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detectors.prepare", description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=None,
                        help=f"where to build them (default: the installation's cache, {shipped_dir()})")
    directory = parser.parse_args(argv).directory or shipped_dir()
    for name in prepare(directory):
        print(directory / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
