/**
 * Stream entries in Redis's own compact layout: an ordered index (IdMap, a two-level B-tree) of
 * nodes keyed by master ID, each node a listpack laid out exactly like a Redis 7.0 stream node:
 *
 *   master entry: <live count> <deleted count> <num fields> <field>... <0>
 *   each entry:   <flags> <ms delta> <seq delta> [<num fields> <field> <value>... | <value>...]
 *                 <lp-count>
 *
 * Deltas are relative to the master ID (signed 64-bit, wrapping); an entry whose field names
 * equal the master entry's (in order) stores only its values (flag SAMEFIELDS). XDEL marks an
 * entry deleted in place (flag DELETED) and a node goes away when its last live entry does.
 *
 * Why this layout: memory close to Redis's (a few bytes per small entry instead of a JS object),
 * O(log N + M) range reads (index seek, then a walk inside ≤ stream-node-max-entries entries per
 * node), node boundaries identical to Redis's (so approximate trimming, which removes whole
 * nodes, leaves exactly what Redis leaves), and RDB/DUMP payloads that are the node bytes as is.
 *
 * Invariants:
 * - Entry IDs strictly increase across nodes and within a node; every entry ID >= its node's
 *   master ID; `last` >= every entry ID.
 * - `node.live`/`node.deleted` mirror the listpack's master counts; `length` is the sum of
 *   `live`. A node may hold zero live entries only after a MINID trim that stopped at a tombstone
 *   (Redis keeps such a node too).
 * - Node buffers may have spare capacity past `bytes`; only the tail node grows.
 *
 * Pure: no imports from store/ or server/.
 */
import { IdMap } from "./id-map.ts";
import { LP_HDR, LpElement, lpGetTotal, lpInt, lpIntSize, lpPrev, lpSetHeader, lpSkip, lpStrSize, lpWriteInt, lpWriteStr } from "./listpack.ts";
import { addWrap, cmpId, subWrap, type StreamId, type U64 } from "./stream-id.ts";

export const FLAG_NONE = 0;
export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** Redis's STREAM_LISTPACK_MAX_SIZE: node byte limit when stream-node-max-bytes is 0 or above. */
export const LISTPACK_MAX_SIZE = 1 << 30;

export class StreamFormatError extends Error {}

/** One node: a listpack of entries sharing a master ID. */
export class StreamNode {
  /** Listpack bytes are buf[0, bytes). */
  buf: Uint8Array;
  bytes: number;
  /** Number of listpack elements (header field mirrors min(elements, 65535)). */
  elements: number;
  live = 0;
  deleted = 0;
  nfields = 0;
  /** Offset of the first entry's flags element. */
  firstEntry = 0;

  constructor(
    readonly ms: U64,
    readonly seq: U64,
    buf: Uint8Array,
    bytes: number,
    elements: number,
  ) {
    this.buf = buf;
    this.bytes = bytes;
    this.elements = elements;
  }

  /** The listpack bytes (a view; valid until the node changes). */
  listpack(): Uint8Array {
    return this.buf.subarray(0, this.bytes);
  }

  /** Re-read live/deleted/nfields/firstEntry from the master entry. */
  syncMaster(): void {
    const b = this.buf;
    let p = LP_HDR;
    this.live = Number(lpInt(b, p));
    p = lpSkip(b, p);
    this.deleted = Number(lpInt(b, p));
    p = lpSkip(b, p);
    this.nfields = Number(lpInt(b, p));
    p = lpSkip(b, p);
    for (let i = 0; i < this.nfields; i++) p = lpSkip(b, p);
    this.firstEntry = lpSkip(b, p); // past the master terminator
  }

