"""botocore's service models, and valid input values generated from their shapes.

Values are "abstract": timestamps are datetimes and blobs are bytes, as botocore's
serializers take them; `serialize` turns them into a request body for one protocol.
"""
import base64
import datetime
import json
import re

import botocore.serialize
import botocore.session
import botocore.utils

# The services Admiral's endpoint may serve, by botocore name. Those it does not serve
# (yet) are found by probing and skipped.
SERVICE_NAMES = ["ecs", "elbv2", "cloudwatch", "application-autoscaling", "logs", "autoscaling", "ec2"]

# The wire protocols the fuzzer speaks (botocore's names); CBOR is not one of Admiral's.
PROTOCOLS = ("json", "query", "ec2")

_session = None


def session():
    global _session
    if _session is None:
        _session = botocore.session.get_session()
    return _session


class Service:
    """One botocore service model and the protocols it is fuzzed on."""

    def __init__(self, name):
        self.name = name
        self.model = session().get_service_model(name)
        declared = self.model.metadata.get("protocols") or [self.model.protocol]
        self.protocols = [p for p in declared if p in PROTOCOLS]
        self.signing_name = self.model.signing_name
        self.api_version = self.model.api_version
        self.target_prefix = self.model.metadata.get("targetPrefix")
        self.json_version = self.model.metadata.get("jsonVersion", "1.1")

    def operation(self, name):
        return self.model.operation_model(name)

    @property
    def operation_names(self):
        return sorted(self.model.operation_names)


def load_services(names=None):
    return [Service(name) for name in (names or SERVICE_NAMES)]


# --- Generation -------------------------------------------------------------------------

_pattern_cache = {}


def compiled(pattern):
    if pattern not in _pattern_cache:
        try:
            _pattern_cache[pattern] = re.compile(pattern)
        except (re.error, OverflowError):
            _pattern_cache[pattern] = None
    return _pattern_cache[pattern]


def fits(shape, text):
    meta = shape.metadata
    if len(text) < meta.get("min", 0) or ("max" in meta and len(text) > meta["max"]):
        return False
    pattern = meta.get("pattern")
    if pattern:
        regex = compiled(pattern)
        if regex is not None and not regex.fullmatch(text):
            return False
    return True


def singular(name):
    lower = name.lower()
    if lower.endswith("ies"):
        return lower[:-3] + "y"
    if lower.endswith("s") and not lower.endswith("ss"):
        return lower[:-1]
    return lower


