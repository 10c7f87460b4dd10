/**
 * Stream commands (Redis group "stream"): XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID,
 * XREAD, XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO.
 *
 * Values are StreamValue (store/types/stream.ts): entries in Redis's node layout plus consumer
 * groups. Replies, errors and counters follow Redis 7.0. Propagation is deterministic, as Redis
 * 7.0 writes it to the AOF: XADD with `*` or `ms-*` carries the generated ID; approximate trims
 * (`~`) are rewritten to `=` with the resulting length (MAXLEN) or first ID (MINID);
 * XREADGROUP, XCLAIM and XAUTOCLAIM propagate one `XCLAIM ... FORCE JUSTID LASTID` per entry
 * they hand out (or drop), and `XGROUP SETID ... ENTRIESREAD` when only the group moved.
 *
 * Blocking XREAD/XREADGROUP BLOCK: see `stream-blocking` below (registered through the
 * server's extension points).
 */
import { LpElement } from "../datastructures/listpack.ts";
import { FLAG_DELETED, type EntryView, type TrimSpec } from "../datastructures/stream.ts";
import {
  MAX_ID,
  U64_MAX,
  ZERO_ID,
  cmpId,
  idBytes,
  idBytesScratch,
  idCmp,
  idDecr,
  idIncr,
  isZeroId,
  parseStreamId,
  type ParsedId,
  type StreamId,
  type U64,
} from "../datastructures/stream-id.ts";
import { E, fail } from "../protocol/errors.ts";
import { AGG_ARRAY, AGG_MAP, ReplyWriter } from "../protocol/resp/writer.ts";
import { NOTIFY_STREAM } from "../store/notify.ts";
import { ENTRIES_READ_INVALID, Nack, StreamValue, type Consumer, type ConsumerGroup, type I64 } from "../store/types/stream.ts";
import { OBJ_STREAM, type KeyEntry } from "../store/value.ts";
import { asciiBytes, intBytes, parseBigInt64, parseInt64 } from "../util/numbers.ts";
import { intArg, is, latin1 } from "./args.ts";
import { BLOCKED_STREAM, NOT_SERVED, SERVED, timeoutArg, type ServeResult } from "./blocking-args.ts";
import type { CommandContext } from "./context.ts";
import { CF_PRIMARY, CF_SCRIPT } from "./client-flags.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { replyHelp } from "./help.ts";
import type { CommandFamily } from "./spec.ts";

// =================================================================================================
// Errors and constants

const ERR_INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
const ERR_XADD_ZERO = "ERR The ID specified in XADD must be greater than 0-0";
const ERR_XADD_SMALL = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
const ERR_XADD_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
const ERR_TOO_LARGE = "ERR Elements are too large to be stored";
const ERR_START_ID = "ERR invalid start ID for the interval";
const ERR_END_ID = "ERR invalid end ID for the interval";
const ERR_MAXLEN_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
const ERR_LIMIT_NO_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
const ERR_XTRIM_NO_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy";
const ERR_LIMIT_NO_TILDE = "ERR syntax error, LIMIT cannot be used without the special ~ option";
const ERR_NO_KEY_XGROUP =
  "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";

const B_XCLAIM = asciiBytes("XCLAIM");
const B_XGROUP = asciiBytes("XGROUP");
const B_SETID = asciiBytes("SETID");
const B_ENTRIESREAD = asciiBytes("ENTRIESREAD");
const B_ZERO = asciiBytes("0");
const B_TIME = asciiBytes("TIME");
const B_RETRYCOUNT = asciiBytes("RETRYCOUNT");
const B_FORCE = asciiBytes("FORCE");
const B_JUSTID = asciiBytes("JUSTID");
const B_LASTID = asciiBytes("LASTID");
const B_EQ = asciiBytes("=");

/** Redis's STREAM_LISTPACK_MAX_SIZE: the largest entry XADD accepts. */
const LISTPACK_MAX_SIZE = 1 << 30;

// =================================================================================================
// Helpers

