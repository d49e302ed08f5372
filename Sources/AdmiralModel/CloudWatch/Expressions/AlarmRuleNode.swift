import Foundation

/// The syntax tree of a composite alarm's rule. Runs of `AND` and of `OR` are flat lists,
/// so that a long rule does not make a deep tree.
indirect enum AlarmRuleNode: Sendable, Hashable {
    /// `TRUE` or `FALSE`.
    case constant(Bool)
    /// `ALARM(name)`, `OK(name)` or `INSUFFICIENT_DATA(name)`.
    case state(AlarmRuleState, alarm: String)
    /// `NOT operand`.
    case not(AlarmRuleNode)
    /// `a AND b AND …`.
    case all([AlarmRuleNode])
    /// `a OR b OR …`.
    case any([AlarmRuleNode])

    /// Whether the rule holds, given the states of the alarms it names; a function naming an
    /// alarm whose state is unknown is false.
    func evaluate(_ state: (String) -> AlarmRuleState?) -> Bool {
        switch self {
        case .constant(let value): value
        case .state(let wanted, let alarm): state(alarm) == wanted
        case .not(let operand): !operand.evaluate(state)
        case .all(let operands): operands.allSatisfy { $0.evaluate(state) }
        case .any(let operands): operands.contains { $0.evaluate(state) }
        }
    }

    /// The alarms the rule names, in the order written, each once, added to `alarms`.
    func collectAlarms(into alarms: inout [String], seen: inout Set<String>) {
        switch self {
        case .constant: break
        case .state(_, let alarm):
            if seen.insert(alarm).inserted { alarms.append(alarm) }
        case .not(let operand): operand.collectAlarms(into: &alarms, seen: &seen)
        case .all(let operands), .any(let operands):
            for operand in operands { operand.collectAlarms(into: &alarms, seen: &seen) }
        }
    }
}