  /** Make room for `extra` more bytes. */
  reserve(extra: number): void {
    const need = this.bytes + extra;
    if (need <= this.buf.length) return;
    let cap = Math.max(need, Math.min(this.buf.length * 2, need + 4096));
    if (cap < 64) cap = 64;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.bytes));
    this.buf = nb;
  }

  /** Drop spare capacity (when the node stops being the tail). */
  shrink(): void {
    if (this.buf.length !== this.bytes) this.buf = this.buf.slice(0, this.bytes);
  }

  /** Replace the integer element at `p` with `v`, moving the rest when its size changes. */
  replaceInt(p: number, v: number): void {
    const oldEnd = lpSkip(this.buf, p);
    const newSize = lpIntSize(v);
    const delta = newSize - (oldEnd - p);
    if (delta !== 0) {
      this.reserve(Math.max(0, delta));
      this.buf.copyWithin(p + newSize, oldEnd, this.bytes);
      this.bytes += delta;
      if (p < this.firstEntry) this.firstEntry += delta;
    }
    lpWriteInt(this.buf, p, v);
    lpSetHeader(this.buf, this.bytes, this.elements);
  }

  /** Write the live and deleted counters into the master entry. */
  writeCounts(): void {
    this.replaceInt(LP_HDR, this.live);
    this.replaceInt(lpSkip(this.buf, LP_HDR), this.deleted);
  }
}

const el = new LpElement();

/** Decoded position of one entry inside a node (filled by `readEntry`). */
export class EntryView {
  node!: StreamNode;
  /** Offset of the flags element. */
  pos = 0;
  /** Offset just past the entry (its lp-count element included). */
  end = 0;
  flags = 0;
  ms: U64 = 0;
  seq: U64 = 0;
  numFields = 0;
  /** Offsets of field and value elements (valid for numFields slots). */
  fieldPos: number[] = [];
  valuePos: number[] = [];

  field(i: number): Uint8Array {
    const b = this.node.buf;
    return el.read(b, this.fieldPos[i]!).bytes(b);
  }

  value(i: number): Uint8Array {
    const b = this.node.buf;
    return el.read(b, this.valuePos[i]!).bytes(b);
  }
}

/** Fill `v` with the entry whose flags element is at `p` in `node`. */
function readEntry(node: StreamNode, p: number, v: EntryView, masterPos: number[]): void {
  readHeader(node, p, v);
  readBody(node, v, masterPos);
}

/** Flags and ID of the entry at `p`; `v.end` is left at the start of its body. */
function readHeader(node: StreamNode, p: number, v: EntryView): void {
  const b = node.buf;
  v.node = node;
  v.pos = p;
  let c = b[p]!;
  v.flags = c < 0x80 ? c : Number(lpInt(b, p));
  p = c < 0x80 ? p + 2 : lpSkip(b, p);
  c = b[p]!;
  const msd = c < 0x80 ? c : lpInt(b, p);
  p = c < 0x80 ? p + 2 : lpSkip(b, p);
  c = b[p]!;
  const seqd = c < 0x80 ? c : lpInt(b, p);
  p = c < 0x80 ? p + 2 : lpSkip(b, p);
  const ms = node.ms;
  const seq = node.seq;
  v.ms = typeof ms === "number" && typeof msd === "number" && msd >= 0 && ms + msd <= Number.MAX_SAFE_INTEGER ? ms + msd : addWrap(ms, msd);
  v.seq = typeof seq === "number" && typeof seqd === "number" && seq + seqd >= 0 && seq + seqd <= Number.MAX_SAFE_INTEGER ? seq + seqd : addWrap(seq, seqd);
  v.end = p;
}

/** Field/value positions of an entry whose header was read; sets `v.end` past the entry. */
function readBody(node: StreamNode, v: EntryView, masterPos: number[]): void {
  const b = node.buf;
  let p = v.end;
  if (v.flags & FLAG_SAMEFIELDS) {
    const n = node.nfields;
    v.numFields = n;
    for (let i = 0; i < n; i++) {
      v.fieldPos[i] = masterPos[i]!;
      v.valuePos[i] = p;
      p = lpSkip(b, p);
    }
  } else {
    const n = Number(lpInt(b, p));
    p = lpSkip(b, p);
    v.numFields = n;
    for (let i = 0; i < n; i++) {
      v.fieldPos[i] = p;
      p = lpSkip(b, p);
      v.valuePos[i] = p;
      p = lpSkip(b, p);
    }
  }
  v.end = lpSkip(b, p); // past lp-count
}

