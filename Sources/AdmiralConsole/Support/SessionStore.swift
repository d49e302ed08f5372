import Foundation
import Synchronization

/// The console's signed-in sessions, held in memory: a random id (the cookie's value)
/// maps to who signed in, the session's anti-CSRF token and when it expires. A restart
/// signs everyone out.
public final class SessionStore: Sendable {
    /// One signed-in session.
    public struct Session: Sendable, Equatable {
        /// The cookie's value.
        public var id: String
        /// Who signed in.
        public var user: ConsoleUser
        /// The token every form of this session carries.
        public var csrfToken: String
        /// When the session ends unless signed out before.
        public var expiresAt: Date
    }

    /// How long a session lasts after sign-in: a working day, so a console left open
    /// overnight asks again.
    public static let defaultLifetime: Duration = .seconds(8 * 3600)
    /// Past this many sessions the oldest go first: sign-ins cannot grow memory without end.
    static let maximumSessions = 10_000

    private let sessions = Mutex([String: Session]())
    private let now: @Sendable () -> Date
    /// How long a session lasts.
    public let lifetime: Duration

    /// Creates an empty store; `now` is the clock (tests pass their own).
    public init(lifetime: Duration = SessionStore.defaultLifetime, now: @escaping @Sendable () -> Date = Date.init) {
        self.lifetime = lifetime
        self.now = now
    }

    /// Starts a session for `user`.
    public func start(for user: ConsoleUser) -> Session {
        let current = now()
        let session = Session(
            id: Self.randomToken(), user: user, csrfToken: Self.randomToken(),
            expiresAt: current.addingTimeInterval(TimeInterval(lifetime.components.seconds)))
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expiresAt > current }
            if sessions.count >= Self.maximumSessions,
                let oldest = sessions.values.min(by: { $0.expiresAt < $1.expiresAt })
            {
                sessions[oldest.id] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with this id, if any.
    public func session(_ id: String) -> Session? {
        let current = now()
        return sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expiresAt > current else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    /// Ends a session.
    public func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// 32 random bytes from the system's generator, as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var token = ""
        for _ in 0..<4 {
            let word = generator.next()
            token += String(word, radix: 16).leftPadded(to: 16)
        }
        return token
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
