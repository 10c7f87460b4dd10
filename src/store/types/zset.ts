/**
 * Sorted set values with Redis 7.0's two encodings:
 * - `listpack`: a SortedPack (members packed in one buffer, in (score, member) order) while the
 *   set has at most `zset-max-listpack-entries` members of at most `zset-max-listpack-value`
 *   bytes;
 * - `skiplist`: a Skiplist for order and ranks plus a Dict from member to node (the node is its
 *   own dict entry) for O(1) scores.
 * Conversion rules follow Redis 7.0: ZADD creates a listpack unless the limit is 0 or the first
 * member is too long, and converts to a skiplist before an insert would pass a limit; it never
 * converts back on removal. Store commands (ZUNIONSTORE & co.) convert their result back to a
 * listpack when it fits (`maybeCompact`); ZRANGESTORE builds through `add` from a listpack.
 * SORT converts a listpack to a skiplist in place, as Redis does.
 *
 * Positions: every range query is expressed as ascending 0-based ranks [lo, hi); callers turn
 * reverse ranges into ascending ones.
 *
 * Ownership: members passed in are copied; members handed out (callbacks, `memberAt`) are views
 * valid only until the next mutation.
 */
import { Dict, hashBytes } from "../../datastructures/dict.ts";
import {
  compareBytes,
  lexRangeEmpty,
  scoreRangeEmpty,
  Skiplist,
  ZNode,
  type LexRange,
  type ScoreRange,
} from "../../datastructures/skiplist.ts";
import { SortedPack } from "../../datastructures/sorted-pack.ts";
import type { Collection } from "../value.ts";

// ZADD input flags (Redis's ZADD_IN_*).
export const ZADD_IN_INCR = 1 << 0;
export const ZADD_IN_NX = 1 << 1;
export const ZADD_IN_XX = 1 << 2;
export const ZADD_IN_GT = 1 << 3;
export const ZADD_IN_LT = 1 << 4;
// ZADD output flags (Redis's ZADD_OUT_*).
export const ZADD_OUT_NOP = 1 << 0;
export const ZADD_OUT_NAN = 1 << 1;
export const ZADD_OUT_ADDED = 1 << 2;
export const ZADD_OUT_UPDATED = 1 << 3;

/** The encoding thresholds (zset-max-listpack-entries / -value). */
export interface ZsetLimits {
  maxEntries: number;
  maxValue: number;
}

export class ZsetValue implements Collection {
  pack: SortedPack | null;
  zsl: Skiplist | null;
  dict: Dict<ZNode> | null;
  /** The score after the last `add` (Redis's newscore out-parameter). */
  addScore = 0;

  private constructor(packed: boolean) {
    this.pack = packed ? new SortedPack() : null;
    this.zsl = packed ? null : new Skiplist();
    this.dict = packed ? null : new Dict<ZNode>();
  }

  /** An empty listpack-encoded zset. */
  static listpack(): ZsetValue {
    return new ZsetValue(true);
  }

  /** An empty skiplist-encoded zset. */
  static skiplist(): ZsetValue {
    return new ZsetValue(false);
  }

  /** Redis 7.0's choice in ZADD for a new key, from its first member's length. */
  static createFor(firstMemberLen: number, lim: ZsetLimits): ZsetValue {
    return new ZsetValue(lim.maxEntries !== 0 && firstMemberLen <= lim.maxValue);
  }

  get size(): number {
    return this.pack !== null ? this.pack.size : this.zsl!.length;
  }

  encoding(): string {
    return this.pack !== null ? "listpack" : "skiplist";
  }

