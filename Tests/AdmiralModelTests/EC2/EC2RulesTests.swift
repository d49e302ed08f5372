import Testing

@testable import AdmiralModel

@Suite("EC2 address ranges")
struct IPv4CIDRTests {
    @Test("a CIDR block parses, and strict parsing refuses bits past the prefix")
    func parses() throws {
        let block = try #require(IPv4CIDR("172.31.16.0/20"))
        #expect(block.description == "172.31.16.0/20")
        #expect(block.size == 4096)
        #expect(IPv4CIDR("10.0.0.1/16", strict: true) == nil)
        #expect(IPv4CIDR("10.0.0.1/16")?.description == "10.0.0.0/16")
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0/16", "256.0.0.0/8", "a.b.c.d/8", "10.0.0.0/-1", ""] {
            #expect(IPv4CIDR(bad) == nil, "\(bad)")
        }
    }

    @Test("containment and overlap of blocks")
    func containment() throws {
        let vpc = try #require(IPv4CIDR("10.0.0.0/16"))
        let a = try #require(IPv4CIDR("10.0.1.0/24"))
        let b = try #require(IPv4CIDR("10.0.1.128/25"))
        let c = try #require(IPv4CIDR("10.0.2.0/24"))
        let outside = try #require(IPv4CIDR("10.1.0.0/24"))
        #expect(vpc.contains(a) && vpc.contains(b) && vpc.contains(c))
        #expect(!vpc.contains(outside))
        #expect(!a.contains(vpc))
        #expect(a.overlaps(b) && b.overlaps(a))
        #expect(!a.overlaps(c))
        #expect(!vpc.overlaps(outside))
    }

    @Test("a subnet's usable addresses skip AWS's first four and the last")
    func usableAddresses() throws {
        let subnet = try #require(IPv4CIDR("10.0.1.0/28"))
        #expect(subnet.usableAddressCount == 11)
        let range = try #require(subnet.usableAddresses)
        #expect(IPv4CIDR.format(range.lowerBound) == "10.0.1.4")
        #expect(IPv4CIDR.format(range.upperBound) == "10.0.1.14")
        #expect(try #require(IPv4CIDR("172.31.0.0/20")).usableAddressCount == 4091)
    }
}

@Suite("EC2 filters")
struct EC2FilterTests {
    @Test("wildcards: * any run, ? one character, backslash escapes")
    func wildcards() {
        #expect(EC2FilterSet.wildcard("web-*", matches: "web-1"))
        #expect(EC2FilterSet.wildcard("*", matches: ""))
        #expect(EC2FilterSet.wildcard("us-east-1?", matches: "us-east-1a"))
        #expect(!EC2FilterSet.wildcard("us-east-1?", matches: "us-east-1"))
        #expect(EC2FilterSet.wildcard("a*b*c", matches: "aXXbYYc"))
        #expect(!EC2FilterSet.wildcard("a*b*c", matches: "aXXbYY"))
        #expect(EC2FilterSet.wildcard("a\\*", matches: "a*"))
        #expect(!EC2FilterSet.wildcard("a\\*", matches: "ab"))
        #expect(!EC2FilterSet.wildcard("web", matches: "web-1"))
    }

    @Test("several values match any; several filters must all match; tags filter by key and value")
    func semantics() throws {
        let filters = try EC2FilterSet(
            [
                EC2.Filter(name: "availability-zone", values: ["us-east-1a", "us-east-1b"]),
                EC2.Filter(name: "tag:Name", values: ["web*"]),
            ], allowed: ["availability-zone"])
        let values: (String) -> (String) -> [String] = { zone in { _ in [zone] } }
        #expect(filters.matches(tags: ["Name": "web-1"], values: values("us-east-1b")))
        #expect(!filters.matches(tags: ["Name": "web-1"], values: values("us-east-1c")))
        #expect(!filters.matches(tags: ["Name": "api"], values: values("us-east-1a")))
        #expect(!filters.matches(tags: [:], values: values("us-east-1a")))
        let keys = try EC2FilterSet([EC2.Filter(name: "tag-key", values: ["Env"])], allowed: [])
        #expect(keys.matches(tags: ["Env": "x"]) { _ in [] })
        #expect(!keys.matches(tags: ["Name": "x"]) { _ in [] })
    }

    @Test("an unknown filter name is InvalidParameterValue")
    func unknownName() {
        #expect(throws: AdmiralError.self) {
            try EC2FilterSet([EC2.Filter(name: "bogus", values: ["x"])], allowed: ["vpc-id"])
        }
        do {
            _ = try EC2FilterSet([EC2.Filter(name: "bogus", values: ["x"])], allowed: ["vpc-id"])
        } catch {
            #expect(error.code.rawValue == "InvalidParameterValue")
        }
    }

    @Test("ids are the prefix and 17 hexadecimal digits")
    func ids() {
        let id = EC2IDs.make("vpc")
        #expect(id.count == 21)
        #expect(EC2IDs.isWellFormed(id, prefix: "vpc"))
        #expect(!EC2IDs.isWellFormed("vpc-xyz", prefix: "vpc"))
        #expect(EC2IDs.isWellFormed(EC2Catalogue.agentImageId, prefix: "ami"))
    }
}
