"""Raw HTTP to the server: requests signed with botocore's own SigV4 signer (or not signed
at all), sent with http.client so that nothing between the test and the server fixes them.
"""
import datetime
import http.client
import json
import urllib.parse
from unittest import mock

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


class Response:
    """What came back: status, headers (case-insensitive lookup), raw body and parsed JSON."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def error_code(self):
        """The error's `__type` without any namespace prefix (`ns#Code`), as botocore reads it."""
        data = self.json or {}
        return str(data.get("__type", "")).rsplit("#", 1)[-1]

    def __repr__(self):
        return f"Response({self.status}, {self.body[:300]!r})"


def send(endpoint, method, path, body=b"", headers=None, timeout=60):
    """Sends one request exactly as given and returns a Response."""
    parsed = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        return Response(response.status, response.getheaders(), data)
    finally:
        connection.close()


def _frozen_clock(moment):
    """A stand-in for botocore.auth's clock that always answers `moment` (naive UTC)."""
    naive = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)

    def get_current_datetime(remove_tzinfo=True):
        return naive if remove_tzinfo else naive.replace(tzinfo=datetime.timezone.utc)

    return get_current_datetime


def signed_headers(endpoint, body, target, access_key, secret_key, region="us-east-1",
                   service="ecs", at=None, content_type=JSON_CONTENT_TYPE, extra_headers=None):
    """The headers botocore's SigV4Auth produces for a POST of `body` to `endpoint`/.

    `at` (an aware datetime) freezes the signing time, for skew tests."""
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = target
    headers.update(extra_headers or {})
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers=headers)
    signer = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(access_key, secret_key), service, region)
    if at is None:
        signer.add_auth(request)
    else:
        with mock.patch.object(botocore.auth, "get_current_datetime", _frozen_clock(at)):
            signer.add_auth(request)
    return dict(request.headers.items())


def call(server, operation, payload=None, body=None, access_key=None, secret_key=None, at=None,
         target=None, headers=None, region=None):
    """Signs and sends one ECS awsJson 1.1 call; `body` (bytes/str) overrides the JSON payload."""
    if body is None:
        body = json.dumps(payload if payload is not None else {})
    if isinstance(body, str):
        body = body.encode()
    if target is None:
        target = ECS_TARGET_PREFIX + operation
    signed = signed_headers(
        server.endpoint, body, target,
        access_key or server.env["AWS_ACCESS_KEY_ID"],
        secret_key or server.env["AWS_SECRET_ACCESS_KEY"],
        region=region or server.env.get("AWS_DEFAULT_REGION", "us-east-1"),
        at=at, extra_headers=headers)
    return send(server.endpoint, "POST", "/", body=body, headers=signed)


def unsigned(server, operation, payload=None, headers=None):
    """An ECS call with the protocol headers but no signature at all."""
    body = json.dumps(payload or {}).encode()
    all_headers = {"Content-Type": JSON_CONTENT_TYPE, "X-Amz-Target": ECS_TARGET_PREFIX + operation}
    all_headers.update(headers or {})
    return send(server.endpoint, "POST", "/", body=body, headers=all_headers)


def client_error(function, *args, **kwargs):
    """Calls a boto3 operation that must fail and returns its botocore ClientError."""
    from botocore.exceptions import ClientError

    try:
        result = function(*args, **kwargs)
    except ClientError as error:
        return error
    raise AssertionError(f"expected a ClientError, got {result!r}")


def error_code(function, *args, **kwargs):
    """The AWS error code of a boto3 operation that must fail."""
    return client_error(function, *args, **kwargs).response["Error"]["Code"]
