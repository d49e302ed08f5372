/// A sorted set of `UInt64` keys, each carrying the remaining CPU and memory of its
/// instance, kept as a list of sorted chunks. Insertion, removal and lower-bound search
/// cost O(log n + chunk size); each chunk also knows the most CPU and memory any of its
/// entries has left, so a search for a task skips whole chunks that cannot fit it.
struct SortedKeySet: Sendable {
    /// One member: its key and what its instance has left.
    struct Entry: Sendable {
        var key: UInt64
        var cpu: Int32
        var memory: Int32

        init(key: UInt64, cpu: Int, memory: Int) {
            self.key = key
            self.cpu = Int32(clamping: cpu)
            self.memory = Int32(clamping: memory)
        }
    }

    private static let maximumChunk = 512
    private var chunks: [[Entry]] = []
    private var chunkCPU: [Int32] = []
    private var chunkMemory: [Int32] = []

    init() {}

    /// Builds the set from entries in any order.
    init(unsorted entries: [Entry]) {
        let sorted = entries.sorted { $0.key < $1.key }
        let half = Self.maximumChunk / 2
        var start = 0
        while start < sorted.count {
            let end = min(start + half, sorted.count)
            chunks.append(Array(sorted[start..<end]))
            chunkCPU.append(0)
            chunkMemory.append(0)
            refreshMaxima(chunks.count - 1)
            start = end
        }
    }

    var isEmpty: Bool { chunks.isEmpty }

    /// All keys in order.
    var keys: [UInt64] { chunks.flatMap { $0.map(\.key) } }

    private mutating func refreshMaxima(_ index: Int) {
        var cpu = Int32.min
        var memory = Int32.min
        for entry in chunks[index] {
            cpu = max(cpu, entry.cpu)
            memory = max(memory, entry.memory)
        }
        chunkCPU[index] = cpu
        chunkMemory[index] = memory
    }

    /// The chunk that holds (or would hold) `key`: the first whose last key is ≥ `key`.
    private func chunkIndex(for key: UInt64) -> Int {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if let last = chunks[middle].last, last.key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func position(of key: UInt64, in chunk: [Entry]) -> Int {
        var low = 0
        var high = chunk.count
        while low < high {
            let middle = (low + high) / 2
            if chunk[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Inserts an entry, or replaces the entry with the same key.
    mutating func insert(_ entry: Entry) {
        if chunks.isEmpty {
            chunks.append([entry])
            chunkCPU.append(entry.cpu)
            chunkMemory.append(entry.memory)
            return
        }
        let index = min(chunkIndex(for: entry.key), chunks.count - 1)
        let at = Self.position(of: entry.key, in: chunks[index])
        var lowered = false
        if at < chunks[index].count, chunks[index][at].key == entry.key {
            let old = chunks[index][at]
            lowered =
                (old.cpu >= chunkCPU[index] && entry.cpu < old.cpu)
                || (old.memory >= chunkMemory[index] && entry.memory < old.memory)
            chunks[index][at] = entry
        } else {
            chunks[index].insert(entry, at: at)
        }
        if chunks[index].count > Self.maximumChunk {
            let upper = Array(chunks[index][(Self.maximumChunk / 2)...])
            chunks[index].removeSubrange((Self.maximumChunk / 2)...)
            chunks.insert(upper, at: index + 1)
            chunkCPU.insert(0, at: index + 1)
            chunkMemory.insert(0, at: index + 1)
            refreshMaxima(index + 1)
            refreshMaxima(index)
        } else if lowered {
            refreshMaxima(index)
        } else {
            chunkCPU[index] = max(chunkCPU[index], entry.cpu)
            chunkMemory[index] = max(chunkMemory[index], entry.memory)
        }
    }

    /// Removes the entry with `key`, if any.
    mutating func remove(_ key: UInt64) {
        let index = chunkIndex(for: key)
        guard index < chunks.count else { return }
        let at = Self.position(of: key, in: chunks[index])
        guard at < chunks[index].count, chunks[index][at].key == key else { return }
        let removed = chunks[index].remove(at: at)
        if chunks[index].isEmpty {
            chunks.remove(at: index)
            chunkCPU.remove(at: index)
            chunkMemory.remove(at: index)
        } else if removed.cpu >= chunkCPU[index] || removed.memory >= chunkMemory[index] {
            refreshMaxima(index)
        }
    }

    /// The smallest key ≥ `lowerBound` whose entry has at least `cpu` and `memory` left
    /// and satisfies `accept`.
    func first(atLeast lowerBound: UInt64, cpu: Int, memory: Int, where accept: (UInt64) -> Bool) -> UInt64? {
        let needCPU = Int32(clamping: cpu)
        let needMemory = Int32(clamping: memory)
        var index = chunkIndex(for: lowerBound)
        guard index < chunks.count else { return nil }
        var at = Self.position(of: lowerBound, in: chunks[index])
        while index < chunks.count {
            if chunkCPU[index] >= needCPU, chunkMemory[index] >= needMemory {
                let chunk = chunks[index]
                while at < chunk.count {
                    let entry = chunk[at]
                    if entry.cpu >= needCPU, entry.memory >= needMemory, accept(entry.key) { return entry.key }
                    at += 1
                }
            }
            index += 1
            at = 0
        }
        return nil
    }
}
