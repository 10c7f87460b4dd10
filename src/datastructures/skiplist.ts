/**
 * Redis-style skiplist for sorted sets, ordered by (score, member bytes).
 *
 * Invariants:
 * - Nodes are ordered by score, then by member bytes (memcmp, shorter first on a common prefix).
 *   No two nodes have the same member; the caller keeps a member → node map (a `Dict<ZNode>`: a
 *   node is its own dict entry through `key`/`hash`/`next`) to guarantee it and to answer ZSCORE
 *   in O(1).
 * - Level 0 is a doubly linked list (`f0` forward, `backward` back); `tail` is its last node.
 *   Level 1 is `f1`/`s1` in the node; levels ≥ 2 live in `up` as [forward2, span2, forward3,
 *   span3, ...], no array for the ~94% of nodes with at most two levels.
 *   The span of a level-0 link is 1.
 * - `span` at level i counts the level-0 links the forward pointer jumps over, so the sum of the
 *   spans walked from the header is the node's 1-based rank. The header's spans on levels above
 *   the current maximum are kept equal to `length` the way Redis does.
 * Ownership: members are owned by their node; callers pass bytes they will not modify again
 * (copy request views before inserting).
 * Complexity: insert, delete, update, rank and rank lookup are O(log N) expected; range
 * deletions are O(log N + M).
 */

export const ZSKIPLIST_MAXLEVEL = 32;
const ZSKIPLIST_P = 0.25;

/** A skiplist node; also the entry of the member → node dict. */
export class ZNode {
  /** Member bytes (the dict key). */
  key: Uint8Array;
  /** Dict hash of `key` (set by the owner when the node enters the dict). */
  hash = 0;
  /** Dict chain link. */
  next: ZNode | null = null;
  score: number;
  backward: ZNode | null = null;
  /** Level-0 forward link. */
  f0: ZNode | null = null;
  /**
   * Level-1 forward link and span, in the node itself: searches step on level 1 more than on
   * all higher levels together, and a link in `up` costs two more cache misses (array, storage).
   */
  f1: ZNode | null = null;
  s1 = 0;
  /**
   * Levels ≥ 2: [forward, span] pairs; null for a node with one level, the shared empty
   * LEVEL2 for a node with two.
   */
  up: (ZNode | null | number)[] | null;

  constructor(level: number, score: number, member: Uint8Array) {
    this.key = member;
    this.score = score;
    this.up = newUp(level);
  }

  get level(): number {
    return this.up === null ? 1 : (this.up.length >> 1) + 2;
  }
}

/** `up` of every two-level node (never written: links at levels ≥ 2 need a taller node). */
const LEVEL2: (ZNode | null | number)[] = [null];
LEVEL2.length = 0; // empty, but with the same element kind as every other `up`

/** Link storage for levels 2..level-1, every forward null and span 0. */
function newUp(level: number): (ZNode | null | number)[] | null {
  if (level <= 2) return level === 2 ? LEVEL2 : null;
  const up = new Array<ZNode | null | number>((level - 2) * 2);
  for (let i = 0; i < up.length; i += 2) {
    up[i] = null;
    up[i + 1] = 0;
  }
  return up;
}

function fwd(x: ZNode, i: number): ZNode | null {
  return i === 0 ? x.f0 : i === 1 ? x.f1 : (x.up![(i - 2) << 1] as ZNode | null);
}

function setFwd(x: ZNode, i: number, n: ZNode | null): void {
  if (i === 0) x.f0 = n;
  else if (i === 1) x.f1 = n;
  else x.up![(i - 2) << 1] = n;
}

function span(x: ZNode, i: number): number {
  return i === 0 ? 1 : i === 1 ? x.s1 : (x.up![((i - 2) << 1) + 1] as number);
}

function setSpan(x: ZNode, i: number, s: number): void {
  if (i === 1) x.s1 = s;
  else if (i !== 0) x.up![((i - 2) << 1) + 1] = s;
}

/** memcmp-style order of byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** True when (s1, m1) sorts before (s2, m2). */
function before(s1: number, m1: Uint8Array, s2: number, m2: Uint8Array): boolean {
  return s1 < s2 || (s1 === s2 && compareBytes(m1, m2) < 0);
}

/** A score interval; `minex`/`maxex` make the bound exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** Lex bound: `-` (LEX_MIN), `+` (LEX_MAX) or a member with its exclusivity. */
export const LEX_MIN = -1;
export const LEX_MAX = 1;
export const LEX_VALUE = 0;
export interface LexBound {
  kind: number;
  value: Uint8Array;
  exclusive: boolean;
}
export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** True when `v` is at or above the lower bound. */
export function lexGteMin(v: Uint8Array, b: LexBound): boolean {
  if (b.kind === LEX_MIN) return true;
  if (b.kind === LEX_MAX) return false;
  const c = compareBytes(v, b.value);
  return b.exclusive ? c > 0 : c >= 0;
}

