import Foundation

/// The `HistorySummary` and `HistoryData` CloudWatch writes for an alarm's history items.
///
/// A state change (`StateUpdate`):
/// `Alarm updated from OK to ALARM` and
/// `{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"...","stateReasonData":{...}},"newState":{...}}`,
/// `stateReasonData` embedded as a JSON object and left out when the state has none (as after `SetAlarmState`
/// without reason data). Configuration changes and actions are in the extensions of this type.
public enum AlarmHistoryData {
    /// One side of a state change.
    public struct State: Sendable, Equatable {
        /// The state.
        public var stateValue: AlarmStateValue
        /// The state's `StateReason`.
        public var stateReason: String
        /// The state's `StateReasonData`, when it has any.
        public var stateReasonData: String?

        /// Creates a state.
        public init(stateValue: AlarmStateValue, stateReason: String, stateReasonData: String? = nil) {
            self.stateValue = stateValue
            self.stateReason = stateReason
            self.stateReasonData = stateReasonData
        }
    }

    /// `Alarm updated from OK to ALARM`.
    public static func stateUpdateSummary(from old: AlarmStateValue, to new: AlarmStateValue) -> String {
        "Alarm updated from \(old.rawValue) to \(new.rawValue)"
    }

    /// The `HistoryData` of a `StateUpdate` item.
    public static func stateUpdate(old: State, new: State) -> String {
        AlarmJSON.fields([
            ("version", .string("1.0")),
            ("oldState", json(old)),
            ("newState", json(new)),
        ]).rendered
    }

    private static func json(_ state: State) -> AlarmJSON {
        .fields([
            ("stateValue", .string(state.stateValue.rawValue)),
            ("stateReason", .string(state.stateReason)),
            ("stateReasonData", embedded(state.stateReasonData)),
        ])
    }

    /// A stored JSON document to embed as it is, or `nil` (the key is left out) when it is absent, empty or not
    /// JSON. Documents this module writes are compact already, so they embed unchanged. The strict scanner of the
    /// wire decoder checks the document (a state change of 10,000 alarms embeds 20,000 of them); what it is unsure
    /// of goes to `JSONSerialization`.
    static func embedded(_ document: String?) -> AlarmJSON? {
        guard let document, !document.isEmpty else { return nil }
        var bytes = Array(document.utf8)
        var scanner = WireJSONParser(bytes: bytes)
        if (try? scanner.parse()) == nil {
            guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
                return nil
            }
        }
        // JSON's own whitespace is all that can surround a valid document.
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        guard let first = bytes.firstIndex(where: { !whitespace.contains($0) }),
            let last = bytes.lastIndex(where: { !whitespace.contains($0) })
        else { return nil }
        if first == 0 && last == bytes.count - 1 { return .raw(document) }
        bytes = Array(bytes[first...last])
        return .raw(String(decoding: bytes, as: UTF8.self))
    }
}
