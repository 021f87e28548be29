"""How S3's refusals become reasons, and which listed objects are archived."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from scanner.crawlers.aws.s3 import parse
from scanner.crawlers.aws.s3_io import archived, denial


def client_error(code: str, message: str = "", **extra) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message, **extra}}, "GetObject")


@pytest.mark.parametrize(("code", "message", "reason"), [
    ("AccessDenied", "Access Denied", "access denied (AccessDenied)"),
    ("AllAccessDisabled", "All access to this object has been disabled", "access denied (AllAccessDisabled)"),
    ("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized to perform: kms:Decrypt", "KMS key denied"),
    ("KMS.DisabledException", "arn:aws:kms:eu-north-1:1:key/abc is disabled.", "KMS key denied"),
    ("KMS.NotFoundException", "Invalid keyId", "KMS key denied"),
    ("InvalidObjectState", "The operation is not valid for the object's storage class", "in storage class"),
    ("NoSuchKey", "The specified key does not exist.", "gone since it was listed"),
    ("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", "changed since"),
])
def test_refusals_become_skip_reasons(code, message, reason):
    found = denial(client_error(code, message, StorageClass="DEEP_ARCHIVE"))
    assert found is not None and reason in str(found)


@pytest.mark.parametrize("code", ["SlowDown", "InternalError", "RequestTimeout", "ExpiredToken"])
def test_faults_are_not_refusals(code):
    assert denial(client_error(code)) is None


def test_non_client_errors_are_not_refusals():
    assert denial(OSError("connection reset")) is None


@pytest.mark.parametrize(("obj", "reason"), [
    ({"StorageClass": "STANDARD"}, None),
    ({}, None),
    ({"StorageClass": "GLACIER_IR"}, None),  # instant retrieval: readable
    ({"StorageClass": "INTELLIGENT_TIERING"}, None),
    ({"StorageClass": "GLACIER"}, "in storage class GLACIER"),
    ({"StorageClass": "DEEP_ARCHIVE"}, "in storage class DEEP_ARCHIVE"),
    ({"StorageClass": "DEEP_ARCHIVE", "RestoreStatus": {"IsRestoreInProgress": True}}, "in storage class DEEP_ARCHIVE"),
    ({"StorageClass": "GLACIER", "RestoreStatus": {"IsRestoreInProgress": False,
                                                  "RestoreExpiryDate": "2026-12-01T00:00:00Z"}}, None),
])
def test_archived_objects_are_known_from_the_listing(obj, reason):
    assert archived(obj) == reason


@pytest.mark.parametrize(("url", "bucket", "prefix"), [
    ("s3://kunde-data", "kunde-data", ""),
    ("s3://kunde-data/", "kunde-data", ""),
    ("s3://kunde-data/exports/2024/", "kunde-data", "exports/2024/"),
    ("s3://kunde-data/eksport gammel/", "kunde-data", "eksport gammel/"),
    ("s3://pre/rapport?2024/#1", "pre", "rapport?2024/#1"),  # key characters, not a query or fragment
    ("s3://pre/100%41", "pre", "100%41"),
    ("s3://", None, ""),
])
def test_urls_name_a_bucket_and_prefix_or_every_bucket(url, bucket, prefix):
    assert parse(url) == (bucket, prefix)
