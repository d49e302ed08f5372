#!/usr/bin/env python3
"""Generate Swift Codable types for an AWS service's shapes from botocore's model.

The model (member names, types, required members, enum values) is the reference for
the wire shapes; this script turns it into plain Swift structs and enums under a
namespace, so that the API layer decodes and encodes exactly what clients send.

    python3 scripts/codegen/aws_shapes.py ecs 2014-11-13 ECS Sources/AdmiralModel/ECS/Generated

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
    def __init__(self, model, namespace):
        self.model = model
        self.shapes = model["shapes"]
        self.ns = namespace

    def is_enum(self, name):
        s = self.shapes[name]
        return s["type"] == "string" and "enum" in s

    def swift_type(self, name):
        s = self.shapes[name]
        t = s["type"]
        if t == "structure":
            return name
        if t == "string":
            return name if "enum" in s else "String"
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
        members = list(s["members"].items())
        out = []
        out.append(f"    /// The `{name}` shape of the {self.model['metadata']['serviceId']} API.")
        out.append(f"    public struct {name}: Codable, Sendable, Hashable {{")
        for mname, m in members:
            t = self.swift_type(m["shape"])
            opt = "" if mname in required else "?"
            out.append(f"        public var {ident(mname)}: {t}{opt}")
        params = []
        for mname, m in members:
            t = self.swift_type(m["shape"])
            if mname in required:
                params.append(f"{ident(mname)}: {t}")
            else:
                params.append(f"{ident(mname)}: {t}? = nil")
        out.append("")
        out.append(f"        /// Creates a `{name}`; members left out are absent on the wire.")
        if params:
            out.append("        public init(")
            out.append(",\n".join(f"            {p}" for p in params))
            out.append("        ) {")
            for mname, _ in members:
                n = mname
                out.append(f"            self.{n} = {ident(mname)}")
            out.append("        }")
        else:
            out.append("        public init() {}")
        out.append("    }")
        return "\n".join(out)

    def emit_enum(self, name, s):
        out = []
        out.append(f"    /// The `{name}` enumeration of the {self.model['metadata']['serviceId']} API.")
        out.append(f"    public enum {name}: String, Codable, Sendable, Hashable, CaseIterable, AWSEnum {{")
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
        out.append("            self = try Self.decodeAWSEnum(from: decoder)")
        out.append("        }")
        out.append("    }")
        return "\n".join(out)

    def generate(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        for f in os.listdir(outdir):
            if f.endswith(".swift"):
                os.remove(os.path.join(outdir, f))
        items = []
        for name in sorted(self.shapes):
            s = self.shapes[name]
            if s["type"] == "structure":
                if s.get("exception"):
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


def main():
    service, version, namespace, outdir = sys.argv[1:5]
    Generator(load_model(service, version), namespace).generate(outdir)


if __name__ == "__main__":
    main()
