/**
 * A compact sorted set for small sizes (the role of Redis's listpack encoding for zsets): the
 * members' bytes packed back to back in one buffer, their start offsets, and their scores, all
 * in (score, member bytes) order.
 *
 * Invariants:
 * - `offs.length === scores.length + 1`; entry i's member is `bytes[offs[i] .. offs[i+1])`;
 *   `offs[0] === 0` and `offs[n]` is the number of bytes used.
 * - Entries are strictly increasing by (score, memcmp(member)); members are unique (the owner
 *   checks with `indexOf` before inserting).
 * Ownership: member bytes are copied in; `memberAt` returns a view into the buffer that is valid
 * only until the next mutation (copy it to keep it).
 * Complexity: lookups by member are O(N·len) linear scans and inserts/deletes move O(bytes),
 * which is what Redis accepts for at most `zset-max-listpack-entries` (128) small members;
 * position by (score, member) and by score/lex bound is a binary search.
 */
import { compareBytes, lexGteMin, lexLteMax, type LexBound } from "./skiplist.ts";

export class SortedPack {
  private bytes: Uint8Array;
  private readonly offs: number[] = [0];
  private readonly scores: number[] = [];

  constructor(capacity = 64) {
    this.bytes = new Uint8Array(capacity);
  }

  get size(): number {
    return this.scores.length;
  }

  /** Bytes of member data held (for memory estimates and the listpack-size rules). */
  get byteLength(): number {
    return this.offs[this.offs.length - 1]!;
  }

  scoreAt(i: number): number {
    return this.scores[i]!;
  }

  /** View of entry i's member, valid until the next mutation. */
  memberAt(i: number): Uint8Array {
    return this.bytes.subarray(this.offs[i]!, this.offs[i + 1]!);
  }

  memberLengthAt(i: number): number {
    return this.offs[i + 1]! - this.offs[i]!;
  }

  /** memcmp of entry i's member against m. */
  private compareAt(i: number, m: Uint8Array): number {
    const b = this.bytes;
    const s = this.offs[i]!;
    const len = this.offs[i + 1]! - s;
    const n = len < m.length ? len : m.length;
    for (let k = 0; k < n; k++) {
      const d = b[s + k]! - m[k]!;
      if (d !== 0) return d;
    }
    return len - m.length;
  }

  private equalsAt(i: number, m: Uint8Array): boolean {
    const s = this.offs[i]!;
    if (this.offs[i + 1]! - s !== m.length) return false;
    const b = this.bytes;
    for (let k = 0; k < m.length; k++) if (b[s + k] !== m[k]) return false;
    return true;
  }

  /** Index of the member, or -1. */
  indexOf(m: Uint8Array): number {
    const n = this.scores.length;
    for (let i = 0; i < n; i++) if (this.equalsAt(i, m)) return i;
    return -1;
  }

