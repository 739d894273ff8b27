/// The documents that contain one term, in increasing document number, each with its
/// quantized BM25 term weight ("impact"), and the largest impact per block of
/// ``blockSize`` postings so that top-k search can skip blocks that cannot make the list.
struct Postings: Sendable {
    static let blockSize = 64

    var docs: [UInt32] = []
    var impacts: [UInt8] = []
    var blockMax: [UInt8] = []
    var maxImpact: UInt8 = 0

    var count: Int { docs.count }

    /// Appends a posting; `doc` must be larger than every document already in the list.
    mutating func append(doc: UInt32, impact: UInt8) {
        if docs.count % Self.blockSize == 0 { blockMax.append(impact) } else if let last = blockMax.indices.last {
            blockMax[last] = max(blockMax[last], impact)
        }
        docs.append(doc)
        impacts.append(impact)
        maxImpact = max(maxImpact, impact)
    }

    /// Removes the postings of the given documents (erasure); recomputes the block maxima.
    mutating func remove(_ removed: Set<UInt32>) {
        var kept = Postings()
        kept.docs.reserveCapacity(docs.count)
        kept.impacts.reserveCapacity(docs.count)
        for index in docs.indices where !removed.contains(docs[index]) {
            kept.append(doc: docs[index], impact: impacts[index])
        }
        self = kept
    }

    /// The index of `doc`, if the list holds it.
    func find(_ doc: UInt32) -> Int? {
        var low = 0
        var high = docs.count
        while low < high {
            let middle = (low + high) / 2
            if docs[middle] < doc { low = middle + 1 } else { high = middle }
        }
        return low < docs.count && docs[low] == doc ? low : nil
    }

    /// One list holding every document of `lists`, each with its highest impact among them.
    static func union(_ lists: [Postings]) -> Postings {
        if lists.count == 1 { return lists[0] }
        var packed: [UInt64] = []
        packed.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for list in lists {
            for index in list.docs.indices { packed.append(UInt64(list.docs[index]) << 8 | UInt64(list.impacts[index])) }
        }
        packed.sort()
        var result = Postings()
        result.docs.reserveCapacity(packed.count)
        result.impacts.reserveCapacity(packed.count)
        var index = 0
        while index < packed.count {
            let doc = UInt32(truncatingIfNeeded: packed[index] >> 8)
            var impact = UInt8(truncatingIfNeeded: packed[index])
            index += 1
            while index < packed.count, UInt32(truncatingIfNeeded: packed[index] >> 8) == doc {
                impact = max(impact, UInt8(truncatingIfNeeded: packed[index]))
                index += 1
            }
            result.append(doc: doc, impact: impact)
        }
        return result
    }

    /// The documents in both lists; impacts are the sum (capped), which keeps BM25's additive sense.
    static func intersection(_ lists: [Postings]) -> Postings {
        guard var result = lists.first else { return Postings() }
        for other in lists.dropFirst() {
            var next = Postings()
            var j = 0
            for i in result.docs.indices {
                let doc = result.docs[i]
                while j < other.docs.count, other.docs[j] < doc { j += 1 }
                if j < other.docs.count, other.docs[j] == doc {
                    let sum = Int(result.impacts[i]) + Int(other.impacts[j])
                    next.append(doc: doc, impact: UInt8(min(255, sum)))
                }
            }
            result = next
        }
        return result
    }
}

/// Varint coding of posting lists for persistence: document numbers as deltas, impacts as bytes.
public enum PostingsCoding {
    /// Encodes increasing document numbers as LEB128 deltas.
    static func encodeDocs(_ docs: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(docs.count * 2)
        var previous: UInt32 = 0
        for doc in docs {
            var delta = doc &- previous
            previous = doc
            while delta >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: delta) | 0x80)
                delta >>= 7
            }
            out.append(UInt8(delta))
        }
        return out
    }

    /// Decodes ``encodeDocs(_:)``; nil when the bytes are damaged (a delta runs past the end
    /// or overflows, or the numbers do not increase).
    static func decodeDocs(_ bytes: some Collection<UInt8>, expectedCount: Int) -> [UInt32]? {
        var docs: [UInt32] = []
        docs.reserveCapacity(expectedCount)
        var value: UInt32 = 0
        var shift: UInt32 = 0
        var previous: UInt32 = 0
        for byte in bytes {
            guard shift < 32 else { return nil }
            value |= UInt32(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                let (doc, overflow) = previous.addingReportingOverflow(value)
                guard !overflow, docs.isEmpty || doc > previous else { return nil }
                docs.append(doc)
                previous = doc
                value = 0
                shift = 0
            } else {
                shift += 7
            }
        }
        guard shift == 0, docs.count == expectedCount else { return nil }
        return docs
    }
}