/** Skip the body of an entry whose header was read; sets `v.end` past the entry. */
function skipBody(node: StreamNode, v: EntryView): void {
  const b = node.buf;
  let p = v.end;
  let n: number;
  if (v.flags & FLAG_SAMEFIELDS) n = node.nfields;
  else {
    n = 2 * Number(lpInt(b, p));
    p = lpSkip(b, p);
  }
  for (let i = 0; i < n; i++) p = lpSkip(b, p);
  v.end = lpSkip(b, p);
}

/** Offsets of the master field elements of a node. */
function masterFieldPositions(node: StreamNode, out: number[]): void {
  const b = node.buf;
  let p = lpSkip(b, lpSkip(b, lpSkip(b, LP_HDR)));
  for (let i = 0; i < node.nfields; i++) {
    out[i] = p;
    p = lpSkip(b, p);
  }
}

/** Start of the entry whose lp-count element starts at `lpCountPos`. */
function entryStartFromCount(b: Uint8Array, lpCountPos: number): number {
  const n = Number(lpInt(b, lpCountPos));
  let p = lpCountPos;
  for (let i = 0; i < n; i++) p = lpPrev(b, p);
  return p;
}

/**
 * Walks live entries between two IDs (inclusive), forward or backward. After `next()` returns
 * true, `entry` describes the current entry (valid until the stream changes).
 */
export class StreamIterator {
  readonly entry = new EntryView();
  private cur: { ci: number; i: number } | null;
  private node: StreamNode | null = null;
  /** Next entry offset to read (forward) or the end of the next entry to read (backward). */
  private p = 0;
  private masterPos: number[] = [];
  private done = false;

  constructor(
    private readonly s: Stream,
    private readonly startMs: U64,
    private readonly startSeq: U64,
    private readonly endMs: U64,
    private readonly endSeq: U64,
    private readonly rev: boolean,
  ) {
    const nodes = s.nodes;
    if (!rev) {
      this.cur = nodes.seekLE(startMs, startSeq) ?? nodes.first();
    } else {
      this.cur = nodes.seekLE(endMs, endSeq);
    }
    if (this.cur === null) this.done = true;
    else this.enter();
  }

  private enter(): void {
    const node = this.s.nodes.value(this.cur!);
    this.node = node;
    masterFieldPositions(node, this.masterPos);
    this.p = this.rev ? node.bytes - 1 : node.firstEntry;
  }

  private advanceNode(): boolean {
    const nodes = this.s.nodes;
    const ok = this.rev ? nodes.prev(this.cur!) : nodes.next(this.cur!);
    if (!ok) {
      this.done = true;
      return false;
    }
    this.enter();
    return true;
  }

  next(): boolean {
    if (this.done) return false;
    const e = this.entry;
    for (;;) {
      const node = this.node!;
      if (!this.rev) {
        if (this.p >= node.bytes - 1) {
          if (!this.advanceNode()) return false;
          continue;
        }
        readHeader(node, this.p, e);
        if (cmpId(e.ms, e.seq, this.endMs, this.endSeq) > 0) {
          this.done = true;
          return false;
        }
        if (e.flags & FLAG_DELETED || cmpId(e.ms, e.seq, this.startMs, this.startSeq) < 0) {
          skipBody(node, e);
          this.p = e.end;
          continue;
        }
        readBody(node, e, this.masterPos);
        this.p = e.end;
        return true;
      }
      if (this.p <= node.firstEntry) {
        if (!this.advanceNode()) return false;
        continue;
      }
      const start = entryStartFromCount(node.buf, lpPrev(node.buf, this.p));
      readHeader(node, start, e);
      this.p = start;
      if (cmpId(e.ms, e.seq, this.startMs, this.startSeq) < 0) {
        this.done = true;
        return false;
      }
      if (e.flags & FLAG_DELETED) continue;
      if (cmpId(e.ms, e.seq, this.endMs, this.endSeq) > 0) continue;
      readBody(node, e, this.masterPos);
      return true;
    }
  }
}

