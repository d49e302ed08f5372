"""Mutations of a valid request. Each returns a new `Spec` whose `expect` says what a
correct server must do with it:

- "refuse": must be refused (a 2xx is a finding): bad authentication, bytes that are
  not the protocol's syntax, no operation named;
- "strict": the model refuses it (a missing required member, a wrong type); a 2xx is
  counted as "accepted though invalid", not a finding;
- "any": a well-formed answer of either kind.

Every answer, whatever the expectation, must be well formed and never a 5xx.
"""
import gzip
import json

STRING_TYPES = ("string",)
NUMBER_TYPES = ("integer", "long", "double", "float")

NUMBER_TOKENS = [
    "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "-1", "0",
    "-0", "0.5", "1e309", "-1e309", "1E400", "1e-400", "4.9e-324", "1.7976931348623157e308", "99999999",
]
BAD_JSON_NUMBERS = ["NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "1e", "--1"]
INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf", b"\x80", b"\xf4\x90\x80\x80"]
AUTH_CODES = {
    "MissingAuthenticationTokenException", "MissingAuthenticationToken", "IncompleteSignatureException",
    "IncompleteSignature", "InvalidSignatureException", "SignatureDoesNotMatch", "UnrecognizedClientException",
    "InvalidClientTokenId", "XAmzContentSHA256Mismatch", "AuthFailure", "RequestExpired",
}
MARKER = "\u2603FUZZMARK\u2603"


# --- helpers over an awsJson document and its shape --------------------------------------

def walk(value, shape, path=()):
    """(path, value, shape) for every member value in a document."""
    if shape is None:
        return
    yield path, value, shape
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.is_document_type:
        for key, item in value.items():
            if key in shape.members:
                yield from walk(item, shape.members[key], path + (key,))
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, shape.member, path + (index,))
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, shape.value, path + (key,))


def get(document, path):
    for part in path:
        document = document[part]
    return document


def put(document, path, value):
    document = json.loads(json.dumps(document))
    if not path:
        return value
    parent = get(document, path[:-1])
    parent[path[-1]] = value
    return document


def dumps(document):
    return json.dumps(document).encode()


def with_raw(document, path, raw):
    """The document's bytes with the value at `path` replaced by raw bytes."""
    body = dumps(put(document, path, MARKER))
    return body.replace(json.dumps(MARKER).encode(), raw, 1)


def wrong_value(kind, rng):
    options = {
        "string": [1, 1.5, True, [], {}],
        "integer": ["12", 1.5, True, [], {}], "long": ["12", 1.5, True, [], {}],
        "double": ["1.5", True, [], {}], "float": ["1.5", True, [], {}],
        "boolean": ["true", 1, [], {}],
        "timestamp": [True, [], {}],
        "blob": [1, True, [], {}],
        "list": ["x", 1, {}, True], "map": ["x", 1, [], True], "structure": ["x", 1, [], True],
    }
    return rng.choice(options.get(kind, ["x", 1]))


# --- mutation tables -----------------------------------------------------------------------

class Mutator:
    def __init__(self, rng, service, operation, serialized, spec):
        self.rng = rng
        self.service = service
        self.operation = operation
        self.serialized = serialized
        self.spec = spec
        self.input_shape = operation.input_shape

    def all(self):
        names = list(AUTH)
        names += list(JSON_ONLY if self.spec.protocol == "json" else QUERY_ONLY)
        names += list(COMMON)
        return names

    def make(self, name):
        function = AUTH.get(name) or COMMON.get(name) or JSON_ONLY.get(name) or QUERY_ONLY.get(name)
        return function(self)

    def mutate(self, name, expect, category, body=None, **changes):
        spec = self.spec.copy(name, expect, category)
        if body is not None:
            spec.body = body
        for key, value in changes.items():
            setattr(spec, key, value)
        return spec

    def members(self, kinds=None):
        if self.spec.protocol != "json":
            return []
        found = [(p, v, s) for p, v, s in walk(self.serialized.document, self.input_shape) if p]
        if kinds:
            found = [item for item in found if item[2].type_name in kinds]
        return found

    def query_keys(self, kinds=None):
        keys = [name for name, _ in self.serialized.params if name not in ("Action", "Version")]
        if kinds:
            keys = [k for k in keys if k in self.serialized.trace and self.serialized.trace[k].type_name in kinds]
        return keys

    def form(self, pairs):
        from .models import encode_form
        return encode_form(pairs).encode()


