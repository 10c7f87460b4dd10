/**
 * Quicklist: a list of byte strings stored as a chain of packed chunks (Redis's quicklist of
 * listpacks), for O(1) push/pop at both ends with a few bytes of overhead per element.
 *
 * Layout: each chunk is one Uint8Array holding its entries back to back in [start, end), with
 * free room kept at both ends (a gap buffer), so pushes at either end are amortized O(1). An entry
 * is `<len varint><bytes><len varint, bytes reversed>`: the leading length walks forward, the
 * trailing one walks backward (like listpack's backlen), so both ends and both directions work.
 *
 * Invariants (checked by `check()` in the unit tests):
 * - Every chunk on the spine holds at least one entry; `count` is its number of entries and
 *   `length` is the sum of counts.
 * - A chunk holds at most `maxCount` entries and `maxBytes` encoded bytes, except a chunk holding
 *   a single entry that is larger on its own (Redis's fill rule, `list-max-listpack-size`:
 *   negative = byte budget 4/8/16/32/64 KB, positive = entry count with an 8 KB safety cap).
 * Ownership: stored bytes are copied in. Values handed out by `get`/`forEach*` are views into
 *   chunk buffers, valid until the next mutation; `pop*` returns copies.
 * Complexity: push/pop O(1) amortized; index access walks chunks from the nearer end, then entries
 *   inside the chunk from its nearer end: O(n / chunkSize + chunkSize); insert/remove inside a
 *   chunk move at most one chunk's bytes, splitting a full chunk and merging small neighbours.
 */
import { IntrusiveList, type ListNode } from "./intrusive-list.ts";

/** Redis's SIZE_SAFETY_LIMIT: a count-limited chunk still stays under 8 KB. */
const SIZE_SAFETY_LIMIT = 8192;
const BYTE_LIMITS = [4096, 8192, 16384, 32768, 65536];
const MIN_CAPACITY = 32;

/** Bytes of the varint encoding of n (n < 2^35). */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Encoded size of an entry holding `len` bytes. */
export function entrySize(len: number): number {
  return len + 2 * varintSize(len);
}

export class QuickChunk implements ListNode<QuickChunk> {
  prev: QuickChunk | null = null;
  next: QuickChunk | null = null;
  /** Entries live in buf[start, end). */
  start: number;
  end: number;
  count = 0;
  constructor(public buf: Uint8Array, start: number) {
    this.start = start;
    this.end = start;
  }
  get bytes(): number {
    return this.end - this.start;
  }
}

// locate() results besides the chunk: index in the chunk and byte position (module scratch, read
// right after each locate, so per-list fields are not needed).
let lk = 0;
let lp = 0;

// Decoding scratch: the last header read (avoids allocating a result object per entry).
let hLen = 0;
let hSize = 0;

/** Read the forward header at p: sets hLen (data length) and hSize (header bytes). */
function readHeader(buf: Uint8Array, p: number): void {
  let b = buf[p]!;
  if (b < 0x80) {
    hLen = b;
    hSize = 1;
    return;
  }
  let n = b & 0x7f;
  let i = 1;
  let mul = 0x80;
  for (;;) {
    b = buf[p + i]!;
    n += (b & 0x7f) * mul;
    i++;
    if (b < 0x80) break;
    mul *= 0x80;
  }
  hLen = n;
  hSize = i;
}

/** Read the trailer that ends just before p: sets hLen and hSize. */
function readTrailer(buf: Uint8Array, p: number): void {
  let b = buf[p - 1]!;
  if (b < 0x80) {
    hLen = b;
    hSize = 1;
    return;
  }
  let n = b & 0x7f;
  let i = 1;
  let mul = 0x80;
  for (;;) {
    b = buf[p - 1 - i]!;
    n += (b & 0x7f) * mul;
    i++;
    if (b < 0x80) break;
    mul *= 0x80;
  }
  hLen = n;
  hSize = i;
}