/** Trim request: MAXLEN or MINID, exact or approximate, with an optional work limit. */
export interface TrimSpec {
  strategy: "maxlen" | "minid";
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  /** Stop before a node that would push the removed count past this (0: no limit). */
  limit: number;
}

export class Stream {
  readonly nodes = new IdMap<StreamNode>();
  /** Live entries. */
  length = 0;
  /** last_id: the greatest ID ever added (or set by XSETID). */
  lastMs: U64 = 0;
  lastSeq: U64 = 0;
  /** first_id: the first live entry when recorded (0-0 when empty). */
  firstMs: U64 = 0;
  firstSeq: U64 = 0;
  /** max_deleted_entry_id: the greatest ID removed by XDEL. */
  maxDelMs: U64 = 0;
  maxDelSeq: U64 = 0;
  /** entries_added: entries ever added. */
  entriesAdded: U64 = 0;
  private tail: StreamNode | null = null;

  /**
   * Append an entry with an ID known to be greater than every entry (the caller validated it).
   * `args[from..from+2n)` are field/value pairs. Node limits as Redis's stream-node-max-bytes
   * and stream-node-max-entries (0: no limit).
   */
  append(ms: U64, seq: U64, args: readonly Uint8Array[], from: number, numFields: number, maxBytes: number, maxEntries: number): void {
    let tot = 0;
    for (let i = 0; i < numFields * 2; i++) tot += args[from + i]!.length;
    let node = this.tailNode();
    if (node !== null) {
      const limit = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
      if (node.bytes + tot >= limit || (maxEntries !== 0 && node.live + node.deleted >= maxEntries)) {
        node.shrink();
        node = null;
      }
    }
    if (node === null) {
      node = this.newNode(ms, seq, args, from, numFields);
      this.nodes.set(ms, seq, node);
      this.tail = node;
    } else {
      node.live++;
      node.replaceInt(LP_HDR, node.live);
    }
    this.appendEntry(node, ms, seq, args, from, numFields);
    this.length++;
    this.entriesAdded = typeof this.entriesAdded === "number" && this.entriesAdded < Number.MAX_SAFE_INTEGER ? this.entriesAdded + 1 : BigInt(this.entriesAdded) + 1n;
    this.lastMs = ms;
    this.lastSeq = seq;
    if (this.length === 1) {
      this.firstMs = ms;
      this.firstSeq = seq;
    }
  }

  private tailNode(): StreamNode | null {
    if (this.tail !== null) return this.tail;
    const c = this.nodes.last();
    this.tail = c === null ? null : this.nodes.value(c);
    return this.tail;
  }

  private newNode(ms: U64, seq: U64, args: readonly Uint8Array[], from: number, numFields: number): StreamNode {
    let size = LP_HDR + 1 + lpIntSize(1) + lpIntSize(0) + lpIntSize(numFields) + lpIntSize(0);
    for (let i = 0; i < numFields; i++) size += lpStrSize(args[from + 2 * i]!);
    const buf = new Uint8Array(size + 64);
    let p = LP_HDR;
    p = lpWriteInt(buf, p, 1);
    p = lpWriteInt(buf, p, 0);
    p = lpWriteInt(buf, p, numFields);
    for (let i = 0; i < numFields; i++) p = lpWriteStr(buf, p, args[from + 2 * i]!);
    p = lpWriteInt(buf, p, 0);
    const firstEntry = p;
    buf[p++] = 0xff;
    const node = new StreamNode(ms, seq, buf, p, 4 + numFields);
    node.live = 1;
    node.deleted = 0;
    node.nfields = numFields;
    node.firstEntry = firstEntry;
    lpSetHeader(buf, p, node.elements);
    return node;
  }