def _sign_edit(name, expect="refuse", **auth):
    def make(m):
        spec = m.mutate(name, expect, "auth")
        spec.auth.update(auth)
        return spec
    return make


def _post(name, *edits):
    def make(m):
        spec = m.mutate(name, "refuse", "auth")
        spec.auth["post"] = [list(edit) for edit in edits]
        return spec
    return make


def _no_auth(m):
    return m.mutate("auth-missing", "refuse", "auth", auth={"mode": "none"})


def _garbage_auth(m):
    value = m.rng.choice([
        "Bearer fuzz", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=", "AWS4-HMAC-SHA256 ,,,, ",
        "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=zz",
        "AWS4-HMAC-SHA256 Credential=\xe9\xff/20200101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00",
        "AWS AKIA:abc", "\xff\xfe", " ", "AWS4-HMAC-SHA256 Credential=" + "a/" * 2000,
    ])
    return m.mutate("auth-garbage", "refuse", "auth", auth={"mode": "sign", "post": [["set", "Authorization", value]]})


def _presigned(m):
    expires = m.rng.choice(["-1", "0", "604801", "99999999999999999999", "abc", ""])
    query = ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAFUZZ%2F20200101%2Fus-east-1%2Fecs%2Faws4_request"
             f"&X-Amz-Date=20200101T000000Z&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=00")
    return m.mutate("auth-presigned-bad", "refuse", "auth", query=query, auth={"mode": "none"})


