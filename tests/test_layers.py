"""The code's own imports respect the layers (docs/architecture.md): nothing imports upward or
sideways, nothing imports in a circle, runtime modules stay small, and the demo generators stay
out of the runtime and the wheel. The checker itself is tested on small trees that break each rule.
"""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest

from layering import against_the_flow, cycles, graph, group_of, oversized

ROOT = Path(__file__).resolve().parent.parent

# What each group may import besides itself, where the layers alone would allow more: the bottom
# layers know nothing of crawlers or the inventory, reports read records and inventory views.
ONLY = {
    "scanner.model": ("scanner", "scanner.model"),
    "detectors": ("scanner", "scanner.model"),
    "scanner.formats": ("scanner", "scanner.model"),
    "reports": ("scanner", "scanner.model", "scanner.inventory.views"),
}


def test_no_import_runs_against_the_layers():
    assert against_the_flow(graph()) == []


def test_no_imports_in_a_circle():
    assert cycles(graph()) == []


def test_every_module_is_in_a_layer():
    for mod in graph():
        group_of(mod)


@pytest.mark.parametrize("group", sorted(ONLY))
def test_the_lower_layers_import_only_what_they_may(group):
    allowed = ONLY[group]
    wrong = [f"{m} → {t}" for m, targets in graph().items() if group_of(m)[1] == group
             for t in targets if group_of(t)[1] != group and not any(t == a or t.startswith(a + ".") for a in allowed)]
    assert wrong == []


@pytest.mark.parametrize("group, protocol", [("kartlegg.crawlers", "Crawler"), ("kartlegg.reports", "Writer"),
                                             ("kartlegg.executors", "Executor")])
def test_every_builtin_plugin_follows_its_protocol(group, protocol):
    from scanner.model import protocols
    from scanner.model.plugins import available

    loaded = {name: plugin.load() for name, plugin in available(group).items()}
    assert loaded and all(issubclass(cls, getattr(protocols, protocol)) for cls in loaded.values())
    assert all(cls.NAME == name for name, cls in loaded.items())  # the entry-point name is the CLI value


def test_runtime_modules_stay_under_the_limit():
    assert oversized() == []


def test_the_wheel_ships_the_runtime_and_no_generators():
    from setuptools import find_namespace_packages, find_packages

    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    shipped = set(find_packages(str(ROOT), include=find["include"]))
    assert not {p for p in shipped if p.split(".")[0] not in ("scanner", "detectors", "reports")}
    runtime = {p for p in find_namespace_packages(str(ROOT), include=["scanner*", "detectors*", "reports*"])
               if "__pycache__" not in p and any((ROOT / p.replace(".", "/")).glob("*.py"))}
    assert runtime - shipped == set()  # a package without __init__.py would be left out of the wheel
    assert not (ROOT / "scanner" / "estate.py").exists() and (ROOT / "demo" / "estate.py").exists()


# -- the checker, on trees made to break each rule ----------------------------------------------------------
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for package in ("scanner", "detectors", "reports", "demo"):
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return tmp_path


CASES = [
    # (files, what the checker must say: against the flow, cycles)
    ({"scanner/model/a.py": "from scanner.model import b\n", "scanner/model/b.py": "x = 1\n"}, [], []),
    ({"scanner/model/a.py": "from scanner.scan.run import scan\n", "scanner/scan/__init__.py": "",
      "scanner/scan/run.py": "def scan(): ...\n"}, ["scanner.model.a → scanner.scan.run"], []),
    ({"scanner/model/a.py": "def f():\n    import reports.html\n", "reports/html.py": ""},
     ["scanner.model.a → reports.html"], []),  # inside a function
    ({"scanner/model/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scanner.cli import main\n",
      "scanner/cli/__init__.py": "", "scanner/cli/main.py": ""}, ["scanner.model.a → scanner.cli.main"], []),
    ({"scanner/formats/x.py": "from detectors import vocabulary\n", "scanner/formats/__init__.py": "",
      "detectors/vocabulary.py": ""}, ["scanner.formats.x → detectors.vocabulary"], []),  # siblings
    ({"reports/a.py": "from reports.b import y\n", "reports/b.py": "from reports.a import z\n"},
     [], [["reports.a", "reports.b"]]),
    ({"scanner/formats/__init__.py": "from scanner.formats.x import read\n",
      "scanner/formats/x.py": "from scanner.formats import limits\ndef read(): ...\n",
      "scanner/formats/limits.py": ""}, [], []),  # `from package import module` is the module
    ({"scanner/formats/__init__.py": "from scanner.formats.x import read\nLIMIT = 1\n",
      "scanner/formats/x.py": "from scanner.formats import LIMIT\ndef read(): ...\n"},
     [], [["scanner.formats", "scanner.formats.x"]]),  # a name from a package that imports you
    ({"scanner/cli/__init__.py": "", "scanner/cli/main.py": "from demo import estate\n", "demo/estate.py": ""},
     ["scanner.cli.main → demo.estate"], []),
]


@pytest.mark.parametrize("files, flow, circles", CASES)
def test_the_checker_finds_what_breaks_the_layers(tmp_path, files, flow, circles):
    edges = graph(_tree(tmp_path, files))
    assert [line.split(" (")[0] for line in against_the_flow(edges)] == flow
    assert cycles(edges) == circles


def test_the_checker_counts_lines(tmp_path):
    root = _tree(tmp_path, {"scanner/big.py": "x = 1\n" * 451, "scanner/ok.py": "x = 1\n" * 450,
                            "demo/big.py": "x = 1\n" * 900})
    assert oversized(root) == ["scanner.big: 451 lines"]
