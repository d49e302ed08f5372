import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// The local image named `reference` (`name:tag`, `name@digest` or an id).
    ///
    /// Fails with ``DockerError/Code/notFound`` when the daemon has no such image.
    public func inspectImage(_ reference: String) async throws -> ImageInspect {
        let path = RequestPath("/images/\(RequestPath.segment(reference))/json")
        let (_, body) = try await send(.GET, path, timeout: DockerTimeouts.inspectImage)
        return try decode(ImageInspect.self, from: body)
    }

    /// Pulls `reference` from its registry, reporting each progress message.
    ///
    /// Unbounded: a pull takes as long as the download; cancel the task to give up. Fails
    /// with ``DockerError/Code/server`` carrying the daemon's message when the stream
    /// reports an error (unknown image, unreachable registry, denied access), and with
    /// ``DockerError/Code/notFound`` when the daemon answers 404 at once.
    ///
    /// - Parameters:
    ///   - reference: `name[:tag]` or `name@digest`; a missing tag means `latest`.
    ///   - registryAuth: the base64url-encoded JSON credentials (`X-Registry-Auth`), if any.
    ///   - onProgress: called with each progress message as it arrives.
    public func pull(
        _ reference: String,
        registryAuth: String? = nil,
        onProgress: @Sendable (PullProgress) -> Void = { _ in }
    ) async throws {
        let (image, tag) = Self.splitReference(reference)
        let path = RequestPath("/images/create", query: [("fromImage", image), ("tag", tag)])
        let response = try await stream(
            .POST, path, deadline: .distantFuture, headers: registryAuth.map { [("X-Registry-Auth", $0)] } ?? []
        )
        var splitter = JSONLineSplitter()
        do {
            for try await chunk in response.body {
                splitter.append(chunk)
                while let line = splitter.nextLine() {
                    onProgress(try Self.pullProgress(from: line))
                }
            }
        } catch {
            throw Self.translate(error, path: path.path)
        }
        if let rest = splitter.finish() {
            onProgress(try Self.pullProgress(from: rest))
        }
    }

    /// Decodes one line of a pull's progress stream; a line that reports an error throws
    /// ``DockerError/Code/server`` with the daemon's message.
    static func pullProgress(from line: ByteBuffer) throws(DockerError) -> PullProgress {
        let progress: PullProgress
        do {
            progress = try JSONDecoder().decode(PullProgress.self, from: Data(line.readableBytesView))
        } catch {
            let text = String(decoding: line.readableBytesView.prefix(512), as: UTF8.self)
            throw DockerError(.invalidResponse, "cannot decode pull progress from \(text): \(error)")
        }
        if let message = progress.errorDetail?.message ?? progress.error {
            throw DockerError(.server, message)
        }
        return progress
    }

    /// Splits `name:tag` into the `fromImage` and `tag` parameters; a digest stays in the name.
    static func splitReference(_ reference: String) -> (image: String, tag: String?) {
        if reference.contains("@") {
            return (reference, nil)
        }
        let lastSlash = reference.lastIndex(of: "/")
        if let colon = reference.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
        }
        return (reference, "latest")
    }
}