  clone(): ZsetValue {
    if (this.pack !== null) {
      const z = new ZsetValue(true);
      z.pack = this.pack.clone();
      return z;
    }
    const z = new ZsetValue(false);
    for (let n = this.zsl!.first; n !== null; n = n.f0) z.insertSkiplist(n.score, n.key.slice());
    return z;
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding conversion

  /** Convert to skiplist + dict (no-op when already). */
  toSkiplist(): void {
    const p = this.pack;
    if (p === null) return;
    this.zsl = new Skiplist();
    this.dict = new Dict<ZNode>();
    for (let i = 0; i < p.size; i++) this.insertSkiplist(p.scoreAt(i), p.memberAt(i).slice());
    this.pack = null;
  }

  /** Convert a skiplist back to a listpack when size and member lengths fit (store commands). */
  maybeCompact(lim: ZsetLimits): void {
    const zsl = this.zsl;
    if (zsl === null || zsl.length > lim.maxEntries) return;
    for (let n = zsl.first; n !== null; n = n.f0) if (n.key.length > lim.maxValue) return;
    const p = new SortedPack();
    for (let n = zsl.first; n !== null; n = n.f0) p.insert(n.score, n.key);
    this.pack = p;
    this.zsl = null;
    this.dict = null;
  }

  /** Insert into the skiplist encoding; `member` is owned by the set from now on. */
  private insertSkiplist(score: number, member: Uint8Array): ZNode {
    const n = this.zsl!.insert(score, member);
    n.hash = hashBytes(member);
    this.dict!.insert(n);
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Point operations

  /** Score of a member, or undefined. */
  score(m: Uint8Array): number | undefined {
    if (this.pack !== null) {
      const i = this.pack.indexOf(m);
      return i < 0 ? undefined : this.pack.scoreAt(i);
    }
    const n = this.dict!.get(m);
    return n === null ? undefined : n.score;
  }

  /**
   * Redis's zsetAdd: add or update one member under ZADD_IN_* flags. Returns ZADD_OUT_* flags;
   * `addScore` receives the resulting score when the element was added or updated (or kept).
   * ZADD_OUT_NAN means the increment produced NaN and nothing changed.
   */
  add(score: number, m: Uint8Array, flags: number, lim: ZsetLimits): number {
    const incr = (flags & ZADD_IN_INCR) !== 0;
    if (Number.isNaN(score)) return ZADD_OUT_NAN;
    const p = this.pack;
    if (p !== null) {
      const i = p.indexOf(m);
      if (i >= 0) {
        if (flags & ZADD_IN_NX) return ZADD_OUT_NOP;
        const cur = p.scoreAt(i);
        if (incr) {
          score += cur;
          if (Number.isNaN(score)) return ZADD_OUT_NAN;
        }
        if ((flags & ZADD_IN_LT && score >= cur) || (flags & ZADD_IN_GT && score <= cur)) return ZADD_OUT_NOP;
        this.addScore = score;
        if (score !== cur) {
          p.setScore(i, score);
          return ZADD_OUT_UPDATED;
        }
        return 0;
      }
      if (flags & ZADD_IN_XX) return ZADD_OUT_NOP;
      if (p.size + 1 > lim.maxEntries || m.length > lim.maxValue) {
        this.toSkiplist();
      } else {
        p.insert(score, m);
        this.addScore = score;
        return ZADD_OUT_ADDED;
      }
    }
    const n = this.dict!.get(m);
    if (n !== null) {
      if (flags & ZADD_IN_NX) return ZADD_OUT_NOP;
      const cur = n.score;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) return ZADD_OUT_NAN;
      }
      if ((flags & ZADD_IN_LT && score >= cur) || (flags & ZADD_IN_GT && score <= cur)) return ZADD_OUT_NOP;
      this.addScore = score;
      if (score !== cur) {
        this.zsl!.updateScore(n, score);
        return ZADD_OUT_UPDATED;
      }
      return 0;
    }
    if (flags & ZADD_IN_XX) return ZADD_OUT_NOP;
    this.insertSkiplist(score, m.slice());
    this.addScore = score;
    return ZADD_OUT_ADDED;
  }

  /** Remove a member; false when absent. */
  remove(m: Uint8Array): boolean {
    if (this.pack !== null) {
      const i = this.pack.indexOf(m);
      if (i < 0) return false;
      this.pack.removeAt(i);
      return true;
    }
    const n = this.dict!.delete(m);
    if (n === null) return false;
    this.zsl!.delete(n.score, n.key);
    return true;
  }