/** Write an entry for v at p; returns the position after it. */
function writeEntry(buf: Uint8Array, p: number, v: Uint8Array): number {
  const n = v.length;
  const k = varintSize(n);
  let x = n;
  for (let i = 0; i < k; i++) {
    const byte = (x % 0x80) | (i < k - 1 ? 0x80 : 0);
    buf[p + i] = byte;
    buf[p + k + n + (k - 1 - i)] = byte;
    x = Math.floor(x / 0x80);
  }
  buf.set(v, p + k);
  return p + 2 * k + n;
}

function rangeEquals(buf: Uint8Array, off: number, len: number, v: Uint8Array): boolean {
  if (len !== v.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== v[i]) return false;
  return true;
}

/** Called with each visited entry; return false to stop. `buf[off, off+len)` is the entry. */
export type EntryVisitor = (buf: Uint8Array, off: number, len: number, index: number) => boolean;

export class QuickList {
  readonly chunks = new IntrusiveList<QuickChunk>();
  /** Number of entries. */
  length = 0;
  /** The `list-max-listpack-size` this list was created with. */
  readonly fill: number;

  constructor(fill = -2) {
    this.fill = fill;
  }

  // Limits derive from fill on use (a few instructions) instead of living in fields: small lists
  // are numerous and every field costs memory in each of them.
  private get maxBytes(): number {
    const f = this.fill;
    return f < 0 ? BYTE_LIMITS[Math.min(-f, 5) - 1]! : SIZE_SAFETY_LIMIT;
  }
  private get maxCount(): number {
    const f = this.fill;
    return f < 0 ? Number.MAX_SAFE_INTEGER : Math.max(1, f);
  }
  /** Merge only well below the limits, so a remove right after a split does not merge back. */
  private get mergeBytes(): number {
    return Math.floor((this.maxBytes * 3) / 4);
  }
  private get mergeCount(): number {
    const f = this.fill;
    return f < 0 ? Number.MAX_SAFE_INTEGER : Math.floor((Math.max(1, f) * 3) / 4);
  }

  // ---------------------------------------------------------------------------------------------
  // Chunk storage

  private allowInsert(c: QuickChunk, es: number): boolean {
    return c.count < this.maxCount && c.bytes + es <= this.maxBytes;
  }

  private newChunk(es: number): QuickChunk {
    return new QuickChunk(new Uint8Array(Math.max(es, 8)), 0);
  }

  /**
   * Make `need` free bytes at byte position pos of c (between the entries before and after it).
   * Returns the position of the gap, which moves when the front part is shifted.
   */
  private openGap(c: QuickChunk, pos: number, need: number): number {
    const front = pos - c.start;
    const back = c.end - pos;
    if (front <= back && c.start >= need) {
      c.buf.copyWithin(c.start - need, c.start, pos);
      c.start -= need;
      return pos - need;
    }
    if (c.buf.length - c.end >= need) {
      c.buf.copyWithin(pos + need, pos, c.end);
      c.end += need;
      return pos;
    }
    if (c.start >= need) {
      c.buf.copyWithin(c.start - need, c.start, pos);
      c.start -= need;
      return pos - need;
    }
    // Grow: put the slack where the growth happens (front pushes at the front, else behind).
    const used = c.bytes + need;
    let cap = Math.max(MIN_CAPACITY, Math.ceil(used * 1.5));
    const ceiling = Math.max(this.maxBytes, used);
    if (cap > ceiling) cap = ceiling;
    const slack = cap - used;
    const lead = front === 0 && back > 0 ? slack : back === 0 ? 0 : slack >> 1;
    const nb = new Uint8Array(cap);
    nb.set(c.buf.subarray(c.start, pos), lead);
    nb.set(c.buf.subarray(pos, c.end), lead + front + need);
    c.buf = nb;
    c.start = lead;
    c.end = lead + used;
    return lead + front;
  }

  /** Remove bytes [p, q) of c. */
  private closeGap(c: QuickChunk, p: number, q: number): void {
    if (p === c.start) c.start = q;
    else if (q === c.end) c.end = p;
    else if (p - c.start < c.end - q) {
      c.buf.copyWithin(c.start + (q - p), c.start, p);
      c.start += q - p;
    } else {
      c.buf.copyWithin(p, q, c.end);
      c.end -= q - p;
    }
    if (c.start === c.end) c.start = c.end = 0;
  }

