"""boto3 clients for the AWS crawlers (S3, CloudWatch Logs), built one way, and their errors read
one way.

A client comes from boto3's standard credential chain (environment, shared files, instance role)
or the source's `--profile`; or, on a Dask worker, from credentials the coordinator resolved and
shipped as a Secret. `--region` and `--endpoint-url` apply to both services; an S3-compatible
endpoint (MinIO, Ceph) is addressed path-style. Every client retries throttling with backoff,
has the scan's timeouts and names itself `kartlegg` in its user agent.

Credentials never leave the session: nothing here logs, and neither the Secret (masked repr) nor
the session and client (whose reprs hold no keys) put them in a message.
"""

from __future__ import annotations

import threading

APP_ID = "kartlegg"  # in the User-Agent, so a store's access log can tell the scanner's requests
MAX_ATTEMPTS = 10


OPTIONS = frozenset({"profile", "region", "endpoint_url"})  # --profile, --region, --endpoint-url


def client_config(settings, connections: int, path_style: bool):
    """Retries, timeouts and connection pool: the same for every service."""
    from botocore.config import Config

    return Config(
        # adaptive: SlowDown, throttling and 503 are retried with backoff, and the client slows its own rate.
        retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.statement_timeout,
        max_pool_connections=max(10, connections * 2),
        user_agent_appid=APP_ID,
        s3={"addressing_style": "path"} if path_style else None,
    )


def session(options: dict):
    """A boto3 session from shipped credentials when there are some, else the standard chain and
    the source's profile; the source's region either way."""
    import boto3

    region = options.get("region")
    shipped = options.get("credentials")  # resolved by a coordinator for a worker elsewhere (a Secret)
    if shipped is not None:
        return boto3.session.Session(region_name=region, **shipped.value)
    return boto3.session.Session(profile_name=options.get("profile"), region_name=region)


def for_workers(source):
    """The source with the credentials this process's AWS chain gives it (its profile, the
    environment, an instance role), frozen and wrapped in a Secret, for Dask workers that have
    none of their own; as it is when it carries some already or the chain gives none."""
    import dataclasses

    from scanner.model.jobs import Secret

    if "credentials" in source.options:
        return source
    try:
        credentials = session(source.options).get_credentials()
    except Exception:  # no profile here: the workers' own chain decides
        return source
    if credentials is None:
        return source
    frozen = credentials.get_frozen_credentials()
    shipped = {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key,
               "aws_session_token": frozen.token}
    return dataclasses.replace(source, options={**source.options, "credentials": Secret(shipped)})


def aws_client(service: str, source, settings, connections: int):
    """A boto3 client for `service` ("s3", "logs") as the source's options say."""
    opts = source.options
    endpoint = opts.get("endpoint_url")
    config = client_config(settings, connections, path_style=service == "s3" and bool(endpoint))
    return session(opts).client(service, endpoint_url=endpoint, config=config)


class LazyClient:
    """A crawler's client, made on first use (from the crawler's source, settings and connections
    as they are then) and shared by its threads; a crawler that only plans never connects."""

    def __init__(self, service: str, crawler):
        self._service, self._crawler = service, crawler
        self._client = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._client is None:
                c = self._crawler
                self._client = aws_client(self._service, c.source, c.settings, c.connections)
            return self._client

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def __repr__(self) -> str:  # the source's options may hold shipped credentials: never shown
        return f"LazyClient({self._service!r})"


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError ("AccessDenied", "NoSuchKey"), or its HTTP
    status when the body named none; None for anything else."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    return str(response.get("Error", {}).get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