  /** Index where (score, member) sorts: the number of entries before it. */
  positionOf(score: number, m: Uint8Array): number {
    let lo = 0;
    let hi = this.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.scores[mid]!;
      if (s < score || (s === score && this.compareAt(mid, m) < 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Insert (score, member) at its sorted place (member must be absent). Returns its index.
   * A -0 score is stored as 0: Redis's listpack keeps scores as text/integers and reads "-0"
   * back as the integer 0, so a listpack never holds a negative zero.
   */
  insert(score: number, m: Uint8Array): number {
    if (score === 0) score = 0;
    const i = this.positionOf(score, m);
    const used = this.byteLength;
    if (used + m.length > this.bytes.length) {
      let cap = this.bytes.length * 2;
      while (cap < used + m.length) cap *= 2;
      const nb = new Uint8Array(cap);
      nb.set(this.bytes.subarray(0, used));
      this.bytes = nb;
    }
    const at = this.offs[i]!;
    this.bytes.copyWithin(at + m.length, at, used);
    this.bytes.set(m, at);
    this.offs.splice(i + 1, 0, at + m.length);
    for (let k = i + 2; k < this.offs.length; k++) this.offs[k]! += m.length;
    this.scores.splice(i, 0, score);
    return i;
  }

  /** Delete entries [from, to). */
  removeRange(from: number, to: number): void {
    if (from < 0) from = 0;
    if (to > this.scores.length) to = this.scores.length;
    if (from >= to) return;
    const a = this.offs[from]!;
    const b = this.offs[to]!;
    const used = this.byteLength;
    this.bytes.copyWithin(a, b, used);
    const d = b - a;
    this.offs.splice(from + 1, to - from);
    for (let k = from + 1; k < this.offs.length; k++) this.offs[k]! -= d;
    this.scores.splice(from, to - from);
    // Give memory back when mostly empty.
    if (this.bytes.length > 256 && this.byteLength * 4 < this.bytes.length) {
      this.bytes = this.bytes.slice(0, Math.max(64, this.byteLength * 2));
    }
  }

  removeAt(i: number): void {
    this.removeRange(i, i + 1);
  }

  /** Set entry i's score, moving it if the order changes. Returns its new index. */
  setScore(i: number, score: number): number {
    if (score === 0) score = 0; // no -0 in a listpack (see insert)
    const prevOk = i === 0 || this.scores[i - 1]! < score || (this.scores[i - 1] === score && this.compareMembers(i - 1, i) < 0);
    const nextOk = i === this.scores.length - 1 || score < this.scores[i + 1]! || (this.scores[i + 1] === score && this.compareMembers(i, i + 1) < 0);
    if (prevOk && nextOk) {
      this.scores[i] = score;
      return i;
    }
    const m = this.memberAt(i).slice();
    this.removeAt(i);
    return this.insert(score, m);
  }

  private compareMembers(i: number, j: number): number {
    return compareBytes(this.memberAt(i), this.memberAt(j));
  }

  /** Number of entries with score < s, or <= s when `inclusive`. */
  countBelowScore(s: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.scores[mid]!;
      if (v < s || (inclusive && v === s)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Entries [lo, hi) of a lex range, found the way Redis walks a listpack: the first entry at or
   * above `min` in order, then every following entry while it is at or below `max`. With equal
   * scores (the only case where lex ranges are meaningful) this is exactly the range; with mixed
   * scores it still gives Redis's answer for forward walks. Also applies Redis's pre-check that
   * the last entry is >= min and the first <= max.
   */
  lexSpan(min: LexBound, max: LexBound): [number, number] {
    const n = this.scores.length;
    if (n === 0 || !lexGteMin(this.memberAt(n - 1), min) || !lexLteMax(this.memberAt(0), max)) return [0, 0];
    let lo = 0;
    while (lo < n && !lexGteMin(this.memberAt(lo), min)) lo++;
    let hi = lo;
    while (hi < n && lexLteMax(this.memberAt(hi), max)) hi++;
    return [lo, hi];
  }

  /** Deep copy. */
  clone(): SortedPack {
    const p = new SortedPack(Math.max(16, this.byteLength));
    p.bytes.set(this.bytes.subarray(0, this.byteLength));
    p.offs.length = 0;
    for (const o of this.offs) p.offs.push(o);
    for (const s of this.scores) p.scores.push(s);
    return p;
  }

  /** Check invariants; throws on violation (tests). */
  check(): void {
    const n = this.scores.length;
    if (this.offs.length !== n + 1 || this.offs[0] !== 0) throw new Error("bad offsets");
    for (let i = 0; i < n; i++) {
      if (this.offs[i + 1]! < this.offs[i]!) throw new Error("offsets not monotonic");
      if (i > 0) {
        const s0 = this.scores[i - 1]!;
        const s1 = this.scores[i]!;
        if (!(s0 < s1 || (s0 === s1 && this.compareMembers(i - 1, i) < 0))) throw new Error(`order violated at ${i}`);
      }
    }
    if (this.byteLength > this.bytes.length) throw new Error("buffer overflow");
  }
}
