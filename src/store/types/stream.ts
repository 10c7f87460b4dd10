/**
 * Stream values (OBJECT ENCODING "stream"): the entries (datastructures/stream.ts: listpack
 * nodes in Redis's layout under a two-level B-tree index) plus consumer groups.
 *
 * A consumer group keeps its last delivered ID, its logical read counter (entries_read, -1 when
 * unknown), a PEL (pending entries list: ID → NACK) and its consumers, each with its own PEL
 * holding the same NACK objects (a NACK names its owner). Groups and consumers are kept by name
 * and listed in byte order, as Redis's rax lists them.
 *
 * The counters follow Redis 7.0's definitions (entries-added, max-deleted-entry-id,
 * recorded-first-entry-id, entries-read, lag): see `estimateEntriesRead` and `lag`.
 */
import { IdMap } from "../../datastructures/id-map.ts";
import { Stream, validateNode } from "../../datastructures/stream.ts";
import { cmpId, type StreamId, type U64 } from "../../datastructures/stream-id.ts";
import type { Collection } from "../value.ts";

/** Redis's SCG_INVALID_ENTRIES_READ. */
export const ENTRIES_READ_INVALID = -1;

/** A counter that is a signed 64-bit integer: number when safe, bigint beyond. */
export type I64 = number | bigint;

function normI64(v: bigint): I64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** a - b for 64-bit counters. */
export function subI64(a: I64, b: I64): I64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return normI64(BigInt.asIntN(64, BigInt(a) - BigInt(b)));
}

/** a + 1 for 64-bit counters. */
export function incI64(a: I64): I64 {
  if (typeof a === "number" && a < Number.MAX_SAFE_INTEGER) return a + 1;
  return normI64(BigInt.asIntN(64, BigInt(a) + 1n));
}

/** A pending entry: delivered to `consumer` and not yet acknowledged. */
export class Nack {
  constructor(
    public deliveryTime: number,
    public deliveryCount: number,
    public consumer: Consumer | null,
  ) {}
}

export class Consumer {
  readonly pel = new IdMap<Nack>();
  constructor(
    readonly name: Uint8Array,
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  /** Consumers by latin1 name. */
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: Uint8Array,
    public lastId: StreamId,
    public entriesRead: I64,
  ) {}

  consumer(name: Uint8Array): Consumer | undefined {
    return this.consumers.get(key(name));
  }

  /** Add a consumer; null when one with that name exists. */
  addConsumer(name: Uint8Array, now: number): Consumer | null {
    const k = key(name);
    if (this.consumers.has(k)) return null;
    const c = new Consumer(name.slice(), now);
    this.consumers.set(k, c);
    return c;
  }

  /** Remove a consumer and its pending entries from the group PEL. */
  deleteConsumer(c: Consumer): void {
    c.pel.forEach((ms, seq) => {
      this.pel.delete(ms, seq);
    });
    this.consumers.delete(key(c.name));
  }

  /** Consumers in byte order of their names. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => compareBytes(a.name, b.name));
  }

  /** Acknowledge (drop) a pending entry. */
  ack(ms: U64, seq: U64): boolean {
    const n = this.pel.delete(ms, seq);
    if (n === undefined) return false;
    n.consumer?.pel.delete(ms, seq);
    return true;
  }
}

export class StreamValue implements Collection {
  readonly s: Stream;
  /** Groups by latin1 name; null until the first group (Redis allocates cgroups lazily). */
  groups: Map<string, ConsumerGroup> | null = null;

  constructor(s: Stream = new Stream()) {
    this.s = s;
  }

  get size(): number {
    return this.s.length;
  }

  encoding(): string {
    return "stream";
  }

  group(name: Uint8Array): ConsumerGroup | undefined {
    return this.groups?.get(key(name));
  }

  /** Create a group; null when the name is taken. */
  createGroup(name: Uint8Array, lastId: StreamId, entriesRead: I64): ConsumerGroup | null {
    if (this.groups === null) this.groups = new Map();
    const k = key(name);
    if (this.groups.has(k)) return null;
    const g = new ConsumerGroup(name.slice(), { ms: lastId.ms, seq: lastId.seq }, entriesRead);
    this.groups.set(k, g);
    return g;
  }

  deleteGroup(name: Uint8Array): boolean {
    return this.groups?.delete(key(name)) ?? false;
  }

  get groupCount(): number {
    return this.groups === null ? 0 : this.groups.size;
  }

