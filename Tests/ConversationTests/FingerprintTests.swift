import Testing
@testable import Conversation
import TestSupport

@Suite("Message-ID fingerprints and their table")
struct FingerprintTests {
    /// The word-at-a-time path must give the byte loop's fingerprint: derived
    /// Message-IDs are stored, so the function may never change.
    @Test func contiguousAndByteLoopAgree() {
        var random = SplitMix64(seed: 5)
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let byteLoop = MessageFingerprint(bytes.lazy.map { $0 })  // not contiguous: the byte loop
            let contiguous = bytes.withUnsafeBufferPointer { MessageFingerprint(contiguous: $0) }
            #expect(byteLoop == contiguous, "length \(length)")
            #expect(MessageFingerprint(bytes) == contiguous)
        }
    }

    @Test func tableFindsWhatItInternedAcrossGrowth() {
        var table = FingerprintTable()
        var indices: [Int32] = []
        var remapped = 0
        for value in 0..<5_000 {
            if table.needsGrowth(adding: 1) {
                let remap = table.grow(adding: 1)
                indices = indices.map { remap[Int($0)] }
                remapped += 1
            }
            let (index, inserted) = table.intern(MessageFingerprint("id\(value)@x"))
            #expect(inserted)
            table[first: index] = Int32(value)
            indices.append(index)
        }
        #expect(remapped > 0)
        for value in 0..<5_000 {
            let index = table.find(MessageFingerprint("id\(value)@x"))
            #expect(index == indices[value])
            #expect(index.map { table[first: $0] } == Int32(value))
            #expect(table.intern(MessageFingerprint("id\(value)@x")).inserted == false)
        }
        #expect(table.find(MessageFingerprint("absent@x")) == nil)
        #expect(table.count == 5_000)
    }
}
