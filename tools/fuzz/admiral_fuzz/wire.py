"""Requests as exact bytes: a replayable description (`Spec`), its SigV4 signing with
botocore's signer at a chosen time, deliberate damage after signing, and a minimal
HTTP/1.1 client over a raw socket so that nothing between the fuzzer and the server
repairs a request."""
import base64
import copy
import datetime
import socket
import urllib.parse

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"


class Credentials:
    def __init__(self, access_key, secret_key, region="us-east-1"):
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region


class FixedTimeSigner(botocore.auth.SigV4Auth):
    """botocore's SigV4 signer with the signing time given rather than read from the clock."""

    def __init__(self, credentials, service, region, at):
        super().__init__(credentials, service, region)
        self.at = at

    def add_auth(self, request):
        request.context["timestamp"] = self.at.strftime(SIGV4_TIMESTAMP)
        self._modify_request_before_signing(request)
        canonical = self.canonical_request(request)
        signature = self.signature(self.string_to_sign(request, canonical), request)
        self._inject_signature_to_request(request, signature)


class Spec:
    """One request, as data: enough to rebuild and re-sign it at any time (replay).

    `auth` is a dict: mode ("sign" or "none"), optional access_key/secret_key/region/
    service overrides, `offset` (seconds added to the signing time), `post` (edits after
    signing: [op, args...]) and `unsigned_headers` (added after signing)."""

    def __init__(self, service, protocol, operation, mutation, expect, method="POST", path="/", query="",
                 headers=None, body=b"", auth=None, category="valid"):
        self.service = service
        self.protocol = protocol
        self.operation = operation
        self.mutation = mutation
        self.expect = expect            # "any", "strict" (the model refuses it) or "refuse"
        self.category = category        # valid, auth, model, wire
        self.method = method
        self.path = path
        self.query = query
        self.headers = dict(headers or {})
        self.body = body
        self.auth = auth if auth is not None else {"mode": "sign"}

    def copy(self, mutation, expect, category):
        other = copy.copy(self)
        other.headers = dict(self.headers)
        other.auth = copy.deepcopy(self.auth)
        other.mutation = mutation
        other.expect = expect
        other.category = category
        return other

    def to_json(self):
        return {
            "service": self.service, "protocol": self.protocol, "operation": self.operation,
            "mutation": self.mutation, "expect": self.expect, "category": self.category,
            "method": self.method, "path": self.path, "query": self.query,
            "headers": [[k, base64.b64encode(v.encode("latin-1")).decode()] for k, v in self.headers.items()],
            "body": base64.b64encode(self.body).decode(), "auth": self.auth,
        }

    @classmethod
    def from_json(cls, data):
        spec = cls(data["service"], data["protocol"], data["operation"], data["mutation"], data["expect"],
                   data["method"], data["path"], data["query"],
                   {k: base64.b64decode(v).decode("latin-1") for k, v in data["headers"]},
                   base64.b64decode(data["body"]), data["auth"], data.get("category", "valid"))
        return spec


