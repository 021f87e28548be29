"""The local file system: `kartlegg scan /srv/eksport` or `file:///srv/eksport`.

Files are grouped into datasets like objects in a bucket, and read by the shared format readers.
The walk never leaves the root: a symlink that points outside it is listed and not followed,
a directory reached twice (a symlink loop) is read once, and FIFOs, sockets and devices are
listed without being opened. Names that are not valid UTF-8 are reported with `\\xNN` escapes.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlsplit

from scanner.crawlers import database_files
from scanner.crawlers.datasets import Grouper, Member
from scanner.crawlers.objects import DatasetReader, Denied, unit_for, unreadable_reason
from scanner.crawlers.own_files import OwnFiles, lock_directory, subject_export
from scanner.model.protocols import Crawler
from scanner.model.sources import printable
from scanner.model.units import Failed, Location, Skip, WorkUnit, path_selected

_KINDS = {stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket", stat.S_IFCHR: "character device", stat.S_IFBLK: "block device"}


display = printable  # a file name as valid Unicode: undecodable bytes become `\\xNN`


def root_of(url: str) -> str:
    if url.lower().startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file URLs name a local path (file:///path), not a host: {parts.netloc}")
        path = unquote(parts.path, errors="surrogateescape")
    else:
        path = url
    return os.path.abspath(os.path.expanduser(path))


_GLOB = re.compile(r"[*?\[]")


def split_glob(path: str) -> tuple[str, str | None]:
    """(the directory to walk, the glob its relative paths must match): `/var/log/nginx/*.log*`
    walks /var/log/nginx for `*.log*`; a path without glob characters is its own root."""
    parts = path.split(os.sep)
    for i, part in enumerate(parts):
        if _GLOB.search(part):
            return os.sep.join(parts[:i]) or os.sep, "/".join(parts[i:])
    return path, None


def glob_regex(pattern: str) -> re.Pattern:
    """Shell-style: `*` and `?` stay within a directory, `**/` spans any number of them."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _stamp(rel: str, st: os.stat_result) -> tuple:
    """A member's part of its dataset's change token: relative path, inode, size, mtime in ns
    (see versions.file_version for what mtime cannot show)."""
    return (rel, st.st_ino, st.st_size, st.st_mtime_ns)


def inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Counting(io.RawIOBase):
    """A file read up to `size` bytes (its size when it was listed), each byte read counted once
    (format detection reads the head twice; Parquet jumps to its footer)."""

    def __init__(self, raw: io.FileIO, tally, size: int):
        self._raw, self._tally, self._size = raw, tally, size
        self._spans: list[list[int]] = []  # [start, end) ranges read, merged: few (head, footer, row group)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        room = self._size - self._raw.tell()
        if room <= 0:
            return 0
        start = self._raw.tell()
        n = self._raw.readinto(memoryview(b)[:room]) or 0
        if n:
            self._tally(self._add(start, start + n))
        return n

    def _add(self, start: int, end: int) -> int:
        """Record [start, end) as read; the number of bytes not read before."""
        before = sum(e - s for s, e in self._spans)
        spans = sorted([*self._spans, [start, end]])
        merged = [spans[0]]
        for s, e in spans[1:]:
            if s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._spans = merged
        return sum(e - s for s, e in merged) - before

    def seek(self, offset, whence=io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            return self._raw.seek(self._size + offset)
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        self._raw.close()
        super().close()


class FileCrawler(Crawler):
    NAME = "files"
    SCHEMES = ("file",)
    FILES = True
    CONNECTIONS = 4  # files are read concurrently; the disk, not a server, is the limit
    OPTIONS = frozenset({"outputs"})  # this scan's own report, HTML and inventory: never read (own_files)
    display = staticmethod(display)

    def __init__(self, source, settings):
        super().__init__(source, settings)
        self.path, glob = split_glob(root_of(source.url))
        self.glob = glob_regex(glob) if glob else None
        # Without `**` a glob reaches a fixed depth: nothing below it needs walking.
        self.max_depth = glob.count("/") if glob and "**" not in glob else None
        self.own = OwnFiles(source.options.get("outputs"))
        self.asked = os.path.isfile(self.path)  # the source names one file: read it, whatever it is
        self._special_found = 0  # files read or passed over as other than files (databases, own outputs)

    @property
    def root(self) -> str:
        """The directory keys are relative to (the parent, when the source is one file)."""
        return self.path if not os.path.isfile(self.path) else os.path.dirname(self.path)

    @property
    def base(self) -> str:
        return "file://" + quote(os.fsencode(self.root))

    def _location(self, rel: str) -> Location:
        return Location(display(self.root), display(rel) or ".", None, self.base)

    def wanted(self, rel: str) -> bool:
        """The source's own glob, then --include / --exclude, on the path relative to the root
        (in --include/--exclude `*` crosses `/`)."""
        name = display(rel)
        if self.glob is not None and not self.glob.match(rel):
            return False
        return path_selected(name, self.settings.include, self.settings.exclude)

    # -- discovery ------------------------------------------------------------------------------
    def discover(self) -> Iterator[WorkUnit | Skip | Failed]:
        os.stat(self.path)  # a missing root fails the source, with the OS's reason
        grouper = Grouper(0 if self.settings.full else self.settings.objects_per_dataset, self.settings.seed)
        if os.path.isfile(self.path):
            st = os.stat(self.path)
            name = os.path.basename(self.path)
            special = self._special(name, self.path, st)
            if special is not None:
                yield from special
            else:
                grouper.add(Member(name, st.st_size, st.st_mtime, f"{st.st_dev}:{st.st_ino}"), stamp=_stamp(name, st))
        else:
            yield from self._walk(grouper)
        if not grouper.datasets and not self._special_found:
            what = "no files match the pattern" if self.glob is not None else "no files"
            yield Skip(self._location(""), f"{what}: nothing to scan")
        for ds in grouper:
            if ds.readable == 0:
                yield Skip(self._location(ds.name), unreadable_reason(ds))
            else:
                unit = unit_for(self.source.name, self.NAME, display(self.root), self.base, ds)
                yield WorkUnit(unit.source, unit.crawler, self._location(ds.name), None, unit.meta, unit.version)

    def _walk(self, grouper: Grouper) -> Iterator[Skip | Failed]:
        real_root = os.path.realpath(self.root)
        seen_dirs: set[tuple[int, int]] = set()
        seen_files: set[tuple[int, int]] = set()
        st = os.stat(self.root)
        seen_dirs.add((st.st_dev, st.st_ino))
        stack = [""]
        while stack:
            rel = stack.pop()
            path = os.path.join(self.root, rel) if rel else self.root
            try:
                with os.scandir(path) as it:
                    # real entries before symlinks: a directory is reported under its own name,
                    # and a link to it as "already scanned"
                    entries = sorted(it, key=lambda e: (e.is_symlink(), e.name))
            except PermissionError:
                yield Skip(self._location(rel), "unreadable directory: permission denied")
                continue
            except OSError as e:
                yield Failed(self._location(rel), e)
                continue
            subdirs = []
            own = subject_export(path, {e.name for e in entries}) if rel else None
            if own is not None:
                yield Skip(self._location(rel), own)
                continue
            for entry in entries:
                child = f"{rel}/{entry.name}" if rel else entry.name
                try:
                    found = self._entry(entry, child, real_root)
                except OSError as e:
                    yield Failed(self._location(child), e)
                    continue
                if isinstance(found, Skip):
                    if self.wanted(child):
                        yield found
                    continue
                kind, st = found
                key = (st.st_dev, st.st_ino)
                if kind == "dir":
                    if key in seen_dirs:
                        if entry.is_symlink() and self.wanted(child):
                            yield Skip(self._location(child), "symlink to a directory already scanned")
                        continue
                    seen_dirs.add(key)
                    own = self.own.running(entry.path) or lock_directory(entry.path, database_files.is_sqlite)
                    if own is not None:
                        yield Skip(self._location(child), own)
                        continue
                    if self.max_depth is None or child.count("/") < self.max_depth:
                        subdirs.append(child)
                elif key not in seen_files and self.wanted(child):
                    if entry.is_symlink():
                        target = os.path.relpath(os.path.realpath(entry.path), real_root)
                        if self.wanted(target):  # the walk reads it at its own path
                            yield Skip(self._location(child), "symlink to a file in the root: read at its own path")
                            continue
                    # Only files that can be reached twice are remembered (hard links, link
                    # targets): memory stays per dataset, not per file.
                    if st.st_nlink > 1 or entry.is_symlink():
                        seen_files.add(key)
                    special = self._special(child, entry.path, st)
                    if special is not None:
                        yield from special
                        continue
                    grouper.add(Member(child, st.st_size, st.st_mtime, f"{st.st_dev}:{st.st_ino}"),
                                stamp=_stamp(child, st))
            stack.extend(reversed(subdirs))

    def _entry(self, entry: os.DirEntry, child: str, real_root: str):
        """("dir"|"file", stat) or a Skip."""
        if entry.is_symlink():
            try:
                st = os.stat(entry.path)
            except OSError:
                return Skip(self._location(child), "broken symlink")
            if not inside(os.path.realpath(entry.path), real_root):
                return Skip(self._location(child), "symlink leads outside the root: not followed")
        else:
            st = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            return "dir", st
        if stat.S_ISREG(st.st_mode):
            return "file", st
        kind = _KINDS.get(stat.S_IFMT(st.st_mode), "special file")
        return Skip(self._location(child), f"not a regular file ({kind})")

    def _special(self, rel: str, path: str, st: os.stat_result) -> list | None:
        """What stands for a file that is not read as one (skips, a database's tables), or None.

        This scan's outputs and the fingerprint key by their paths; a database file (and its
        companions) by its first bytes, read only from files that can be one."""
        reason = self.own.running(path)  # "" (a part of an output passed over with it) is an answer too
        if reason is None:
            reason = self.own.fingerprint_key(st)
        if reason == "":
            self._special_found += 1
            return []  # part of one of this scan's outputs, which is listed
        if reason is None and not database_files.may_be(st.st_size) and not database_files.named_companion(path):
            return None
        if reason is None and database_files.companion(path):
            self._special_found += 1
            return []  # read with its database
        found: list = [Skip(self._location(rel), reason)] if reason else None
        if found is None:
            try:
                fd = self._open_inside(path)
            except (Denied, OSError):
                return None  # read as a file: its reading says why not
            try:
                kind = database_files.kind_of(fd)
                if kind is not None:
                    found = list(database_files.discover(self, rel, st, kind, fd, self.asked))
            finally:
                os.close(fd)
        if found is not None:
            self._special_found += 1
        return found

    # -- sampling -------------------------------------------------------------------------------
    def _reader(self, unit: WorkUnit) -> DatasetReader:
        return DatasetReader(unit, self._open, self.settings, self.sample_size, display, self._read_range)

    def sample(self, unit: WorkUnit):
        if database_files.is_table(unit):
            return database_files.sample(self, unit)
        return self._reader(unit).sample()

    def sample_batches(self, unit: WorkUnit):
        if database_files.is_table(unit):
            return iter([database_files.sample(self, unit)])
        return self._reader(unit).batches()

    def subject_search(self, unit: WorkUnit, matcher, options):
        from scanner.crawlers import object_subject

        if database_files.is_table(unit):
            return database_files.subject_search(self, unit, matcher, options)

        return object_subject.search(self._reader(unit), matcher, options)

    @contextmanager
    def _fd(self, member: Member):
        """A read-only descriptor of the file listed as `member`, still inside the root.

        A log rotated since listing (access.log is now access.log.1) is found again by its inode
        among its siblings, so every file is read once, whatever name it has now.
        """
        path = os.path.join(self.root, member.key)
        fd = self._open_inside(path)
        try:
            if member.tag and self._tag(fd) != member.tag:
                os.close(fd)
                fd = -1
                moved = self._find(os.path.dirname(path), member.tag)
                if moved is None:
                    raise Denied("rotated or replaced since it was listed: left for the next scan")
                fd = self._open_inside(moved)
            yield fd
        finally:
            if fd >= 0:
                os.close(fd)

    def _open_inside(self, path: str) -> int:
        """Open `path` read-only, one component at a time from the root with O_NOFOLLOW, so a
        directory swapped for a symlink after the check cannot lead the open out of the root."""
        root = os.path.realpath(self.root)
        real = os.path.realpath(path)
        if not inside(real, root) or real == root:  # changed since discovery
            raise Denied("symlink leads outside the root: not followed")
        *dirs, name = os.path.relpath(real, root).split(os.sep)
        cloexec = getattr(os, "O_CLOEXEC", 0)
        at = os.open(root, os.O_RDONLY | os.O_DIRECTORY | cloexec)
        try:
            for part in dirs:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | cloexec, dir_fd=at)
                os.close(at)
                at = inner
            # O_NONBLOCK: a FIFO swapped in since discovery must not hang the scan.
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | cloexec, dir_fd=at)
        except OSError as e:
            if e.errno in (errno.ELOOP, errno.ENOTDIR):
                raise Denied("a symlink was swapped into the path since listing: not followed") from None
            raise
        finally:
            os.close(at)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise Denied("not a regular file")
        return fd

    @staticmethod
    def _tag(fd: int) -> str:
        st = os.fstat(fd)
        return f"{st.st_dev}:{st.st_ino}"

    @staticmethod
    def _find(directory: str, tag: str) -> str | None:
        try:
            with os.scandir(directory) as it:
                for entry in it:
                    st = entry.stat(follow_symlinks=False)
                    if f"{st.st_dev}:{st.st_ino}" == tag and stat.S_ISREG(st.st_mode):
                        return entry.path
        except OSError:
            return None
        return None

    @contextmanager
    def _open(self, member: Member, limits, tally):
        with self._fd(member) as fd:
            own = None if self.asked else self.own.content(fd)
            if own is not None:
                raise Denied(own)
            # A log written to while it is read: what was there at discovery is the file; later
            # lines belong to the next scan, so nothing is read twice or half.
            size = member.size if not self.settings.full else os.fstat(fd).st_size
            raw = io.FileIO(os.dup(fd), "rb", closefd=True)
            with io.BufferedReader(_Counting(raw, tally, size), 64 * 1024) as stream:
                yield stream, False

    def _read_range(self, member: Member, offset: int, length: int, tally) -> bytes:
        with self._fd(member) as fd:
            data = os.pread(fd, length, offset)
        tally(len(data))
        return data