  private appendEntry(node: StreamNode, ms: U64, seq: U64, args: readonly Uint8Array[], from: number, numFields: number): void {
    // Same field names as the master entry, in order? Then store values only.
    let same = node.nfields === numFields;
    if (same) {
      const b = node.buf;
      let p = lpSkip(b, lpSkip(b, lpSkip(b, LP_HDR)));
      for (let i = 0; i < numFields; i++) {
        if (!el.read(b, p).equals(b, args[from + 2 * i]!)) {
          same = false;
          break;
        }
        p = el.next;
      }
    }
    const flags = same ? FLAG_SAMEFIELDS : FLAG_NONE;
    const msd = subWrap(ms, node.ms);
    const seqd = subWrap(seq, node.seq);
    const lpCount = same ? numFields + 3 : numFields * 2 + 4;
    let size = lpIntSize(flags) + lpIntSize(msd) + lpIntSize(seqd) + lpIntSize(lpCount);
    if (!same) size += lpIntSize(numFields);
    for (let i = 0; i < numFields; i++) {
      if (!same) size += lpStrSize(args[from + 2 * i]!);
      size += lpStrSize(args[from + 2 * i + 1]!);
    }
    node.reserve(size);
    const b = node.buf;
    let p = node.bytes - 1; // overwrite EOF
    p = lpWriteInt(b, p, flags);
    p = lpWriteInt(b, p, msd);
    p = lpWriteInt(b, p, seqd);
    if (!same) {
      p = lpWriteInt(b, p, numFields);
      for (let i = 0; i < numFields; i++) {
        p = lpWriteStr(b, p, args[from + 2 * i]!);
        p = lpWriteStr(b, p, args[from + 2 * i + 1]!);
      }
    } else {
      for (let i = 0; i < numFields; i++) p = lpWriteStr(b, p, args[from + 2 * i + 1]!);
    }
    p = lpWriteInt(b, p, lpCount);
    b[p++] = 0xff;
    node.bytes = p;
    node.elements += lpCount + 1;
    lpSetHeader(b, p, node.elements);
  }

  /** Iterator over live entries in [start, end] (inclusive), forward or reverse. */
  iterate(start: StreamId, end: StreamId, rev = false): StreamIterator {
    return new StreamIterator(this, start.ms, start.seq, end.ms, end.seq, rev);
  }

  /** True when a live entry with this ID exists. */
  has(ms: U64, seq: U64): boolean {
    const it = new StreamIterator(this, ms, seq, ms, seq, false);
    return it.next();
  }

  /**
   * Mark an entry deleted (XDEL). Removes its node when it was the node's last live entry.
   * Does not touch max_deleted_entry_id or first_id (the command does, as Redis's XDEL).
   */
  delete(ms: U64, seq: U64): boolean {
    const it = new StreamIterator(this, ms, seq, ms, seq, false);
    if (!it.next()) return false;
    this.removeEntry(it.entry);
    return true;
  }

  private removeEntry(e: EntryView): void {
    const node = e.node;
    this.length--;
    if (node.live === 1) {
      this.nodes.delete(node.ms, node.seq);
      if (this.tail === node) this.tail = null;
      return;
    }
    node.buf[e.pos] = e.flags | FLAG_DELETED; // flags are 0..3: a one-byte 7-bit integer
    node.live--;
    node.deleted++;
    node.writeCounts();
  }

  /** The last live entry's ID (Redis's streamLastValidID), 0-0 when there is none. */
  lastValidId(): StreamId {
    const it = new StreamIterator(this, 0, 0, MAXU, MAXU, true);
    return it.next() ? { ms: it.entry.ms, seq: it.entry.seq } : { ms: 0, seq: 0 };
  }

  /** The first live entry's ID, 0-0 when there is none. */
  firstValidId(): StreamId {
    const it = new StreamIterator(this, 0, 0, MAXU, MAXU, false);
    return it.next() ? { ms: it.entry.ms, seq: it.entry.seq } : { ms: 0, seq: 0 };
  }

