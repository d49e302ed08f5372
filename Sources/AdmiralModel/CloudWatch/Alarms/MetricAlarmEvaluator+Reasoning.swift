import Foundation

extension MetricAlarmEvaluator {
    /// The `StateReason` text and `StateReasonData` JSON CloudWatch writes for a decision.
    ///
    /// Wording, as CloudWatch writes it (datapoints newest first, at most 5 listed):
    /// - `Threshold Crossed: 2 out of the last 3 datapoints [55.0 (07/12/26 07:40:00), 60.0 (07/12/26 07:39:00)]
    ///   were greater than the threshold (50.0) (minimum 2 datapoints for OK -> ALARM transition).`, with
    ///   ` and 1 missing datapoint was treated as [Breaching]` before the minimum when datapoints were filled,
    ///   and `were ... (t). The most recent datapoints which crossed the threshold: [...]` past 5 datapoints;
    /// - for alarms without `DatapointsToAlarm`: `Threshold Crossed: 1 datapoint [...] was not greater than the
    ///   threshold (60.0).` or `Threshold Crossed: 24 datapoints were greater than the threshold (0.0). The most
    ///   recent datapoints which crossed the threshold: [...].`;
    /// - when only filled datapoints decided: `Threshold Crossed: no datapoints were received for 3 periods and
    ///   3 missing datapoints were treated as [Breaching].`;
    /// - `Insufficient Data: 1 datapoint was unknown.`
    struct Reasoning {
        /// The most datapoints a state reason lists.
        static let listedDatapoints = 5

        let input: Input
        let decision: Decision

        /// The real datapoints on the side that decided the state (breaching for ALARM, not breaching for OK),
        /// newest first; for alarms without `DatapointsToAlarm` only as many as the transition needs.
        var cited: [AlarmDatapoint] {
            let alarm = decision.state == .alarm
            let side = decision.evaluated.reversed().filter { input.isBreaching($0) == alarm }
            return input.datapointsToAlarm == nil ? Array(side.prefix(minimum)) : side
        }

        /// The minimum number of datapoints for the transition: M into ALARM, N − M + 1 into OK.
        var minimum: Int {
            decision.state == .alarm ? input.effectiveDatapointsToAlarm : input.datapointsToRecover
        }

        var stateReason: String? {
            switch decision.basis {
            case .retained, .unsupportedComparison: return nil
            case .insufficientData:
                let count = decision.unknownCount
                return "Insufficient Data: \(count) \(Self.datapoints(count)) \(Self.was(count)) unknown."
            case .datapoints, .prematureAlarm:
                return crossedReason
            }
        }

        var stateReasonData: String? {
            // Exactly when there is a state reason (without building its text a second time).
            if decision.basis == .retained || decision.basis == .unsupportedComparison { return nil }
            let evaluated = decision.evaluated
            let document = AlarmJSON.fields([
                ("version", .string("1.0")),
                ("queryDate", .string(AlarmFormat.jsonTimestamp(input.now))),
                ("startDate", evaluated.first.map { .string(AlarmFormat.jsonTimestamp($0.timestamp)) }),
                ("unit", input.unit.map(AlarmJSON.string)),
                ("statistic", input.statistic.map(AlarmJSON.string)),
                ("period", .integer(Int64(input.period))),
                ("recentDatapoints", .array(evaluated.compactMap { $0.value.map(AlarmJSON.double) })),
                ("threshold", .double(input.threshold)),
                ("evaluatedDatapoints", evaluatedDatapoints),
            ])
            return document.rendered
        }

        /// `evaluatedDatapoints`: the newest datapoints that carried the transition (as many as its minimum),
        /// newest first; filled or unknown periods carry only their timestamp.
        private var evaluatedDatapoints: AlarmJSON? {
            var entries: [(Date, AlarmJSON)]
            if decision.basis == .insufficientData {
                entries = decision.unknownPeriods.map { ($0, Self.entry($0, sampleCount: nil, value: nil)) }
            } else {
                let real = cited.prefix(minimum)
                entries = real.map { point in
                    (point.timestamp, Self.entry(point.timestamp, sampleCount: point.sampleCount, value: point.value))
                }
                let fillSide = decision.state == .alarm ? TreatMissingData.breaching : .notBreaching
                if entries.count < minimum && input.treatMissingData == fillSide {
                    let filled = decision.filledPeriods.prefix(minimum - entries.count)
                    entries += filled.map { ($0, Self.entry($0, sampleCount: nil, value: nil)) }
                }
                entries.sort { $0.0 > $1.0 }
            }
            return entries.isEmpty ? nil : .array(entries.map(\.1))
        }

        private var crossedReason: String {
            let cited = self.cited
            let threshold = AlarmFormat.javaDouble(input.threshold)
            let phrase = (decision.state == .ok ? "not " : "") + (input.comparison.phrase ?? "")
            guard !cited.isEmpty else { return onlyFilledReason }
            let listed = cited.prefix(Self.listedDatapoints).map(Self.describe).joined(separator: ", ")
            let count = cited.count
            let crossing = "\(Self.was(count)) \(phrase) the threshold (\(threshold))\(fillClause)"
            guard input.datapointsToAlarm != nil else {
                if count == 1 { return "Threshold Crossed: 1 datapoint [\(listed)] \(crossing)." }
                return "Threshold Crossed: \(count) datapoints \(crossing). "
                    + "The most recent datapoints which crossed the threshold: [\(listed)]."
            }
            let head = "Threshold Crossed: \(count) out of the last \(input.effectiveEvaluationPeriods) datapoints"
            let transition = decision.state == .alarm ? "OK -> ALARM" : "ALARM -> OK"
            let tail = " (minimum \(minimum) \(Self.datapoints(minimum)) for \(transition) transition)."
            if count <= Self.listedDatapoints { return "\(head) [\(listed)] \(crossing)\(tail)" }
            return "\(head) \(crossing). The most recent datapoints which crossed the threshold: [\(listed)]\(tail)"
        }

        /// The wording when no real datapoint is on the deciding side and filled ones decided.
        private var onlyFilledReason: String {
            let received = decision.evaluated.count
            let who =
                received == 0 ? "no datapoints were" : "\(received) \(Self.datapoints(received)) \(Self.was(received))"
            let n = input.effectiveEvaluationPeriods
            return "Threshold Crossed: \(who) received for \(n) \(n == 1 ? "period" : "periods")\(fillClause)."
        }

        /// ` and 2 missing datapoints were treated as [Breaching]`, or nothing when nothing was filled.
        private var fillClause: String {
            let filled = decision.filledCount
            guard filled > 0, let label = input.treatMissingData.filledLabel else { return "" }
            return " and \(filled) missing \(Self.datapoints(filled)) \(Self.was(filled)) treated as [\(label)]"
        }

        private static func describe(_ datapoint: AlarmDatapoint) -> String {
            "\(AlarmFormat.javaDouble(datapoint.value ?? 0)) (\(AlarmFormat.reasonTimestamp(datapoint.timestamp)))"
        }

        private static func entry(_ timestamp: Date, sampleCount: Double?, value: Double?) -> AlarmJSON {
            .fields([
                ("timestamp", .string(AlarmFormat.jsonTimestamp(timestamp))),
                ("sampleCount", sampleCount.map(AlarmJSON.double)),
                ("value", value.map(AlarmJSON.double)),
            ])
        }

        private static func datapoints(_ count: Int) -> String { count == 1 ? "datapoint" : "datapoints" }
        private static func was(_ count: Int) -> String { count == 1 ? "was" : "were" }
    }
}
