/**
 * The replication backlog: a circular buffer of the last `size` bytes of the replication stream,
 * addressed by replication offset, so a replica that reconnects can continue (PSYNC +CONTINUE)
 * instead of a full resync.
 *
 * Invariants: `offset` is the offset of the last byte appended (Redis's master_repl_offset);
 * the buffer holds bytes with offsets in [offset - histlen + 1, offset]. Appending more than
 * `size` bytes keeps only the newest `size`.
 */
export class Backlog {
  private buf: Uint8Array;
  /** Write position inside `buf`. */
  private idx = 0;
  /** Number of valid bytes in the buffer. */
  histlen = 0;
  /** Replication offset of the last byte appended. */
  offset: number;

  constructor(size: number, startOffset = 0) {
    this.buf = new Uint8Array(Math.max(1, size));
    this.offset = startOffset;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Offset of the first byte held (Redis's repl_backlog_off). */
  get firstOffset(): number {
    return this.offset - this.histlen + 1;
  }

  append(b: Uint8Array): void {
    this.offset += b.length;
    const size = this.buf.length;
    if (b.length >= size) {
      this.buf.set(b.subarray(b.length - size));
      this.idx = 0;
      this.histlen = size;
      return;
    }
    if (b.length <= size - this.idx) {
      // No wrap (the common case): one copy, no views.
      this.buf.set(b, this.idx);
      this.idx = (this.idx + b.length) % size;
      this.histlen = Math.min(size, this.histlen + b.length);
      return;
    }
    const first = size - this.idx;
    this.buf.set(b.subarray(0, first), this.idx);
    if (first < b.length) this.buf.set(b.subarray(first), 0);
    this.idx = (this.idx + b.length) % size;
    this.histlen = Math.min(size, this.histlen + b.length);
  }

  /** True when a replica that has everything before `from` can continue from the backlog. */
  canServe(from: number): boolean {
    return this.histlen > 0 ? from >= this.firstOffset && from <= this.offset + 1 : from === this.offset + 1;
  }

  /** Bytes from offset `from` (inclusive) to the end. Caller checked canServe. */
  readFrom(from: number): Uint8Array {
    const n = this.offset + 1 - from;
    const out = new Uint8Array(n);
    if (n === 0) return out;
    const size = this.buf.length;
    let start = (this.idx - n + size * 2) % size;
    const first = Math.min(n, size - start);
    out.set(this.buf.subarray(start, start + first));
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    start = 0;
    return out;
  }

  /** Resize keeping the newest bytes (CONFIG SET repl-backlog-size). */
  resize(size: number): void {
    const keep = Math.min(this.histlen, size);
    const data = this.readFrom(this.offset + 1 - keep);
    this.buf = new Uint8Array(Math.max(1, size));
    this.buf.set(data);
    this.idx = data.length % this.buf.length;
    this.histlen = keep;
  }
}