class Pool:
    """String values seen in successful answers, by member name, so that generated
    requests name resources that exist (a cluster, a target group ARN...)."""

    LIMIT = 24

    def __init__(self):
        self.values = {}

    def add(self, name, value):
        if not isinstance(value, str) or not value or len(value) > 512:
            return
        bucket = self.values.setdefault(name.lower(), [])
        if value in bucket:
            return
        bucket.append(value)
        if len(bucket) > self.LIMIT:
            del bucket[0]

    def harvest(self, value, name=""):
        if isinstance(value, dict):
            for key, item in value.items():
                self.harvest(item, key)
        elif isinstance(value, list):
            for item in value:
                self.harvest(item, singular(name) if name else "")
        elif isinstance(value, str) and name:
            self.add(name, value)

    def candidates(self, name):
        lower = name.lower()
        keys = [lower, lower + "arn", lower + "name", singular(lower)]
        if lower.endswith("arn"):
            keys.append(lower[:-3] + "name")
        if lower.endswith("name"):
            keys.append(lower[:-4] + "arn")
        found = []
        for key in keys:
            found.extend(self.values.get(key, ()))
        return found


ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class Generator:
    """Valid input values for shapes: required members always, optional ones by chance,
    enums, patterns, lengths and ranges respected where the model states them."""

    MAX_DEPTH = 6

    def __init__(self, rng, pool):
        self.rng = rng
        self.pool = pool

    def value(self, shape, name="", depth=0):
        kind = shape.type_name
        method = getattr(self, "_" + kind, None)
        if method is None:
            return None
        return method(shape, name, depth)

    def _structure(self, shape, name, depth):
        if shape.is_document_type:
            return {"fuzz": self.rng.randint(0, 9)}
        members = shape.members
        required = set(shape.required_members)
        if shape.is_tagged_union and members:
            choice = self.rng.choice(sorted(members))
            return {choice: self.value(members[choice], choice, depth + 1)}
        chance = max(0.05, 0.5 - depth * 0.12)
        result = {}
        for member, member_shape in members.items():
            if member_shape.serialization.get("location"):
                continue
            if member in required or (depth < self.MAX_DEPTH and self.rng.random() < chance):
                value = self.value(member_shape, member, depth + 1)
                if value is not None:
                    result[member] = value
        return result

    def _size(self, shape, depth, typical=3):
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", low + typical)
        high = min(high, low + typical if depth < 3 else low + 1)
        return self.rng.randint(low, max(low, high))

    def _list(self, shape, name, depth):
        element = singular(name) if name else ""
        return [self.value(shape.member, element, depth + 1) for _ in range(self._size(shape, depth))]

    def _map(self, shape, name, depth):
        result = {}
        for _ in range(self._size(shape, depth, typical=2)):
            key = self._string(shape.key, "key", depth + 1)
            result[key] = self.value(shape.value, "value", depth + 1)
        return result

    def _string(self, shape, name, depth):
        rng = self.rng
        if shape.enum:
            return rng.choice(shape.enum)
        known = [v for v in self.pool.candidates(name) if fits(shape, v)] if name else []
        if known and rng.random() < 0.75:
            return rng.choice(known)
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", 64)
        word = "fz" + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(3, 10)))
        candidates = [
            word,
            word.upper(),
            str(rng.randint(1, 99999)),
            f"arn:aws:{rng.choice(['ecs', 'elasticloadbalancing', 'logs', 'cloudwatch'])}:us-east-1:"
            f"000000000000:{word}/{word}",
            f"/{word}/{word}",
            f"{word}.{word}",
            "x",
        ]
        for candidate in candidates:
            if fits(shape, candidate):
                return candidate
        text = word
        if len(text) < low:
            text = text + "a" * (low - len(text))
        return text[: max(high, low)]

    def _integer(self, shape, name, depth):
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", max(low, 0) + 100)
        if high - low > 1000:
            high = low + 1000 if low >= 0 or low + 1000 < 0 else 1000
        return self.rng.randint(int(low), int(max(low, high)))

    _long = _integer

    def _double(self, shape, name, depth):
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", low + 100.0)
        return round(self.rng.uniform(low, min(high, low + 1000.0)), 3)

    _float = _double

    def _boolean(self, shape, name, depth):
        return self.rng.random() < 0.5

    def _timestamp(self, shape, name, depth):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        return now - datetime.timedelta(seconds=self.rng.randint(0, 7200))

    def _blob(self, shape, name, depth):
        return bytes(self.rng.randint(0, 255) for _ in range(self.rng.randint(1, 16)))


# --- Serialization ----------------------------------------------------------------------


class TracingQuerySerializer(botocore.serialize.QuerySerializer):
    """botocore's Query serializer, remembering the shape behind each parameter name."""

    def __init__(self):
        super().__init__()
        self.trace = {}

    def _serialize(self, serialized, value, shape, prefix=""):
        self.trace[prefix] = shape
        super()._serialize(serialized, value, shape, prefix)


class TracingEC2Serializer(botocore.serialize.EC2Serializer):
    def __init__(self):
        super().__init__()
        self.trace = {}

    def _serialize(self, serialized, value, shape, prefix=""):
        self.trace[prefix] = shape
        super()._serialize(serialized, value, shape, prefix)


def to_json(value):
    """An abstract value as awsJson writes it: epoch seconds, base64 blobs."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


class Serialized:
    """A valid request's parts before signing."""

    def __init__(self, headers, body, document=None, params=None, trace=None):
        self.headers = headers          # dict, without Host or authentication
        self.body = body                # bytes
        self.document = document        # awsJson: the decoded body
        self.params = params            # Query: [(name, value)] in order
        self.trace = trace or {}        # Query: parameter name -> shape


def serialize(service, protocol, operation, params):
    if protocol == "json":
        document = to_json(params)
        headers = {
            "Content-Type": f"application/x-amz-json-{service.json_version}",
            "X-Amz-Target": f"{service.target_prefix}.{operation.name}",
        }
        return Serialized(headers, json.dumps(document).encode(), document=document)
    serializer = TracingQuerySerializer() if protocol == "query" else TracingEC2Serializer()
    request = serializer.serialize_to_request(params, operation)
    pairs = [(str(k), str(v)) for k, v in request["body"].items()]
    return Serialized(
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        encode_form(pairs).encode(), params=pairs, trace=serializer.trace)


def encode_form(pairs):
    return botocore.utils.percent_encode_sequence(pairs)