  /** Byte position of the k-th entry of c, walking from the nearer end. */
  private entryPos(c: QuickChunk, k: number): number {
    const buf = c.buf;
    if (k <= c.count >> 1) {
      let p = c.start;
      for (let i = 0; i < k; i++) {
        readHeader(buf, p);
        p += 2 * hSize + hLen;
      }
      return p;
    }
    let p = c.end;
    for (let i = c.count; i > k; i--) {
      readTrailer(buf, p);
      p -= 2 * hSize + hLen;
    }
    return p;
  }

  /**
   * Find entry i (0 <= i < length): returns its chunk and sets lk (index in the chunk) and lp
   * (byte position). The chunk is not cached: a stale reference would pin a removed buffer.
   */
  private locate(i: number): QuickChunk {
    let c: QuickChunk;
    let base: number;
    if (i < this.length >> 1) {
      c = this.chunks.head!;
      base = 0;
      while (base + c.count <= i) {
        base += c.count;
        c = c.next!;
      }
    } else {
      c = this.chunks.tail!;
      base = this.length - c.count;
      while (base > i) {
        c = c.prev!;
        base -= c.count;
      }
    }
    lk = i - base;
    lp = this.entryPos(c, i - base);
    return c;
  }

  private unlinkChunk(c: QuickChunk): void {
    this.chunks.remove(c);
  }

  /** Merge c with a neighbour when both are small enough together. */
  private tryMerge(c: QuickChunk): void {
    if (c.bytes * 2 > this.maxBytes || c.count * 2 > this.maxCount) return;
    const p = c.prev;
    if (p !== null && p.count + c.count <= this.mergeCount && p.bytes + c.bytes <= this.mergeBytes) {
      this.append(p, c);
      return;
    }
    const n = c.next;
    if (n !== null && n.count + c.count <= this.mergeCount && n.bytes + c.bytes <= this.mergeBytes) {
      this.append(c, n);
    }
  }

  /** Move all of b's entries to the end of a (b follows a) and drop b. */
  private append(a: QuickChunk, b: QuickChunk): void {
    const at = this.openGap(a, a.end, b.bytes);
    a.buf.set(b.buf.subarray(b.start, b.end), at);
    a.count += b.count;
    this.unlinkChunk(b);
  }

  // ---------------------------------------------------------------------------------------------
  // Ends

  pushBack(v: Uint8Array): void {
    const es = entrySize(v.length);
    let c = this.chunks.tail;
    if (c === null || !this.allowInsert(c, es)) {
      c = this.newChunk(es);
      this.chunks.pushBack(c);
    }
    const at = c.buf.length - c.end >= es ? ((c.end += es), c.end - es) : this.openGap(c, c.end, es);
    writeEntry(c.buf, at, v);
    c.count++;
    this.length++;
  }

  pushFront(v: Uint8Array): void {
    const es = entrySize(v.length);
    let c = this.chunks.head;
    if (c === null || !this.allowInsert(c, es)) {
      c = this.newChunk(es);
      c.start = c.end = c.buf.length;
      this.chunks.pushFront(c);
    }
    const at = c.start >= es ? (c.start -= es) : this.openGap(c, c.start, es);
    writeEntry(c.buf, at, v);
    c.count++;
    this.length++;
  }

  /** Remove and return (a copy of) the first entry, or null when empty. */
  popFront(): Uint8Array | null {
    const c = this.chunks.head;
    if (c === null) return null;
    readHeader(c.buf, c.start);
    const off = c.start + hSize;
    const v = c.buf.slice(off, off + hLen);
    c.start = off + hLen + hSize;
    this.afterRemove(c);
    return v;
  }

  /** Remove and return (a copy of) the last entry, or null when empty. */
  popBack(): Uint8Array | null {
    const c = this.chunks.tail;
    if (c === null) return null;
    readTrailer(c.buf, c.end);
    const off = c.end - hSize - hLen;
    const v = c.buf.slice(off, off + hLen);
    c.end = off - hSize;
    this.afterRemove(c);
    return v;
  }

