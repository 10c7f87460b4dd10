/**
 * Byte-keyed hash table with chaining, incremental rehashing and Redis's SCAN cursor.
 *
 * Invariants:
 * - Entries are intrusive: the caller's entry object carries `key`, `hash` and `next`, so a
 *   keyspace entry is one object (no wrapper per key). Keys are owned by the entry: callers
 *   copy request bytes before inserting.
 * - Table sizes are powers of two. While rehashing, buckets below `rehashIdx` of t0 are empty
 *   and every lookup checks t0 then t1. Each mutating call moves one bucket (`rehashStep`), and
 *   the owner can call `rehashFor(ms)` from a timer, as Redis's databasesCron does.
 * - `scan` uses the reverse-binary cursor: every entry present for the whole iteration is
 *   returned at least once, across growth and shrinkage between calls.
 * Complexity: O(1) average get/set/delete; resizes are spread across operations.
 */

export interface DictEntry {
  key: Uint8Array;
  hash: number;
  next: DictEntry | null;
}

const INITIAL_SIZE = 4;
/** Redis's HASHTABLE_MIN_FILL: shrink when less than 1/10 full. */
const MIN_FILL = 10;

/** Process-wide random seed, so bucket order is not predictable from outside. */
const SEED = (Math.random() * 0x7fffffff) | 0;

/** 32-bit FNV-1a over the bytes with a seed, then murmur3's finalizer for the low bits. */
export function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true; // an entry's own key (deletes after a lookup): no need to read it
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

export class Dict<E extends DictEntry> {
  protected t0: (E | null)[] = new Array(INITIAL_SIZE).fill(null);
  protected t1: (E | null)[] | null = null;
  private used0 = 0;
  private used1 = 0;
  private rehashIdx = -1;
  /** Iterators in progress that forbid rehash steps (Redis's "safe iterators"). */
  protected pauseRehash = 0;

  get size(): number {
    return this.used0 + this.used1;
  }

  get isRehashing(): boolean {
    return this.t1 !== null;
  }

  /** Number of buckets (both tables), for memory estimates. */
  get buckets(): number {
    return this.t0.length + (this.t1 === null ? 0 : this.t1.length);
  }

  get(key: Uint8Array): E | null {
    return this.find(key, hashBytes(key));
  }

  find(key: Uint8Array, hash: number): E | null {
    if (this.t1 !== null && this.pauseRehash === 0) this.rehashStep();
    let e = this.t0[hash & (this.t0.length - 1)] ?? null;
    while (e !== null) {
      if (e.hash === hash && bytesEqual(e.key, key)) return e;
      e = e.next as E | null;
    }
    if (this.t1 !== null) {
      e = this.t1[hash & (this.t1.length - 1)] ?? null;
      while (e !== null) {
        if (e.hash === hash && bytesEqual(e.key, key)) return e;
        e = e.next as E | null;
      }
    }
    return null;
  }

  /** Insert an entry whose key is known to be absent. `entry.hash` must be hashBytes(entry.key). */
  insert(entry: E): void {
    if (this.t1 !== null) {
      if (this.pauseRehash === 0) this.rehashStep();
    } else if (this.used0 >= this.t0.length) {
      this.startResize(this.t0.length * 2);
    }
    if (this.t1 !== null) {
      const i = entry.hash & (this.t1.length - 1);
      entry.next = this.t1[i] ?? null;
      this.t1[i] = entry;
      this.used1++;
    } else {
      const i = entry.hash & (this.t0.length - 1);
      entry.next = this.t0[i] ?? null;
      this.t0[i] = entry;
      this.used0++;
    }
  }

  /** Remove and return the entry for key, or null. */
  delete(key: Uint8Array, hash = hashBytes(key)): E | null {
    if (this.t1 !== null && this.pauseRehash === 0) this.rehashStep();
    const r = this.unlinkFrom(this.t0, key, hash);
    if (r !== null) {
      this.used0--;
      return r;
    }
    if (this.t1 !== null) {
      const r1 = this.unlinkFrom(this.t1, key, hash);
      if (r1 !== null) {
        this.used1--;
        return r1;
      }
    }
    return null;
  }

  private unlinkFrom(t: (E | null)[], key: Uint8Array, hash: number): E | null {
    const i = hash & (t.length - 1);
    let prev: E | null = null;
    let e = t[i] ?? null;
    while (e !== null) {
      if (e.hash === hash && bytesEqual(e.key, key)) {
        if (prev === null) t[i] = e.next as E | null;
        else prev.next = e.next;
        e.next = null;
        return e;
      }
      prev = e;
      e = e.next as E | null;
    }
    return null;
  }

