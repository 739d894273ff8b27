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