/** Request bytes as Redis's `%s` prints them in an error: latin1, cut at the first NUL. */
function cArg(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** The stream an entry holds, null for a missing key; WRONGTYPE for other types. */
function streamOf(e: KeyEntry | null): StreamValue | null {
  if (e === null) return null;
  if (e.type !== OBJ_STREAM) fail(E.WRONGTYPE);
  return e.value as StreamValue;
}

/** Strict ID argument (no `-`/`+`), seq defaulting to `missingSeq`. */
function strictId(arg: Uint8Array, missingSeq: U64 = 0): StreamId {
  const p = parseStreamId(arg, missingSeq, true, false);
  if (p === null) fail(ERR_INVALID_ID);
  return { ms: p.ms, seq: p.seq };
}

/** Non-strict ID argument (`-` and `+` allowed). */
function looseId(arg: Uint8Array, missingSeq: U64 = 0): StreamId {
  const p = parseStreamId(arg, missingSeq, false, false);
  if (p === null) fail(ERR_INVALID_ID);
  return { ms: p.ms, seq: p.seq };
}

/** Range bound: `(` prefix for exclusive (then strict), else `-`, `+` or an ID. */
function intervalId(arg: Uint8Array, missingSeq: U64): { id: StreamId; exclusive: boolean } {
  if (arg.length > 1 && arg[0] === 0x28) return { id: strictId(arg.subarray(1), missingSeq), exclusive: true };
  return { id: looseId(arg, missingSeq), exclusive: false };
}

function startBound(arg: Uint8Array): StreamId {
  const b = intervalId(arg, 0);
  if (!b.exclusive) return b.id;
  const n = idIncr(b.id);
  if (n === null) fail(ERR_START_ID);
  return n;
}

function endBound(arg: Uint8Array): StreamId {
  const b = intervalId(arg, U64_MAX);
  if (!b.exclusive) return b.id;
  const n = idDecr(b.id);
  if (n === null) fail(ERR_END_ID);
  return n;
}

function replyId(out: ReplyWriter, ms: U64, seq: U64): void {
  out.bulk(idBytesScratch(ms, seq));
}

const el = new LpElement();

function replyElement(out: ReplyWriter, b: Uint8Array, pos: number): void {
  el.read(b, pos);
  if (el.isInt) out.bulkInt(el.int);
  else out.bulkSlice(b, el.off, el.len);
}

/** `[id, [field, value, ...]]` */
function replyEntry(out: ReplyWriter, e: EntryView): void {
  out.arrayLen(2);
  replyId(out, e.ms, e.seq);
  const n = e.numFields;
  out.arrayLen(n * 2);
  const b = e.node.buf;
  for (let i = 0; i < n; i++) {
    replyElement(out, b, e.fieldPos[i]!);
    replyElement(out, b, e.valuePos[i]!);
  }
}

/** Entries in [start, end] (count 0: all) as an array; returns how many. */
function replyRange(out: ReplyWriter, v: StreamValue, start: StreamId, end: StreamId, count: number, rev: boolean): number {
  const mark = out.deferLen();
  let n = 0;
  const it = v.s.iterate(start, end, rev);
  while (it.next()) {
    replyEntry(out, it.entry);
    n++;
    if (count !== 0 && n === count) break;
  }
  out.setDeferredLen(mark, AGG_ARRAY, n);
  return n;
}

/** One entry if it exists (XCLAIM, XAUTOCLAIM, XINFO first/last); returns whether it did. */
function replyOne(out: ReplyWriter, v: StreamValue, start: StreamId, end: StreamId, rev: boolean): boolean {
  const it = v.s.iterate(start, end, rev);
  if (!it.next()) return false;
  replyEntry(out, it.entry);
  return true;
}

function replyI64(out: ReplyWriter, n: I64): void {
  out.integer(n);
}

function notify(c: CommandContext, event: string, key: Uint8Array): void {
  c.server.notifyKeyspaceEvent(NOTIFY_STREAM, event, key, c.db.id);
}

function signalModified(c: CommandContext, key: Uint8Array): void {
  c.ks.hooks.keyModified(c.db, key);
}

/** Node limits from the config (read per command: they are CONFIG SET-able). */
function nodeLimits(c: CommandContext): [number, number] {
  return [c.server.config.getInt("stream-node-max-bytes"), c.server.config.getInt("stream-node-max-entries")];
}

/** Queue a command to propagate instead of the current one. */
function alsoPropagate(c: CommandContext, argv: Uint8Array[]): void {
  if (c.alsoPropagate === null) c.alsoPropagate = [];
  c.alsoPropagate.push(argv);
}

/** Don't propagate the current command (its effects are propagated as other commands). */
function preventPropagation(c: CommandContext): void {
  if (c.alsoPropagate === null) c.alsoPropagate = [];
}

/** XCLAIM <key> <group> <consumer> 0 <id> TIME <t> RETRYCOUNT <n> FORCE JUSTID LASTID <last> */
function propagateXclaim(c: CommandContext, key: Uint8Array, g: ConsumerGroup, groupArg: Uint8Array, idArg: Uint8Array, nack: Nack): void {
  alsoPropagate(c, [
    B_XCLAIM,
    key,
    groupArg,
    nack.consumer!.name,
    B_ZERO,
    idArg,
    B_TIME,
    intBytes(nack.deliveryTime),
    B_RETRYCOUNT,
    intBytes(nack.deliveryCount),
    B_FORCE,
    B_JUSTID,
    B_LASTID,
    idBytes(g.lastId.ms, g.lastId.seq),
  ]);
}

/** XGROUP SETID <key> <group> <last> ENTRIESREAD <n> */
function propagateGroupId(c: CommandContext, key: Uint8Array, g: ConsumerGroup, groupArg: Uint8Array): void {
  alsoPropagate(c, [B_XGROUP, B_SETID, key, groupArg, idBytes(g.lastId.ms, g.lastId.seq), B_ENTRIESREAD, intBytes(g.entriesRead)]);
}

/** Find or create a consumer (Redis's streamLookupConsumer + streamCreateConsumer). */
function consumerFor(c: CommandContext, key: Uint8Array, g: ConsumerGroup, name: Uint8Array, refresh: boolean): Consumer {
  const now = c.ks.now;
  let con = g.consumer(name);
  if (con !== undefined) {
    if (refresh) con.seenTime = now;
    return con;
  }
  con = g.addConsumer(name, now)!;
  c.server.dirty++;
  notify(c, "xgroup-createconsumer", key);
  return con;
}

// =================================================================================================
// XADD / XTRIM argument parsing

interface AddTrimArgs {
  trim: TrimSpec | null;
  /** argv index of the MAXLEN/MINID threshold (rewritten for `~`). */
  trimArgIdx: number;
  /** argv index of the `~`/`=` word, or -1. */
  approxIdx: number;
  idGiven: boolean;
  id: ParsedId;
  noMkstream: boolean;
  /** Index of the ID argument (XADD) or past the options (XTRIM). */
  next: number;
}

function parseAddTrim(c: CommandContext, xadd: boolean): AddTrimArgs {
  const argv = c.argv;
  const argc = argv.length;
  const a: AddTrimArgs = {
    trim: null,
    trimArgIdx: -1,
    approxIdx: -1,
    idGiven: false,
    id: { ms: 0, seq: 0, seqGiven: true },
    noMkstream: false,
    next: argc,
  };
  let approx = false;
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argc; i++) {
    const more = argc - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt.length === 1 && opt[0] === 0x2a) break;
    if (is(opt, "maxlen") && more > 0) {
      if (a.trim !== null) fail(ERR_MAXLEN_MINID);
      // An optional `~` (approximate) or `=` (exact) operator before the threshold.
      const nx = argv[i + 1]!;
      approx = more >= 2 && nx.length === 1 && nx[0] === 0x7e;
      if (more >= 2 && nx.length === 1 && (nx[0] === 0x7e || nx[0] === 0x3d)) a.approxIdx = ++i;
      const n = intArg(argv[i + 1]!);
      if (n < 0) fail("ERR The MAXLEN argument must be >= 0.");
      i++;
      a.trim = { strategy: "maxlen", maxlen: n, minid: ZERO_ID, approx: false, limit: 0 };
      a.trimArgIdx = i;
    } else if (is(opt, "minid") && more > 0) {
      if (a.trim !== null) fail(ERR_MAXLEN_MINID);
      // An optional `~` (approximate) or `=` (exact) operator before the threshold.
      const nx = argv[i + 1]!;
      approx = more >= 2 && nx.length === 1 && nx[0] === 0x7e;
      if (more >= 2 && nx.length === 1 && (nx[0] === 0x7e || nx[0] === 0x3d)) a.approxIdx = ++i;
      const id = strictId(argv[i + 1]!);
      i++;
      a.trim = { strategy: "minid", maxlen: 0, minid: id, approx: false, limit: 0 };
      a.trimArgIdx = i;
    } else if (is(opt, "limit") && more > 0) {
      limit = intArg(argv[i + 1]!);
      if (limit < 0) fail("ERR The LIMIT argument must be >= 0.");
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, "nomkstream")) {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(opt, 0, true, true);
      if (p === null) fail(ERR_INVALID_ID);
      a.id = p;
      a.idGiven = true;
      break;
    } else {
      fail(E.SYNTAX);
    }
  }
  a.next = i;
  if (limit !== 0 && a.trim === null) fail(ERR_LIMIT_NO_STRATEGY);
  if (!xadd && a.trim === null) fail(ERR_XTRIM_NO_STRATEGY);
  if (mustObey(c)) limit = 0;
  else if (limitGiven) {
    if (!approx) fail(ERR_LIMIT_NO_TILDE);
  } else if (approx) {
    limit = 100 * c.server.config.getInt("stream-node-max-entries");
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
  } else limit = 0;
  if (a.trim !== null) {
    a.trim.approx = approx;
    a.trim.limit = limit;
  }
  return a;
}

/** Commands from our primary or the AOF are applied as written (Redis's mustObeyClient). */
function mustObey(c: CommandContext): boolean {
  return c.server.loading || (c.flags & CF_PRIMARY) !== 0;
}

/** After an approximate trim: rewrite `~` to `=` and the threshold to the exact outcome. */
function rewriteApproxTrim(c: CommandContext, a: AddTrimArgs, v: StreamValue): void {
  if (a.trim === null || !a.trim.approx) return;
  const argv = (c.propArgv ??= c.argv.slice());
  argv[a.approxIdx] = B_EQ;
  argv[a.trimArgIdx] = a.trim.strategy === "maxlen" ? intBytes(v.s.length) : idBytes(v.s.firstMs, v.s.firstSeq);
}

