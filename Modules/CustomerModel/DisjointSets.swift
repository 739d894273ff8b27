/// Disjoint sets of integer elements with exact, edge-based undo: the
/// building block of identity resolution (``IdentityGraph``) and of thread
/// merging in `Conversation`.
///
/// Union by size with path compression gives amortised O(α(n)) unions and
/// finds. Each set also keeps a circular member list, so a set is enumerated
/// in O(its size), and its smallest element, which callers use as the set's
/// stable name (the oldest record, the oldest thread) whatever order unions
/// arrived in.
///
/// Undo is not a stack: the caller keeps the union edges it made and, to undo
/// one, calls ``rebuild(setOf:edges:)`` with the edges still in force; only the
/// affected set is rebuilt.
public struct DisjointSets: Sendable, Hashable {
    private var parent: [Int32] = []
    private var size: [Int32] = []
    private var next: [Int32] = []
    private var smallest: [Int32] = []

    /// No elements.
    public init() {}

    /// The number of elements.
    public var count: Int { parent.count }

    /// Reserves room for `capacity` elements.
    public mutating func reserveCapacity(_ capacity: Int) {
        parent.reserveCapacity(capacity)
        size.reserveCapacity(capacity)
        next.reserveCapacity(capacity)
        smallest.reserveCapacity(capacity)
    }

    /// Adds an element in a set of its own and returns it (elements are 0, 1, 2, …).
    @discardableResult
    public mutating func makeSet() -> Int32 {
        let element = Int32(parent.count)
        parent.append(element)
        size.append(1)
        next.append(element)
        smallest.append(element)
        return element
    }

    /// The smallest element of `element`'s set: its stable name.
    public func name(of element: Int32) -> Int32 { smallest[Int(root(element))] }

    /// Whether two elements are in the same set.
    public func inSameSet(_ a: Int32, _ b: Int32) -> Bool { root(a) == root(b) }

    /// The number of elements in `element`'s set.
    public func setSize(of element: Int32) -> Int { Int(size[Int(root(element))]) }

    /// Every element of `element`'s set, in ascending order.
    public func members(of element: Int32) -> [Int32] {
        var result: [Int32] = []
        var cursor = element
        repeat {
            result.append(cursor)
            cursor = next[Int(cursor)]
        } while cursor != element
        return result.sorted()
    }

    /// Joins the sets of `a` and `b`.
    ///
    /// - Returns: whether they were in different sets.
    @discardableResult
    public mutating func union(_ a: Int32, _ b: Int32) -> Bool {
        var ra = find(a)
        var rb = find(b)
        if ra == rb { return false }
        if size[Int(ra)] < size[Int(rb)] { swap(&ra, &rb) }
        parent[Int(rb)] = ra
        size[Int(ra)] += size[Int(rb)]
        smallest[Int(ra)] = min(smallest[Int(ra)], smallest[Int(rb)])
        // Splice the two circular member lists into one.
        let afterA = next[Int(ra)]
        next[Int(ra)] = next[Int(rb)]
        next[Int(rb)] = afterA
        return true
    }

    /// Splits `element`'s set back into singletons, then joins again along
    /// those of `edges` whose two ends are both in it. Edges elsewhere are ignored.
    ///
    /// Cost: O(set size + number of edges).
    public mutating func rebuild(setOf element: Int32, edges: some Sequence<(Int32, Int32)>) {
        let affected = Set(members(of: element))
        for member in affected {
            let i = Int(member)
            parent[i] = member
            size[i] = 1
            next[i] = member
            smallest[i] = member
        }
        for (a, b) in edges where affected.contains(a) && affected.contains(b) { union(a, b) }
    }

    private func root(_ x: Int32) -> Int32 {
        var r = x
        while parent[Int(r)] != r { r = parent[Int(r)] }
        return r
    }

    private mutating func find(_ x: Int32) -> Int32 {
        let r = root(x)
        var cursor = x
        while parent[Int(cursor)] != r {
            let up = parent[Int(cursor)]
            parent[Int(cursor)] = r
            cursor = up
        }
        return r
    }

    /// Equal when both partition the same elements into the same sets
    /// (the internal tree shapes may differ).
    public static func == (lhs: DisjointSets, rhs: DisjointSets) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for element in 0..<Int32(lhs.count) where lhs.name(of: element) != rhs.name(of: element) { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for element in 0..<Int32(count) { hasher.combine(name(of: element)) }
    }
}