  /** Recompute first_id from the entries (after deletions and trims). */
  refreshFirstId(): void {
    const f = this.length === 0 ? { ms: 0, seq: 0 } : this.firstValidId();
    this.firstMs = f.ms;
    this.firstSeq = f.seq;
  }

  /** ID of the last entry in a node, deleted or not. */
  private nodeLastId(node: StreamNode): StreamId {
    const b = node.buf;
    const start = entryStartFromCount(b, lpPrev(b, node.bytes - 1));
    const p1 = lpSkip(b, start);
    const msd = lpInt(b, p1);
    const seqd = lpInt(b, lpSkip(b, p1));
    return { ms: addWrap(node.ms, msd), seq: addWrap(node.seq, seqd) };
  }

  /**
   * Trim from the head (XTRIM, XADD MAXLEN/MINID): remove whole nodes while they fit the
   * strategy; then, unless approximate, mark entries of the first remaining node deleted until
   * the strategy is met. `limit` (approximate only) caps the entries removed, node by node.
   * Returns the number of entries removed.
   */
  trim(t: TrimSpec): number {
    let removed = 0;
    const nodes = this.nodes;
    for (;;) {
      if (t.strategy === "maxlen" && this.length <= t.maxlen) break;
      const cur = nodes.first();
      if (cur === null) break;
      const node = nodes.value(cur);
      const entries = node.live;
      if (t.limit !== 0 && removed + entries > t.limit) break;
      const whole = t.strategy === "maxlen" ? this.length - entries >= t.maxlen : cmpIdObj(this.nodeLastId(node), t.minid) < 0;
      if (whole) {
        nodes.delete(node.ms, node.seq);
        if (this.tail === node) this.tail = null;
        this.length -= entries;
        removed += entries;
        continue;
      }
      if (t.approx) break;
      // Mark entries of this node deleted, in order, until the strategy is satisfied.
      const masterPos: number[] = [];
      masterFieldPositions(node, masterPos);
      const e = new EntryView();
      let p = node.firstEntry;
      let marked = 0;
      while (p < node.bytes - 1) {
        readEntry(node, p, e, masterPos);
        const stop = t.strategy === "maxlen" ? this.length <= t.maxlen : cmpId(e.ms, e.seq, t.minid.ms, t.minid.seq) >= 0;
        if (stop) break;
        p = e.end;
        if (!(e.flags & FLAG_DELETED)) {
          node.buf[e.pos] = e.flags | FLAG_DELETED;
          marked++;
          this.length--;
        }
      }
      if (marked > 0) {
        node.live -= marked;
        node.deleted += marked;
        node.writeCounts();
        removed += marked;
      }
      break;
    }
    this.refreshFirstId();
    return removed;
  }

  /** Number of nodes (XINFO radix-tree-keys). */
  get nodeCount(): number {
    return this.nodes.size;
  }

  /**
   * Nodes Redis's rax would have for this set of node keys (XINFO radix-tree-nodes): root, one
   * node per branching prefix and per key, and one compressed node per edge longer than a byte.
   */
  raxNodeCount(): number {
    if (this.raxCache >= 0 && this.raxCacheFor === this.nodes.version) return this.raxCache;
    const keys: Uint8Array[] = [];
    this.nodes.forEach((ms, seq) => {
      keys.push(id128(ms, seq));
    });
    this.raxCache = raxNodesFor(keys);
    this.raxCacheFor = this.nodes.version;
    return this.raxCache;
  }

  private raxCache = -1;
  private raxCacheFor = -1;

  // -----------------------------------------------------------------------------------------------
  // Persistence and checks