  /** Groups in byte order of their names. */
  sortedGroups(): ConsumerGroup[] {
    return this.groups === null ? [] : [...this.groups.values()].sort((a, b) => compareBytes(a.name, b.name));
  }

  /**
   * Redis's streamRangeHasTombstones: could an entry deleted by XDEL lie in [start, end]
   * (end omitted: the maximum ID)? Only max_deleted_entry_id is known, so this is that test.
   */
  rangeHasTombstones(start: StreamId): boolean {
    const s = this.s;
    if (s.length === 0 || (s.maxDelMs === 0 && s.maxDelSeq === 0)) return false;
    // The latest tombstone lies before the first entry: none left in the stream.
    if (cmpId(s.firstMs, s.firstSeq, s.maxDelMs, s.maxDelSeq) > 0) return false;
    return cmpId(start.ms, start.seq, s.maxDelMs, s.maxDelSeq) <= 0;
  }

  /**
   * Redis's streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id` when it
   * can be known from entries_added, the length, first ID and max deleted ID; else invalid (-1).
   */
  estimateEntriesRead(id: StreamId): I64 {
    const s = this.s;
    if (s.entriesAdded === 0) return 0;
    const cmpLast = cmpId(id.ms, id.seq, s.lastMs, s.lastSeq);
    if (s.length === 0 && cmpLast < 1) return s.entriesAdded;
    if (cmpLast === 0) return s.entriesAdded;
    if (cmpLast > 0) return ENTRIES_READ_INVALID;
    const cmpFirst = cmpId(id.ms, id.seq, s.firstMs, s.firstSeq);
    const noFragment = (s.maxDelMs === 0 && s.maxDelSeq === 0) || cmpId(s.maxDelMs, s.maxDelSeq, s.firstMs, s.firstSeq) < 0;
    if (noFragment) {
      if (cmpFirst < 0) return subI64(s.entriesAdded, s.length);
      if (cmpFirst === 0) return incI64(subI64(s.entriesAdded, s.length));
    }
    return ENTRIES_READ_INVALID;
  }

  /** Group lag (XINFO): a count, or null when it cannot be known. */
  lag(g: ConsumerGroup): I64 | null {
    const s = this.s;
    if (s.entriesAdded === 0) return 0;
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.rangeHasTombstones(g.lastId)) return subI64(s.entriesAdded, g.entriesRead);
    const est = this.estimateEntriesRead(g.lastId);
    return est === ENTRIES_READ_INVALID ? null : subI64(s.entriesAdded, est);
  }

  /** Advance a group's last ID to `id` as delivering it with `>` does (entries_read kept in step). */
  advanceGroup(g: ConsumerGroup, id: StreamId): void {
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.rangeHasTombstones(id)) g.entriesRead = incI64(g.entriesRead);
    else if (this.s.entriesAdded !== 0) g.entriesRead = this.estimateEntriesRead(id);
    g.lastId = { ms: id.ms, seq: id.seq };
  }

  clone(): StreamValue {
    const s = new Stream();
    const src = this.s;
    src.nodes.forEach((ms, seq, node) => {
      const copy = validateNode(ms, seq, node.listpack());
      s.nodes.set(ms, seq, copy);
    });
    s.length = src.length;
    s.lastMs = src.lastMs;
    s.lastSeq = src.lastSeq;
    s.firstMs = src.firstMs;
    s.firstSeq = src.firstSeq;
    s.maxDelMs = src.maxDelMs;
    s.maxDelSeq = src.maxDelSeq;
    s.entriesAdded = src.entriesAdded;
    const v = new StreamValue(s);
    for (const g of this.sortedGroups()) {
      const ng = v.createGroup(g.name, g.lastId, g.entriesRead)!;
      const byOld = new Map<Consumer, Consumer>();
      for (const c of g.consumers.values()) {
        const nc = ng.addConsumer(c.name, c.seenTime)!;
        byOld.set(c, nc);
      }
      g.pel.forEach((ms, seq, n) => {
        const owner = n.consumer === null ? null : byOld.get(n.consumer) ?? null;
        const nn = new Nack(n.deliveryTime, n.deliveryCount, owner);
        ng.pel.set(ms, seq, nn);
        owner?.pel.set(ms, seq, nn);
      });
    }
    return v;
  }
}

/** Map key for a name (latin1: one char per byte, exact). */
function key(name: Uint8Array): string {
  let s = "";
  for (let i = 0; i < name.length; i++) s += String.fromCharCode(name[i]!);
  return s;
}

/** memcmp order (rax key order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

