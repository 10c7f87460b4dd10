/**
 * IdMap: an ordered map keyed by stream IDs (two U64 parts), used for a stream's index of nodes
 * (keyed by master ID) and for consumer-group PELs (keyed by entry ID).
 *
 * Layout: a two-level B-tree: a sorted array of chunks, each a sorted run of at most CHUNK keys
 * held in parallel arrays (ms, seq, value). Lookup is two binary searches, O(log N); insert and
 * delete move at most CHUNK slots plus, when a chunk splits or empties, one slot of the chunk
 * array (N / CHUNK entries). Appends at the end (IDs grow over time) fill chunks completely
 * instead of splitting them, so a stream's index and a PEL built in ID order stay dense.
 *
 * Invariants: chunks are non-empty; keys are strictly increasing across the whole sequence;
 * `size` is the total count.
 *
 * Cursors (`IdCursor`) name a position (chunk, slot). Any insert or delete invalidates cursors;
 * callers that delete while walking re-seek from the deleted key (as Redis does with rax).
 */
import { cmpId, type U64 } from "./stream-id.ts";

const CHUNK = 128;

class Chunk<V> {
  ms: U64[] = [];
  seq: U64[] = [];
  vals: V[] = [];
}

/** A position in an IdMap (valid until the map changes). */
export interface IdCursor {
  ci: number;
  i: number;
}

export class IdMap<V> {
  private chunks: Chunk<V>[] = [];
  size = 0;
  /** Bumped whenever the key set changes (callers cache derived values). */
  version = 0;