  private afterRemove(c: QuickChunk): void {
    c.count--;
    this.length--;
    if (c.count === 0) this.unlinkChunk(c);
    else if (c.start === c.end) c.start = c.end = 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Index access

  /** Normalize a Redis index (negative counts from the tail); -1 when out of range. */
  private norm(i: number): number {
    if (i < 0) i += this.length;
    return i < 0 || i >= this.length ? -1 : i;
  }

  /** Entry i (negative from the tail) as a view valid until the next mutation; null if out of range. */
  get(i: number): Uint8Array | null {
    i = this.norm(i);
    if (i < 0) return null;
    const c = this.locate(i);
    readHeader(c.buf, lp);
    const off = lp + hSize;
    return c.buf.subarray(off, off + hLen);
  }

  /** Replace entry i (negative from the tail). Returns false when out of range. */
  set(i: number, v: Uint8Array): boolean {
    i = this.norm(i);
    if (i < 0) return false;
    const c = this.locate(i);
    const p = lp;
    readHeader(c.buf, p);
    const old = 2 * hSize + hLen;
    const es = entrySize(v.length);
    if (c.count === 1 || c.bytes - old + es <= this.maxBytes) {
      if (es > old) {
        const at = this.openGap(c, p + old, es - old);
        writeEntry(c.buf, at - old, v);
      } else {
        writeEntry(c.buf, p, v);
        if (es < old) this.closeGap(c, p + es, p + old);
      }
      return true;
    }
    // Too big for this chunk: remove, then insert through the splitting path.
    this.removeAt(i);
    this.insertAt(i, v);
    return true;
  }

  /** Insert v so that it becomes entry i (0 <= i <= length). */
  insertAt(i: number, v: Uint8Array): void {
    if (i <= 0) return this.pushFront(v);
    if (i >= this.length) return this.pushBack(v);
    const es = entrySize(v.length);
    const c = this.locate(i);
    const k = lk;
    if (k === 0 && c.prev !== null && this.allowInsert(c.prev, es)) {
      const p = c.prev;
      const at = this.openGap(p, p.end, es); // may reallocate p.buf
      writeEntry(p.buf, at, v);
      p.count++;
      this.length++;
      return;
    }
    if (this.allowInsert(c, es)) {
      const at = this.openGap(c, lp, es); // may reallocate c.buf
      writeEntry(c.buf, at, v);
      c.count++;
      this.length++;
      return;
    }
    // c is full: split it before entry k, then put v at the end of the left part, the front of
    // the right part, or in a chunk of its own between them.
    let left: QuickChunk;
    let right: QuickChunk;
    if (k === 0) {
      right = c;
      left = this.newChunk(es);
      this.chunks.insertBefore(c, left);
    } else {
      left = c;
      right = this.split(c, k, lp);
    }
    if (left.count > 0 && this.allowInsert(left, es)) {
      const at = this.openGap(left, left.end, es); // may reallocate left.buf
      writeEntry(left.buf, at, v);
      left.count++;
    } else if (this.allowInsert(right, es)) {
      const at = this.openGap(right, right.start, es); // may reallocate right.buf
      writeEntry(right.buf, at, v);
      right.count++;
    } else {
      let mid = left;
      if (left.count > 0) {
        mid = this.newChunk(es);
        this.chunks.insertAfter(left, mid);
      }
      const at = this.openGap(mid, mid.end, es); // may reallocate mid.buf
      writeEntry(mid.buf, at, v);
      mid.count++;
    }
    this.length++;
    if (right.count > 0) this.tryMerge(right);
  }

  /** Move entries k.. of c (starting at byte pos) into a new chunk after c; returns it. */
  private split(c: QuickChunk, k: number, pos: number): QuickChunk {
    const n = c.end - pos;
    const r = new QuickChunk(new Uint8Array(Math.max(n, 8)), 0);
    r.buf.set(c.buf.subarray(pos, c.end), 0);
    r.end = n;
    r.count = c.count - k;
    c.end = pos;
    c.count = k;
    this.chunks.insertAfter(c, r);
    return r;
  }

  /** Remove entry i (negative from the tail). Returns false when out of range. */
  removeAt(i: number): boolean {
    i = this.norm(i);
    if (i < 0) return false;
    const c = this.locate(i);
    readHeader(c.buf, lp);
    this.closeGap(c, lp, lp + 2 * hSize + hLen);
    c.count--;
    this.length--;
    if (c.count === 0) this.unlinkChunk(c);
    else this.tryMerge(c);
    return true;
  }

  /** Remove n entries starting at index start (0 <= start, clamped to the list). */
  removeRange(start: number, n: number): void {
    if (start < 0) start = 0;
    if (n > this.length - start) n = this.length - start;
    if (n <= 0) return;
    let c: QuickChunk | null = this.locate(start);
    let k = lk;
    let pos = lp;
    let last: QuickChunk | null = null;
    while (n > 0 && c !== null) {
      const next: QuickChunk | null = c.next;
      if (k === 0 && n >= c.count) {
        n -= c.count;
        this.length -= c.count;
        this.unlinkChunk(c);
      } else {
        const del = Math.min(n, c.count - k);
        let q = pos;
        for (let j = 0; j < del; j++) {
          readHeader(c.buf, q);
          q += 2 * hSize + hLen;
        }
        this.closeGap(c, pos, q);
        c.count -= del;
        this.length -= del;
        n -= del;
        last = c;
      }
      c = next;
      k = 0;
      pos = c === null ? 0 : c.start;
    }
    if (last !== null && last.count > 0) this.tryMerge(last);
  }

  /** Keep entries [start, stop] (already clamped by the caller to valid indexes) and drop the rest. */
  trim(start: number, stop: number): void {
    if (start > stop || start >= this.length) {
      this.clear();
      return;
    }
    const tail = this.length - 1 - stop;
    if (tail > 0) this.removeRange(stop + 1, tail);
    if (start > 0) this.removeRange(0, start);
  }

  clear(): void {
    this.chunks.clear();
    this.length = 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Iteration and search

  /** Visit entries from index `from` towards the tail until fn returns false. */
  forEachFrom(from: number, fn: EntryVisitor): void {
    if (from < 0) from = 0;
    if (from >= this.length) return;
    let c: QuickChunk | null = this.locate(from);
    let p = lp;
    let idx = from;
    while (c !== null) {
      const buf = c.buf;
      const end = c.end;
      while (p < end) {
        readHeader(buf, p);
        const h = hSize;
        const n = hLen;
        if (!fn(buf, p + h, n, idx)) return;
        p += 2 * h + n;
        idx++;
      }
      c = c.next;
      if (c !== null) p = c.start;
    }
  }

  /** Visit entries from index `from` towards the head until fn returns false. */
  forEachBackFrom(from: number, fn: EntryVisitor): void {
    if (from >= this.length) from = this.length - 1;
    if (from < 0) return;
    let c: QuickChunk | null = this.locate(from);
    readHeader(c.buf, lp);
    let p = lp + 2 * hSize + hLen;
    let idx = from;
    while (c !== null) {
      const buf = c.buf;
      const start = c.start;
      while (p > start) {
        readTrailer(buf, p);
        const h = hSize;
        const n = hLen;
        const off = p - h - n;
        if (!fn(buf, off, n, idx)) return;
        p = off - h;
        idx--;
      }
      c = c.prev;
      if (c !== null) p = c.end;
    }
  }

  /** Index of the first entry equal to v, or -1. */
  indexOf(v: Uint8Array): number {
    let found = -1;
    this.forEachFrom(0, (buf, off, len, i) => {
      if (rangeEquals(buf, off, len, v)) {
        found = i;
        return false;
      }
      return true;
    });
    return found;
  }

  /**
   * Remove entries equal to v: up to `count` from the head (count > 0), from the tail
   * (count < 0), or all (0). Returns the number removed. One compaction pass per touched chunk.
   */
  removeValue(v: Uint8Array, count: number): number {
    const fromTail = count < 0;
    let left = count === 0 ? Number.MAX_SAFE_INTEGER : Math.abs(count);
    let removed = 0;
    let c: QuickChunk | null = fromTail ? this.chunks.tail : this.chunks.head;
    const starts: number[] = [];
    while (c !== null && left > 0) {
      const next: QuickChunk | null = fromTail ? c.prev : c.next;
      // Entry starts and which of them match.
      starts.length = 0;
      const buf = c.buf;
      let p = c.start;
      let matches = 0;
      while (p < c.end) {
        readHeader(buf, p);
        const m = rangeEquals(buf, p + hSize, hLen, v);
        starts.push(m ? -p - 1 : p);
        if (m) matches++;
        p += 2 * hSize + hLen;
      }
      if (matches > 0) {
        // Choose which matches go (nearest the starting end first), then compact once.
        const drop = Math.min(matches, left);
        if (drop < matches) {
          if (fromTail) {
            for (let j = starts.length - 1, seen = 0; j >= 0; j--) if (starts[j]! < 0 && ++seen > drop) starts[j] = -starts[j]! - 1;
          } else {
            for (let j = 0, seen = 0; j < starts.length; j++) if (starts[j]! < 0 && ++seen > drop) starts[j] = -starts[j]! - 1;
          }
        }
        let w = c.start;
        for (let j = 0; j < starts.length; j++) {
          const s = starts[j]!;
          if (s < 0) continue;
          const nx = starts[j + 1];
          const e = nx === undefined ? c.end : nx < 0 ? -nx - 1 : nx;
          if (w !== s) buf.copyWithin(w, s, e);
          w += e - s;
        }
        c.end = w;
        c.count -= drop;
        this.length -= drop;
        removed += drop;
        left -= drop;
        if (c.count === 0) this.unlinkChunk(c);
        else this.tryMergeSafe(c, fromTail);
      }
      c = next;
    }
    return removed;
  }

  /** Merge during a directional walk only with the already-visited neighbour. */
  private tryMergeSafe(c: QuickChunk, fromTail: boolean): void {
    if (c.bytes * 2 > this.maxBytes || c.count * 2 > this.maxCount) return;
    const visited = fromTail ? c.next : c.prev;
    if (visited === null) return;
    if (visited.count + c.count > this.mergeCount || visited.bytes + c.bytes > this.mergeBytes) return;
    if (fromTail) this.append(c, visited);
    else this.append(visited, c);
  }

  // ---------------------------------------------------------------------------------------------
  // Whole-list helpers

  /** Copies of every entry, head to tail (tests, small conversions). */
  toArray(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.forEachFrom(0, (buf, off, len) => {
      out.push(buf.slice(off, off + len));
      return true;
    });
    return out;
  }

  /** A deep copy with tight buffers. */
  copyInto(dst: QuickList): void {
    for (let c = this.chunks.head; c !== null; c = c.next) {
      const n = new QuickChunk(c.buf.slice(c.start, c.end), 0);
      n.end = c.bytes;
      n.count = c.count;
      dst.chunks.pushBack(n);
    }
    dst.length = this.length;
  }

  /** Verify every invariant; returns a description of the first violation, or null. */
  check(): string | null {
    let total = 0;
    let n = 0;
    let prev: QuickChunk | null = null;
    for (let c = this.chunks.head; c !== null; c = c.next) {
      n++;
      if (c.prev !== prev) return `chunk ${n}: bad prev link`;
      prev = c;
      if (c.count <= 0) return `chunk ${n}: empty`;
      if (c.start < 0 || c.end > c.buf.length || c.start > c.end) return `chunk ${n}: bad bounds`;
      let p = c.start;
      let k = 0;
      while (p < c.end) {
        readHeader(c.buf, p);
        const h = hSize;
        const len = hLen;
        const q = p + 2 * h + len;
        if (q > c.end) return `chunk ${n}: entry overruns`;
        readTrailer(c.buf, q);
        if (hLen !== len || hSize !== h) return `chunk ${n}: trailer mismatch`;
        p = q;
        k++;
      }
      if (k !== c.count) return `chunk ${n}: count ${c.count} but ${k} entries`;
      if (c.count > 1 && (c.count > this.maxCount || c.bytes > this.maxBytes)) return `chunk ${n}: over limit (${c.count} entries, ${c.bytes} bytes)`;
      total += c.count;
    }
    if (this.chunks.tail !== prev) return "bad tail";
    if (n !== this.chunks.length) return "chunk count mismatch";
    if (total !== this.length) return `length ${this.length} but ${total} entries`;
    return null;
  }
}