AUTH = {
    "auth-missing": _no_auth,
    "auth-garbage": _garbage_auth,
    "auth-bad-signature": _post("auth-bad-signature", ("flip-signature",)),
    "auth-wrong-region-scope": _post("auth-wrong-region-scope", ("scope", 2, "eu-west-3")),
    "auth-wrong-service-scope": _post("auth-wrong-service-scope", ("scope", 3, "sts")),
    "auth-wrong-date-scope": _post("auth-wrong-date-scope", ("scope", 1, "20200101")),
    "auth-wrong-terminator": _post("auth-wrong-terminator", ("scope", 4, "aws5_request")),
    "auth-four-part-credential": _post("auth-four-part-credential", ("scope", 2, None)),
    "auth-missing-date": _post("auth-missing-date", ("remove", "X-Amz-Date")),
    "auth-bad-date": _post("auth-bad-date", ("set", "X-Amz-Date", "2020-01-01T00:00:00Z")),
    "auth-signed-header-absent": _post(
        "auth-signed-header-absent", ("replace", "Authorization", "SignedHeaders=", "SignedHeaders=x-fuzz;")),
    "auth-signed-headers-without-host": lambda m: _post(
        "auth-signed-headers-without-host", ("replace", "Authorization", "host;", ""),
        ("replace", "Authorization", ";host", ""))(m),
    "auth-wrong-algorithm": _post("auth-wrong-algorithm", ("replace", "Authorization", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")),
    "auth-missing-signature": _post("auth-missing-signature", ("replace", "Authorization", "Signature=", "Sig=")),
    "auth-content-sha256-mismatch": _post("auth-content-sha256-mismatch", ("set", "X-Amz-Content-SHA256", "0" * 64)),
    "auth-body-tampered": lambda m: _tampered(m),
    "auth-expired-20min": _sign_edit("auth-expired-20min", offset=-20 * 60),
    "auth-expired-years": _sign_edit("auth-expired-years", offset=-20 * 365 * 86400),
    "auth-future-20min": _sign_edit("auth-future-20min", offset=20 * 60),
    "auth-future-years": _sign_edit("auth-future-years", offset=60 * 365 * 86400),
    "auth-unknown-access-key": _sign_edit("auth-unknown-access-key", access_key="AKIAFUZZUNKNOWNKEY00"),
    "auth-wrong-secret": _sign_edit("auth-wrong-secret", secret_key="not-the-secret-fuzz"),
    "auth-presigned-bad": _presigned,
    "auth-within-skew": _sign_edit("auth-within-skew", expect="any", offset=-10 * 60),
    "auth-other-region": _sign_edit("auth-other-region", expect="any", region="eu-west-3"),
}


def _tampered(m):
    spec = m.mutate("auth-body-tampered", "refuse", "auth")
    spec.auth["unsigned_body_suffix"] = True
    return spec


# --- awsJson -------------------------------------------------------------------------------

def _missing_required(m):
    candidates = []
    for path, value, shape in walk(m.serialized.document, m.input_shape):
        if shape.type_name == "structure" and isinstance(value, dict):
            for member in shape.required_members:
                if member in value:
                    candidates.append(path + (member,))
    if not candidates:
        return None
    path = m.rng.choice(candidates)
    document = json.loads(json.dumps(m.serialized.document))
    del get(document, path[:-1])[path[-1]]
    return m.mutate("json-missing-required", "strict", "model", dumps(document))


def _extra_member(m):
    structures = [(p, v) for p, v, s in walk(m.serialized.document, m.input_shape)
                  if s.type_name == "structure" and isinstance(v, dict)]
    path, _ = m.rng.choice(structures) if structures else ((), None)
    document = json.loads(json.dumps(m.serialized.document))
    target = get(document, path)
    target[m.rng.choice(["fuzzExtra", "__type", "Fuzz", ""])] = m.rng.choice([1, "x", [1, 2], {"a": None}, None])
    return m.mutate("json-extra-member", "any", "model", dumps(document))


def _wrong_type(m):
    members = m.members()
    if not members:
        return None
    path, _, shape = m.rng.choice(members)
    value = wrong_value(shape.type_name, m.rng)
    expect = "any" if shape.type_name == "timestamp" and isinstance(value, str) else "strict"
    return m.mutate("json-wrong-type", expect, "model", dumps(put(m.serialized.document, path, value)))


def _null(m):
    members = m.members()
    if not members:
        return None
    path = m.rng.choice(members)[0]
    return m.mutate("json-null-member", "any", "model", dumps(put(m.serialized.document, path, None)))


def _number_edge(m):
    members = m.members(NUMBER_TYPES + ("timestamp",))
    if members:
        path = m.rng.choice(members)[0]
    else:
        members = m.members()
        if not members:
            return None
        path = m.rng.choice(members)[0]
    token = m.rng.choice(NUMBER_TOKENS)
    return m.mutate("json-number-edge", "any", "model", with_raw(m.serialized.document, path, token.encode()))


def _bad_number(m):
    members = m.members() or [((m.rng.choice(["fuzz"]),), None, None)]
    path = m.rng.choice(members)[0]
    token = m.rng.choice(BAD_JSON_NUMBERS)
    # Foundation's JSONDecoder reads some of these (`1.`) where the member is ignored.
    return m.mutate("json-bad-number-token", "strict", "wire", with_raw(m.serialized.document, path, token.encode()))


def _huge_string(m):
    members = m.members(STRING_TYPES)
    if not members:
        return None
    path = m.rng.choice(members)[0]
    size = m.rng.choice([300, 70_000, 1_000_000])
    text = m.rng.choice(["A", "\u20ac", "\U0001F600", "\\"]) * size
    return m.mutate("json-huge-string", "any", "model", dumps(put(m.serialized.document, path, text)))


def _huge_list(m):
    members = m.members(("list",))
    if members:
        path, value, _ = m.rng.choice(members)
        element = value[0] if value else "x"
    else:
        path, element = ("fuzzList",), "x"
    count = m.rng.choice([1001, 100_000])
    count = min(count, max(1001, 2_000_000 // max(1, len(json.dumps(element)))))
    return m.mutate("json-huge-list", "any", "model", dumps(put(m.serialized.document, path, [element] * count)))


def _deep(m):
    depth = m.rng.choice([600, 10_000, 100_000])
    if m.rng.random() < 0.5:
        raw = b"[" * depth + b"]" * depth
    else:
        raw = b'{"a":' * depth + b"1" + b"}" * depth
    members = m.members()
    if members and m.rng.random() < 0.7:
        return m.mutate("json-deep-member", "any", "model", with_raw(m.serialized.document, m.rng.choice(members)[0], raw))
    return m.mutate("json-deep-root", "refuse", "wire", raw)


def _invalid_utf8(m):
    members = m.members(STRING_TYPES)
    raw = m.rng.choice(INVALID_UTF8)
    if members:
        body = with_raw(m.serialized.document, m.rng.choice(members)[0], b'"fz' + raw + b'"')
    else:
        body = dumps(m.serialized.document)[:-1] + b', "fz' + raw + b'": 1}'
    return m.mutate("json-invalid-utf8", "strict", "wire", body)


def _escapes(m):
    members = m.members(STRING_TYPES)
    if not members:
        return None
    raw = m.rng.choice([b'"\\ud800"', b'"\\udc00x"', b'"\\u0000"', b'"\\uZZZZ"', b'"\\x41"', b'"a\x01b"', b'"a\nb"'])
    expect = "refuse" if raw in (b'"\\uZZZZ"', b'"\\x41"', b'"a\x01b"', b'"a\nb"') else "any"
    return m.mutate("json-escapes", expect, "wire", with_raw(m.serialized.document, m.rng.choice(members)[0], raw))


def _duplicate_key(m):
    document = m.serialized.document
    body = dumps(document)
    if isinstance(document, dict) and document:
        key = m.rng.choice(sorted(document))
        body = body[:-1] + b", " + json.dumps(key).encode() + b": " + json.dumps(m.rng.choice([1, "dup", None, []])).encode() + b"}"
    else:
        body = b'{"a": 1, "a": 2}'
    return m.mutate("json-duplicate-key", "any", "wire", body)


def _truncated(m):
    body = dumps(m.serialized.document)
    cut = m.rng.randint(0, max(0, len(body) - 1))
    body = body[:cut]
    try:
        json.loads(body)
        expect = "any"
    except ValueError:
        expect = "refuse" if body.strip() else "any"
    return m.mutate("json-truncated", expect, "wire", body)


def _root(m):
    body = m.rng.choice([b"[]", b"null", b"1", b'"x"', b"true", b"[{}]", b"{}x", b"{} {}", b"{,}", b"{'a':1}"])
    return m.mutate("json-bad-root", "refuse", "wire", body)


def _garbage(m):
    body = bytes(m.rng.randint(0, 255) for _ in range(m.rng.randint(1, 300)))
    try:
        json.loads(body)
        expect = "any"
    except ValueError:
        expect = "refuse"
    return m.mutate("json-garbage", expect, "wire", body)


def _bom_and_whitespace(m):
    body = dumps(m.serialized.document)
    choice = m.rng.choice(["bom", "trailing-space", "trailing-garbage", "nul"])
    if choice == "bom":
        return m.mutate("json-bom", "any", "wire", b"\xef\xbb\xbf" + body)
    if choice == "trailing-space":
        return m.mutate("json-trailing-space", "any", "wire", body + b" \r\n\t")
    if choice == "nul":
        return m.mutate("json-trailing-nul", "refuse", "wire", body + b"\x00")
    return m.mutate("json-trailing-garbage", "refuse", "wire", body + b"x")


def _target(m):
    prefix = m.service.target_prefix
    choice = m.rng.choice(["missing", "unknown", "prefix", "empty", "dot", "latin1", "long", "other-service"])
    values = {
        "unknown": f"{prefix}.FuzzNoSuchOperation", "prefix": f"NotAService.{m.operation.name}", "empty": "",
        "dot": f"{prefix}.", "latin1": f"{prefix}.\xe9\xff", "long": f"{prefix}." + "A" * 8000,
        "other-service": f"Logs_20140328.{m.operation.name}" if prefix != "Logs_20140328"
        else f"AmazonEC2ContainerServiceV20141113.{m.operation.name}",
    }
    spec = m.mutate(f"json-target-{choice}", "refuse", "wire")
    if choice == "missing":
        spec.headers.pop("X-Amz-Target", None)
    else:
        spec.headers["X-Amz-Target"] = values[choice]
    return spec


JSON_ONLY = {
    "json-missing-required": _missing_required,
    "json-extra-member": _extra_member,
    "json-wrong-type": _wrong_type,
    "json-null-member": _null,
    "json-number-edge": _number_edge,
    "json-bad-number-token": _bad_number,
    "json-huge-string": _huge_string,
    "json-huge-list": _huge_list,
    "json-deep": _deep,
    "json-invalid-utf8": _invalid_utf8,
    "json-escapes": _escapes,
    "json-duplicate-key": _duplicate_key,
    "json-truncated": _truncated,
    "json-bad-root": _root,
    "json-garbage": _garbage,
    "json-bom-whitespace": _bom_and_whitespace,
    "json-target": _target,
}


# --- Query ---------------------------------------------------------------------------------

def _pairs(m):
    return list(m.serialized.params)


def _q_missing_required(m):
    required = m.input_shape.required_members if m.input_shape is not None else []
    if not required:
        return None
    member = m.rng.choice(required)
    pairs = [(k, v) for k, v in _pairs(m) if k != member and not k.startswith(member + ".")]
    return m.mutate("query-missing-required", "strict", "model", m.form(pairs))


def _q_extra(m):
    pairs = _pairs(m) + [(m.rng.choice(["FuzzExtra", "Fuzz.member.1", "fuzz", "X" * 300]), "1")]
    return m.mutate("query-extra-param", "any", "model", m.form(pairs))


def _q_wrong_type(m):
    keys = m.query_keys(NUMBER_TYPES + ("boolean", "timestamp"))
    if not keys:
        return None
    key = m.rng.choice(keys)
    value = m.rng.choice(["notanumber", "", "maybe", "1.5.5", "[]", "{}"])
    pairs = [(k, value if k == key else v) for k, v in _pairs(m)]
    return m.mutate("query-wrong-type", "strict", "model", m.form(pairs))


def _q_number_edge(m):
    keys = m.query_keys(NUMBER_TYPES) or m.query_keys()
    if not keys:
        return None
    key = m.rng.choice(keys)
    value = m.rng.choice(NUMBER_TOKENS + ["NaN", "Infinity", "-Infinity"])
    pairs = [(k, value if k == key else v) for k, v in _pairs(m)]
    return m.mutate("query-number-edge", "any", "model", m.form(pairs))


def _q_huge_string(m):
    keys = m.query_keys(STRING_TYPES)
    key = m.rng.choice(keys) if keys else "FuzzHuge"
    text = m.rng.choice(["A", "\u20ac", "%"]) * m.rng.choice([300, 70_000, 1_000_000])
    pairs = [(k, v) for k, v in _pairs(m) if k != key] + [(key, text)]
    return m.mutate("query-huge-string", "any", "model", m.form(pairs))


def _list_prefixes(m):
    """Prefixes of list members present (`Names.member`) or possible (`Names.member` for a
    list member of the input)."""
    prefixes = set()
    for key in m.query_keys():
        parts = key.split(".")
        for index, part in enumerate(parts):
            if part.isdigit() and index > 0:
                prefixes.add(".".join(parts[:index]))
    if m.input_shape is not None:
        for name, shape in m.input_shape.members.items():
            if shape.type_name == "list":
                prefixes.add(name if shape.serialization.get("flattened") else f"{name}.member")
    return sorted(prefixes)


def _q_huge_list(m):
    prefixes = _list_prefixes(m)
    prefix = m.rng.choice(prefixes) if prefixes else "Fuzz.member"
    count = m.rng.choice([1001, 5000, 50_000])
    pairs = [(k, v) for k, v in _pairs(m) if not k.startswith(prefix + ".")]
    pairs += [(f"{prefix}.{i}", "fz") for i in range(1, count + 1)]
    return m.mutate("query-huge-list", "any", "model", m.form(pairs))


def _q_bad_index(m):
    prefixes = _list_prefixes(m)
    prefix = m.rng.choice(prefixes) if prefixes else "Fuzz.member"
    index = m.rng.choice(["0", "99999999", "-1", "1a", "", "4294967297", "99999999999999999999999", "1.5", " 1"])
    pairs = [(k, v) for k, v in _pairs(m) if not k.startswith(prefix + ".")]
    if m.rng.random() < 0.5:
        pairs += [(f"{prefix}.1", "fz")]
    pairs += [(f"{prefix}.{index}", "fz")]
    return m.mutate("query-bad-index", "any", "model", m.form(pairs))


def _q_deep(m):
    depth = m.rng.choice([600, 5000])
    key = "Fuzz" + ".member.1" * depth
    prefixes = _list_prefixes(m)
    if prefixes and m.rng.random() < 0.5:
        key = prefixes[0] + ".1" + ".member.1" * depth
    return m.mutate("query-deep-key", "any", "model", m.form(_pairs(m) + [(key, "fz")]))


def _q_bad_percent(m):
    body = m.form(_pairs(m))
    bad = m.rng.choice([b"%", b"%Z", b"%ZZ", b"%E9", b"%FF%FE", b"%C0%AF", b"%00", b"\xff", b"%ED%A0%80", b"%%%"])
    where = m.rng.choice(["value", "name", "end"])
    if where == "end":
        body = body + b"&" + bad + b"=" + bad
    else:
        pieces = body.split(b"&")
        index = m.rng.randrange(len(pieces))
        name, _, value = pieces[index].partition(b"=")
        pieces[index] = (name + bad + b"=" + value) if where == "name" else (name + b"=" + value + bad)
        body = b"&".join(pieces)
    return m.mutate("query-bad-percent", "any", "wire", body)


def _q_duplicate(m):
    pairs = _pairs(m)
    if m.rng.random() < 0.5:
        pairs = pairs + [("Action", m.rng.choice(["FuzzNoSuchAction", m.operation.name, ""]))]
    else:
        key = m.rng.choice([k for k, _ in pairs])
        pairs = pairs + [(key, "dup")]
    return m.mutate("query-duplicate-param", "any", "wire", m.form(pairs))


def _q_action(m):
    choice = m.rng.choice(["missing-action", "empty-action", "unknown-action", "missing-version", "wrong-version"])
    pairs = _pairs(m)
    if choice == "missing-action":
        pairs = [(k, v) for k, v in pairs if k != "Action"]
    elif choice == "empty-action":
        pairs = [(k, "" if k == "Action" else v) for k, v in pairs]
    elif choice == "unknown-action":
        pairs = [(k, "FuzzNoSuchAction" if k == "Action" else v) for k, v in pairs]
    elif choice == "missing-version":
        pairs = [(k, v) for k, v in pairs if k != "Version"]
    else:
        pairs = [(k, "2012-06-01" if k == "Version" else v) for k, v in pairs]
    return m.mutate(f"query-{choice}", "refuse", "wire", m.form(pairs))


def _q_truncated(m):
    body = m.form(_pairs(m))
    cut = m.rng.randint(0, max(0, len(body) - 1))
    expect = "refuse" if b"Action=" not in body[:cut] else "any"
    return m.mutate("query-truncated", expect, "wire", body[:cut])


def _q_garbage(m):
    body = bytes(m.rng.randint(0, 255) for _ in range(m.rng.randint(1, 300)))
    return m.mutate("query-garbage", "refuse" if b"Action=" not in body else "any", "wire", body)


def _q_in_url(m):
    spec = m.mutate("query-params-in-url", "any", "wire", b"")
    spec.query = m.form(_pairs(m)).decode("latin-1")
    return spec


QUERY_ONLY = {
    "query-missing-required": _q_missing_required,
    "query-extra-param": _q_extra,
    "query-wrong-type": _q_wrong_type,
    "query-number-edge": _q_number_edge,
    "query-huge-string": _q_huge_string,
    "query-huge-list": _q_huge_list,
    "query-bad-index": _q_bad_index,
    "query-deep-key": _q_deep,
    "query-bad-percent": _q_bad_percent,
    "query-duplicate-param": _q_duplicate,
    "query-action": _q_action,
    "query-truncated": _q_truncated,
    "query-garbage": _q_garbage,
    "query-params-in-url": _q_in_url,
}


# --- both ----------------------------------------------------------------------------------

def _empty(m):
    expect = "refuse" if m.spec.protocol != "json" else "any"
    return m.mutate("empty-body", expect, "wire", b"")


def _content_type(m):
    value = m.rng.choice([None, "text/plain", "application/json", "application/x-www-form-urlencoded",
                          "application/x-amz-json-1.0", "application/x-amz-json-1.1", "multipart/form-data; boundary=x",
                          "\xe9\xff", "application/x-amz-cbor-1.1", "application/xml"])
    spec = m.mutate("content-type", "any", "wire")
    if value is None:
        spec.headers.pop("Content-Type", None)
        spec.mutation = "content-type-missing"
    else:
        spec.headers["Content-Type"] = value
    return spec


_BOMB = []


def _bomb():
    """16 MiB of JSON whitespace in 16 KiB of gzip: over the 10 MiB limit once inflated."""
    if not _BOMB:
        _BOMB.append(gzip.compress(b"{" + b" " * (16 * 1024 * 1024) + b"}"))
    return _BOMB[0]


def _content_encoding(m):
    choice = m.rng.choice(["gzip-not-gzip", "brotli", "gzip-real", "gzip-bomb", "gzip-truncated", "gzip-twice", "unknown"])
    body = m.spec.body
    encoding = "gzip"
    expect = "refuse"
    if choice == "gzip-real":
        body, expect = gzip.compress(body), "any"
    elif choice == "gzip-bomb":
        body = _bomb()
    elif choice == "gzip-truncated":
        body = gzip.compress(body)[:-9]
    elif choice == "gzip-twice":
        body = gzip.compress(gzip.compress(body))
    elif choice == "brotli":
        encoding = "br"
    elif choice == "unknown":
        encoding = "x-fuzz, gzip"
    spec = m.mutate(f"content-encoding-{choice}", expect, "wire", body)
    spec.headers["Content-Encoding"] = encoding
    return spec


def _method(m):
    method = m.rng.choice(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
    return m.mutate(f"method-{method}", "refuse" if m.spec.protocol == "json" else "any", "wire", method=method)


def _path(m):
    path = m.rng.choice(["/admiral-fuzz", "/a/b/c", "/index.html"])
    return m.mutate("path-other", "any", "wire", path=path)


COMMON = {
    "empty-body": _empty,
    "content-type": _content_type,
    "content-encoding": _content_encoding,
    "method": _method,
    "path": _path,
}