def build(spec, endpoint, credentials, signing_names, now=None):
    """The exact bytes of `spec` against `endpoint`, signed now (plus the spec's offset)."""
    parsed = urllib.parse.urlsplit(endpoint)
    host = parsed.netloc
    target = spec.path + ("?" + spec.query if spec.query else "")
    headers = list(spec.headers.items())
    auth = spec.auth
    if auth.get("mode") == "sign":
        at = (now or datetime.datetime.now(datetime.timezone.utc)) + datetime.timedelta(
            seconds=auth.get("offset", 0))
        creds = botocore.credentials.Credentials(
            auth.get("access_key", credentials.access_key), auth.get("secret_key", credentials.secret_key))
        service = auth.get("service", signing_names.get(spec.service, spec.service))
        region = auth.get("region", credentials.region)
        request = AWSRequest(method=spec.method, url=f"http://{host}{target}", data=spec.body,
                             headers={k: v for k, v in spec.headers.items()})
        FixedTimeSigner(creds, service, region, at.replace(tzinfo=None)).add_auth(request)
        headers = list(request.headers.items())
        for edit in auth.get("post", []):
            headers = _edit(headers, edit)
    for name, value in auth.get("unsigned_headers", []):
        headers.append((name, value))
    body = spec.body + (b" " if auth.get("unsigned_body_suffix") else b"")
    lines = [f"{spec.method} {target} HTTP/1.1".encode("latin-1"), f"Host: {host}".encode()]
    names = {name.lower() for name, _ in headers}
    for name, value in headers:
        lines.append(name.encode("latin-1") + b": " + value.encode("latin-1"))
    if "content-length" not in names:
        lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _edit(headers, edit):
    op, *args = edit
    if op == "remove":
        return [(k, v) for k, v in headers if k.lower() != args[0].lower()]
    if op == "set":
        return [(k, v) for k, v in headers if k.lower() != args[0].lower()] + [(args[0], args[1])]
    if op == "replace":     # replace text inside one header's value
        return [(k, v.replace(args[1], args[2], 1) if k.lower() == args[0].lower() else v) for k, v in headers]
    if op == "flip-signature":
        result = []
        for k, v in headers:
            if k.lower() == "authorization" and "Signature=" in v:
                head, signature = v.rsplit("Signature=", 1)
                flipped = ("0" if signature[-1] != "0" else "1")
                v = head + "Signature=" + signature[:-1] + flipped
            result.append((k, v))
        return result
    if op == "scope":       # change (or, with None, drop) one part of the credential scope
        index, value = args
        result = []
        for k, v in headers:
            if k.lower() == "authorization" and "Credential=" in v:
                head, rest = v.split("Credential=", 1)
                credential, sep, tail = rest.partition(",")
                parts = credential.split("/")
                if value is None:
                    del parts[index]
                else:
                    parts[index] = value
                v = head + "Credential=" + "/".join(parts) + sep + tail
            result.append((k, v))
        return result
    raise ValueError(f"unknown edit {op}")


class Response:
    def __init__(self, status, reason, headers, body, raw):
        self.status = status
        self.reason = reason
        self.headers = headers          # [(name, value)]
        self.body = body
        self.raw = raw

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Hang(Exception):
    """No complete answer within the timeout."""


class Dropped(Exception):
    """The connection ended without a complete answer."""


class Client:
    """HTTP/1.1 over one kept-alive socket; a stale connection is reopened once."""

    def __init__(self, endpoint, timeout=10.0):
        parsed = urllib.parse.urlsplit(endpoint)
        self.address = (parsed.hostname, parsed.port)
        self.timeout = timeout
        self.sock = None
        self.buffer = b""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buffer = b""

    def send(self, raw):
        reused = self.sock is not None
        try:
            return self._exchange(raw)
        except Dropped as error:
            if reused and error.args and error.args[0] == "no-bytes":
                self.close()
                return self._exchange(raw)
            raise

    def _exchange(self, raw):
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(self.timeout)
        try:
            self.sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError) as error:
            # The server may answer (413) and close before reading the whole body.
            if not self._readable():
                self.close()
                raise Dropped("no-bytes" if not self.buffer else str(error))
        try:
            response = self._read_response()
        except socket.timeout:
            self.close()
            raise Hang()
        except (ConnectionResetError, BrokenPipeError, OSError) as error:
            self.close()
            raise Dropped(str(error))
        if (response.header("connection") or "").lower() == "close":
            self.close()
        return response

    def _readable(self):
        try:
            data = self.sock.recv(65536)
        except OSError:
            return False
        self.buffer += data
        return bool(data)

    def _fill(self, first):
        data = self.sock.recv(1 << 20)
        if not data:
            self.close_reason = "eof"
            raise Dropped("no-bytes" if first else "closed mid-answer")
        self.buffer += data

    def _read_response(self):
        first = not self.buffer
        while b"\r\n\r\n" not in self.buffer:
            self._fill(first and not self.buffer)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise Dropped(f"not an HTTP answer: {lines[0][:80]!r}")
        status = int(parts[1])
        reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers.append((name.decode("latin-1").strip(), value.decode("latin-1").strip()))
        lookup = {k.lower(): v for k, v in headers}
        if lookup.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        elif "content-length" in lookup:
            length = int(lookup["content-length"])
            while len(self.buffer) < length:
                self._fill(False)
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            try:
                while True:
                    self._fill(False)
            except Dropped:
                pass
            body, self.buffer = self.buffer, b""
            self.close()
        return Response(status, reason, headers, body, head + b"\r\n\r\n" + body)

    def _read_chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                self._fill(False)
            size_line, self.buffer = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(self.buffer) < size + 2:
                self._fill(False)
            body += self.buffer[:size]
            self.buffer = self.buffer[size + 2:]
            if size == 0:
                return body