  /** Adopt a node listpack (RDB/RESTORE), validating its layout. Returns the live count. */
  loadNode(ms: U64, seq: U64, lp: Uint8Array): number {
    const node = validateNode(ms, seq, lp);
    const last = this.nodes.last();
    if (last !== null && cmpId(this.nodes.ms(last), this.nodes.seq(last), ms, seq) >= 0) throw new StreamFormatError("stream node keys out of order");
    if (node.elements <= 4 + node.nfields) throw new StreamFormatError("empty stream node");
    this.nodes.set(ms, seq, node);
    this.tail = null;
    return node.live;
  }

  /** Check every invariant (tests). Returns the live entries in order. */
  check(): StreamId[] {
    this.nodes.check();
    const out: StreamId[] = [];
    let prev: StreamId | null = null;
    let total = 0;
    this.nodes.forEach((ms, seq, node) => {
      if (node.ms !== ms || node.seq !== seq) throw new Error("node key differs from its master ID");
      const v = validateNode(ms, seq, node.listpack());
      if (v.live !== node.live || v.deleted !== node.deleted || v.nfields !== node.nfields || v.firstEntry !== node.firstEntry) throw new Error("node counters out of sync");
      if (lpGetTotal(node.buf) !== node.bytes) throw new Error("listpack size header out of sync");
      total += node.live;
      const masterPos: number[] = [];
      masterFieldPositions(node, masterPos);
      const e = new EntryView();
      let p = node.firstEntry;
      while (p < node.bytes - 1) {
        readEntry(node, p, e, masterPos);
        p = e.end;
        const id = { ms: e.ms, seq: e.seq };
        if (prev !== null && cmpIdObj(prev, id) >= 0) throw new Error("entry IDs out of order");
        if (cmpId(e.ms, e.seq, ms, seq) < 0) throw new Error("entry below its master ID");
        prev = id;
        if (!(e.flags & FLAG_DELETED)) out.push(id);
      }
    });
    if (total !== this.length) throw new Error(`length ${this.length} != ${total}`);
    if (prev !== null && cmpId((prev as StreamId).ms, (prev as StreamId).seq, this.lastMs, this.lastSeq) > 0) throw new Error("entry above last_id");
    return out;
  }
}

const MAXU = 18446744073709551615n;

function cmpIdObj(a: StreamId, b: StreamId): number {
  return cmpId(a.ms, a.seq, b.ms, b.seq);
}

function id128(ms: U64, seq: U64): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  if (typeof ms === "number") {
    v.setUint32(0, Math.floor(ms / 4294967296));
    v.setUint32(4, ms >>> 0);
  } else v.setBigUint64(0, ms);
  if (typeof seq === "number") {
    v.setUint32(8, Math.floor(seq / 4294967296));
    v.setUint32(12, seq >>> 0);
  } else v.setBigUint64(8, seq);
  return out;
}

/**
 * Rax node count for a sorted set of equal-length keys (none a prefix of another): the root,
 * each branching prefix, each key (leaf), and a compressed node for every edge of two or more
 * bytes below a branching node (the first byte lives in the branching node itself).
 */
export function raxNodesFor(keys: readonly Uint8Array[]): number {
  const n = keys.length;
  if (n === 0) return 1;
  const L = keys[0]!.length;
  // Build the compacted trie's rightmost path as a stack of depths (leaves at depth L). A node's
  // parent is final once it leaves the stack, so edges are counted on pop.
  const stack: number[] = [L];
  let internal = 0;
  let longEdges = 0;
  const edge = (parent: number, child: number): void => {
    if (child - parent >= 2) longEdges++;
  };
  for (let k = 1; k < n; k++) {
    const a = keys[k - 1]!;
    const b = keys[k]!;
    let l = 0;
    while (l < L && a[l] === b[l]) l++;
    let orphan = -1;
    while (stack.length > 0 && stack[stack.length - 1]! > l) {
      const x = stack.pop()!;
      if (stack.length > 0 && stack[stack.length - 1]! >= l) edge(stack[stack.length - 1]!, x);
      else orphan = x;
    }
    if (orphan >= 0) {
      edge(l, orphan);
      stack.push(l);
      internal++;
    }
    stack.push(L);
  }
  for (let i = stack.length - 1; i > 0; i--) edge(stack[i - 1]!, stack[i]!);
  // The root is the depth-0 branching node when there is one, else a chain down to the top node.
  return (stack[0] === 0 ? 0 : 1) + internal + n + longEdges;
}

