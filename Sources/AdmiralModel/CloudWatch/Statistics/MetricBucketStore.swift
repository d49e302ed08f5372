/// The counts of one sign of a ``MetricDistribution``: bucket indices in ascending order
/// with the count of each, kept as two parallel arrays so that quantiles and encoding
/// walk them in order without sorting, and merging is a single linear pass.
struct MetricBucketStore: Sendable, Equatable {
    /// Bucket indices, strictly ascending.
    private(set) var keys: [Int] = []
    /// The count of the bucket at the same position; always positive.
    private(set) var counts: [Double] = []

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    /// The sum of every bucket's count.
    var total: Double { counts.reduce(0, +) }

    /// Adds `count` to the bucket `index`, creating it in order when new.
    mutating func add(_ count: Double, at index: Int) {
        let position = insertionPoint(of: index)
        if position < keys.count, keys[position] == index {
            counts[position] += count
        } else {
            keys.insert(index, at: position)
            counts.insert(count, at: position)
        }
    }

    /// Adds every bucket of `other`.
    mutating func merge(_ other: MetricBucketStore) {
        guard !other.isEmpty else { return }
        guard !isEmpty else {
            self = other
            return
        }
        var mergedKeys: [Int] = []
        var mergedCounts: [Double] = []
        mergedKeys.reserveCapacity(keys.count + other.keys.count)
        mergedCounts.reserveCapacity(keys.count + other.keys.count)
        var mine = 0
        var theirs = 0
        while mine < keys.count || theirs < other.keys.count {
            let takeMine = theirs == other.keys.count || (mine < keys.count && keys[mine] <= other.keys[theirs])
            let takeTheirs = mine == keys.count || (theirs < other.keys.count && other.keys[theirs] <= keys[mine])
            if takeMine, takeTheirs {
                mergedKeys.append(keys[mine])
                mergedCounts.append(counts[mine] + other.counts[theirs])
                mine += 1
                theirs += 1
            } else if takeMine {
                mergedKeys.append(keys[mine])
                mergedCounts.append(counts[mine])
                mine += 1
            } else {
                mergedKeys.append(other.keys[theirs])
                mergedCounts.append(other.counts[theirs])
                theirs += 1
            }
        }
        keys = mergedKeys
        counts = mergedCounts
    }

    /// Appends a bucket above every existing one; the decoder's way in, which has
    /// already checked that indices ascend and counts are positive.
    mutating func append(_ count: Double, at index: Int) {
        keys.append(index)
        counts.append(count)
    }

    mutating func reserveCapacity(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        counts.reserveCapacity(capacity)
    }

    /// The first position whose index is not below `index`.
    private func insertionPoint(of index: Int) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < index {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
