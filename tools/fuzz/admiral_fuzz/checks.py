"""What a correct answer looks like: never a 5xx, an `x-amzn-RequestId`, an AWS error of
the protocol's shape, or a success that reads as the operation's output shape."""
import datetime
import json
import xml.etree.ElementTree as ElementTree

import botocore.parsers

from .mutations import AUTH_CODES


class Verdict:
    def __init__(self):
        self.findings = []          # (kind, detail): bugs
        self.notes = []             # (kind, detail): worth counting, not bugs
        self.error_code = None
        self.accepted = False


def local(tag):
    return tag.rsplit("}", 1)[-1]


def json_error(body):
    """The `__type` of an awsJson error body, or a reason it is not one."""
    try:
        document = json.loads(body)
    except ValueError:
        return None, "the error body is not JSON"
    if not isinstance(document, dict):
        return None, "the error body is not a JSON object"
    code = document.get("__type")
    if not isinstance(code, str) or not code:
        return None, "the error has no __type"
    message = document.get("message", document.get("Message"))
    if not isinstance(message, str):
        return None, "the error has no message"
    return code.rsplit("#", 1)[-1], None


def xml_error(body, ec2=False):
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        return None, f"the error body is not XML ({error})"
    if ec2:
        if local(root.tag) != "Response":
            return None, f"the EC2 error's root is <{local(root.tag)}>, not <Response>"
        error = next((e for e in root.iter() if local(e.tag) == "Error"), None)
    else:
        if local(root.tag) != "ErrorResponse":
            return None, f"the error's root is <{local(root.tag)}>, not <ErrorResponse>"
        error = next((e for e in root if local(e.tag) == "Error"), None)
    if error is None:
        return None, "the error has no <Error>"
    fields = {local(e.tag): (e.text or "") for e in error}
    if not fields.get("Code"):
        return None, "the error has no <Code>"
    if "Message" not in fields:
        return None, "the error has no <Message>"
    if not any(local(e.tag) in ("RequestId", "RequestID") for e in root.iter()):
        return None, "the error has no RequestId"
    return fields["Code"], None


def check_output(value, shape, path, problems, notes):
    if value is None or shape is None:
        return
    kind = shape.type_name
    where = path or "output"
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{where} is not an object")
            return
        if shape.is_document_type:
            return
        for key, item in value.items():
            if key in shape.members:
                check_output(item, shape.members[key], f"{path}.{key}" if path else key, problems, notes)
            else:
                notes.append(f"{where} has a member '{key}' the model does not have")
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{where} is not a list")
            return
        for index, item in enumerate(value):
            check_output(item, shape.member, f"{path}[{index}]", problems, notes)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{where} is not a map")
            return
        for key, item in value.items():
            check_output(item, shape.value, f"{path}.{key}", problems, notes)
    elif kind in ("string", "blob"):
        if not isinstance(value, str):
            problems.append(f"{where} is not a string")
        elif kind == "string" and shape.enum and value not in shape.enum:
            notes.append(f"{where} '{value[:40]}' is not one of the model's values")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where} is not an integer")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where} is not a number")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where} is not a Boolean")
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.append(f"{where} is not a timestamp")


_parsers = {}


def parser(protocol):
    if protocol not in _parsers:
        _parsers[protocol] = botocore.parsers.create_parser(protocol)
    return _parsers[protocol]


def check(spec, response, operation, protocol):
    """The verdict on one answer to `spec` (an operation model, or None when unknown)."""
    verdict = Verdict()
    status = response.status
    if status >= 500:
        verdict.findings.append(("5xx", f"HTTP {status}: {response.body[:300]!r}"))
    if not response.header("x-amzn-RequestId") and not response.header("x-amz-request-id"):
        verdict.findings.append(("no-request-id", f"HTTP {status} without x-amzn-RequestId"))
    if 200 <= status < 300:
        verdict.accepted = True
        if spec.expect == "refuse":
            kind = "auth-bypass" if spec.category == "auth" else "accepted-garbage"
            verdict.findings.append((kind, f"HTTP {status} for a request that must be refused ({spec.mutation})"))
        elif spec.expect == "strict":
            verdict.notes.append(("accepted-invalid", spec.mutation))
        if operation is not None and spec.method == "POST":
            problem = check_success(response, operation, protocol)
            if problem:
                verdict.findings.append(("malformed-success", problem))
        return verdict
    if status < 400 or status >= 600:
        verdict.findings.append(("unexpected-status", f"HTTP {status}"))
        return verdict
    # An error: which shapes may it have? The protocol's, or the one the content type claims.
    content_type = (spec.headers.get("Content-Type") or "").lower()
    shapes = {"xml" if protocol in ("query", "ec2") else "json"}
    shapes.add("xml" if content_type.startswith("application/x-www-form-urlencoded") else "json")
    reasons = []
    code = None
    for shape in sorted(shapes):
        if shape == "json":
            code, reason = json_error(response.body)
        else:
            code, reason = xml_error(response.body, ec2=protocol == "ec2")
            if not code and protocol == "ec2" and spec.mutation == "probe-service":
                # A service that is not served answers as the endpoint's Query services do.
                code, reason = xml_error(response.body)
        if code:
            break
        reasons.append(reason)
    if not code:
        verdict.findings.append(("malformed-error", f"HTTP {status}: {'; '.join(reasons)}: {response.body[:300]!r}"))
        return verdict
    verdict.error_code = code
    if spec.category == "auth" and spec.expect == "refuse" and code not in AUTH_CODES:
        verdict.findings.append(("wrong-auth-error", f"{spec.mutation} answered {code} (HTTP {status})"))
    return verdict


def check_success(response, operation, protocol):
    output = operation.output_shape
    if protocol == "json":
        if not response.body.strip():
            return None if output is None or not output.members else "an empty body for an output with members"
        try:
            document = json.loads(response.body)
        except ValueError:
            return f"the answer is not JSON: {response.body[:200]!r}"
        problems, notes = [], []
        check_output(document, output, "", problems, notes)
        return "; ".join(problems[:5]) if problems else None
    try:
        root = ElementTree.fromstring(response.body)
    except ElementTree.ParseError as error:
        return f"the answer is not XML ({error}): {response.body[:200]!r}"
    if protocol == "query" and local(root.tag) != f"{operation.name}Response":
        return f"the answer's root is <{local(root.tag)}>, not <{operation.name}Response>"
    if protocol == "query" and output is not None and output.members:
        if not any(local(e.tag) == f"{operation.name}Result" for e in root):
            return f"the answer has no <{operation.name}Result>"
    try:
        parser(protocol).parse(
            {"body": response.body, "headers": dict(response.headers), "status_code": response.status}, output)
    except Exception as error:  # botocore raises many kinds
        return f"botocore cannot read the answer: {error!r}"
    return None


def parsed_output(response, operation, protocol):
    """The answer as botocore reads it (for harvesting names), or None."""
    try:
        if protocol == "json":
            return json.loads(response.body) if response.body.strip() else {}
        return parser(protocol).parse(
            {"body": response.body, "headers": dict(response.headers), "status_code": response.status},
            operation.output_shape)
    except Exception:
        return None


def to_text(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value