/** True when `v` is at or below the upper bound. */
export function lexLteMax(v: Uint8Array, b: LexBound): boolean {
  if (b.kind === LEX_MAX) return true;
  if (b.kind === LEX_MIN) return false;
  const c = compareBytes(v, b.value);
  return b.exclusive ? c < 0 : c <= 0;
}

export function scoreGteMin(s: number, r: ScoreRange): boolean {
  return r.minex ? s > r.min : s >= r.min;
}

export function scoreLteMax(s: number, r: ScoreRange): boolean {
  return r.maxex ? s < r.max : s <= r.max;
}

/** True when the score range can contain nothing (Redis's zslIsInRange empty check). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** True when the lex range can contain nothing. */
export function lexRangeEmpty(r: LexRange): boolean {
  const a = r.min;
  const b = r.max;
  if (a.kind === LEX_MAX || b.kind === LEX_MIN) return true;
  if (a.kind === LEX_MIN || b.kind === LEX_MAX) return false;
  const c = compareBytes(a.value, b.value);
  return c > 0 || (c === 0 && (a.exclusive || b.exclusive));
}

function randomLevel(): number {
  let level = 1;
  while (level < ZSKIPLIST_MAXLEVEL && Math.random() < ZSKIPLIST_P) level++;
  return level;
}

export class Skiplist {
  readonly header: ZNode = new ZNode(ZSKIPLIST_MAXLEVEL, 0, new Uint8Array(0));
  tail: ZNode | null = null;
  length = 0;
  /** Highest level in use (1 when empty). */
  level = 1;
  /** Scratch arrays reused across operations (single-threaded). */
  private readonly update: ZNode[] = new Array<ZNode>(ZSKIPLIST_MAXLEVEL);
  private readonly rank: number[] = new Array<number>(ZSKIPLIST_MAXLEVEL).fill(0);

  /** First node (rank 1), or null. */
  get first(): ZNode | null {
    return this.header.f0;
  }

  /**
   * Insert a member known to be absent. The node takes ownership of `member`.
   * Pass `node` to reuse an unlinked node object (it gets a fresh random level).
   */
  insert(score: number, member: Uint8Array, node?: ZNode): ZNode {
    // One argument type for the compiled body (object or null, never undefined).
    return this.insertNode(score, member, node ?? null);
  }

