/// The one reusable buffer between a session and its file.
///
/// Its front holds *committed* bytes (complete records or lines, ready for write(2)); after them the
/// *uncommitted* tail of a record or line still being received, which must not reach the file yet.
/// It grows only when a single partial record/line needs more room than it has (bounded by the
/// record limit or the pending-line limit), so steady-state appends allocate nothing.
final class StagingBuffer {
    /// Small enough for 1,000 sessions (64 MiB in all), large enough that small frames reach the
    /// file in few write(2) calls (bigger complete runs bypass it: `ArchivePartWriter.directWriteThreshold`).
    static let initialCapacity = 64 * 1024

    private var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private(set) var count = 0
    private(set) var committed = 0

    deinit { storage.deallocate() }

    var capacity: Int { storage.count }
    var freeSpace: Int { storage.count - count }
    var uncommitted: Int { count - committed }
    var committedBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0 ..< committed]) }
    var uncommittedBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[committed ..< count]) }

    /// Makes room for `needed` bytes in total, keeping the contents.
    func reserve(_ needed: Int) {
        guard needed > storage.count else { return }
        var newCapacity = max(storage.count, Self.initialCapacity)
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: newCapacity, alignment: 16)
        if count > 0 { bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0 ..< count])) }
        storage.deallocate()
        storage = bigger
    }

    /// Copies `bytes` after the staged ones; the caller made room (`freeSpace`/`reserve`).
    func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= freeSpace, "staging buffer overrun")
        guard bytes.count > 0 else { return }
        UnsafeMutableRawBufferPointer(rebasing: storage[count ..< count + bytes.count]).copyMemory(from: bytes)
        count += bytes.count
    }

    func commitAll() { committed = count }

    /// Forgets the committed bytes (they were written), moving the uncommitted tail to the front.
    func dropCommitted() {
        guard committed > 0 else { return }
        let tail = uncommitted
        if tail > 0, let base = storage.baseAddress {
            (base).copyMemory(from: base + committed, byteCount: tail)
        }
        count = tail
        committed = 0
    }

    /// Removes the uncommitted tail and returns a copy of it (rare paths only).
    func takeUncommitted() -> [UInt8] {
        let tail = [UInt8](uncommittedBytes)
        count = committed
        return tail
    }

    /// Gives the memory back (closed session).
    func release() {
        storage.deallocate()
        storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        count = 0
        committed = 0
    }
}
