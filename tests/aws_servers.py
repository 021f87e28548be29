"""AWS over real HTTP for tests: moto's server mode on 127.0.0.1, and a proxy that misbehaves.

A pytest plugin (listed in conftest's `pytest_plugins`). The session fixture `moto_server` starts
one ThreadedMotoServer with IAM enforced: an `admin` identity seeds data, and a read-only
`skanner` identity (the scanner's) may list and get but is denied `s3:GetObject` under any
`*/denied/*` key, and may not write anything. boto3 is pointed at the server by endpoint_url;
nothing is patched in process.

`FaultyProxy` sits between a client and moto and answers chosen requests itself first: 503
SlowDown a number of times (throttling), or a KMS AccessDenied (moto does not enforce KMS key
policies on GetObject, so that refusal is injected here, in S3's own XML error format).
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

REGION = "eu-north-1"

SCANNER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetObject",
                                        "s3:GetBucketLocation", "logs:Describe*", "logs:Get*",
                                        "logs:FilterLogEvents"], "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/denied/*"},
    ],
}
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass
class Identity:
    access_key: str
    secret_key: str

    def env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}


class MotoServer:
    def __init__(self):
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        bootstrap = Identity("testing", "testing")  # accepted only until auth is switched on
        iam = self.client("iam", bootstrap)
        self.admin = self._identity(iam, "admin", ADMIN_POLICY)
        self.scanner = self._identity(iam, "skanner", SCANNER_POLICY)
        self._enforce_auth()

    def _identity(self, iam, name: str, policy: dict) -> Identity:
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Identity(key["AccessKeyId"], key["SecretAccessKey"])

    def _enforce_auth(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def client(self, service: str, who: Identity | None = None, endpoint: str | None = None):
        import boto3

        who = who or self.admin
        return boto3.client(service, endpoint_url=endpoint or self.endpoint, region_name=REGION,
                            aws_access_key_id=who.access_key, aws_secret_access_key=who.secret_key)

    def create_bucket(self, name: str):
        s3 = self.client("s3")
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return s3

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture(scope="session")
def moto_server():
    server = MotoServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aws_env(moto_server, tmp_path, monkeypatch):
    """The scanner's identity in the environment (boto3's standard chain), no real AWS config."""
    for name, value in moto_server.scanner.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return moto_server


@dataclass
class Fault:
    pattern: re.Pattern  # matched against "METHOD /path"
    kind: str  # "slowdown" or "kms"
    times: int  # how many matching requests get the fault; -1: all


@dataclass
class FaultyProxy:
    """An HTTP proxy in front of moto that answers some requests with faults of its own."""

    upstream: str
    faults: list[Fault] = field(default_factory=list)
    served: Counter = field(default_factory=Counter)  # kind -> responses the proxy made up
    methods: Counter = field(default_factory=Counter)  # HTTP method -> requests seen
    forwarded: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def add(self, pattern: str, kind: str, times: int = -1) -> None:
        self.faults.append(Fault(re.compile(pattern), kind, times))

    def _fault_for(self, line: str) -> str | None:
        with self._lock:
            self.methods[line.split(" ", 1)[0]] += 1
            for fault in self.faults:
                if fault.times != 0 and fault.pattern.search(line):
                    if fault.times > 0:
                        fault.times -= 1
                    self.served[fault.kind] += 1
                    return fault.kind
            self.forwarded += 1
        return None

    def _handler(self):
        proxy = self
        host, port = self.upstream.removeprefix("http://").split(":")

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = proxy._fault_for(f"{self.command} {self.path}")
                if kind == "slowdown":
                    return self._error(503, "SlowDown", "Please reduce your request rate.")
                if kind == "kms":
                    return self._error(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/skanner is not "
                                       "authorized to perform: kms:Decrypt on the resource associated with this "
                                       "ciphertext because no identity-based policy allows the kms:Decrypt action")
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                self.send_response(response.status)
                for k, v in response.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            def _error(self, status: int, code: str, message: str):
                data = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                        f"<Message>{message}</Message><RequestId>kartlegg-test</RequestId></Error>").encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _serve

        return Handler

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def faulty_proxy(moto_server):
    proxy = FaultyProxy(moto_server.endpoint)
    try:
        yield proxy
    finally:
        proxy.stop()


def put_log_stream(logs, group: str, stream: str, messages: list[str]) -> None:
    """A CloudWatch Logs stream holding `messages`, a millisecond apart, ending now (the group made
    when it is not there)."""
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    start = now - len(messages)
    for i in range(0, len(messages), 5000):
        chunk = messages[i:i + 5000]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": start + i + j, "message": m} for j, m in enumerate(chunk)])
