import Testing

@testable import Localization

/// The table decomposes only the blocks that hold decomposable letters (a process-start
/// cost); built with every scalar decomposed it must be the same table.
@Test func theScalarTableDecomposesEveryBlockThatNeedsIt() {
    let reference = ScalarTable(decomposingEveryScalar: true)
    let shipped = ScalarTable.shared
    #expect(shipped.classes == reference.classes)
    #expect(shipped.lower == reference.lower)
    var missed: [String] = []
    for index in reference.folded.indices where shipped.folded[index] != reference.folded[index] {
        missed.append(String(index, radix: 16))
    }
    #expect(missed.isEmpty, "scalars folded only when every block is decomposed: \(missed.prefix(20))")
}

/// Only scalars that change when lower-cased are asked for their mapping (a String each); every
/// other scalar must map to itself, as the full mapping says.
@Test func theLowerCaseColumnIsTheFullMapping() {
    let table = ScalarTable.shared
    var wrong: [String] = []
    for value in 0..<ScalarTable.limit {
        guard let scalar = Unicode.Scalar(value) else { continue }
        let lowered = scalar.properties.lowercaseMapping.unicodeScalars
        let expected = lowered.count == 1 ? (lowered.first?.value ?? value) : value
        if table.lower[Int(value)] != expected { wrong.append(String(value, radix: 16)) }
    }
    #expect(wrong.isEmpty, "\(wrong.prefix(20))")
}