// =================================================================================================
// XADD, XTRIM, XDEL, XLEN, XRANGE, XREVRANGE, XSETID

function xaddCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const a = parseAddTrim(c, true);
  const fieldPos = a.next + 1;
  const nargs = argv.length - fieldPos;
  if (nargs < 2 || nargs % 2 === 1) fail(E.wrongArgs("xadd"));
  if (a.idGiven && a.id.seqGiven && a.id.ms === 0 && a.id.seq === 0) fail(ERR_XADD_ZERO);
  const db = c.db;
  let e = db.lookupWrite(key);
  let v = streamOf(e);
  if (v === null) {
    if (a.noMkstream) return c.out.nullBulk();
    v = new StreamValue();
    e = db.add(key, OBJ_STREAM, v);
  }
  const s = v.s;
  if (s.lastMs === U64_MAX && s.lastSeq === U64_MAX) fail(ERR_XADD_EXHAUSTED);
  let tot = 0;
  for (let i = fieldPos; i < argv.length; i++) tot += argv[i]!.length;
  if (tot > LISTPACK_MAX_SIZE) fail(ERR_TOO_LARGE);
  // The new ID.
  let ms: U64;
  let seq: U64;
  if (!a.idGiven) {
    const now = c.ks.now;
    if (now > s.lastMs) {
      ms = now;
      seq = 0;
    } else {
      const n = idIncr({ ms: s.lastMs, seq: s.lastSeq })!;
      ms = n.ms;
      seq = n.seq;
    }
  } else {
    ms = a.id.ms;
    seq = a.id.seq;
    if (!a.id.seqGiven) {
      if (s.lastMs === ms) {
        if (s.lastSeq === U64_MAX) fail(ERR_XADD_SMALL);
        seq = idIncr({ ms: s.lastMs, seq: s.lastSeq })!.seq;
      }
    }
    if (cmpId(ms, seq, s.lastMs, s.lastSeq) <= 0) fail(ERR_XADD_SMALL);
  }
  const [maxBytes, maxEntries] = nodeLimits(c);
  s.append(ms, seq, argv, fieldPos, nargs / 2, maxBytes, maxEntries);
  replyId(c.out, ms, seq);
  signalModified(c, key);
  notify(c, "xadd", key);
  c.server.dirty++;
  if (a.trim !== null) {
    if (s.trim(a.trim) > 0) notify(c, "xtrim", key);
    rewriteApproxTrim(c, a, v);
  }
  if (!a.idGiven || !a.id.seqGiven) {
    const p = (c.propArgv ??= argv.slice());
    p[a.next] = idBytes(ms, seq);
  }
  streamReady(c, key);
}

function xtrimCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const v = streamOf(c.db.lookupWrite(key));
  if (v === null) return c.out.integer(0);
  const a = parseAddTrim(c, false);
  const removed = v.s.trim(a.trim!);
  if (removed > 0) {
    signalModified(c, key);
    notify(c, "xtrim", key);
    c.server.dirty += removed;
    rewriteApproxTrim(c, a, v);
  }
  c.out.integer(removed);
}

function xdelCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const v = streamOf(c.db.lookupWrite(key));
  if (v === null) return c.out.integer(0);
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) ids.push(strictId(argv[j]!));
  const s = v.s;
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (!s.delete(id.ms, id.seq)) continue;
    if (id.ms === s.firstMs && id.seq === s.firstSeq) firstEntry = true;
    if (cmpId(id.ms, id.seq, s.maxDelMs, s.maxDelSeq) > 0) {
      s.maxDelMs = id.ms;
      s.maxDelSeq = id.seq;
    }
    deleted++;
  }
  if (deleted > 0) {
    if (s.length === 0) {
      s.firstMs = 0;
      s.firstSeq = 0;
    } else if (firstEntry) s.refreshFirstId();
    signalModified(c, key);
    notify(c, "xdel", key);
    c.server.dirty += deleted;
  }
  c.out.integer(deleted);
}

function xlenCommand(c: CommandContext): void {
  const v = streamOf(c.db.lookupRead(c.argv[1]!));
  c.out.integer(v === null ? 0 : v.s.length);
}

function xrangeGeneric(c: CommandContext, rev: boolean): void {
  const argv = c.argv;
  const start = startBound(rev ? argv[3]! : argv[2]!);
  const end = endBound(rev ? argv[2]! : argv[3]!);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (is(argv[j]!, "count") && j + 1 < argv.length) {
      count = intArg(argv[j + 1]!);
      if (count < 0) count = 0;
      j++;
    } else fail(E.SYNTAX);
  }
  const v = streamOf(c.db.lookupRead(argv[1]!));
  if (v === null) return c.out.emptyArray();
  if (count === 0) return c.out.nullArray();
  replyRange(c.out, v, start, end, count === -1 ? 0 : count, rev);
}

function xrangeCommand(c: CommandContext): void {
  xrangeGeneric(c, false);
}

function xrevrangeCommand(c: CommandContext): void {
  xrangeGeneric(c, true);
}

function xsetidCommand(c: CommandContext): void {
  const argv = c.argv;
  const id = strictId(argv[2]!);
  let entriesAdded: I64 = -1;
  let maxDel: StreamId = ZERO_ID;
  let i = 3;
  while (i < argv.length) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (is(opt, "entriesadded") && more > 0) {
      entriesAdded = i64Arg(argv[i + 1]!);
      if (entriesAdded < 0) fail("ERR entries_added must be positive");
      i += 2;
    } else if (is(opt, "maxdeletedid") && more > 0) {
      maxDel = strictId(argv[i + 1]!);
      if (idCmp(id, maxDel) < 0) fail("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      i += 2;
    } else fail(E.SYNTAX);
  }
  const key = argv[1]!;
  const e = c.db.lookupWrite(key);
  if (e === null) fail(E.NO_SUCH_KEY);
  const v = streamOf(e)!;
  const s = v.s;
  if (cmpId(id.ms, id.seq, s.maxDelMs, s.maxDelSeq) < 0) fail("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
  if (s.length > 0) {
    const top = s.lastValidId();
    if (idCmp(id, top) < 0) fail("ERR The ID specified in XSETID is smaller than the target stream top item");
    if (entriesAdded !== -1 && s.length > entriesAdded) fail("ERR The entries_added specified in XSETID is smaller than the target stream length");
  }
  s.lastMs = id.ms;
  s.lastSeq = id.seq;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!isZeroId(maxDel)) {
    s.maxDelMs = maxDel.ms;
    s.maxDelSeq = maxDel.seq;
  }
  // Redis 7.0's XSETID does not signal the key as modified (WATCH is not touched).
  notify(c, "xsetid", key);
  c.server.dirty++;
  c.out.ok();
}

/** Exact signed 64-bit integer argument (number when safe, else bigint). */
function i64Arg(arg: Uint8Array): I64 {
  const n = parseInt64(arg);
  if (Number.isNaN(n)) fail(E.NOT_INTEGER);
  if (Number.isSafeInteger(n)) return n;
  return BigInt(latin1(arg));
}

// =================================================================================================
// XREAD / XREADGROUP