  clear(): void {
    this.t0 = new Array(INITIAL_SIZE).fill(null);
    this.t1 = null;
    this.used0 = this.used1 = 0;
    this.rehashIdx = -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Resizing

  private startResize(size: number): void {
    if (size < INITIAL_SIZE) size = INITIAL_SIZE;
    if (size === this.t0.length) return;
    this.t1 = new Array(size).fill(null);
    this.rehashIdx = 0;
  }

  /** Shrink when sparse (call from a timer, as Redis's tryResizeHashTables does). */
  maybeShrink(): void {
    if (this.t1 !== null) return;
    const size = this.t0.length;
    if (size > INITIAL_SIZE && (this.used0 * 100) / size < MIN_FILL) {
      let target = INITIAL_SIZE;
      while (target < this.used0) target *= 2;
      this.startResize(target);
    }
  }

  /** Move up to n buckets (visiting at most 10n empty ones). Returns true while more remain. */
  rehash(n: number): boolean {
    const t1 = this.t1;
    if (t1 === null) return false;
    const t0 = this.t0;
    let emptyVisits = n * 10;
    const mask1 = t1.length - 1;
    while (n-- > 0 && this.used0 > 0) {
      while (t0[this.rehashIdx] === null) {
        this.rehashIdx++;
        if (--emptyVisits === 0) return true;
      }
      let e = t0[this.rehashIdx] ?? null;
      while (e !== null) {
        const next = e.next as E | null;
        const j = e.hash & mask1;
        e.next = t1[j] ?? null;
        t1[j] = e;
        this.used0--;
        this.used1++;
        e = next;
      }
      t0[this.rehashIdx] = null;
      this.rehashIdx++;
    }
    if (this.used0 === 0) {
      this.t0 = t1;
      this.used0 = this.used1;
      this.t1 = null;
      this.used1 = 0;
      this.rehashIdx = -1;
      return false;
    }
    return true;
  }

  protected rehashStep(): void {
    this.rehash(1);
  }

  /** Rehash in steps of 100 buckets for about `ms` milliseconds. */
  rehashFor(ms: number): void {
    const until = performance.now() + ms;
    while (this.rehash(100)) if (performance.now() > until) break;
  }

  // ---------------------------------------------------------------------------------------------
  // Iteration

  /**
   * Visit the entries of one cursor step and return the next cursor (0 when done). `fn` must not
   * insert or delete; collect and act afterwards.
   */
  scan(cursor: number, fn: (e: E) => void): number {
    if (this.size === 0) return 0;
    let v = cursor >>> 0;
    const t1 = this.t1;
    if (t1 === null) {
      const m0 = this.t0.length - 1;
      this.emitBucket(this.t0, v & m0, fn);
      v |= ~m0;
      v = rev32(v);
      v = (v + 1) >>> 0;
      v = rev32(v);
      return v;
    }
    // Visit the smaller table's bucket, then every expansion of it in the larger table.
    let small = this.t0;
    let large = t1;
    if (small.length > large.length) {
      small = t1;
      large = this.t0;
    }
    const ms = small.length - 1;
    const ml = large.length - 1;
    this.emitBucket(small, v & ms, fn);
    do {
      this.emitBucket(large, v & ml, fn);
      v |= ~ml;
      v = rev32(v);
      v = (v + 1) >>> 0;
      v = rev32(v);
    } while ((v & (ms ^ ml)) !== 0);
    return v;
  }

  private emitBucket(t: (E | null)[], i: number, fn: (e: E) => void): void {
    let e = t[i] ?? null;
    while (e !== null) {
      const next = e.next as E | null;
      fn(e);
      e = next;
    }
  }

  /** A uniformly-chosen bucket's random entry (Redis's dictGetRandomKey); null when empty. */
  random(): E | null {
    if (this.size === 0) return null;
    if (this.t1 !== null && this.pauseRehash === 0) this.rehashStep();
    let e: E | null = null;
    const t1 = this.t1;
    if (t1 !== null) {
      const total = this.t0.length + t1.length;
      while (e === null) {
        const r = Math.floor(Math.random() * total);
        e = r < this.t0.length ? (this.t0[r] ?? null) : (t1[r - this.t0.length] ?? null);
      }
    } else {
      const m = this.t0.length;
      while (e === null) e = this.t0[Math.floor(Math.random() * m)] ?? null;
    }
    let chosen: E = e;
    let len = 0;
    for (let x: E | null = chosen; x !== null; x = x.next as E | null) len++;
    let k = Math.floor(Math.random() * len);
    while (k-- > 0 && chosen.next !== null) chosen = chosen.next as E;
    return chosen;
  }

  /** Iterate all entries. The dict must not be modified during iteration. */
  *[Symbol.iterator](): IterableIterator<E> {
    this.pauseRehash++;
    try {
      for (const t of this.t1 === null ? [this.t0] : [this.t0, this.t1]) {
        for (let i = 0; i < t.length; i++) {
          let e = t[i] ?? null;
          while (e !== null) {
            const next = e.next as E | null;
            yield e;
            e = next;
          }
        }
      }
    } finally {
      this.pauseRehash--;
    }
  }

  /** Call fn for every entry (faster than the iterator). fn must not modify the dict. */
  forEach(fn: (e: E) => void): void {
    const tables = this.t1 === null ? [this.t0] : [this.t0, this.t1];
    for (const t of tables) {
      for (let i = 0; i < t.length; i++) {
        let e = t[i] ?? null;
        while (e !== null) {
          const next = e.next as E | null;
          fn(e);
          e = next;
        }
      }
    }
  }
}

/** Longest key a PackedKeyEntry holds inline: four words of six bytes. */
export const INLINE_KEY_MAX = 24;
const TWO_48 = 2 ** 48;

/** Bytes [off, off + 6) of b (those below n), little-endian in one exact integer below 2^48. */
function keyWord(b: Uint8Array, off: number, n: number): number {
  let lo = 0;
  let hi = 0;
  const mid = Math.min(off + 3, n);
  const end = Math.min(off + 6, n);
  let i = off;
  for (let s = 0; i < mid; i++, s += 8) lo |= b[i]! << s;
  for (let s = 0; i < end; i++, s += 8) hi |= b[i]! << s;
  return lo + hi * 16777216;
}

/**
 * A dict entry that also carries its key packed into four numbers: keys of up to
 * INLINE_KEY_MAX bytes, the length folded into `k0` (below 2^53, so exact); `k0` is -1 for
 * longer keys. Equal words mean equal keys, so a lookup never reads the key's bytes: the key's
 * array object and its storage are two cache misses per lookup in a large table.
 */
export interface PackedKeyEntry extends DictEntry {
  k0: number;
  k1: number;
  k2: number;
  k3: number;
}

/** Fill `e`'s packed words from `e.key` (call once the key is set; keys never change). */
export function packEntryKey(e: PackedKeyEntry): void {
  const b = e.key;
  const n = b.length;
  if (n > INLINE_KEY_MAX) {
    e.k0 = -1;
    e.k1 = e.k2 = e.k3 = 0;
    return;
  }
  e.k0 = n * TWO_48 + keyWord(b, 0, n);
  e.k1 = n > 6 ? keyWord(b, 6, n) : 0;
  e.k2 = n > 12 ? keyWord(b, 12, n) : 0;
  e.k3 = n > 18 ? keyWord(b, 18, n) : 0;
}

/**
 * Dict of PackedKeyEntry (the keyspace): short keys are compared by their packed words, long
 * ones as in Dict. Its own `find` also keeps the keyspace's lookups monomorphic, apart from the
 * entry types of collection dicts.
 */
export class PackedKeyDict<E extends PackedKeyEntry> extends Dict<E> {
  override find(key: Uint8Array, hash: number): E | null {
    const n = key.length;
    if (n > INLINE_KEY_MAX) return super.find(key, hash);
    const w0 = n * TWO_48 + keyWord(key, 0, n);
    const w1 = n > 6 ? keyWord(key, 6, n) : 0;
    const w2 = n > 12 ? keyWord(key, 12, n) : 0;
    const w3 = n > 18 ? keyWord(key, 18, n) : 0;
    if (this.t1 !== null && this.pauseRehash === 0) this.rehashStep();
    let e = this.t0[hash & (this.t0.length - 1)] ?? null;
    while (e !== null) {
      if (e.k0 === w0 && e.k1 === w1 && e.k2 === w2 && e.k3 === w3) return e;
      e = e.next as E | null;
    }
    if (this.t1 !== null) {
      e = this.t1[hash & (this.t1.length - 1)] ?? null;
      while (e !== null) {
        if (e.k0 === w0 && e.k1 === w1 && e.k2 === w2 && e.k3 === w3) return e;
        e = e.next as E | null;
      }
    }
    return null;
  }
}