  private insertNode(score: number, member: Uint8Array, node: ZNode | null): ZNode {
    const update = this.update;
    const rank = this.rank;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      for (let n = fwd(x, i); n !== null && before(n.score, n.key, score, member); n = fwd(x, i)) {
        rank[i]! += span(x, i);
        x = n;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        setSpan(this.header, i, this.length);
      }
      this.level = level;
    }
    if (node === null) node = new ZNode(level, score, member);
    else {
      node.score = score;
      node.key = member;
      node.f0 = null;
      node.f1 = null;
      node.s1 = 0;
      node.backward = null;
      node.up = newUp(level);
    }
    // Levels 0 and 1 are fields; `node.up` is touched only in the loop for levels ≥ 2, so the
    // compiler never hoists an array check on an `up` that is null or LEVEL2.
    const u0 = update[0]!;
    node.f0 = u0.f0;
    u0.f0 = node;
    if (level > 1) {
      const u1 = update[1]!;
      node.f1 = u1.f1;
      u1.f1 = node;
      node.s1 = u1.s1 - (rank[0]! - rank[1]!);
      u1.s1 = rank[0]! - rank[1]! + 1;
      for (let i = 2; i < level; i++) {
        const u = update[i]!;
        setFwd(node, i, fwd(u, i));
        setFwd(u, i, node);
        setSpan(node, i, span(u, i) - (rank[0]! - rank[i]!));
        setSpan(u, i, rank[0]! - rank[i]! + 1);
      }
    }
    for (let i = level; i < this.level; i++) setSpan(update[i]!, i, span(update[i]!, i) + 1);
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.f0 !== null) node.f0.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Unlink x given the per-level predecessors in `update`. */
  private unlinkNode(x: ZNode, update: ZNode[]): void {
    // Levels 0 and 1 first: `x.up` is read only in the loop over levels ≥ 2 (see insertNode).
    const u0 = update[0]!;
    if (u0.f0 === x) u0.f0 = x.f0;
    if (this.level > 1) {
      const u1 = update[1]!;
      if (u1.f1 === x) {
        u1.s1 += x.s1 - 1;
        u1.f1 = x.f1;
      } else u1.s1--;
      for (let i = 2; i < this.level; i++) {
        const u = update[i]!;
        if (fwd(u, i) === x) {
          setSpan(u, i, span(u, i) + span(x, i) - 1);
          setFwd(u, i, fwd(x, i));
        } else {
          setSpan(u, i, span(u, i) - 1);
        }
      }
    }
    if (x.f0 !== null) x.f0.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && fwd(this.header, this.level - 1) === null) this.level--;
    this.length--;
  }

  /** Fill `update` with the last node before (score, member) on every level. */
  private findUpdate(score: number, member: Uint8Array): ZNode {
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = fwd(x, i); n !== null && before(n.score, n.key, score, member); n = fwd(x, i)) x = n;
      update[i] = x;
    }
    return x;
  }

  /** Delete the node with this score and member; returns it (unlinked) or null. */
  delete(score: number, member: Uint8Array): ZNode | null {
    const x = this.findUpdate(score, member).f0;
    if (x !== null && x.score === score && compareBytes(x.key, member) === 0) {
      this.unlinkNode(x, this.update);
      return x;
    }
    return null;
  }

  /**
   * Change a node's score (the node must be in the list with score `cur`). The node is updated
   * in place when its position does not change; otherwise it is unlinked and re-inserted (same
   * node object, so a dict holding it stays valid). Returns the node.
   */
  updateScore(node: ZNode, newScore: number): ZNode {
    const back = node.backward;
    const next = node.f0;
    if ((back === null || back.score < newScore || (back.score === newScore && compareBytes(back.key, node.key) < 0)) &&
      (next === null || newScore < next.score || (next.score === newScore && compareBytes(node.key, next.key) < 0))) {
      node.score = newScore;
      return node;
    }
    this.findUpdate(node.score, node.key);
    this.unlinkNode(node, this.update);
    return this.insert(newScore, node.key, node);
  }

  /** 1-based rank of (score, member), or 0 when absent. */
  getRank(score: number, member: Uint8Array): number {
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = fwd(x, i); n !== null && (before(n.score, n.key, score, member) || (n.score === score && compareBytes(n.key, member) === 0)); n = fwd(x, i)) {
        rank += span(x, i);
        x = n;
      }
      if (x !== this.header && x.score === score && compareBytes(x.key, member) === 0) return rank;
    }
    return 0;
  }

  /** The node at 1-based `rank`, or null when out of range. */
  getByRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = fwd(x, i); n !== null && traversed + span(x, i) <= rank; n = fwd(x, i)) {
        traversed += span(x, i);
        x = n;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** Number of nodes with (score < s), or (score <= s) when `inclusive`. */
  countBelowScore(s: number, inclusive: boolean): number {
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = fwd(x, i); n !== null && (n.score < s || (inclusive && n.score === s)); n = fwd(x, i)) {
        rank += span(x, i);
        x = n;
      }
    }
    return rank;
  }

  /** Number of nodes whose member is below the lex bound (`inclusive`: at or below). */
  countBelowLex(b: LexBound, inclusive: boolean): number {
    if (b.kind === LEX_MIN) return 0;
    if (b.kind === LEX_MAX) return this.length;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = fwd(x, i); n !== null; n = fwd(x, i)) {
        const c = compareBytes(n.key, b.value);
        if (!(c < 0 || (inclusive && c === 0))) break;
        rank += span(x, i);
        x = n;
      }
    }
    return rank;
  }

  /**
   * Delete the nodes at 0-based ranks [from, to) and call `removed` for each (in order) so the
   * owner can drop them from its dict. Returns the number deleted.
   */
  deleteRankRange(from: number, to: number, removed: (n: ZNode) => void): number {
    if (from < 0) from = 0;
    if (to > this.length) to = this.length;
    if (from >= to) return 0;
    const update = this.update;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = fwd(x, i); n !== null && traversed + span(x, i) <= from; n = fwd(x, i)) {
        traversed += span(x, i);
        x = n;
      }
      update[i] = x;
    }
    let n = x.f0;
    let count = 0;
    while (n !== null && traversed < to) {
      const next: ZNode | null = n.f0;
      this.unlinkNode(n, update);
      removed(n);
      count++;
      traversed++;
      n = next;
    }
    return count;
  }

  /** Iterate nodes from first to last. */
  *[Symbol.iterator](): IterableIterator<ZNode> {
    for (let n = this.header.f0; n !== null; n = n.f0) yield n;
  }

  /**
   * Check every invariant (ordering, backward links, tail, spans, levels); throws on the first
   * violation. For tests only: O(N log N).
   */
  check(): void {
    let count = 0;
    let prev: ZNode | null = null;
    for (let n = this.header.f0; n !== null; n = n.f0) {
      if (n.backward !== prev) throw new Error("bad backward link");
      if (prev !== null && !before(prev.score, prev.key, n.score, n.key)) throw new Error("order violated");
      if (n.level > this.level) throw new Error("node level above list level");
      prev = n;
      count++;
    }
    if (this.tail !== prev) throw new Error("bad tail");
    if (count !== this.length) throw new Error(`length ${this.length} != ${count}`);
    if (this.level > 1 && fwd(this.header, this.level - 1) === null) throw new Error("level too high");
    // Spans: walking each level, the accumulated span must equal the level-0 rank.
    const rankOf = new Map<ZNode, number>();
    let r = 0;
    for (let n = this.header.f0; n !== null; n = n.f0) rankOf.set(n, ++r);
    for (let i = 1; i < this.level; i++) {
      let x = this.header;
      let acc = 0;
      for (let n = fwd(x, i); n !== null; n = fwd(x, i)) {
        acc += span(x, i);
        if (rankOf.get(n) !== acc) throw new Error(`bad span at level ${i}`);
        if (n.level <= i) throw new Error("node linked above its level");
        x = n;
      }
    }
  }
}
