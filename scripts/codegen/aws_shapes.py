#!/usr/bin/env python3
"""Generate Swift Codable types for an AWS service's shapes from botocore's model.

The model (member names, types, required members, enum values) is the reference for
the wire shapes; this script turns it into plain Swift structs and enums under a
namespace, so that the API layer decodes and encodes exactly what clients send.

    python3 scripts/codegen/aws_shapes.py ecs 2014-11-13 ECS Sources/AdmiralModel/ECS/Generated
    python3 scripts/codegen/aws_shapes.py elbv2 2015-12-01 ELBv2 Sources/AdmiralModel/ELBv2/Generated
    python3 scripts/codegen/aws_shapes.py cloudwatch 2010-08-01 CloudWatch Sources/AdmiralModel/CloudWatch/Generated
    python3 scripts/codegen/aws_shapes.py ec2 2016-11-15 EC2 Sources/AdmiralModel/EC2/Generated \
        $(cat scripts/codegen/ec2_operations.txt)

For a Query-protocol service (elbv2, and cloudwatch, which speaks awsJson 1.0 and Query) the Swift properties are lowerCamelCase with
`CodingKeys` that carry the model's PascalCase member names (the names on the wire, in
form parameters and in XML), enumerations reject unknown values with the Query
protocol's ValidationError wording, and every structure reachable from an operation's
input also gets a `ModelConstraints` conformance that checks the model's ranges,
lengths and patterns, reporting violations as AWS words them.

For the `ec2` protocol (4,000 shapes) only the shapes reachable from the operations
named after the output folder are generated. Its members are written differently in
requests and answers: a request names a member by its `queryName`, else its
`locationName` with the first letter upper-cased, else its name; an answer by its
`locationName`, else its name. The `CodingKeys` carry the answer's name, which AWSWire's
EC2 mode upper-cases to read a request (the model never needs both spellings for one
structure; a `queryName` that differs is kept for the structures only requests carry).

Re-run it when botocore's model changes; the output is committed.
"""
import gzip
import json
import os
import re
import sys

import botocore

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
    "init", "inout", "internal", "let", "open", "operator", "private", "protocol", "public",
    "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "continue",
    "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat",
    "return", "switch", "where", "while", "as", "catch", "false", "is", "nil", "super", "self",
    "Self", "throw", "throws", "true", "try", "Type", "Any", "some",
}
SHAPES_PER_FILE = 60
# Shape names that cannot name a Swift type.
SWIFT_TYPE_NAMES = {"Type": "TypeName"}
# Member names whose lowerCamelCase form is not the first letter lowered.
SWIFT_MEMBER_NAMES = {"DNSName": "dnsName", "IPv6Address": "ipv6Address"}


