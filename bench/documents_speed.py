"""PDF text extraction and OCR: how fast, how robust, and what each OCR preparation step is worth.

    python -m bench.documents_speed [--docs 40] [--ocr-pages 6] [--steps] [--robustness]

On the same generated documents (demo.documents.pdfs: letters, invoices, contracts, reports and
manuals, synthetic people planted in them):

- text pages/s for pypdf and pdfminer.six, and the share of planted identifiers each finds;
- `--robustness`: each library on hostile and broken PDFs (truncated, a 1 GiB flate stream,
  arrays nested 100,000 deep, 10,000 pages) in a process of its own: outcome, seconds, peak MiB;
- OCR pages/s through the reader (scanner.formats.read) on scanned pages (demo.documents.scans);
- `--steps`: the OCR hit rate of planted identifiers on clean, small, skewed (±3°), speckled,
  faded and photographed pages, with all of ocr.STEPS and with each step left out.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from detectors import synthetic

NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum"]
STREETS = ["Storgata", "Kirkeveien", "Fjordgata", "Bakkegata", "Sjøveien"]
TOWNS = [("0150", "OSLO"), ("5003", "BERGEN"), ("7010", "TRONDHEIM"), ("9008", "TROMSØ")]


def person(rnd: random.Random) -> dict:
    """A synthetic person: name, street address, postcode and town, fødselsnummer, mobile, e-mail."""
    name = rnd.choice(NAMES)
    code, town = rnd.choice(TOWNS)
    return {"name": name, "street": f"{rnd.choice(STREETS)} {rnd.randint(1, 99)}", "town": f"{code} {town}",
            "fnr": synthetic.fodselsnummer(rnd), "phone": synthetic.phone_digits(rnd),
            "email": name.lower().replace(" ", ".").replace("å", "a") + "@example.no"}


def planted_lines(p: dict) -> list[str]:
    return [p["name"], p["street"], p["town"], "", f"Fødselsnummer: {p['fnr']}", f"Mobil: {p['phone']}",
            f"E-post: {p['email']}"]


def found(p: dict, text: str) -> dict[str, bool]:
    """Which planted values a text holds (digits and addresses compared without spaces)."""
    flat = "".join(text.split())
    return {"fnr": p["fnr"] in flat, "phone": p["phone"] in flat, "email": p["email"] in flat,
            "name": p["name"] in text, "street": "".join(p["street"].split()) in flat}


# -- PDF text: pypdf against pdfminer.six ---------------------------------------------------------

def documents(n: int, seed: int = 7) -> list[tuple[bytes, dict]]:
    from demo.documents import pdfs

    rnd = random.Random(seed)
    out = []
    for i in range(n):
        p = person(rnd)
        kind = i % 5
        if kind == 0:
            data = pdfs.letter(rnd, [p["name"], p["street"], p["town"]], [f"Vi har registrert fødselsnummer "
                               f"{p['fnr']} og mobil {p['phone']}.", f"Svar til {p['email']}."])
        elif kind == 1:
            data = pdfs.invoice(rnd, [p["name"], p["street"], p["town"]], notes=[f"Kundens fnr {p['fnr']}",
                                f"Kontakt: {p['email']}, {p['phone']}"])
        elif kind == 2:
            data = pdfs.contract(rnd, [["Rolle", "Navn", "Fødselsnummer", "Adresse"],
                                       ["Leietaker", p["name"], p["fnr"], p["street"]]],
                                 [f"Leietaker kan nås på {p['phone']} og {p['email']}."] + pdfs.FILLER[:4])
        elif kind == 3:
            data = pdfs.report(rnd, 12, {7: planted_lines(p)})
        else:
            data = pdfs.manual(rnd, 8)
            p = None
        out.append((data, p))
    return out


def pypdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdfminer_pages(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return ["".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
            for page in extract_pages(io.BytesIO(data))]


def pdf_speed(n: int) -> dict:
    docs = documents(n)
    out = {}
    for name, extract in (("pypdf", pypdf_pages), ("pdfminer.six", pdfminer_pages)):
        started, pages, hits, planted = time.perf_counter(), 0, 0, 0
        for data, p in docs:
            texts = extract(data)
            pages += len(texts)
            if p:
                got = found(p, "\n".join(texts))
                hits += sum(got[k] for k in ("fnr", "phone", "email"))
                planted += 3
        seconds = time.perf_counter() - started
        out[name] = {"pages": pages, "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 1),
                     "identifiers_found": f"{hits}/{planted}"}
    return out


_PROBE = r"""
import io, json, resource, sys, time
data = open(sys.argv[2], "rb").read()
started = time.perf_counter()
try:
    pages = __import__("bench.documents_speed", fromlist=["x"]).__dict__[sys.argv[1]](data)
    out = {"outcome": f"read {len(pages)} pages, {sum(len(t) for t in pages)} characters"}