/** A parsed XREAD/XREADGROUP request (kept while blocked). */
export interface XreadRequest {
  group: Uint8Array | null;
  consumer: Uint8Array | null;
  noack: boolean;
  /** 0: no limit. */
  count: number;
  /** -1: no BLOCK; 0: forever; else the absolute deadline in ms. */
  timeout: number;
  keys: Uint8Array[];
  /** Per key: the ID entries must be greater than; MAX_ID stands for `>`. */
  ids: StreamId[];
}

function parseXread(c: CommandContext, xreadgroup: boolean): XreadRequest | null {
  const argv = c.argv;
  const argc = argv.length;
  const r: XreadRequest = { group: null, consumer: null, noack: false, count: 0, timeout: -1, keys: [], ids: [] };
  let streamsArg = 0;
  let streamsCount = 0;
  for (let i = 1; i < argc; i++) {
    const more = argc - i - 1;
    const o = argv[i]!;
    if (is(o, "block") && more > 0) {
      if (c.flags & CF_SCRIPT) fail(`ERR ${cArg(argv[0]!)} command is not allowed with BLOCK option from scripts`);
      i++;
      r.timeout = timeoutArg(argv[i]!, c.ks.now, "ms");
    } else if (is(o, "count") && more > 0) {
      i++;
      r.count = intArg(argv[i]!);
      if (r.count < 0) r.count = 0;
    } else if (is(o, "streams") && more > 0) {
      streamsArg = i + 1;
      streamsCount = argc - streamsArg;
      if (streamsCount % 2 !== 0) fail("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      streamsCount /= 2;
      break;
    } else if (is(o, "group") && more >= 2) {
      if (!xreadgroup) fail("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
      r.group = argv[i + 1]!;
      r.consumer = argv[i + 2]!;
      i += 2;
    } else if (is(o, "noack")) {
      if (!xreadgroup) fail("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
      r.noack = true;
    } else fail(E.SYNTAX);
  }
  if (streamsArg === 0) fail(E.SYNTAX);
  if (xreadgroup && r.group === null) fail("ERR Missing GROUP option for XREADGROUP");
  for (let k = 0; k < streamsCount; k++) {
    const key = argv[streamsArg + k]!;
    const idArg = argv[streamsArg + streamsCount + k]!;
    const v = streamOf(c.db.lookupRead(key));
    if (r.group !== null) {
      if (v === null || v.group(r.group) === undefined) {
        fail(`NOGROUP No such key '${cArg(key)}' or consumer group '${cArg(r.group)}' in XREADGROUP with GROUP option`);
      }
    }
    r.keys.push(key);
    if (idArg.length === 1 && idArg[0] === 0x24) {
      if (xreadgroup) {
        fail(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
        );
      }
      r.ids.push(v === null ? { ms: 0, seq: 0 } : { ms: v.s.lastMs, seq: v.s.lastSeq });
      continue;
    }
    if (idArg.length === 1 && idArg[0] === 0x3e) {
      if (!xreadgroup) fail("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
      r.ids.push(MAX_ID);
      continue;
    }
    r.ids.push(strictId(idArg));
  }
  return r;
}

function isGt(id: StreamId): boolean {
  return id.ms === U64_MAX && id.seq === U64_MAX;
}

/**
 * Deliver new entries (after `start`, inclusive) to a consumer of a group: Redis's
 * streamReplyWithRange with a group. Advances the group, creates/updates NACKs unless NOACK,
 * and queues the XCLAIM/XGROUP SETID propagation. Returns the number of entries.
 */
function replyGroupNew(
  c: CommandContext,
  out: ReplyWriter,
  key: Uint8Array,
  v: StreamValue,
  g: ConsumerGroup,
  groupArg: Uint8Array,
  con: Consumer,
  start: StreamId,
  count: number,
  noack: boolean,
): number {
  const mark = out.deferLen();
  let n = 0;
  let propagateLast = false;
  const now = c.ks.now;
  const it = v.s.iterate(start, MAX_ID, false);
  while (it.next()) {
    const e = it.entry;
    const id = { ms: e.ms, seq: e.seq };
    if (idCmp(id, g.lastId) > 0) {
      v.advanceGroup(g, id);
      if (noack) propagateLast = true;
    }
    replyEntry(out, e);
    if (!noack) {
      let nack = g.pel.get(e.ms, e.seq);
      if (nack === undefined) {
        nack = new Nack(now, 1, con);
        g.pel.set(e.ms, e.seq, nack);
        con.pel.set(e.ms, e.seq, nack);
      } else {
        nack.consumer?.pel.delete(e.ms, e.seq);
        nack.consumer = con;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
        con.pel.set(e.ms, e.seq, nack);
      }
      propagateXclaim(c, key, g, groupArg, idBytes(e.ms, e.seq), nack);
    }
    n++;
    if (count !== 0 && n === count) break;
  }
  if (propagateLast) propagateGroupId(c, key, g, groupArg);
  out.setDeferredLen(mark, AGG_ARRAY, n);
  return n;
}

/** A consumer's own pending entries from `start` (XREADGROUP with an explicit ID). */
function replyConsumerHistory(c: CommandContext, out: ReplyWriter, v: StreamValue, con: Consumer, start: StreamId, count: number): number {
  const mark = out.deferLen();
  let n = 0;
  const now = c.ks.now;
  const cur = con.pel.seekGE(start.ms, start.seq);
  if (cur !== null) {
    do {
      if (count !== 0 && n >= count) break;
      const ms = con.pel.ms(cur);
      const seq = con.pel.seq(cur);
      if (!replyOne(out, v, { ms, seq }, { ms, seq }, false)) {
        out.arrayLen(2);
        replyId(out, ms, seq);
        out.nullArray();
      } else {
        const nack = con.pel.value(cur);
        nack.deliveryTime = now;
        nack.deliveryCount++;
      }
      n++;
    } while (con.pel.next(cur));
  }
  out.setDeferredLen(mark, AGG_ARRAY, n);
  return n;
}

function xreadGeneric(c: CommandContext, xreadgroup: boolean): void {
  const r = parseXread(c, xreadgroup)!;
  const out = c.out;
  const argv = c.argv;
  let mark = -1;
  let served = 0;
  for (let k = 0; k < r.keys.length; k++) {
    const key = r.keys[k]!;
    const e = c.db.lookupRead(key);
    if (e === null) continue;
    const v = e.value as StreamValue;
    const s = v.s;
    let gt = r.ids[k]!;
    let sync = false;
    let history = false;
    const g = r.group === null ? undefined : v.group(r.group);
    if (g !== undefined) {
      if (!isGt(gt)) {
        sync = true;
        history = true;
      } else if (s.length > 0) {
        const maxid = s.lastValidId();
        if (idCmp(maxid, g.lastId) > 0) {
          sync = true;
          gt = g.lastId;
        }
      }
    } else if (s.length > 0) {
      if (idCmp(s.lastValidId(), gt) > 0) sync = true;
    }
    if (!sync) continue;
    if (served === 0) mark = out.deferLen();
    served++;
    const start = idIncr(gt) ?? gt;
    if (out.resp === 2) out.arrayLen(2);
    out.bulk(key);
    if (g !== undefined) {
      c.db.lookupWrite(key); // copy-before-write for a running snapshot
      const con = consumerFor(c, key, g, r.consumer!, false);
      con.seenTime = c.ks.now;
      if (history) replyConsumerHistory(c, out, v, con, start, r.count);
      else replyGroupNew(c, out, key, v, g, r.group!, con, start, r.count, r.noack);
      c.server.dirty++;
    } else {
      replyRange(out, v, start, MAX_ID, r.count, false);
    }
  }
  if (xreadgroup) preventPropagation(c);
  if (served > 0) {
    out.setDeferredLen(mark, out.resp === 2 ? AGG_ARRAY : AGG_MAP, served);
    return;
  }
  if (r.timeout !== -1) {
    if (!c.server.blocking.canBlock(c)) return out.nullArray();
    blockForStreams(c, r);
    return;
  }
  out.nullArray();
}

function xreadCommand(c: CommandContext): void {
  xreadGeneric(c, false);
}

function xreadgroupCommand(c: CommandContext): void {
  xreadGeneric(c, true);
}

/** Keys of XREAD/XREADGROUP: after STREAMS, half of the remaining arguments. */
function xreadKeys(argv: readonly Uint8Array[]): number[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (is(a, "block") || is(a, "count")) i++;
    else if (is(a, "group")) i += 2;
    else if (is(a, "noack")) continue;
    else if (is(a, "streams")) {
      streamsPos = i;
      break;
    } else break;
  }
  const num = argv.length - streamsPos - 1;
  if (streamsPos === -1 || num === 0 || num % 2 !== 0) return [];
  const out: number[] = [];
  for (let i = streamsPos + 1; i < streamsPos + 1 + num / 2; i++) out.push(i);
  return out;
}

// =================================================================================================
// Blocking: XREAD/XREADGROUP BLOCK on server/blocking.ts

/** Redis's XREAD_BLOCKED_DEFAULT_COUNT: a blocked read without COUNT returns at most this many. */
const BLOCKED_DEFAULT_COUNT = 1000;

/** Clients blocked in XREADGROUP and their keys (they must learn when a key goes away). */
const groupReaders = new Map<Client, Uint8Array[]>();

/** Park `c` on its stream keys; owned copies of everything the serve callback needs. */
function blockForStreams(c: CommandContext, r: XreadRequest): void {
  const keys = r.keys.map((k) => k.slice());
  const ids = r.ids.map((id) => ({ ms: id.ms, seq: id.seq }));
  const group = r.group === null ? null : r.group.slice();
  const consumer = r.consumer === null ? null : r.consumer.slice();
  const count = r.count !== 0 ? r.count : BLOCKED_DEFAULT_COUNT;
  const noack = r.noack;
  const serve = (bc: Client, key: Uint8Array): ServeResult => {
    let idx = 0;
    while (idx < keys.length && !bytesEq(keys[idx]!, key)) idx++;
    const e = bc.db.lookup(key);
    if (e === null || e.type !== OBJ_STREAM) {
      if (group === null) return NOT_SERVED;
      bc.out.error("UNBLOCKED the stream key no longer exists");
      return SERVED;
    }
    const v = e.value as StreamValue;
    let gt = ids[idx]!;
    let g: ConsumerGroup | undefined;
    if (group !== null) {
      g = v.group(group);
      if (g === undefined) {
        bc.out.error("NOGROUP the consumer group this client was blocked on no longer exists");
        return SERVED;
      }
      gt = g.lastId;
    }
    if (cmpId(v.s.lastMs, v.s.lastSeq, gt.ms, gt.seq) <= 0) return NOT_SERVED;
    const start = idIncr(gt) ?? gt;
    const out = bc.out;
    if (out.resp === 2) {
      out.arrayLen(1);
      out.arrayLen(2);
    } else out.mapLen(1);
    out.bulk(key);
    if (g === undefined) {
      replyRange(out, v, start, MAX_ID, count, false);
      return SERVED;
    }
    bc.db.lookupWrite(key); // copy-before-write for a running snapshot
    bc.alsoPropagate = [];
    try {
      const con = consumerFor(bc, key, g, consumer!, false);
      con.seenTime = bc.ks.now;
      replyGroupNew(bc, out, key, v, g, group!, con, start, count, noack);
      propagateList(bc, bc.alsoPropagate);
    } finally {
      bc.alsoPropagate = null;
    }
    return SERVED;
  };
  if (group !== null) groupReaders.set(c, keys);
  c.server.blocking.block(c, keys, r.timeout, BLOCKED_STREAM, serve);
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Propagate commands produced outside `call()` (serving a blocked reader), MULTI-wrapped if many. */
function propagateList(c: CommandContext, cmds: Uint8Array[][]): void {
  if (cmds.length === 0) return;
  const server = c.server;
  const wrap = cmds.length > 1 && server.propBuffer === null;
  if (wrap) server.propagate(c.db.id, [B_MULTI]);
  for (const argv of cmds) server.propagate(c.db.id, argv);
  if (wrap) server.propagate(c.db.id, [B_EXEC]);
}

const B_MULTI = asciiBytes("MULTI");
const B_EXEC = asciiBytes("EXEC");

/** XADD and XGROUP DESTROY: blocked readers of `key` may proceed (or fail). */
function streamReady(c: CommandContext, key: Uint8Array): void {
  c.server.blocking.signalKeyAsReady(c.db, key);
}

/**
 * XREADGROUP readers must be told when their key is deleted, overwritten or flushed away
 * (Redis 7.0 answers `-UNBLOCKED the stream key no longer exists`): signal their keys on any
 * change while some are blocked.
 */
function installStreamBlocking(server: Server): void {
  const live = (): boolean => {
    for (const c of groupReaders.keys()) if (server.blocking.stateOf(c) === undefined) groupReaders.delete(c);
    return groupReaders.size > 0;
  };
  server.onKeyModified.push((db, key) => {
    if (groupReaders.size !== 0 && live()) server.blocking.signalKeyAsReady(db, key);
  });
  server.onDbChanged.push((dbid, other) => {
    if (groupReaders.size === 0 || !live()) return;
    for (const [c, keys] of groupReaders) {
      const st = server.blocking.stateOf(c);
      if (st === undefined) continue;
      if (dbid >= 0 && st.db.id !== dbid && st.db.id !== other) continue;
      for (const k of keys) server.blocking.signalKeyAsReady(st.db, k);
    }
  });
  server.onClientClose.push((c) => {
    groupReaders.delete(c);
  });
}

// =================================================================================================
// XGROUP

/** Common part of XGROUP subcommands: the stream (null if missing and allowed) and the group. */
function xgroupPrelude(c: CommandContext, needGroup: boolean, mkstream: boolean): { v: StreamValue | null; g: ConsumerGroup | undefined } {
  const argv = c.argv;
  const key = argv[2]!;
  const v = streamOf(c.db.lookupWrite(key));
  const grp = argv[3]!;
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (v === null) fail(ERR_NO_KEY_XGROUP);
    g = v.group(grp);
    if (g === undefined && needGroup) fail(`NOGROUP No such consumer group '${cArg(grp)}' for key name '${cArg(key)}'`);
  } else g = v?.group(grp);
  return { v, g };
}

function entriesReadArg(arg: Uint8Array): I64 {
  const n = i64Arg(arg);
  if (n < 0 && n !== ENTRIES_READ_INVALID) fail("ERR value for ENTRIESREAD must be positive or -1");
  return n;
}

function subSyntaxError(c: CommandContext): never {
  fail(E.unknownSubcommandOrWrongArgs(cArg(c.argv[1]!), cArg(c.argv[0]!).toUpperCase()));
}

function xgroupCreateCommand(c: CommandContext): void {
  const argv = c.argv;
  let mkstream = false;
  let entriesRead: I64 = ENTRIES_READ_INVALID;
  for (let i = 5; i < argv.length; ) {
    if (is(argv[i]!, "mkstream")) {
      mkstream = true;
      i++;
    } else if (is(argv[i]!, "entriesread") && i + 1 < argv.length) {
      entriesRead = entriesReadArg(argv[i + 1]!);
      i += 2;
    } else subSyntaxError(c);
  }
  let { v } = xgroupPrelude(c, false, mkstream);
  if (argv.length > 8) subSyntaxError(c);
  const key = argv[2]!;
  let id: StreamId;
  const idArg = argv[4]!;
  if (idArg.length === 1 && idArg[0] === 0x24) id = v === null ? { ms: 0, seq: 0 } : { ms: v.s.lastMs, seq: v.s.lastSeq };
  else id = strictId(idArg);
  if (v === null) {
    v = new StreamValue();
    c.db.add(key, OBJ_STREAM, v);
  }
  if (v.createGroup(argv[3]!, id, entriesRead) === null) fail("BUSYGROUP Consumer Group name already exists");
  c.out.ok();
  c.server.dirty++;
  notify(c, "xgroup-create", key);
}

function xgroupSetidCommand(c: CommandContext): void {
  const argv = c.argv;
  const { v, g } = xgroupPrelude(c, true, false);
  if (argv.length !== 5 && argv.length !== 7) subSyntaxError(c);
  const idArg = argv[4]!;
  let id: StreamId;
  if (idArg.length === 1 && idArg[0] === 0x24) id = { ms: v!.s.lastMs, seq: v!.s.lastSeq };
  else id = looseId(idArg);
  let entriesRead: I64 = ENTRIES_READ_INVALID;
  if (argv.length === 7) {
    if (!is(argv[5]!, "entriesread")) subSyntaxError(c);
    entriesRead = entriesReadArg(argv[6]!);
  }
  g!.lastId = id;
  g!.entriesRead = entriesRead;
  c.out.ok();
  c.server.dirty++;
  notify(c, "xgroup-setid", argv[2]!);
}

function xgroupDestroyCommand(c: CommandContext): void {
  const argv = c.argv;
  const { v, g } = xgroupPrelude(c, false, false);
  if (g === undefined) return c.out.integer(0);
  v!.deleteGroup(argv[3]!);
  c.out.integer(1);
  c.server.dirty++;
  notify(c, "xgroup-destroy", argv[2]!);
  streamReady(c, argv[2]!);
}

function xgroupCreateconsumerCommand(c: CommandContext): void {
  const argv = c.argv;
  const { g } = xgroupPrelude(c, true, false);
  const created = g!.addConsumer(argv[4]!, c.ks.now);
  if (created !== null) {
    c.server.dirty++;
    notify(c, "xgroup-createconsumer", argv[2]!);
  }
  c.out.integer(created === null ? 0 : 1);
}

function xgroupDelconsumerCommand(c: CommandContext): void {
  const argv = c.argv;
  const { g } = xgroupPrelude(c, true, false);
  const con = g!.consumer(argv[4]!);
  let pending = 0;
  if (con !== undefined) {
    pending = con.pel.size;
    g!.deleteConsumer(con);
    c.server.dirty++;
    notify(c, "xgroup-delconsumer", argv[2]!);
  }
  c.out.integer(pending);
}

function xgroupHelpCommand(c: CommandContext): void {
  replyHelp(c, "XGROUP", [
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
  ]);
}

// =================================================================================================
// XACK, XPENDING, XCLAIM, XAUTOCLAIM

function xackCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const v = streamOf(c.db.lookupRead(key));
  const g = v?.group(argv[2]!);
  if (v === null || g === undefined) return c.out.integer(0);
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) ids.push(strictId(argv[j]!));
  c.db.lookupWrite(key);
  let acked = 0;
  for (const id of ids) {
    if (g.ack(id.ms, id.seq)) {
      acked++;
      c.server.dirty++;
    }
  }
  c.out.integer(acked);
}

function noGroup(key: Uint8Array, group: Uint8Array): never {
  fail(`NOGROUP No such key '${cArg(key)}' or consumer group '${cArg(group)}'`);
}

function xpendingCommand(c: CommandContext): void {
  const argv = c.argv;
  const argc = argv.length;
  const key = argv[1]!;
  const groupArg = argv[2]!;
  const justInfo = argc === 3;
  if (argc !== 3 && (argc < 6 || argc > 9)) fail(E.SYNTAX);
  let start: StreamId = ZERO_ID;
  let end: StreamId = MAX_ID;
  let count = 0;
  let minIdle = 0;
  let consumerArg: Uint8Array | null = null;
  if (argc >= 6) {
    let si = 3;
    if (is(argv[3]!, "idle")) {
      minIdle = intArg(argv[4]!);
      if (argc < 8) fail(E.SYNTAX);
      si += 2;
    }
    count = intArg(argv[si + 2]!);
    if (count < 0) count = 0;
    start = startBound(argv[si]!);
    end = endBound(argv[si + 1]!);
    if (si + 3 < argc) consumerArg = argv[si + 3]!;
  }
  const v = streamOf(c.db.lookupRead(key));
  const g = v?.group(groupArg);
  if (v === null || g === undefined) noGroup(key, groupArg);
  const out = c.out;
  if (justInfo) {
    out.arrayLen(4);
    out.integer(g.pel.size);
    const first = g.pel.first();
    const last = g.pel.last();
    if (first === null || last === null) {
      out.nullBulk();
      out.nullBulk();
      out.nullArray();
      return;
    }
    replyId(out, g.pel.ms(first), g.pel.seq(first));
    replyId(out, g.pel.ms(last), g.pel.seq(last));
    const cons = g.sortedConsumers().filter((x) => x.pel.size > 0);
    out.arrayLen(cons.length);
    for (const con of cons) {
      out.arrayLen(2);
      out.bulk(con.name);
      out.bulkInt(con.pel.size);
    }
    return;
  }
  let pel = g.pel;
  if (consumerArg !== null) {
    const con = g.consumer(consumerArg);
    if (con === undefined) return out.emptyArray();
    pel = con.pel;
  }
  const now = c.ks.now;
  const mark = out.deferLen();
  let n = 0;
  const cur = pel.seekGE(start.ms, start.seq);
  if (cur !== null) {
    do {
      if (count === 0) break;
      const ms = pel.ms(cur);
      const seq = pel.seq(cur);
      if (cmpId(ms, seq, end.ms, end.seq) > 0) break;
      const nack = pel.value(cur);
      if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
      n++;
      count--;
      out.arrayLen(4);
      replyId(out, ms, seq);
      out.bulk(nack.consumer!.name);
      const elapsed = now - nack.deliveryTime;
      out.integer(elapsed < 0 ? 0 : elapsed);
      out.integer(nack.deliveryCount);
    } while (pel.next(cur));
  }
  out.setDeferredLen(mark, AGG_ARRAY, n);
}

function xclaimCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const groupArg = argv[2]!;
  const v = streamOf(c.db.lookupRead(key));
  const g = v?.group(groupArg);
  if (v === null || g === undefined) noGroup(key, groupArg);
  let minIdle = intArg(argv[4]!, "ERR Invalid min-idle-time argument for XCLAIM");
  if (minIdle < 0) minIdle = 0;
  let j = 5;
  const ids: StreamId[] = [];
  for (; j < argv.length; j++) {
    const p = parseStreamId(argv[j]!, 0, true, false);
    if (p === null) break;
    ids.push({ ms: p.ms, seq: p.seq });
  }
  const lastIdArg = j - 1;
  const now = c.ks.now;
  let retryCount = -1;
  let deliveryTime = -1;
  let force = false;
  let justId = false;
  let lastId: StreamId = ZERO_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (is(opt, "force")) force = true;
    else if (is(opt, "justid")) justId = true;
    else if (is(opt, "idle") && more > 0) {
      j++;
      deliveryTime = now - intArg(argv[j]!, "ERR Invalid IDLE option argument for XCLAIM");
    } else if (is(opt, "time") && more > 0) {
      j++;
      deliveryTime = intArg(argv[j]!, "ERR Invalid TIME option argument for XCLAIM");
    } else if (is(opt, "retrycount") && more > 0) {
      j++;
      retryCount = intArg(argv[j]!, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
    } else if (is(opt, "lastid") && more > 0) {
      j++;
      lastId = strictId(argv[j]!);
    } else fail(`ERR Unrecognized XCLAIM option '${cArg(opt)}'`);
  }
  c.db.lookupWrite(key);
  let propagateLast = false;
  if (idCmp(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLast = true;
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  const out = c.out;
  const mark = out.deferLen();
  let n = 0;
  let con: Consumer | null = null;
  for (let k = 0; k <= lastIdArg - 5; k++) {
    const id = ids[k]!;
    const idArg = argv[5 + k]!;
    let nack = g.pel.get(id.ms, id.seq);
    if (!v.s.has(id.ms, id.seq)) {
      if (nack !== undefined) {
        propagateXclaim(c, key, g, groupArg, idArg, nack);
        propagateLast = false;
        c.server.dirty++;
        g.ack(id.ms, id.seq);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new Nack(now, 1, null);
      g.pel.set(id.ms, id.seq, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    if (con === null) con = consumerFor(c, key, g, argv[3]!, true);
    if (nack.consumer !== con) nack.consumer?.pel.delete(id.ms, id.seq);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    if (nack.consumer !== con) {
      con.pel.set(id.ms, id.seq, nack);
      nack.consumer = con;
    }
    if (justId) replyId(out, id.ms, id.seq);
    else replyOne(out, v, id, id, false);
    n++;
    propagateXclaim(c, key, g, groupArg, idArg, nack);
    propagateLast = false;
    c.server.dirty++;
  }
  if (propagateLast) {
    propagateGroupId(c, key, g, groupArg);
    c.server.dirty++;
  }
  out.setDeferredLen(mark, AGG_ARRAY, n);
  preventPropagation(c);
}

function xautoclaimCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const groupArg = argv[2]!;
  const e = c.db.lookupRead(key);
  let minIdle = intArg(argv[4]!, "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (minIdle < 0) minIdle = 0;
  const start = startBound(argv[5]!);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (is(opt, "count") && more > 0) {
      const n = parseBigInt64(argv[j + 1]!);
      // LONG_MAX / max(sizeof(streamID), attempts factor 10)
      if (n === null || n < 1n || n > 576460752303423487n) fail("ERR COUNT must be > 0");
      count = Number(n);
      j++;
    } else if (is(opt, "justid")) justId = true;
    else fail(E.SYNTAX);
  }
  const v = streamOf(e);
  const g = v?.group(groupArg);
  if (v === null || g === undefined) noGroup(key, groupArg);
  // Redis allocates count pointers for the deleted IDs up front; past what its allocator can
  // reserve (about 2^46 bytes of address space on 64-bit Linux) that fails.
  if (count * 8 > 2 ** 46) fail("ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
  c.db.lookupWrite(key);
  let attempts = count * 10;
  const now = c.ks.now;
  const out = c.out;
  out.arrayLen(3);
  // The cursor and the claimed entries are known only at the end: build them aside.
  const body = scratchOut;
  body.len = 0;
  body.resp = out.resp;
  let n = 0;
  const deleted: Uint8Array[] = [];
  let con: Consumer | null = null;
  const pel = g.pel;
  let cur = pel.seekGE(start.ms, start.seq);
  // `cur` is the next PEL position to examine (null: end reached).
  while (attempts > 0 && count > 0 && cur !== null) {
    attempts--;
    const ms = pel.ms(cur);
    const seq = pel.seq(cur);
    const nack = pel.value(cur);
    if (!v.s.has(ms, seq)) {
      const idb = idBytes(ms, seq);
      propagateXclaim(c, key, g, groupArg, idb, nack);
      c.server.dirty++;
      g.ack(ms, seq);
      deleted.push(idb);
      count--;
      cur = pel.seekGE(ms, seq);
      continue;
    }
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) {
      if (!pel.next(cur)) cur = null;
      continue;
    }
    if (con === null) con = consumerFor(c, key, g, argv[3]!, true);
    if (nack.consumer !== con) nack.consumer?.pel.delete(ms, seq);
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    if (nack.consumer !== con) {
      con.pel.set(ms, seq, nack);
      nack.consumer = con;
    }
    if (justId) replyId(body, ms, seq);
    else replyOne(body, v, { ms, seq }, { ms, seq }, false);
    n++;
    count--;
    propagateXclaim(c, key, g, groupArg, idBytes(ms, seq), nack);
    c.server.dirty++;
    if (!pel.next(cur)) cur = null;
  }
  if (cur === null) replyId(out, 0, 0);
  else replyId(out, pel.ms(cur), pel.seq(cur));
  out.arrayLen(n);
  out.raw(body.take());
  out.arrayLen(deleted.length);
  for (const d of deleted) out.bulk(d);
  preventPropagation(c);
}

/** Scratch writer for reply parts built before their header is known (not reentrant). */
const scratchOut = new ReplyWriter(16 * 1024);

// =================================================================================================
// XINFO

function xinfoLookup(c: CommandContext): StreamValue {
  const e = c.db.lookupRead(c.argv[2]!);
  if (e === null) fail(E.NO_SUCH_KEY);
  return streamOf(e)!;
}

function xinfoConsumersCommand(c: CommandContext): void {
  const argv = c.argv;
  const v = xinfoLookup(c);
  const g = v.group(argv[3]!);
  if (g === undefined) fail(`NOGROUP No such consumer group '${cArg(argv[3]!)}' for key name '${cArg(argv[2]!)}'`);
  const out = c.out;
  const now = c.server.clock();
  const cons = g.sortedConsumers();
  out.arrayLen(cons.length);
  for (const con of cons) {
    const idle = now - con.seenTime;
    out.mapLen(3);
    out.bulkString("name");
    out.bulk(con.name);
    out.bulkString("pending");
    out.integer(con.pel.size);
    out.bulkString("idle");
    out.integer(idle < 0 ? 0 : idle);
  }
}

function replyLag(out: ReplyWriter, v: StreamValue, g: ConsumerGroup): void {
  const lag = v.lag(g);
  if (lag === null) out.nullBulk();
  else replyI64(out, lag);
}

function replyEntriesRead(out: ReplyWriter, g: ConsumerGroup): void {
  if (g.entriesRead === ENTRIES_READ_INVALID) out.nullBulk();
  else replyI64(out, g.entriesRead);
}

function xinfoGroupsCommand(c: CommandContext): void {
  const v = xinfoLookup(c);
  const out = c.out;
  const groups = v.sortedGroups();
  out.arrayLen(groups.length);
  for (const g of groups) {
    out.mapLen(6);
    out.bulkString("name");
    out.bulk(g.name);
    out.bulkString("consumers");
    out.integer(g.consumers.size);
    out.bulkString("pending");
    out.integer(g.pel.size);
    out.bulkString("last-delivered-id");
    replyId(out, g.lastId.ms, g.lastId.seq);
    out.bulkString("entries-read");
    replyEntriesRead(out, g);
    out.bulkString("lag");
    replyLag(out, v, g);
  }
}

function xinfoStreamCommand(c: CommandContext): void {
  const argv = c.argv;
  const v = xinfoLookup(c);
  const s = v.s;
  let full = false;
  let count = 10;
  const extra = argv.length - 3;
  if (extra > 0) {
    if (extra > 3 || !is(argv[3]!, "full")) subSyntaxError(c);
    full = true;
    if (extra > 1) {
      if (extra !== 3 || !is(argv[4]!, "count")) subSyntaxError(c);
      count = intArg(argv[5]!);
      if (count < 0) count = 10;
    }
  }
  const out = c.out;
  out.mapLen(full ? 9 : 10);
  out.bulkString("length");
  out.integer(s.length);
  out.bulkString("radix-tree-keys");
  out.integer(s.nodeCount);
  out.bulkString("radix-tree-nodes");
  out.integer(s.raxNodeCount());
  out.bulkString("last-generated-id");
  replyId(out, s.lastMs, s.lastSeq);
  out.bulkString("max-deleted-entry-id");
  replyId(out, s.maxDelMs, s.maxDelSeq);
  out.bulkString("entries-added");
  out.integer(s.entriesAdded);
  out.bulkString("recorded-first-entry-id");
  replyId(out, s.firstMs, s.firstSeq);
  if (!full) {
    out.bulkString("groups");
    out.integer(v.groupCount);
    out.bulkString("first-entry");
    if (!replyOne(out, v, ZERO_ID, MAX_ID, false)) out.nullBulk();
    out.bulkString("last-entry");
    if (!replyOne(out, v, ZERO_ID, MAX_ID, true)) out.nullBulk();
    return;
  }
  out.bulkString("entries");
  replyRange(out, v, ZERO_ID, MAX_ID, count, false);
  out.bulkString("groups");
  const groups = v.sortedGroups();
  out.arrayLen(groups.length);
  for (const g of groups) {
    out.mapLen(7);
    out.bulkString("name");
    out.bulk(g.name);
    out.bulkString("last-delivered-id");
    replyId(out, g.lastId.ms, g.lastId.seq);
    out.bulkString("entries-read");
    replyEntriesRead(out, g);
    out.bulkString("lag");
    replyLag(out, v, g);
    out.bulkString("pel-count");
    out.integer(g.pel.size);
    out.bulkString("pending");
    let mark = out.deferLen();
    let n = 0;
    g.pel.forEach((ms, seq, nack) => {
      if (count !== 0 && n >= count) return false;
      out.arrayLen(4);
      replyId(out, ms, seq);
      out.bulk(nack.consumer!.name);
      out.integer(nack.deliveryTime);
      out.integer(nack.deliveryCount);
      n++;
      return true;
    });
    out.setDeferredLen(mark, AGG_ARRAY, n);
    out.bulkString("consumers");
    const cons = g.sortedConsumers();
    out.arrayLen(cons.length);
    for (const con of cons) {
      out.mapLen(4);
      out.bulkString("name");
      out.bulk(con.name);
      out.bulkString("seen-time");
      out.integer(con.seenTime);
      out.bulkString("pel-count");
      out.integer(con.pel.size);
      out.bulkString("pending");
      mark = out.deferLen();
      n = 0;
      con.pel.forEach((ms, seq, nack) => {
        if (count !== 0 && n >= count) return false;
        out.arrayLen(3);
        replyId(out, ms, seq);
        out.integer(nack.deliveryTime);
        out.integer(nack.deliveryCount);
        n++;
        return true;
      });
      out.setDeferredLen(mark, AGG_ARRAY, n);
    }
  }
}

function xinfoHelpCommand(c: CommandContext): void {
  replyHelp(c, "XINFO", [
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
  ]);
}

// =================================================================================================
// Table

export const streamFamily: CommandFamily = {
  group: "stream",
  install: installStreamBlocking,
  commands: [
    ["xadd",        -5, "write denyoom fast",       [1, 1, 1], xaddCommand],
    ["xrange",      -4, "readonly",                 [1, 1, 1], xrangeCommand],
    ["xrevrange",   -4, "readonly",                 [1, 1, 1], xrevrangeCommand],
    ["xlen",         2, "readonly fast",            [1, 1, 1], xlenCommand],
    ["xdel",        -3, "write fast",               [1, 1, 1], xdelCommand],
    ["xtrim",       -4, "write",                    [1, 1, 1], xtrimCommand],
    ["xsetid",      -3, "write denyoom fast",       [1, 1, 1], xsetidCommand],
    ["xread",       -4, "readonly blocking",        [0, 0, 0], xreadCommand, { keyFinder: xreadKeys }],
    ["xreadgroup",  -7, "write blocking",           [0, 0, 0], xreadgroupCommand, { keyFinder: xreadKeys }],
    ["xack",        -4, "write fast",               [1, 1, 1], xackCommand],
    ["xpending",    -3, "readonly",                 [1, 1, 1], xpendingCommand],
    ["xclaim",      -6, "write fast",               [1, 1, 1], xclaimCommand],
    ["xautoclaim",  -6, "write fast",               [1, 1, 1], xautoclaimCommand],
    ["xgroup",      -2, "",                         [0, 0, 0], xgroupHelpCommand, {
      subcommands: [
        ["create",         -5, "write denyoom",     [2, 2, 1], xgroupCreateCommand],
        ["createconsumer",  5, "write denyoom",     [2, 2, 1], xgroupCreateconsumerCommand],
        ["delconsumer",     5, "write",             [2, 2, 1], xgroupDelconsumerCommand],
        ["destroy",         4, "write",             [2, 2, 1], xgroupDestroyCommand],
        ["setid",          -5, "write",             [2, 2, 1], xgroupSetidCommand],
        ["help",            2, "loading stale",     [0, 0, 0], xgroupHelpCommand],
      ],
    }],
    ["xinfo",       -2, "",                         [0, 0, 0], xinfoHelpCommand, {
      subcommands: [
        ["stream",    -3, "readonly",               [2, 2, 1], xinfoStreamCommand],
        ["groups",     3, "readonly",               [2, 2, 1], xinfoGroupsCommand],
        ["consumers",  4, "readonly",               [2, 2, 1], xinfoConsumersCommand],
        ["help",       2, "loading stale",          [0, 0, 0], xinfoHelpCommand],
      ],
    }],
  ],
};