/** Validate a node listpack's stream layout; returns a node over a copy of its bytes. */
export function validateNode(ms: U64, seq: U64, lp: Uint8Array): StreamNode {
  const fail = (why: string): never => {
    throw new StreamFormatError(`invalid stream node: ${why}`);
  };
  if (lp.length < LP_HDR + 1 || lpGetTotal(lp) !== lp.length || lp[lp.length - 1] !== 0xff) fail("bad listpack header");
  const buf = lp.slice();
  const end = buf.length - 1;
  let elements = 0;
  // Every element must fit before the end and carry a back-length that leads back to it
  // (reverse iteration trusts back-lengths).
  const check = (p: number): void => {
    if (p >= end) fail("truncated");
    el.read(buf, p);
    if (el.next > end) fail("element past the end");
    if (lpPrev(buf, el.next) !== p) fail("bad element back-length");
    elements++;
  };
  const readInt = (p: number): [number, number] => {
    check(p);
    if (!el.isInt || typeof el.int !== "number") fail("expected an integer");
    return [el.int as number, el.next];
  };
  const skipAny = (p: number): number => {
    check(p);
    return el.next;
  };
  try {
    let p = LP_HDR;
    let live: number, deleted: number, nfields: number, term: number;
    [live, p] = readInt(p);
    [deleted, p] = readInt(p);
    [nfields, p] = readInt(p);
    if (live < 0 || deleted < 0 || nfields < 0) fail("negative counters");
    for (let i = 0; i < nfields; i++) p = skipAny(p);
    [term, p] = readInt(p);
    if (term !== 0) fail("missing master terminator");
    const firstEntry = p;
    let seenLive = 0;
    let seenDeleted = 0;
    let prevMs: U64 | null = null;
    let prevSeq: U64 = 0;
    while (p < end) {
      const startElements = elements;
      let flags: number, n: number, cnt: number;
      [flags, p] = readInt(p);
      if (p >= end) fail("truncated entry");
      el.read(buf, p);
      if (!el.isInt) fail("bad ms delta");
      const msd = el.int;
      p = skipAny(p);
      el.read(buf, p);
      if (!el.isInt) fail("bad seq delta");
      const seqd = el.int;
      p = skipAny(p);
      if (flags & FLAG_SAMEFIELDS) n = nfields;
      else {
        [n, p] = readInt(p);
        if (n < 0) fail("negative field count");
        for (let i = 0; i < n; i++) p = skipAny(p);
      }
      for (let i = 0; i < n; i++) p = skipAny(p);
      const used = elements - startElements;
      [cnt, p] = readInt(p);
      if (cnt !== used) fail("lp-count mismatch");
      const ems = addWrap(ms, msd);
      const eseq = addWrap(seq, seqd);
      if (prevMs !== null && cmpId(prevMs, prevSeq, ems, eseq) >= 0) fail("entry IDs out of order");
      if (cmpId(ems, eseq, ms, seq) < 0) fail("entry below master ID");
      prevMs = ems;
      prevSeq = eseq;
      if (flags & FLAG_DELETED) seenDeleted++;
      else seenLive++;
    }
    if (seenLive !== live || seenDeleted !== deleted) fail("master counters mismatch");
    const node = new StreamNode(ms, seq, buf, buf.length, elements);
    node.live = live;
    node.deleted = deleted;
    node.nfields = nfields;
    node.firstEntry = firstEntry;
    return node;
  } catch (e) {
    if (e instanceof StreamFormatError) throw e;
    throw new StreamFormatError(`invalid stream node: ${e instanceof Error ? e.message : String(e)}`);
  }
}
