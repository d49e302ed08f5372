/// Part of the answer of `GET /images/{name}/json`.
public struct ImageInspect: Codable, Sendable, Equatable {
    /// The image id, `sha256:...`.
    public var id: String
    /// The tags that name the image, such as `admiral-test/busybox:latest`.
    public var repoTags: [String]?
    /// The image's size in bytes.
    public var size: Int64?
    /// The CPU architecture the image is built for.
    public var architecture: String?
    /// The image's operating system.
    public var os: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case repoTags = "RepoTags"
        case size = "Size"
        case architecture = "Architecture"
        case os = "Os"
    }
}

/// One message of a pull's progress stream.
public struct PullProgress: Codable, Sendable, Equatable {
    /// What happens, such as `Pulling fs layer` or `Download complete`.
    public var status: String?
    /// The layer the message is about.
    public var id: String?
    /// A rendered progress bar.
    public var progress: String?
    /// Bytes done and in total for the layer.
    public var progressDetail: Detail?
    /// Set when the pull failed; the stream ends after it.
    public var error: String?
    /// The failure in detail.
    public var errorDetail: ErrorDetail?

    /// Bytes done and in total.
    public struct Detail: Codable, Sendable, Equatable {
        /// Bytes done.
        public var current: Int64?
        /// Bytes in total.
        public var total: Int64?
    }

    /// A failure reported in the stream.
    public struct ErrorDetail: Codable, Sendable, Equatable {
        /// The daemon's message.
        public var message: String?
    }
}
