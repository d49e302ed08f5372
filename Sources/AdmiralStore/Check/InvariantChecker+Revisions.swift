import AdmiralModel
import Foundation

extension InvariantChecker {
    /// The revisions of each task definition family are exactly 1...N, where N is the
    /// last revision the family's counter handed out: none missing, none twice, none
    /// beyond the counter (the next registration would collide with it).
    func checkRevisions(_ snapshot: StateSnapshot) -> [Violation] {
        let byFamily = Dictionary(grouping: snapshot.taskDefinitions, by: \.family)
        let families = Set(byFamily.keys).union(snapshot.familyCounters.keys).sorted()
        var violations: [Violation] = []
        for family in families {
            let revisions = (byFamily[family] ?? []).map(\.revision).sorted()
            let last = snapshot.familyCounters[family]
            let top = max(revisions.last ?? 0, last ?? 0)
            let subject = ARN(
                service: "ecs", region: names.region, accountId: names.accountId, resource: "task-definition/\(family)"
            ).description
            var problems: [String] = []
            let present = Set(revisions)
            let missing = top > 0 ? (1...top).filter { !present.contains($0) } : []
            if !missing.isEmpty { problems.append("revision(s) \(Self.ranges(missing)) are missing") }
            let twice = Dictionary(grouping: revisions, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            if !twice.isEmpty { problems.append("revision(s) \(Self.ranges(twice)) are stored twice") }
            if revisions.contains(where: { $0 < 1 }) { problems.append("a revision below 1 is stored") }
            if let last, let highest = revisions.last, highest > last {
                problems.append(
                    "revision \(highest) is stored but the family's counter is at \(last), so the next "
                        + "registration would reuse a revision")
            }
            if last == nil { problems.append("the family has no revision counter") }
            guard !problems.isEmpty else { continue }
            violations.append(
                Violation(
                    .revisions, subject: subject,
                    "Revisions of family '\(family)' must be 1...\(top) with none missing: "
                        + "\(problems.joined(separator: "; "))."))
        }
        return violations
    }

    /// `1-3,7` for [1, 2, 3, 7].
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count, numbers[end + 1] == numbers[end] + 1 { end += 1 }
            parts.append(end == index ? "\(numbers[index])" : "\(numbers[index])-\(numbers[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