def load_model(service, version):
    base = os.path.join(os.path.dirname(botocore.__file__), "data", service, version)
    path = os.path.join(base, "service-2.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    with gzip.open(path + ".gz") as f:
        return json.load(f)


def ident(name):
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def case_name(value):
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", value) if p]
    if not parts:
        return "empty"
    words = []
    for p in parts:
        if p.isupper() or p.islower():
            words.append(p.lower())
        else:
            words.append(p[0].lower() + p[1:])
    name = words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    if name[0].isdigit():
        name = "v" + name
    return ident(name)


class Generator:
    def __init__(self, model, namespace, operations=None):
        self.model = model
        self.shapes = model["shapes"]
        self.ns = namespace
        self.ec2 = model["metadata"]["protocol"] == "ec2"
        self.operations = operations or sorted(model["operations"])
        self.selected = self.reachable(self.operations) if operations else set(self.shapes)
        # Query services, and JSON services that keep Query compatibility (CloudWatch), name
        # members in PascalCase on the wire in both protocols.
        metadata = model["metadata"]
        self.query = metadata["protocol"] in ("query", "ec2") or "query" in metadata.get("protocols", [])
        # JSON services whose members are PascalCase on the wire (Application Auto Scaling)
        # get lowerCamelCase properties with CodingKeys too, so that no property shares its
        # name with its type.
        self.pascal = self.query or any(
            name[:1].isupper()
            for shape in self.shapes.values() if shape["type"] == "structure"
            for name in shape["members"])

    def reachable(self, operations):
        """Every shape an operation's input or output reaches."""
        seen = set()
        todo = []
        for op in operations:
            spec = self.model["operations"][op]
            todo.extend(spec[part]["shape"] for part in ("input", "output") if part in spec)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            s = self.shapes[name]
            if s["type"] == "structure":
                todo.extend(m["shape"] for m in s["members"].values())
            elif s["type"] == "list":
                todo.append(s["member"]["shape"])
            elif s["type"] == "map":
                todo.extend([s["key"]["shape"], s["value"]["shape"]])
        return seen

    def wire_key(self, member_name, member):
        """The `CodingKey` string of a member: its name, or for the ec2 protocol the
        name in answers (see the module comment)."""
        if not self.ec2:
            return member_name
        location = member.get("locationName")
        query = member.get("queryName")
        if query and (not location or query != location[:1].upper() + location[1:]):
            return query
        return location or member_name

    def member_name(self, wire_name):
        """The Swift property name of a member: the model's name for JSON services, the
        lowerCamelCase form for Query services (whose CodingKeys keep the wire name)."""
        if not self.pascal:
            return wire_name
        return SWIFT_MEMBER_NAMES.get(wire_name, wire_name[:1].lower() + wire_name[1:])

    def type_name(self, name):
        return SWIFT_TYPE_NAMES.get(name, name)

    def representable(self, owner, shape_name):
        """Whether a member of `owner` with this shape can be a stored property: not an
        exception or event stream (CloudWatch Logs' live tail), and not a structure that
        holds `owner` directly, which would give the Swift struct an infinite size."""
        s = self.shapes[shape_name]
        if s["type"] != "structure":
            return True
        if s.get("exception") or s.get("eventstream"):
            return False
        todo, seen = [shape_name], set()
        while todo:
            name = todo.pop()
            if name == owner:
                return False
            if name in seen:
                continue
            seen.add(name)
            todo.extend(m["shape"] for m in self.shapes[name]["members"].values()
                        if self.shapes[m["shape"]]["type"] == "structure")
        return True

    def is_enum(self, name):
        s = self.shapes[name]
        return s["type"] == "string" and "enum" in s

    def swift_type(self, name):
        s = self.shapes[name]
        t = s["type"]
        if t == "structure":
            return self.type_name(name)
        if t == "string":
            return self.type_name(name) if "enum" in s else "String"
        if t in ("integer", "long"):
            return "Int"
        if t in ("double", "float"):
            return "Double"
        if t == "boolean":
            return "Bool"
        if t == "timestamp":
            return "Date"
        if t == "blob":
            return "Data"
        if t == "list":
            return f"[{self.swift_type(s['member']['shape'])}]"
        if t == "map":
            return f"[{self.swift_type(s['key']['shape'])}: {self.swift_type(s['value']['shape'])}]"
        raise ValueError(f"unknown type {t} for {name}")

    def emit_struct(self, name, s):
        required = set(s.get("required", []))
        members = [(n, m) for n, m in s["members"].items() if self.representable(name, m["shape"])]
        out = []
        out.append(f"    /// The `{name}` shape of the {self.model['metadata']['serviceId']} API.")
        out.append(f"    public struct {self.type_name(name)}: Codable, Sendable, Hashable {{")
        for mname, m in members:
            t = self.swift_type(m["shape"])
            opt = "" if mname in required else "?"
            out.append(f"        public var {ident(self.member_name(mname))}: {t}{opt}")
        params = []
        for mname, m in members:
            t = self.swift_type(m["shape"])
            swift_name = ident(self.member_name(mname))
            if mname in required:
                params.append(f"{swift_name}: {t}")
            else:
                params.append(f"{swift_name}: {t}? = nil")
        if self.pascal and members:
            out.append("")
            out.append("        enum CodingKeys: String, CodingKey {")
            for mname, m in members:
                out.append(f"            case {ident(self.member_name(mname))} = {json.dumps(self.wire_key(mname, m))}")
            out.append("        }")
        out.append("")
        out.append(f"        /// Creates a `{name}`; members left out are absent on the wire.")
        if params:
            out.append("        public init(")
            out.append(",\n".join(f"            {p}" for p in params))
            out.append("        ) {")
            for mname, _ in members:
                n = self.member_name(mname)
                out.append(f"            self.{n} = {ident(n)}")
            out.append("        }")
        else:
            out.append("        public init() {}")
        out.append("    }")
        return "\n".join(out)

    def emit_enum(self, name, s):
        out = []
        out.append(f"    /// The `{name}` enumeration of the {self.model['metadata']['serviceId']} API.")
        out.append(f"    public enum {self.type_name(name)}: String, Codable, Sendable, Hashable, CaseIterable, AWSEnum {{")
        seen = set()
        for v in s["enum"]:
            c = case_name(v)
            while c in seen:
                c = c + "_"
            seen.add(c)
            out.append(f"        case {c} = {json.dumps(v)}")
        out.append("")
        out.append("        /// Decodes the value, rejecting anything that is not one of the enumeration's values.")
        out.append("        public init(from decoder: any Decoder) throws {")
        decode = "decodeQueryEnum" if self.query else "decodeAWSEnum"
        out.append(f"            self = try Self.{decode}(from: decoder)")
        out.append("        }")
        out.append("    }")
        return "\n".join(out)

    def input_reachable(self):
        """The structures reachable from operation inputs, which clients fill in."""
        seen = set()
        todo = [op["input"]["shape"] for op in self.model["operations"].values() if "input" in op]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            s = self.shapes[name]
            if s["type"] == "structure":
                seen.add(name)
                todo.extend(m["shape"] for m in s["members"].values())
            elif s["type"] == "list":
                todo.append(s["member"]["shape"])
        return seen

    def scalar_checks(self, shape_name, value, path):
        """Swift statements checking a scalar's model constraints."""
        s = self.shapes[shape_name]
        lines = []
        lo, hi = s.get("min"), s.get("max")
        lo_s = "nil" if lo is None else str(lo)
        hi_s = "nil" if hi is None else str(hi)
        if s["type"] in ("integer", "long") and (lo is not None or hi is not None):
            lines.append(f"violations.range({value}, at: {path}, min: {lo_s}, max: {hi_s})")
        if s["type"] == "string" and "enum" not in s:
            if lo is not None or hi is not None:
                lines.append(f"violations.length({value}, at: {path}, min: {lo_s}, max: {hi_s})")
            if "pattern" in s:
                lines.append(f"violations.pattern({value}, at: {path}, ##\"{s['pattern']}\"##)")
        return lines

    def emit_constraints(self, name, s):
        required = set(s.get("required", []))
        body = []
        for mname, m in s["members"].items():
            prop = ident(self.member_name(mname))
            wire = mname[:1].lower() + mname[1:]
            path = f'ConstraintViolations.join(path, "{wire}")'
            target = self.shapes[m["shape"]]
            optional = mname not in required
            if target["type"] == "structure":
                if optional:
                    body.append(f"{prop}?.checkConstraints(at: {path}, into: &violations)")
                else:
                    body.append(f"{prop}.checkConstraints(at: {path}, into: &violations)")
            elif target["type"] == "list":
                lo, hi = target.get("min"), target.get("max")
                if lo is not None or hi is not None:
                    lo_s = "nil" if lo is None else str(lo)
                    hi_s = "nil" if hi is None else str(hi)
                    body.append(f"violations.count({prop}, at: {path}, min: {lo_s}, max: {hi_s})")
                element = self.shapes[target["member"]["shape"]]
                element_path = f'ConstraintViolations.join(path, "{wire}.\\(index + 1).member")'
                items = f"({prop} ?? [])" if optional else prop
                if element["type"] == "structure":
                    body.append(f"for (index, element) in {items}.enumerated() {{")
                    body.append(f"    element.checkConstraints(at: {element_path}, into: &violations)")
                    body.append("}")
                else:
                    checks = self.scalar_checks(target["member"]["shape"], "element", element_path)
                    if checks:
                        body.append(f"for (index, element) in {items}.enumerated() {{")
                        body.extend("    " + c for c in checks)
                        body.append("}")
            elif target["type"] != "map":
                body.extend(self.scalar_checks(m["shape"], prop, path))
        out = [f"extension {self.ns}.{self.type_name(name)}: ModelConstraints {{"]
        out.append("    /// Checks the model's ranges, lengths and patterns of this structure and its members.")
        if body:
            out.append("    public func checkConstraints(at path: String, into violations: inout ConstraintViolations) {")
            out.extend("        " + line for line in body)
        else:
            out.append("    public func checkConstraints(at path: String, into violations: inout ConstraintViolations) {")
        out.append("    }")
        out.append("}")
        return "\n".join(out)

    def generate(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        for f in os.listdir(outdir):
            if f.endswith(".swift"):
                os.remove(os.path.join(outdir, f))
        items = []
        for name in sorted(self.selected):
            s = self.shapes[name]
            if s["type"] == "structure":
                if s.get("exception") or s.get("eventstream"):
                    continue
                items.append(self.emit_struct(name, s))
            elif self.is_enum(name):
                items.append(self.emit_enum(name, s))
        header = (
            "// Generated by scripts/codegen/aws_shapes.py from botocore's "
            f"{self.model['metadata']['uid']} model. Do not edit.\n\n"
            "import Foundation\n\n"
        )
        chunks = [items[i:i + SHAPES_PER_FILE] for i in range(0, len(items), SHAPES_PER_FILE)]
        for n, chunk in enumerate(chunks, 1):
            body = header + f"extension {self.ns} {{\n" + "\n\n".join(chunk) + "\n}\n"
            with open(os.path.join(outdir, f"{self.ns}+Shapes{n}.swift"), "w") as f:
                f.write(body)
        print(f"{len(items)} shapes in {len(chunks)} files")
        if self.query and not self.ec2:
            checks = [self.emit_constraints(name, self.shapes[name]) for name in sorted(self.input_reachable())]
            groups = [checks[i:i + 2 * SHAPES_PER_FILE] for i in range(0, len(checks), 2 * SHAPES_PER_FILE)]
            for n, group in enumerate(groups, 1):
                with open(os.path.join(outdir, f"{self.ns}+Constraints{n}.swift"), "w") as f:
                    f.write(header + "\n\n".join(group) + "\n")
            print(f"{len(checks)} constraint checks in {len(groups)} files")


def main():
    service, version, namespace, outdir = sys.argv[1:5]
    Generator(load_model(service, version), namespace, sys.argv[5:]).generate(outdir)


if __name__ == "__main__":
    main()