  /** 0-based ascending rank of a member, or -1. */
  rank(m: Uint8Array): number {
    if (this.pack !== null) {
      const i = this.pack.indexOf(m);
      return i;
    }
    const n = this.dict!.get(m);
    if (n === null) return -1;
    return this.zsl!.getRank(n.score, n.key) - 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Ranges as ascending ranks [lo, hi)

  /** Ranks of the members inside a score range. */
  scoreSpan(r: ScoreRange): [number, number] {
    if (scoreRangeEmpty(r)) return [0, 0];
    const lo = this.pack !== null ? this.pack.countBelowScore(r.min, r.minex) : this.zsl!.countBelowScore(r.min, r.minex);
    const hi = this.pack !== null ? this.pack.countBelowScore(r.max, !r.maxex) : this.zsl!.countBelowScore(r.max, !r.maxex);
    return hi > lo ? [lo, hi] : [lo, lo];
  }

  /** Ranks of the members inside a lex range (meaningful when all scores are equal). */
  lexSpan(r: LexRange): [number, number] {
    if (lexRangeEmpty(r)) return [0, 0];
    if (this.pack !== null) return this.pack.lexSpan(r.min, r.max);
    const lo = this.zsl!.countBelowLex(r.min, r.min.exclusive);
    const hi = this.zsl!.countBelowLex(r.max, !r.max.exclusive);
    return hi > lo ? [lo, hi] : [lo, lo];
  }

  /**
   * Call fn(member, score) for ranks lo..hi-1, ascending, or hi-1 down to lo when `reverse`.
   * fn must not modify the set.
   */
  forRanks(lo: number, hi: number, reverse: boolean, fn: (m: Uint8Array, score: number) => void): void {
    if (lo < 0) lo = 0;
    if (hi > this.size) hi = this.size;
    if (lo >= hi) return;
    const p = this.pack;
    if (p !== null) {
      if (reverse) for (let i = hi - 1; i >= lo; i--) fn(p.memberAt(i), p.scoreAt(i));
      else for (let i = lo; i < hi; i++) fn(p.memberAt(i), p.scoreAt(i));
      return;
    }
    const zsl = this.zsl!;
    let n = zsl.getByRank(reverse ? hi : lo + 1);
    for (let k = hi - lo; k > 0 && n !== null; k--) {
      fn(n.key, n.score);
      n = reverse ? n.backward : n.f0;
    }
  }

  /** Member at an ascending 0-based rank (view). */
  memberAt(rank: number): Uint8Array {
    if (this.pack !== null) return this.pack.memberAt(rank);
    return this.zsl!.getByRank(rank + 1)!.key;
  }

  /** Score at an ascending 0-based rank. */
  scoreAt(rank: number): number {
    if (this.pack !== null) return this.pack.scoreAt(rank);
    return this.zsl!.getByRank(rank + 1)!.score;
  }

  /** Delete ranks [lo, hi); returns how many were deleted. */
  deleteRanks(lo: number, hi: number): number {
    if (lo < 0) lo = 0;
    if (hi > this.size) hi = this.size;
    if (lo >= hi) return 0;
    if (this.pack !== null) {
      this.pack.removeRange(lo, hi);
      return hi - lo;
    }
    const dict = this.dict!;
    return this.zsl!.deleteRankRange(lo, hi, (n) => dict.delete(n.key, n.hash));
  }

  /** Call fn for every member in order (fn must not modify the set). */
  forEach(fn: (m: Uint8Array, score: number) => void): void {
    this.forRanks(0, this.size, false, fn);
  }

  /**
   * Check both encodings' invariants and that the dict matches the skiplist; throws on the
   * first violation (tests).
   */
  check(): void {
    if (this.pack !== null) return this.pack.check();
    const zsl = this.zsl!;
    zsl.check();
    const dict = this.dict!;
    if (dict.size !== zsl.length) throw new Error(`dict size ${dict.size} != skiplist length ${zsl.length}`);
    for (let n = zsl.first; n !== null; n = n.f0) {
      if (dict.get(n.key) !== n) throw new Error("dict entry does not point at its node");
    }
  }
}

/** Compare two (score, member) pairs in zset order. */
export function compareScoreMember(s1: number, m1: Uint8Array, s2: number, m2: Uint8Array): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return compareBytes(m1, m2);
}