except BaseException as e:
    out = {"outcome": f"{type(e).__name__}: {str(e)[:80]}"}
out["seconds"] = round(time.perf_counter() - started, 2)
out["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


def robustness() -> dict:
    """Each library on each hostile file, in a process of its own capped at 3 GiB and 120 s."""
    from demo.documents import pdfs

    rnd = random.Random(3)
    files = {"truncated at half": pdfs.truncated(pdfs.report(rnd, 6, {2: ["Kari Nordmann"]}), 0.5),
             "flate stream of 1 GiB": pdfs.flate_bomb(1 << 30),
             "arrays nested 100,000 deep (page)": pdfs.nested_arrays(100_000, "page"),
             "arrays nested 100,000 deep (content)": pdfs.nested_arrays(100_000, "content"),
             "10,000 pages": pdfs.many_pages(10_000, ["Side med tekst"] * 3)}
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, data in files.items():
            path = Path(tmp) / "f.pdf"
            path.write_bytes(data)
            for fn in ("pypdf_pages", "pdfminer_pages"):
                cap = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
                cmd = [sys.executable, "-c", cap + _PROBE, fn, str(path)]
                try:
                    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
                    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {
                        "outcome": f"died (rc {done.returncode})"}
                except subprocess.TimeoutExpired:
                    result = {"outcome": "still running after 120 s"}
                out.setdefault(label, {})[fn.split("_")[0]] = result
    return out


# -- OCR ------------------------------------------------------------------------------------------

CONDITIONS = {
    "clean": {},
    "small text": {"font_size": 15},
    "skewed +3°": {"skew": 3.0},
    "skewed -3°": {"skew": -3.0},
    "speckled 3%": {"noise": 0.03},
    "faded": {"contrast": (200, 90), "blur": 1.0},
    "dark copy, skewed 5°": {"contrast": (140, 50), "skew": 5.0, "noise": 0.01},
    "skewed -6°": {"skew": -6.0},
    "small, skewed 3°": {"font_size": 15, "skew": 3.0},
    "small, speckled": {"font_size": 16, "noise": 0.01},
    "photo (jpeg 30, 2°, specks)": {"skew": 2.0, "noise": 0.01, "fmt": "jpeg", "quality": 30},
}


def ocr_page(args: tuple) -> dict:
    """One OCR run: (condition, seed, steps) -> which planted values were read."""
    from PIL import Image

    from demo.documents import pdfs, scans
    from scanner.formats.documents import ocr

    condition, seed, steps = args
    rnd = random.Random(seed)
    p = person(rnd)
    options = dict(CONDITIONS[condition])
    fmt, quality = options.pop("fmt", "png"), options.pop("quality", 75)
    filler = [pdfs.latin1(f) for f in rnd.sample(pdfs.FILLER, 2)]
    lines = filler + [""] + planted_lines(p) + [""] + rnd.sample(pdfs.FILLER, 2)
    data = scans.image_bytes(scans.render_page(lines, seed=seed, **options), fmt, quality=quality)
    started = time.perf_counter()
    # Tesseract's own reading of the prepared page: the preparation steps are what is measured,
    # without the mending of misread identifiers that `ocr.recognise` adds after it
    page = ocr.prepare(Image.open(io.BytesIO(data)), steps)
    text = ocr.run_tesseract(ocr.png_for_ocr(page), ocr.seconds_left(_LIMITS or _init()))
    return {"found": found(p, text), "seconds": time.perf_counter() - started}


_LIMITS = None


def _init():
    global _LIMITS
    from scanner.formats.limits import Limits

    _LIMITS = Limits()
    return _LIMITS


def ocr_steps(pages: int, workers: int, only: tuple[str, ...] | None = None) -> dict:
    """variant -> condition -> "hits/planted" (and the seconds a page took), for `pages` pages of
    each condition; `only` names the variants to run (all steps, none, without deskew, …)."""
    from scanner.formats.documents import ocr

    variants = {"all steps": ocr.STEPS, "none": ()}
    variants.update({f"without {s}": tuple(x for x in ocr.STEPS if x != s) for s in ocr.STEPS})
    variants = {k: v for k, v in variants.items() if only is None or k in only}
    jobs = [(c, 100 + i, steps) for c in CONDITIONS for steps in variants.values() for i in range(pages)]
    with ProcessPoolExecutor(workers, initializer=_init) as pool:
        results = list(pool.map(ocr_page, jobs))
    table: dict = {}
    seconds: dict = {}
    for (condition, _, steps), result in zip(jobs, results):
        variant = next(k for k, v in variants.items() if v == steps)
        cell = table.setdefault(variant, {}).setdefault(condition, [0, 0])
        cell[0] += sum(result["found"].values())
        cell[1] += len(result["found"])
        seconds.setdefault(variant, []).append(result["seconds"])
    return {v: {c: f"{h}/{t}" for c, (h, t) in row.items()} | {"total": "{}/{}".format(
        sum(h for h, _ in row.values()), sum(t for _, t in row.values())),
        "s/page": f"{sum(seconds[v]) / len(seconds[v]):.2f}"} for v, row in table.items()}


def ocr_speed(pages: int) -> dict:
    """Scanned pages (PNG, A4 at 150 dpi) through scanner.formats.read: pages/s, one process."""
    from demo.documents import scans
    from scanner.formats import Limits, read

    rnd = random.Random(11)
    images = [scans.scanned_image(planted_lines(person(rnd)) * 3, skew=rnd.uniform(-2, 2), seed=i)
              for i in range(pages)]
    started = time.perf_counter()
    hits = 0
    for data in images:
        sample = read(io.BytesIO(data), "scan.png", Limits())
        hits += sample.document.pages_ocr
    seconds = time.perf_counter() - started
    return {"pages": hits, "seconds": round(seconds, 2), "pages_per_s": round(hits / seconds, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.documents_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="generated PDFs for the text speed (default 40)")
    parser.add_argument("--ocr-pages", type=int, default=6, help="scanned pages for the OCR speed (default 6)")
    parser.add_argument("--steps", action="store_true", help="OCR hit rates with and without each step (minutes)")
    parser.add_argument("--step-pages", type=int, default=3, help="pages per condition and variant for --steps")
    parser.add_argument("--robustness", action="store_true", help="both PDF libraries on hostile files")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print("PDF text:", json.dumps(pdf_speed(args.docs), ensure_ascii=False, indent=1))
    if args.robustness:
        print("Hostile PDFs:", json.dumps(robustness(), ensure_ascii=False, indent=1))
    print("OCR:", json.dumps(ocr_speed(args.ocr_pages), ensure_ascii=False))
    if args.steps:
        print("OCR hit rate (planted fnr, phone, e-mail, name, street found):")
        for variant, row in ocr_steps(args.step_pages, args.workers).items():
            print(f"  {variant:24} " + "  ".join(f"{c}: {v}" for c, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
