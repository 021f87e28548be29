"""What tests/test_docker.py needs of the Dockerfile and .dockerignore, read without Docker.

`parse` splits a Dockerfile into stages of instructions (continuation lines joined, comments
dropped). `Ignore` matches .dockerignore patterns the way `docker build` does (moby's
patternmatcher): per path component like Go's filepath.Match, `**` spans any number of
components, `!` re-includes, the last matching pattern wins, and a pattern that matches a parent
directory matches everything under it. `copy_context` reproduces the build context.

    python tools/dockerfile_steps.py      # the files `docker build .` sends
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Instruction:
    keyword: str  # upper case
    args: str
    line: int

    def exec_form(self) -> list[str]:
        form = json.loads(self.args)
        assert isinstance(form, list), f"line {self.line}: {self.keyword} is not in exec (JSON) form"
        return form

    def words(self) -> list[str]:
        return shlex.split(self.args)


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def pairs(self, keyword: str) -> dict[str, str]:
        """KEY=value pairs of every ENV, ARG or LABEL, later ones winning (values unexpanded)."""
        out = {}
        for ins in self.all(keyword):
            for word in ins.words():
                key, eq, value = word.partition("=")
                if not eq and keyword != "ARG":
                    raise ValueError(f"line {ins.line}: use {keyword} KEY=value")
                out[key] = value
        return out


def instructions(text: str) -> list[Instruction]:
    out, parts, start = [], [], 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        # Docker drops comment and blank lines, also inside a continued instruction.
        if not line or line.startswith("#"):
            continue
        if not parts:
            start = n
        if line.endswith("\\"):
            parts.append(line[:-1].strip())
            continue
        parts.append(line)
        keyword, _, args = " ".join(parts).partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
        parts = []
    if parts:
        raise ValueError("the Dockerfile ends inside a continued instruction")
    return out


def parse(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for ins in instructions(text):
        if ins.keyword == "FROM":
            words = [w for w in ins.words() if not w.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else None
            stages.append(Stage(words[0], name))
        elif not stages:
            if ins.keyword != "ARG":
                raise ValueError(f"line {ins.line}: {ins.keyword} before FROM")
        else:
            stages[-1].instructions.append(ins)
    return stages


def expand(value: str, env: dict[str, str]) -> str:
    """$VAR and ${VAR} as Docker expands them in ENV, WORKDIR and COPY."""
    return re.sub(r"\$(?:\{(\w+)\}|(\w+))", lambda m: env.get(m[1] or m[2], ""), value)


@dataclass
class Pattern:
    text: str
    exception: bool
    regex: re.Pattern

    @classmethod
    def compile(cls, line: str) -> Pattern:
        exception = line.startswith("!")
        text = posixpath.normpath(line[1:].strip() if exception else line)
        if len(text) > 1 and text.startswith("/"):  # the context root: "/x" is "x"
            text = text.lstrip("/")
        rx, i = "^", 0
        while i < len(text):
            ch = text[i]
            if text.startswith("**", i):
                i += 2
                if text.startswith("/", i):  # "**/" is "**"
                    i += 1
                rx += ".*" if i == len(text) else "(.*/)?"
                continue
            if ch == "*":
                rx += "[^/]*"
            elif ch == "?":
                rx += "[^/]"
            elif ch == "[":
                end = text.index("]", i + 1)
                rx += "[" + text[i + 1 : end].replace("\\", "\\\\") + "]"
                i = end
            elif ch == "\\" and i + 1 < len(text):
                i += 1
                rx += re.escape(text[i])
            else:
                rx += re.escape(ch)
            i += 1
        return cls(text, exception, re.compile(rx + "$"))

    def matches(self, path: str) -> bool:
        """The path or one of its parent directories matches."""
        parts = path.split("/")
        return any(self.regex.match("/".join(parts[:n])) for n in range(len(parts), 0, -1))

    def may_match_under(self, directory: str) -> bool:
        """Whether something inside `directory` could match, so an exception inside an excluded
        directory is not missed (Docker walks into such directories too)."""
        if "**" in self.text:
            return True
        mine, theirs = self.text.split("/"), directory.split("/")
        return len(mine) > len(theirs) and all(
            Pattern.compile(p).regex.match(d) for p, d in zip(mine, theirs)
        )


class Ignore:
    def __init__(self, lines: list[str]):
        self.patterns = []
        for raw in lines:
            line = raw.strip()
            if line and not line.startswith("#"):
                self.patterns.append(Pattern.compile(line))

    @classmethod
    def read(cls, path: Path) -> Ignore:
        return cls(path.read_text(encoding="utf-8-sig").splitlines() if path.exists() else [])

    def excludes(self, path: str) -> bool:
        excluded = False
        for p in self.patterns:
            if p.matches(path):
                excluded = not p.exception
        return excluded

    def prunes(self, directory: str) -> bool:
        return self.excludes(directory) and not any(
            p.exception and p.may_match_under(directory) for p in self.patterns
        )


def context_files(root: Path, ignore: Ignore) -> list[str]:
    """Paths (relative, with /) of the files and symlinks `docker build root` sends."""
    found = []
    for top, dirs, files in os.walk(root):  # symlinks to directories are sent as symlinks
        rel = Path(top).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        links = [d for d in dirs if os.path.islink(os.path.join(top, d))]
        dirs[:] = sorted(d for d in dirs if d not in links and not ignore.prunes(prefix + d))
        found += [prefix + f for f in files + links if not ignore.excludes(prefix + f)]
    return sorted(found)


def copy_context(root: Path, dest: Path, ignore: Ignore) -> list[str]:
    files = context_files(root, ignore)
    for rel in files:
        src, dst = root / rel, dest / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    return files


if __name__ == "__main__":
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    print("\n".join(context_files(repo, Ignore.read(repo / ".dockerignore"))))
