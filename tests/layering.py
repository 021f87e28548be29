"""The import graph of the source tree, read from the code (every import statement, also inside
functions and `TYPE_CHECKING` blocks), and the layers it must respect.

Used by tests/test_layers.py and by `python -m tests.layering` (prints the graph and what breaks it).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scanner", "detectors", "reports", "demo")

# Lowest first. A module may import from its own group and from lower levels; groups on one level
# are siblings and do not import each other. Data flows upward: crawlers read, formats parse,
# detectors judge, the scan writes records, reports and the CLI show them.
LAYERS: list[tuple[str, ...]] = [
    ("scanner", "scanner.model"),  # `scanner` itself: the version only
    ("scanner.system",),
    ("detectors", "scanner.formats"),
    ("scanner.subject",),  # one person's identifiers and what a search found: crawlers search with them
    ("scanner.crawlers", "scanner.inventory"),
    ("scanner.scan", "reports"),
    ("scanner.cli",),
    ("demo",),  # generators of the demo estate and test data: never imported by the runtime
]
RUNTIME = ("scanner", "detectors", "reports")
MAX_LINES = 450


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """module → the project modules it imports (the longest known prefix of each name)."""
    mods = modules(root)

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = defaultdict(set)
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                # `from pkg import sub` imports the module pkg.sub; `from mod import name` imports mod
                names = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in mods else stem for a in node.names]
            else:
                continue
            for name in names:
                target = known(name)
                if target and target != mod:
                    edges[mod].add(target)
        edges.setdefault(mod, set())
    return dict(edges)


def group_of(mod: str) -> tuple[int, str]:
    best = (-1, "")
    for level, groups in enumerate(LAYERS):
        for g in groups:
            if (mod == g or mod.startswith(g + ".")) and len(g) > len(best[1]):
                best = (level, g)
    if best[0] < 0:
        raise LookupError(f"{mod} is in no layer")
    return best


def against_the_flow(edges: dict[str, set[str]]) -> list[str]:
    """Imports of a higher level, or of a sibling group on the same level."""
    out = []
    for mod, targets in sorted(edges.items()):
        level, group = group_of(mod)
        for t in sorted(targets):
            t_level, t_group = group_of(t)
            if t_level > level:
                out.append(f"{mod} → {t} (up: {group} is below {t_group})")
            elif t_level == level and t_group != group:
                out.append(f"{mod} → {t} (sideways: {group} and {t_group} are siblings)")
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def oversized(root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    out = []
    for mod, path in modules(root).items():
        if not mod.startswith(RUNTIME) or ".migrations.versions." in mod:
            continue
        n = len(path.read_text().splitlines())
        if n > limit:
            out.append(f"{mod}: {n} lines")
    return out


def depth(edges: dict[str, set[str]]) -> int:
    """The longest import chain, in modules (after the cycles are gone)."""
    memo: dict[str, int] = {}

    def d(v: str, seen: frozenset) -> int:
        if v in memo:
            return memo[v]
        best = 1 + max((d(w, seen | {v}) for w in edges.get(v, ()) if w not in seen), default=0)
        memo[v] = best
        return best

    return max((d(v, frozenset()) for v in edges), default=0)


if __name__ == "__main__":
    edges = graph()
    for m in sorted(edges):
        print(m, "→", " ".join(sorted(edges[m])) or "-")
    print("\nagainst the flow:", *against_the_flow(edges) or ["none"], sep="\n  ")
    print("cycles:", *[" ↔ ".join(c) for c in cycles(edges)] or ["none"], sep="\n  ")
    print("over", MAX_LINES, "lines:", *oversized() or ["none"], sep="\n  ")
    print("longest import chain:", depth(edges), "modules")