  /** Index of the first chunk whose last key is >= (ms, seq); chunks.length when none. */
  private chunkFor(ms: U64, seq: U64): number {
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = cs[mid]!;
      const last = c.ms.length - 1;
      if (cmpId(c.ms[last]!, c.seq[last]!, ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Slot of the first key >= (ms, seq) within a chunk. */
  private static slot<V>(c: Chunk<V>, ms: U64, seq: U64): number {
    let lo = 0;
    let hi = c.ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpId(c.ms[mid]!, c.seq[mid]!, ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(ms: U64, seq: U64): V | undefined {
    const ci = this.chunkFor(ms, seq);
    const c = this.chunks[ci];
    if (c === undefined) return undefined;
    const i = IdMap.slot(c, ms, seq);
    return c.ms[i] === ms && c.seq[i] === seq ? c.vals[i] : undefined;
  }

  has(ms: U64, seq: U64): boolean {
    return this.get(ms, seq) !== undefined;
  }

  /** Insert or replace. Returns true when the key was new. */
  set(ms: U64, seq: U64, v: V): boolean {
    const cs = this.chunks;
    const n = cs.length;
    if (n === 0) {
      const c = new Chunk<V>();
      c.ms.push(ms);
      c.seq.push(seq);
      c.vals.push(v);
      cs.push(c);
      this.size++;
      this.version++;
      return true;
    }
    // Fast path: append after the last key.
    const tail = cs[n - 1]!;
    const tl = tail.ms.length - 1;
    const ct = cmpId(tail.ms[tl]!, tail.seq[tl]!, ms, seq);
    if (ct < 0) {
      if (tail.ms.length < CHUNK) {
        tail.ms.push(ms);
        tail.seq.push(seq);
        tail.vals.push(v);
      } else {
        const c = new Chunk<V>();
        c.ms.push(ms);
        c.seq.push(seq);
        c.vals.push(v);
        cs.push(c);
      }
      this.size++;
      this.version++;
      return true;
    }
    let ci = this.chunkFor(ms, seq);
    if (ci === n) ci = n - 1;
    const c = cs[ci]!;
    const i = IdMap.slot(c, ms, seq);
    if (c.ms[i] === ms && c.seq[i] === seq) {
      c.vals[i] = v;
      return false;
    }
    c.ms.splice(i, 0, ms);
    c.seq.splice(i, 0, seq);
    c.vals.splice(i, 0, v);
    this.size++;
    this.version++;
    if (c.ms.length > CHUNK) {
      const half = c.ms.length >>> 1;
      const d = new Chunk<V>();
      d.ms = c.ms.splice(half);
      d.seq = c.seq.splice(half);
      d.vals = c.vals.splice(half);
      cs.splice(ci + 1, 0, d);
    }
    return true;
  }

  /** Remove a key; returns its value, or undefined when absent. */
  delete(ms: U64, seq: U64): V | undefined {
    const ci = this.chunkFor(ms, seq);
    const c = this.chunks[ci];
    if (c === undefined) return undefined;
    const i = IdMap.slot(c, ms, seq);
    if (c.ms[i] !== ms || c.seq[i] !== seq) return undefined;
    const v = c.vals[i]!;
    this.removeAt(ci, i);
    return v;
  }

  private removeAt(ci: number, i: number): void {
    const cs = this.chunks;
    const c = cs[ci]!;
    c.ms.splice(i, 1);
    c.seq.splice(i, 1);
    c.vals.splice(i, 1);
    this.size--;
    this.version++;
    if (c.ms.length === 0) {
      cs.splice(ci, 1);
      return;
    }
    // Keep chunks from fragmenting under scattered deletes: merge small neighbours.
    const next = cs[ci + 1];
    if (next !== undefined && c.ms.length + next.ms.length <= CHUNK / 2) {
      c.ms.push(...next.ms);
      c.seq.push(...next.seq);
      c.vals.push(...next.vals);
      cs.splice(ci + 1, 1);
    }
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.version++;
  }

  // -----------------------------------------------------------------------------------------------
  // Cursors

  /** First position with key >= (ms, seq), or null. */
  seekGE(ms: U64, seq: U64): IdCursor | null {
    const ci = this.chunkFor(ms, seq);
    const c = this.chunks[ci];
    if (c === undefined) return null;
    return { ci, i: IdMap.slot(c, ms, seq) };
  }

  /** Last position with key <= (ms, seq), or null. */
  seekLE(ms: U64, seq: U64): IdCursor | null {
    const cs = this.chunks;
    let ci = this.chunkFor(ms, seq);
    if (ci === cs.length) {
      if (ci === 0) return null;
      const c = cs[ci - 1]!;
      return { ci: ci - 1, i: c.ms.length - 1 };
    }
    const c = cs[ci]!;
    const i = IdMap.slot(c, ms, seq);
    if (i < c.ms.length && c.ms[i] === ms && c.seq[i] === seq) return { ci, i };
    if (i > 0) return { ci, i: i - 1 };
    ci--;
    if (ci < 0) return null;
    return { ci, i: cs[ci]!.ms.length - 1 };
  }

  /** First position, or null when empty. */
  first(): IdCursor | null {
    return this.chunks.length === 0 ? null : { ci: 0, i: 0 };
  }

  /** Last position, or null when empty. */
  last(): IdCursor | null {
    const n = this.chunks.length;
    return n === 0 ? null : { ci: n - 1, i: this.chunks[n - 1]!.ms.length - 1 };
  }

  /** Advance a cursor; returns false (cursor unusable) past the end. */
  next(cur: IdCursor): boolean {
    const c = this.chunks[cur.ci]!;
    if (cur.i + 1 < c.ms.length) {
      cur.i++;
      return true;
    }
    if (cur.ci + 1 >= this.chunks.length) return false;
    cur.ci++;
    cur.i = 0;
    return true;
  }

  /** Step a cursor back; returns false before the start. */
  prev(cur: IdCursor): boolean {
    if (cur.i > 0) {
      cur.i--;
      return true;
    }
    if (cur.ci === 0) return false;
    cur.ci--;
    cur.i = this.chunks[cur.ci]!.ms.length - 1;
    return true;
  }

  ms(cur: IdCursor): U64 {
    return this.chunks[cur.ci]!.ms[cur.i]!;
  }

  seq(cur: IdCursor): U64 {
    return this.chunks[cur.ci]!.seq[cur.i]!;
  }

  value(cur: IdCursor): V {
    return this.chunks[cur.ci]!.vals[cur.i]!;
  }

  /** Replace the value at a cursor (the key stays). */
  setValue(cur: IdCursor, v: V): void {
    this.chunks[cur.ci]!.vals[cur.i] = v;
  }

  /** Visit every entry in order (stop by returning false). */
  forEach(fn: (ms: U64, seq: U64, v: V) => boolean | void): void {
    for (const c of this.chunks) {
      for (let i = 0; i < c.ms.length; i++) if (fn(c.ms[i]!, c.seq[i]!, c.vals[i]!) === false) return;
    }
  }

  /** Check the ordering invariants (tests). */
  check(): void {
    let n = 0;
    let pm: U64 | null = null;
    let ps: U64 = 0;
    for (const c of this.chunks) {
      if (c.ms.length === 0 || c.ms.length > CHUNK + 1) throw new Error("chunk size out of bounds");
      if (c.ms.length !== c.seq.length || c.ms.length !== c.vals.length) throw new Error("chunk arrays differ");
      for (let i = 0; i < c.ms.length; i++) {
        if (pm !== null && cmpId(pm, ps, c.ms[i]!, c.seq[i]!) >= 0) throw new Error("keys out of order");
        pm = c.ms[i]!;
        ps = c.seq[i]!;
        n++;
      }
    }
    if (n !== this.size) throw new Error(`size ${this.size} != ${n}`);
  }
}
