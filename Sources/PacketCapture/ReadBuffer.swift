/// One reusable, growable byte buffer: readers fill its tail and parse records in place from its head.
///
/// Growth is bounded by the caller (the parser never asks for more than its record/block limit), so
/// a header claiming a huge length can never make the reader allocate it.
final class ReadBuffer {
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private var start = 0
    private var end = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var count: Int { end - start }
    var isEmpty: Bool { end == start }

    @inline(__always)
    var readable: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: end - start) }

    @inline(__always)
    func consume(_ byteCount: Int) {
        start += byteCount
        if start == end { start = 0; end = 0 }
    }

    func removeAll() { start = 0; end = 0 }

    /// Free space after the unread bytes, after moving them to the front and growing the buffer so
    /// that `total` unread bytes fit.
    func writableSpace(forTotal total: Int) -> UnsafeMutableRawBufferPointer {
        if start > 0 {
            if end > start { storage.copyMemory(from: storage + start, byteCount: end - start) }
            end -= start
            start = 0
        }
        if total > capacity {
            var newCapacity = capacity
            while newCapacity < total { newCapacity *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            grown.copyMemory(from: storage, byteCount: end)
            storage.deallocate()
            storage = grown
            capacity = newCapacity
        }
        return UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end)
    }

    func commit(_ byteCount: Int) { end += byteCount }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        let space = writableSpace(forTotal: count + bytes.count)
        space.baseAddress.unsafelyUnwrapped.copyMemory(from: base, byteCount: bytes.count)
        commit(bytes.count)
    }
}
