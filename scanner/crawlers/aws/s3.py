"""S3 and S3-compatible object stores: `kartlegg scan s3://bucket/prefix` (or `s3://` for every
bucket the credentials can list).

Credentials come from boto3's standard chain (environment, `--profile`, instance role) and are
never printed. Listing is paginated and streamed into datasets (see `datasets`); only the chosen
objects of each dataset are read, and of those only the first `object_bytes`, except for formats
that need random access (Parquet, XLSX, zip), which are read by Range GETs up to a cap.
Archived objects (Glacier, Deep Archive) are counted per dataset and never requested.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import io
from collections.abc import Iterator
from contextlib import contextmanager

from scanner.crawlers.aws import client as aws
from scanner.crawlers.aws import s3_io
from scanner.crawlers.aws.client import LazyClient
from scanner.crawlers.datasets import Grouper, Member
from scanner.crawlers.objects import DatasetReader, unit_for, unreadable_reason
from scanner.formats.detect import WHOLE, content_format
from scanner.formats.streams import Chain, read_upto
from scanner.model.protocols import Crawler
from scanner.model.units import Failed, Location, Skip, WorkUnit, path_selected


def parse(url: str) -> tuple[str | None, str]:
    """(bucket or None for all buckets, key prefix). The prefix is taken verbatim: `?`, `#` and `%`
    are ordinary characters in S3 keys, not a query, a fragment or an escape."""
    rest = url.split("://", 1)[1]
    bucket, _, prefix = rest.partition("/")
    return (bucket or None), prefix


class S3Crawler(Crawler):
    NAME = "s3"
    SCHEMES = ("s3",)
    FILES = True
    OPTIONS = aws.OPTIONS
    CONNECTIONS = 8  # objects read at once; the client retries SlowDown with backoff
    EMPTY = "empty: no objects (an empty bucket or prefix)"

    @classmethod
    def for_workers(cls, source):
        return aws.for_workers(source)

    def __init__(self, source, settings):
        super().__init__(source, settings)
        self.bucket, self.prefix = parse(source.url)
        self._client = LazyClient("s3", self)

    @property
    def client(self):
        return self._client.get()

    def close(self) -> None:
        self._client.close()

    def wanted(self, bucket: str, key: str) -> bool:
        """--include / --exclude globs match `bucket/key` (`*` crosses `/`)."""
        name = f"{bucket}/{key}"
        return path_selected(name, self.settings.include, self.settings.exclude)

    # -- discovery ------------------------------------------------------------------------------
    def buckets(self) -> list[str]:
        if self.bucket:
            return [self.bucket]
        client = self.client
        if client.can_paginate("list_buckets"):
            pages = client.get_paginator("list_buckets").paginate()
            return [b["Name"] for page in pages for b in page.get("Buckets", [])]
        return [b["Name"] for b in client.list_buckets().get("Buckets", [])]

    def bucket_wanted(self, bucket: str) -> bool:
        """Buckets no --include pattern can match are not even listed."""
        include = self.settings.include
        return not include or any(fnmatch.fnmatchcase(bucket, p.split("/", 1)[0]) for p in include)

    def discover(self) -> Iterator[WorkUnit | Skip | Failed]:
        for bucket in self.buckets():
            if not self.bucket and not self.bucket_wanted(bucket):
                continue
            base = f"s3://{bucket}"
            grouper = Grouper(0 if self.settings.full else self.settings.objects_per_dataset, self.settings.seed)
            listed, failed = 0, False
            try:
                for obj in self._list(bucket):
                    listed += 1
                    key = obj["Key"]
                    if key.endswith("/") and obj.get("Size", 0) == 0:
                        continue  # a console "folder", not data
                    if not self.wanted(bucket, key):
                        continue
                    member = Member(key, int(obj.get("Size", 0)), obj["LastModified"].timestamp(),
                                    str(obj.get("ETag") or "") or None)
                    # the change token: what the listing already says, no request of its own
                    stamp = (key, member.tag, obj["LastModified"].isoformat(), member.size)
                    grouper.add(member, s3_io.archived(obj), stamp)
            except Exception as exc:
                # a bucket we may not list is reported; what was listed before a failure is still scanned
                yield Failed(Location(bucket, self.prefix or "*", None, base), exc)
                failed = True
            if not failed and listed == 0:
                yield Skip(Location(bucket, self.prefix or "*", None, base), "empty: no objects under this prefix")
            for ds in grouper:
                if ds.readable == 0:
                    yield Skip(Location(bucket, ds.name, None, base), unreadable_reason(ds))
                else:
                    unit = unit_for(self.source.name, self.NAME, bucket, base, ds)
                    # a listing cut short cannot say what the dataset holds: always read it
                    yield dataclasses.replace(unit, version=None) if failed else unit

    def _list(self, bucket: str) -> Iterator[dict]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=self.prefix, OptionalObjectAttributes=["RestoreStatus"],
            PaginationConfig={"PageSize": 1000},
        )
        for page in pages:
            yield from page.get("Contents", [])

    # -- sampling -------------------------------------------------------------------------------
    def _reader(self, unit: WorkUnit) -> DatasetReader:
        bucket = unit.location.container

        def opener(member, limits, tally):
            return self._open(bucket, member, tally)

        def read_range(member, offset, length, tally):
            return self._read_range(bucket, member, offset, length, tally)

        return DatasetReader(unit, opener, self.settings, self.sample_size, read_range=read_range)

    def sample(self, unit: WorkUnit):
        return self._reader(unit).sample()

    def sample_batches(self, unit: WorkUnit):
        return self._reader(unit).batches()

    def subject_search(self, unit: WorkUnit, matcher, options):
        from scanner.crawlers import object_subject

        return object_subject.search(self._reader(unit), matcher, options)

    def _read_range(self, bucket: str, member: Member, offset: int, length: int, tally) -> bytes:
        extra = {"IfMatch": member.tag} if member.tag else {}
        try:
            response = self.client.get_object(Bucket=bucket, Key=member.key,
                                              Range=f"bytes={offset}-{offset + length - 1}", **extra)
        except Exception as exc:
            raise s3_io.denial(exc) or exc from None
        with response["Body"] as body:
            data = body.read()
        tally(len(data))
        return data

    @contextmanager
    def _open(self, bucket: str, member: Member, tally):
        """(stream, partial): the first object_bytes streamed, or a ranged reader for random access."""
        if member.size == 0:
            yield io.BytesIO(b""), False
            return
        want = member.size if self.settings.full else min(member.size, self.settings.object_bytes)
        extra = {"IfMatch": member.tag} if member.tag else {}
        try:
            response = self.client.get_object(Bucket=bucket, Key=member.key, Range=f"bytes=0-{want - 1}", **extra)
        except Exception as exc:
            raise s3_io.denial(exc) or exc from None
        body = response["Body"]
        try:
            head = read_upto(body, min(want, 64 * 1024))
            tally(len(head))
            if len(head) < member.size and content_format(head) in WHOLE:
                body.close()  # the rest of the prefix is of no use: the footer is at the end
                reader = s3_io.RangeReader(self.client, bucket, member.key, member.size,
                                           self.settings.max_object_bytes, tally, head, member.tag)
                with io.BufferedReader(reader, 256 * 1024) as stream:
                    yield stream, False
            else:
                stream = io.BufferedReader(Chain(head, s3_io.Counted(body, tally)), 64 * 1024)
                yield stream, member.size > want
        finally:
            body.close()
