/**
 * Sorted-set commands (group "sorted_set"). Values are ZsetValue (store/types/zset.ts):
 * `listpack` while small (zset-max-listpack-entries / -value), `skiplist` (+ dict) beyond,
 * with Redis 7.0's conversion rules.
 *
 * Replies follow Redis 7.0: scores are doubles (`%.17g` bulk strings in RESP2, `,` doubles in
 * RESP3); WITHSCORES replies are flat in RESP2 and arrays of [member, score] pairs in RESP3
 * (ZRANGE family, ZUNION/ZINTER/ZDIFF, ZRANDMEMBER, ZPOPMIN/MAX with a count, ZMPOP).
 *
 * Ranges are computed as ascending ranks [lo, hi) (O(log N) on the skiplist), then walked
 * forward or backward; LIMIT offsets and counts are applied to the ranks, which gives Redis's
 * answers (a negative offset yields nothing, a negative count means no limit).
 *
 * Propagation: ZMPOP propagates as ZPOPMIN/ZPOPMAX key count, as Redis does. The blocking
 * variants (BZPOPMIN, BZPOPMAX, BZMPOP) serve immediately when they can; waiting goes through
 * an injected `blockForKeys` (see `installZsetBlocking`), and without it, or inside MULTI, they
 * answer like a timeout.
 */
import { BLOCKED_ZSET, timeoutArg } from "./blocking-args.ts";
import type { ServeFn } from "../server/blocking.ts";
import { Dict, hashBytes } from "../datastructures/dict.ts";
import { LEX_MAX, LEX_MIN, LEX_VALUE, type LexBound, type LexRange, type ScoreRange } from "../datastructures/skiplist.ts";
import { E, fail } from "../protocol/errors.ts";
import { WRONGTYPE } from "../store/database.ts";
import { SetValue } from "../store/types/set.ts";
import {
  ZADD_IN_GT,
  ZADD_IN_INCR,
  ZADD_IN_LT,
  ZADD_IN_NX,
  ZADD_IN_XX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZsetValue,
  type ZsetLimits,
} from "../store/types/zset.ts";
import { OBJ_SET, OBJ_ZSET } from "../store/value.ts";
import { formatDouble17, parseBigInt64 } from "../util/numbers.ts";
import { parseRangeBound, parseScore, strtod } from "../util/strtod.ts";
import { intArg, is } from "./args.ts";
import {
  CF_MULTI,
  CF_SCRIPT,
  ERR_POSITIVE,
  NOTIFY_GENERIC,
  NOTIFY_ZSET,
  replyEmptyScan,
  replyScan,
  scanCursorArg,
  scanOptions,
  signalModified,
  zsetLimits,
} from "./collection-helpers.ts";
import type { CommandContext } from "./context.ts";
import { numkeysKeys, randCountArg } from "./set.ts";
import type { CommandFamily } from "./spec.ts";

const ERR_NAN = "ERR resulting score is not a number (NaN)";
const ERR_MINMAX_FLOAT = "ERR min or max is not a float";
const ERR_MINMAX_LEX = "ERR min or max not valid string range item";

const enc = new TextEncoder();
const ZPOPMIN = enc.encode("ZPOPMIN");
const ZPOPMAX = enc.encode("ZPOPMAX");

// -----------------------------------------------------------------------------------------------
// Lookups and small helpers

function readZset(c: CommandContext, key: Uint8Array): ZsetValue | null {
  const v = c.db.readTyped<ZsetValue>(key, OBJ_ZSET);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

function writeZset(c: CommandContext, key: Uint8Array): ZsetValue | null {
  const v = c.db.writeTyped<ZsetValue>(key, OBJ_ZSET);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

/** Score argument (getDoubleFromObjectOrReply). */
function scoreArg(arg: Uint8Array, msg: string = E.NOT_FLOAT): number {
  const d = parseScore(arg);
  if (Number.isNaN(d)) fail(msg);
  return d;
}

/** Begin a reply of `n` entries, flat in RESP2 with scores, pairs in RESP3. */
function beginEntries(c: CommandContext, n: number, withscores: boolean): void {
  c.out.arrayLen(withscores && c.out.resp === 2 ? n * 2 : n);
}

function emitEntry(c: CommandContext, m: Uint8Array, score: number, withscores: boolean): void {
  const out = c.out;
  if (withscores && out.resp !== 2) out.arrayLen(2);
  out.bulk(m);
  if (withscores) out.double(score);
}

// -----------------------------------------------------------------------------------------------
// Range parsing

/** zslParseRange: `(` makes a bound exclusive; bounds are strtod'ed. Null when invalid. */
export function parseScoreRange(min: Uint8Array, max: Uint8Array): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  if (min.length > 0 && min[0] === 0x28) {
    r.min = parseRangeBound(min, 1);
    r.minex = true;
  } else r.min = parseRangeBound(min, 0);
  if (Number.isNaN(r.min)) return null;
  if (max.length > 0 && max[0] === 0x28) {
    r.max = parseRangeBound(max, 1);
    r.maxex = true;
  } else r.max = parseRangeBound(max, 0);
  if (Number.isNaN(r.max)) return null;
  return r;
}

function lexItem(a: Uint8Array): LexBound | null {
  if (a.length === 0) return null;
  const c0 = a[0]!;
  // `+`/`-` are checked as C strings: a NUL byte right after still counts as the end.
  if (c0 === 0x2b || c0 === 0x2d) {
    if (a.length > 1 && a[1] !== 0) return null;
    return { kind: c0 === 0x2b ? LEX_MAX : LEX_MIN, value: a.subarray(0, 0), exclusive: true };
  }
  if (c0 === 0x28) return { kind: LEX_VALUE, value: a.subarray(1), exclusive: true };
  if (c0 === 0x5b) return { kind: LEX_VALUE, value: a.subarray(1), exclusive: false };
  return null;
}

/** zslParseLexRange. Null when invalid. */
export function parseLexRange(min: Uint8Array, max: Uint8Array): LexRange | null {
  const a = lexItem(min);
  const b = lexItem(max);
  if (a === null || b === null) return null;
  return { min: a, max: b };
}

// -----------------------------------------------------------------------------------------------
// ZADD / ZINCRBY

function zaddGeneric(c: CommandContext, baseFlags: number): void {
  const argv = c.argv;
  const key = argv[1]!;
  let flags = baseFlags;
  let ch = false;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const o = argv[idx]!;
    if (is(o, "nx")) flags |= ZADD_IN_NX;
    else if (is(o, "xx")) flags |= ZADD_IN_XX;
    else if (is(o, "ch")) ch = true;
    else if (is(o, "incr")) flags |= ZADD_IN_INCR;
    else if (is(o, "gt")) flags |= ZADD_IN_GT;
    else if (is(o, "lt")) flags |= ZADD_IN_LT;
    else break;
  }
  const left = argv.length - idx;
  if (left % 2 !== 0 || left === 0) fail(E.SYNTAX);
  const elements = left / 2;
  const nx = (flags & ZADD_IN_NX) !== 0;
  const incr = (flags & ZADD_IN_INCR) !== 0;
  if (nx && flags & ZADD_IN_XX) fail("ERR XX and NX options at the same time are not compatible");
  if ((flags & ZADD_IN_GT && nx) || (flags & ZADD_IN_LT && nx) || (flags & ZADD_IN_GT && flags & ZADD_IN_LT)) {
    fail("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 1) fail("ERR INCR option supports a single increment-element pair");
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) scores[j] = scoreArg(argv[idx + j * 2]!);

  let z = writeZset(c, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === null) {
    if (flags & ZADD_IN_XX) return replyZadd(c, incr, ch, 0, 0, 0, 0);
    z = ZsetValue.createFor(argv[idx + 1]!.length, zsetLimits(c));
    c.db.add(key, OBJ_ZSET, z);
  }
  const lim = zsetLimits(c);
  let nanError = false;
  for (let j = 0; j < elements; j++) {
    const out = z.add(scores[j]!, argv[idx + 1 + j * 2]!, flags, lim);
    if (out & ZADD_OUT_NAN) {
      nanError = true;
      break;
    }
    if (out & ZADD_OUT_ADDED) added++;
    if (out & ZADD_OUT_UPDATED) updated++;
    if (!(out & ZADD_OUT_NOP)) processed++;
    score = z.addScore;
  }
  if (nanError) c.out.error(ERR_NAN);
  else {
    c.server.dirty += added + updated;
    replyZadd(c, incr, ch, added, updated, processed, score);
  }
  if (added > 0 || updated > 0) {
    signalModified(c, key);
    c.server.notifyKeyspaceEvent(NOTIFY_ZSET, incr ? "zincr" : "zadd", key, c.db.id);
  }
}

function replyZadd(c: CommandContext, incr: boolean, ch: boolean, added: number, updated: number, processed: number, score: number): void {
  if (incr) {
    if (processed > 0) c.out.double(score);
    else c.out.nullBulk();
  } else c.out.integer(ch ? added + updated : added);
}

function zaddCommand(c: CommandContext): void {
  zaddGeneric(c, 0);
}

function zincrbyCommand(c: CommandContext): void {
  zaddGeneric(c, ZADD_IN_INCR);
}

// -----------------------------------------------------------------------------------------------
// Point reads

function zcardCommand(c: CommandContext): void {
  const z = readZset(c, c.argv[1]!);
  c.out.integer(z === null ? 0 : z.size);
}

function zscoreCommand(c: CommandContext): void {
  const z = readZset(c, c.argv[1]!);
  const s = z === null ? undefined : z.score(c.argv[2]!);
  if (s === undefined) c.out.nullBulk();
  else c.out.double(s);
}

function zmscoreCommand(c: CommandContext): void {
  const argv = c.argv;
  const z = readZset(c, argv[1]!);
  c.out.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z === null ? undefined : z.score(argv[i]!);
    if (s === undefined) c.out.nullBulk();
    else c.out.double(s);
  }
}

function zrankGeneric(c: CommandContext, reverse: boolean): void {
  const argv = c.argv;
  // WITHSCORE is Redis 7.2 syntax: the table keeps 7.0's arity 3, so this branch only runs if
  // the arity is relaxed to -3.
  let withscore = false;
  if (argv.length > 4) fail(E.SYNTAX);
  if (argv.length === 4) {
    if (!is(argv[3]!, "withscore")) fail(E.SYNTAX);
    withscore = true;
  }
  const z = readZset(c, argv[1]!);
  const r = z === null ? -1 : z.rank(argv[2]!);
  if (r < 0) return withscore ? c.out.nullArray() : c.out.nullBulk();
  const rank = reverse ? z!.size - 1 - r : r;
  if (withscore) {
    c.out.arrayLen(2);
    c.out.integer(rank);
    c.out.double(z!.scoreAt(r));
  } else c.out.integer(rank);
}

function zrankCommand(c: CommandContext): void {
  zrankGeneric(c, false);
}

function zrevrankCommand(c: CommandContext): void {
  zrankGeneric(c, true);
}

function zcountCommand(c: CommandContext): void {
  const range = parseScoreRange(c.argv[2]!, c.argv[3]!);
  if (range === null) fail(ERR_MINMAX_FLOAT);
  const z = readZset(c, c.argv[1]!);
  if (z === null) return c.out.integer(0);
  const [lo, hi] = z.scoreSpan(range);
  c.out.integer(hi - lo);
}

function zlexcountCommand(c: CommandContext): void {
  const range = parseLexRange(c.argv[2]!, c.argv[3]!);
  if (range === null) fail(ERR_MINMAX_LEX);
  const z = readZset(c, c.argv[1]!);
  if (z === null) return c.out.integer(0);
  const [lo, hi] = z.lexSpan(range);
  c.out.integer(hi - lo);
}

// -----------------------------------------------------------------------------------------------
// ZRANGE family

const RANGE_AUTO = 0;
const RANGE_RANK = 1;
const RANGE_SCORE = 2;
const RANGE_LEX = 3;
const DIR_AUTO = 0;
const DIR_FORWARD = 1;
const DIR_REVERSE = 2;

/** Ascending ranks [lo, hi) to emit, and whether to walk them backwards. */
interface RankWindow {
  lo: number;
  hi: number;
  reverse: boolean;
}

/** Sanitize ZRANGE-style start/end indexes against a length; null when empty. */
function rankWindow(start: number, end: number, llen: number, reverse: boolean): RankWindow | null {
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return null;
  if (end >= llen) end = llen - 1;
  if (reverse) return { lo: llen - 1 - end, hi: llen - start, reverse };
  return { lo: start, hi: end + 1, reverse };
}

/** Apply LIMIT offset/count to a span of ascending ranks walked in a direction. */
function limitWindow(lo: number, hi: number, reverse: boolean, offset: number, limit: number): RankWindow {
  if (offset < 0 || lo >= hi) return { lo: 0, hi: 0, reverse };
  const n = hi - lo;
  if (offset >= n) return { lo: 0, hi: 0, reverse };
  const take = limit < 0 ? n - offset : Math.min(limit, n - offset);
  if (reverse) return { lo: hi - offset - take, hi: hi - offset, reverse };
  return { lo: lo + offset, hi: lo + offset + take, reverse };
}

/**
 * Redis's zrangeGenericCommand. `argStart` is the source key's index (1, or 2 for
 * ZRANGESTORE whose destination is argv[1]).
 */
function zrangeGeneric(c: CommandContext, argStart: number, store: boolean, type: number, dir: number): void {
  const argv = c.argv;
  const key = argv[argStart]!;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j]!;
    if (!store && is(o, "withscores")) withscores = true;
    else if (is(o, "limit") && left >= 2) {
      offset = intArg(argv[j + 1]!);
      limit = intArg(argv[j + 2]!);
      j += 2;
    } else if (dir === DIR_AUTO && is(o, "rev")) dir = DIR_REVERSE;
    else if (type === RANGE_AUTO && is(o, "bylex")) type = RANGE_LEX;
    else if (type === RANGE_AUTO && is(o, "byscore")) type = RANGE_SCORE;
    else fail(E.SYNTAX);
  }
  if (dir === DIR_AUTO) dir = DIR_FORWARD;
  if (type === RANGE_AUTO) type = RANGE_RANK;
  if (limit !== -1 && type === RANGE_RANK) fail("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  if (withscores && type === RANGE_LEX) fail("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  const reverse = dir === DIR_REVERSE;
  if (reverse && (type === RANGE_SCORE || type === RANGE_LEX)) {
    const t = minIdx;
    minIdx = maxIdx;
    maxIdx = t;
  }
  let start = 0;
  let end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  if (type === RANGE_RANK) {
    start = intArg(argv[minIdx]!);
    end = intArg(argv[maxIdx]!);
  } else if (type === RANGE_SCORE) {
    srange = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (srange === null) fail(ERR_MINMAX_FLOAT);
  } else {
    lrange = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (lrange === null) fail(ERR_MINMAX_LEX);
  }
  const z = readZset(c, key);
  let w: RankWindow | null = null;
  if (z !== null) {
    if (type === RANGE_RANK) w = rankWindow(start, end, z.size, reverse);
    else {
      const [lo, hi] = srange !== null ? z.scoreSpan(srange) : z.lexSpan(lrange!);
      w = limitWindow(lo, hi, reverse, offset, limit);
    }
  }
  if (store) return storeRange(c, argv[1]!, z, w);
  if (z === null || w === null) return c.out.emptyArray();
  beginEntries(c, w.hi - w.lo, withscores);
  z.forRanks(w.lo, w.hi, w.reverse, (m, s) => emitEntry(c, m, s, withscores));
}

/** ZRANGESTORE's result: a listpack-first zset filled through ZADD's rules, or a deletion. */
function storeRange(c: CommandContext, dst: Uint8Array, z: ZsetValue | null, w: RankWindow | null): void {
  const n = z === null || w === null ? 0 : w.hi - w.lo;
  if (n > 0) {
    const lim = zsetLimits(c);
    const out = ZsetValue.listpack();
    z!.forRanks(w!.lo, w!.hi, w!.reverse, (m, s) => out.add(s, m, 0, lim));
    c.db.set(dst, OBJ_ZSET, out);
    c.out.integer(n);
    c.server.notifyKeyspaceEvent(NOTIFY_ZSET, "zrangestore", dst, c.db.id);
    c.server.dirty++;
  } else {
    c.out.integer(0);
    if (c.db.delete(dst)) {
      c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dst, c.db.id);
      c.server.dirty++;
    }
  }
}

function zrangeCommand(c: CommandContext): void {
  zrangeGeneric(c, 1, false, RANGE_AUTO, DIR_AUTO);
}

function zrangestoreCommand(c: CommandContext): void {
  zrangeGeneric(c, 2, true, RANGE_AUTO, DIR_AUTO);
}

function zrevrangeCommand(c: CommandContext): void {
  zrangeGeneric(c, 1, false, RANGE_RANK, DIR_REVERSE);
}

function zrangebyscoreCommand(c: CommandContext): void {
  zrangeGeneric(c, 1, false, RANGE_SCORE, DIR_FORWARD);
}

function zrevrangebyscoreCommand(c: CommandContext): void {
  zrangeGeneric(c, 1, false, RANGE_SCORE, DIR_REVERSE);
}

function zrangebylexCommand(c: CommandContext): void {
  zrangeGeneric(c, 1, false, RANGE_LEX, DIR_FORWARD);
}

function zrevrangebylexCommand(c: CommandContext): void {
  zrangeGeneric(c, 1, false, RANGE_LEX, DIR_REVERSE);
}

// -----------------------------------------------------------------------------------------------
// Removal

function zremCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const z = writeZset(c, key);
  if (z === null) return c.out.integer(0);
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (z.remove(argv[i]!)) deleted++;
    if (z.size === 0) {
      keyRemoved = c.db.deleteIfEmpty(key, z);
      break;
    }
  }
  if (deleted > 0) {
    c.server.notifyKeyspaceEvent(NOTIFY_ZSET, "zrem", key, c.db.id);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
    signalModified(c, key);
    c.server.dirty += deleted;
  }
  c.out.integer(deleted);
}

function zremrangeGeneric(c: CommandContext, type: number): void {
  const argv = c.argv;
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  if (type === RANGE_RANK) {
    start = intArg(argv[2]!);
    end = intArg(argv[3]!);
  } else if (type === RANGE_SCORE) {
    srange = parseScoreRange(argv[2]!, argv[3]!);
    if (srange === null) fail(ERR_MINMAX_FLOAT);
  } else {
    lrange = parseLexRange(argv[2]!, argv[3]!);
    if (lrange === null) fail(ERR_MINMAX_LEX);
  }
  const z = writeZset(c, key);
  if (z === null) return c.out.integer(0);
  let lo: number;
  let hi: number;
  if (type === RANGE_RANK) {
    const w = rankWindow(start, end, z.size, false);
    if (w === null) return c.out.integer(0);
    lo = w.lo;
    hi = w.hi;
  } else [lo, hi] = srange !== null ? z.scoreSpan(srange) : z.lexSpan(lrange!);
  const deleted = z.deleteRanks(lo, hi);
  if (deleted > 0) {
    const keyRemoved = c.db.deleteIfEmpty(key, z);
    signalModified(c, key);
    const event = type === RANGE_RANK ? "zremrangebyrank" : type === RANGE_SCORE ? "zremrangebyscore" : "zremrangebylex";
    c.server.notifyKeyspaceEvent(NOTIFY_ZSET, event, key, c.db.id);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
  }
  c.server.dirty += deleted;
  c.out.integer(deleted);
}

function zremrangebyrankCommand(c: CommandContext): void {
  zremrangeGeneric(c, RANGE_RANK);
}

function zremrangebyscoreCommand(c: CommandContext): void {
  zremrangeGeneric(c, RANGE_SCORE);
}

function zremrangebylexCommand(c: CommandContext): void {
  zremrangeGeneric(c, RANGE_LEX);
}

// -----------------------------------------------------------------------------------------------
// Pops

const ZSET_MIN = 0;
const ZSET_MAX = 1;
/** Reply shapes of the pop commands. */
const POP_FLAT = 0; // ZPOPMIN/MAX: flat member, score list (RESP2, or no count)
const POP_NESTED = 1; // ZPOPMIN/MAX with a count in RESP3: [member, score] pairs
const POP_KEYED_FLAT = 2; // BZPOPMIN/MAX: key, member, score
const POP_KEYED_NESTED = 3; // ZMPOP/BZMPOP: key, [[member, score], ...]

/**
 * Pop up to `count` entries from the first non-empty zset among `keys` and reply in `shape`.
 * Returns false (without replying) when every key is missing. WRONGTYPE on the first key of
 * another type, as Redis's genericZpopCommand. Emits notifications and deletes an emptied key;
 * with `rewrite`, sets the propagation to ZPOPMIN/ZPOPMAX (ZMPOP and the blocking variants).
 */
function popFrom(c: CommandContext, keys: readonly Uint8Array[], where: number, count: number, shape: number, rewrite: boolean): boolean {
  let z: ZsetValue | null = null;
  let key: Uint8Array | null = null;
  for (const k of keys) {
    const v = writeZset(c, k);
    if (v === null) continue;
    z = v;
    key = k;
    break;
  }
  if (z === null || key === null) return false;
  const out = c.out;
  const size = z.size;
  const n = Math.min(count, size);
  if (shape === POP_FLAT) out.arrayLen(n * 2);
  else if (shape === POP_NESTED) out.arrayLen(n);
  else if (shape === POP_KEYED_FLAT) {
    out.arrayLen(3);
    out.bulk(key);
  } else {
    out.arrayLen(2);
    out.bulk(key);
    out.arrayLen(n);
  }
  const nested = shape === POP_NESTED || shape === POP_KEYED_NESTED;
  const lo = where === ZSET_MIN ? 0 : size - n;
  z.forRanks(lo, lo + n, where === ZSET_MAX, (m, s) => {
    if (nested) out.arrayLen(2);
    out.bulk(m);
    out.double(s);
  });
  z.deleteRanks(lo, lo + n);
  c.server.notifyKeyspaceEvent(NOTIFY_ZSET, where === ZSET_MIN ? "zpopmin" : "zpopmax", key, c.db.id);
  if (c.db.deleteIfEmpty(key, z)) c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
  signalModified(c, key);
  c.server.dirty += n;
  if (rewrite) {
    const cmd = where === ZSET_MIN ? ZPOPMIN : ZPOPMAX;
    c.propArgv = shape === POP_KEYED_FLAT ? [cmd, key.slice()] : [cmd, key.slice(), enc.encode(String(count))];
  }
  return true;
}

function zpopMinMax(c: CommandContext, where: number): void {
  const argv = c.argv;
  if (argv.length > 3) fail(E.SYNTAX);
  let count = -1;
  if (argv.length === 3) {
    count = intArg(argv[2]!, ERR_POSITIVE);
    if (count < 0) fail(ERR_POSITIVE);
  }
  const shape = c.out.resp !== 2 && count !== -1 ? POP_NESTED : POP_FLAT;
  const z = writeZset(c, argv[1]!);
  if (z === null || count === 0) return c.out.emptyArray();
  popFrom(c, [argv[1]!], where, count === -1 ? 1 : count, shape, false);
}

function zpopminCommand(c: CommandContext): void {
  zpopMinMax(c, ZSET_MIN);
}

function zpopmaxCommand(c: CommandContext): void {
  zpopMinMax(c, ZSET_MAX);
}

/** Parsed `numkeys key... MIN|MAX [COUNT n]`. */
interface MpopArgs {
  keys: Uint8Array[];
  where: number;
  count: number;
}

function parseMpop(argv: readonly Uint8Array[], numIdx: number): MpopArgs {
  const numkeys = intArg(argv[numIdx]!, "ERR numkeys should be greater than 0");
  if (numkeys < 1) fail("ERR numkeys should be greater than 0");
  const whereIdx = numIdx + numkeys + 1;
  if (whereIdx >= argv.length) fail(E.SYNTAX);
  let where: number;
  if (is(argv[whereIdx]!, "min")) where = ZSET_MIN;
  else if (is(argv[whereIdx]!, "max")) where = ZSET_MAX;
  else fail(E.SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && is(argv[j]!, "count") && more > 0) {
      j++;
      count = intArg(argv[j]!, "ERR count should be greater than 0");
      if (count < 1) fail("ERR count should be greater than 0");
    } else fail(E.SYNTAX);
  }
  if (count === -1) count = 1;
  return { keys: argv.slice(numIdx + 1, numIdx + 1 + numkeys), where, count };
}

function zmpopCommand(c: CommandContext): void {
  const a = parseMpop(c.argv, 1);
  if (!popFrom(c, a.keys, a.where, a.count, POP_KEYED_NESTED, true)) c.out.nullArray();
}

// -----------------------------------------------------------------------------------------------
// Blocking pops

/** Serve results (the values of the blocking layer's SERVED / NOT_SERVED / STOP). */
export const SERVED = 0;
export const NOT_SERVED = 1;
export const STOP = 2;

/**
 * Serve a client blocked on `key` now that it is ready: pop, write the reply to `c.out`,
 * propagate the non-blocking form; the result says whether the client was served.
 */
export type ZsetServeFn = (c: CommandContext, key: Uint8Array) => number;

/**
 * The blocked-clients layer as BZPOPMIN/BZPOPMAX/BZMPOP use it (server/blocking.ts, wired by
 * `installZsetBlocking`). `block` parks `c` on `keys` (owned copies) until a ready key serves it
 * or the absolute deadline (ms, server clock; 0 = never) passes, when the layer replies a null
 * array itself.
 */

/** Sign of a numeric literal (for underflowed values). */
function tinySign(arg: Uint8Array): number {
  return arg[0] === 0x2d ? -1 : 1;
}

/**
 * Serve from the key that became ready (Redis serves the signalled key, not the first of the
 * client's keys): STOP when it is gone or not a sorted set any more, else pop, reply and
 * propagate ZPOPMIN/ZPOPMAX key [count] as Redis does for a served blocked client.
 */
function serveZpop(where: number, count: number, shape: number): ZsetServeFn {
  return (c, key) => {
    const e = c.db.lookupWrite(key);
    if (e === null || e.type !== OBJ_ZSET || (e.value as ZsetValue).size === 0) return STOP;
    popFrom(c, [key], where, count === -1 ? 1 : count, shape, false);
    const cmd = where === ZSET_MIN ? ZPOPMIN : ZPOPMAX;
    c.server.propagate(c.db.id, count === -1 ? [cmd, key] : [cmd, key, enc.encode(String(count))]);
    return SERVED;
  };
}

/** Nothing to pop now: block, or answer like a timeout inside MULTI/EXEC and scripts. */
function blockOrNull(c: CommandContext, keys: Uint8Array[], deadline: number, serve: ZsetServeFn): void {
  const b = c.server.blocking;
  if (!b.canBlock(c)) return c.out.nullArray();
  b.block(c, keys, deadline, BLOCKED_ZSET, serve as ServeFn);
}

function bzpopGeneric(c: CommandContext, where: number): void {
  const argv = c.argv;
  const timeout = timeoutArg(argv[argv.length - 1]!, c.ks.now);
  const keys = argv.slice(1, argv.length - 1);
  if (popFrom(c, keys, where, 1, POP_KEYED_FLAT, true)) return;
  blockOrNull(c, keys.map((k) => k.slice()), timeout, serveZpop(where, -1, POP_KEYED_FLAT));
}

function bzpopminCommand(c: CommandContext): void {
  bzpopGeneric(c, ZSET_MIN);
}

function bzpopmaxCommand(c: CommandContext): void {
  bzpopGeneric(c, ZSET_MAX);
}

function bzmpopCommand(c: CommandContext): void {
  const timeout = timeoutArg(c.argv[1]!, c.ks.now);
  const a = parseMpop(c.argv, 2);
  if (popFrom(c, a.keys, a.where, a.count, POP_KEYED_NESTED, true)) return;
  blockOrNull(c, a.keys.map((k) => k.slice()), timeout, serveZpop(a.where, a.count, POP_KEYED_NESTED));
}

// -----------------------------------------------------------------------------------------------
// ZRANDMEMBER

const HALF_LONG_MAX = 4611686018427387903n;

function zrandmemberCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length >= 3) {
    const l = randCountArg(argv[2]!);
    let withscores = false;
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3]!, "withscores"))) fail(E.SYNTAX);
    if (argv.length === 4) {
      withscores = true;
      if (l < -HALF_LONG_MAX || l > HALF_LONG_MAX) fail("ERR value is out of range");
    }
    return zrandmemberWithCount(c, Number(l), withscores);
  }
  const z = readZset(c, argv[1]!);
  if (z === null) return c.out.nullBulk();
  c.out.bulk(z.memberAt(Math.floor(Math.random() * z.size)));
}

function zrandmemberWithCount(c: CommandContext, l: number, withscores: boolean): void {
  const z = readZset(c, c.argv[1]!);
  if (z === null || l === 0) return c.out.emptyArray();
  const size = z.size;
  if (l < 0 || l === 1) {
    const count = l < 0 ? -l : 1;
    beginEntries(c, count, withscores);
    for (let i = 0; i < count; i++) {
      const r = Math.floor(Math.random() * size);
      emitEntry(c, z.memberAt(r), z.scoreAt(r), withscores);
    }
    return;
  }
  if (l >= size) {
    // The whole set, highest score first (Redis 7.0 replies it as a reverse rank range).
    beginEntries(c, size, withscores);
    z.forRanks(0, size, true, (m, s) => emitEntry(c, m, s, withscores));
    return;
  }
  // Distinct random ranks: partial Fisher-Yates over the rank numbers.
  const ranks = Array.from({ length: size }, (_, i) => i);
  beginEntries(c, l, withscores);
  for (let i = 0; i < l; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const t = ranks[i]!;
    ranks[i] = ranks[j]!;
    ranks[j] = t;
    const r = ranks[i]!;
    emitEntry(c, z.memberAt(r), z.scoreAt(r), withscores);
  }
}

// -----------------------------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE, ZINTERCARD)

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

/** One input of a set operation: a zset, a plain set (scores 1), or missing. */
interface OpSource {
  z: ZsetValue | null;
  s: SetValue | null;
  weight: number;
}

function sourceSize(src: OpSource): number {
  return src.z !== null ? src.z.size : src.s !== null ? src.s.size : 0;
}

/** Score of a member in a source, or undefined. */
function sourceScore(src: OpSource, m: Uint8Array): number | undefined {
  if (src.z !== null) return src.z.score(m);
  if (src.s !== null) return src.s.has(m) ? 1 : undefined;
  return undefined;
}

function sourceForEach(src: OpSource, fn: (m: Uint8Array, score: number) => void): void {
  if (src.z !== null) src.z.forEach(fn);
  else if (src.s !== null) src.s.forEach((m) => fn(m, 1));
}

function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/** Accumulator entry: member bytes (copied) and aggregated score; also a Dict entry. */
class Acc {
  next: Acc | null = null;
  constructor(
    public key: Uint8Array,
    public hash: number,
    public score: number,
  ) {}
}

function zsetOpGeneric(c: CommandContext, dst: Uint8Array | null, numIdx: number, op: number, cardOnly: boolean): void {
  const argv = c.argv;
  const setnum = intArg(argv[numIdx]!);
  if (setnum < 1) fail(`ERR at least 1 input key is needed for '${c.cmdName}' command`);
  if (setnum > argv.length - (numIdx + 1)) fail(E.SYNTAX);
  const srcs: OpSource[] = [];
  let j = numIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const k = argv[j]!;
    const e = dst !== null ? c.db.lookupWrite(k) : c.db.lookupRead(k);
    if (e === null) srcs.push({ z: null, s: null, weight: 1 });
    else if (e.type === OBJ_ZSET) srcs.push({ z: e.value as ZsetValue, s: null, weight: 1 });
    else if (e.type === OBJ_SET) srcs.push({ z: null, s: e.value as SetValue, weight: 1 });
    else fail(E.WRONGTYPE);
  }
  let agg = AGG_SUM;
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const o = argv[j]!;
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && is(o, "weights")) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) srcs[i]!.weight = scoreArg(argv[j]!, "ERR weight value is not a float");
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && is(o, "aggregate")) {
      j++;
      remaining--;
      const a = argv[j]!;
      if (is(a, "sum")) agg = AGG_SUM;
      else if (is(a, "min")) agg = AGG_MIN;
      else if (is(a, "max")) agg = AGG_MAX;
      else fail(E.SYNTAX);
      j++;
      remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && is(o, "withscores")) {
      j++;
      remaining--;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && is(o, "limit")) {
      j++;
      remaining--;
      limit = intArg(argv[j]!, "ERR LIMIT can't be negative");
      if (limit < 0) fail("ERR LIMIT can't be negative");
      j++;
      remaining--;
    } else fail(E.SYNTAX);
  }
  // Like Redis, combine inputs from the smallest (stable for equal sizes).
  if (op !== OP_DIFF) srcs.sort((a, b) => sourceSize(a) - sourceSize(b));

  const result = ZsetValue.skiplist();
  const lim: ZsetLimits = { maxEntries: Infinity, maxValue: Infinity };
  let cardinality = 0;
  if (op === OP_INTER) {
    const first = srcs[0]!;
    if (sourceSize(first) > 0) {
      const hits: Acc[] = [];
      const stop = { done: false };
      sourceForEach(first, (m, s0) => {
        if (stop.done) return;
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < srcs.length; k++) {
          const other = srcs[k]!;
          let v: number | undefined;
          if ((other.z !== null && other.z === first.z) || (other.s !== null && other.s === first.s)) v = s0;
          else v = sourceScore(other, m);
          if (v === undefined) break;
          score = aggregate(score, v * other.weight, agg);
        }
        if (k !== srcs.length) return;
        if (cardOnly) {
          cardinality++;
          if (limit > 0 && cardinality >= limit) stop.done = true;
        } else hits.push(new Acc(m.slice(), 0, score));
      });
      for (const h of hits) result.add(h.score, h.key, 0, lim);
    }
  } else if (op === OP_UNION) {
    const acc = new Dict<Acc>();
    for (const src of srcs) {
      sourceForEach(src, (m, s0) => {
        let score = src.weight * s0;
        if (Number.isNaN(score)) score = 0;
        const h = hashBytes(m);
        const have = acc.find(m, h);
        if (have === null) acc.insert(new Acc(m.slice(), h, score));
        else have.score = aggregate(have.score, score, agg);
      });
    }
    acc.forEach((a) => result.add(a.score, a.key, 0, lim));
  } else {
    const first = srcs[0]!;
    const keep: Acc[] = [];
    sourceForEach(first, (m, s0) => {
      for (let k = 1; k < srcs.length; k++) {
        const other = srcs[k]!;
        if ((other.z !== null && other.z === first.z) || (other.s !== null && other.s === first.s)) return;
        if (sourceScore(other, m) !== undefined) return;
      }
      keep.push(new Acc(m.slice(), 0, s0));
    });
    for (const h of keep) result.add(h.score, h.key, 0, lim);
  }

  if (dst !== null) {
    if (result.size > 0) {
      result.maybeCompact(zsetLimits(c));
      c.db.set(dst, OBJ_ZSET, result);
      c.out.integer(result.size);
      const event = op === OP_UNION ? "zunionstore" : op === OP_INTER ? "zinterstore" : "zdiffstore";
      c.server.notifyKeyspaceEvent(NOTIFY_ZSET, event, dst, c.db.id);
      c.server.dirty++;
    } else {
      c.out.integer(0);
      if (c.db.delete(dst)) {
        c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dst, c.db.id);
        c.server.dirty++;
      }
    }
  } else if (cardOnly) {
    c.out.integer(cardinality);
  } else {
    beginEntries(c, result.size, withscores);
    result.forEach((m, s) => emitEntry(c, m, s, withscores));
  }
}

function zunionstoreCommand(c: CommandContext): void {
  zsetOpGeneric(c, c.argv[1]!, 2, OP_UNION, false);
}

function zinterstoreCommand(c: CommandContext): void {
  zsetOpGeneric(c, c.argv[1]!, 2, OP_INTER, false);
}

function zdiffstoreCommand(c: CommandContext): void {
  zsetOpGeneric(c, c.argv[1]!, 2, OP_DIFF, false);
}

function zunionCommand(c: CommandContext): void {
  zsetOpGeneric(c, null, 1, OP_UNION, false);
}

function zinterCommand(c: CommandContext): void {
  zsetOpGeneric(c, null, 1, OP_INTER, false);
}

function zdiffCommand(c: CommandContext): void {
  zsetOpGeneric(c, null, 1, OP_DIFF, false);
}

function zintercardCommand(c: CommandContext): void {
  zsetOpGeneric(c, null, 1, OP_INTER, true);
}

// -----------------------------------------------------------------------------------------------
// ZSCAN

function zscanCommand(c: CommandContext): void {
  const argv = c.argv;
  let cursor = scanCursorArg(argv[2]!);
  const z = readZset(c, argv[1]!);
  if (z === null) return replyEmptyScan(c);
  const opts = scanOptions(argv, 3);
  const members: Uint8Array[] = [];
  const scores: number[] = [];
  if (z.dict === null) {
    z.forEach((m, s) => {
      members.push(m.slice());
      scores.push(s);
    });
    cursor = 0;
  } else {
    const dict = z.dict;
    let iterations = opts.count * 10;
    // Redis counts member and score as two items against COUNT.
    const count = opts.count * 2;
    do {
      cursor = dict.scan(cursor, (n) => {
        members.push(n.key);
        scores.push(n.score);
      });
    } while (cursor !== 0 && iterations-- > 0 && members.length * 2 < count);
  }
  const items: Uint8Array[] = [];
  const glob = opts.glob;
  for (let i = 0; i < members.length; i++) {
    if (glob !== null && !glob.match(members[i]!)) continue;
    items.push(members[i]!, formatScore(scores[i]!));
  }
  replyScan(c, cursor, items);
}

/** A score as ZSCAN prints it (Redis's d2string: `%.17g`, inf/-inf). */
function formatScore(d: number): Uint8Array {
  return enc.encode(formatDouble17(d));
}

/** Key finder for ZUNIONSTORE-style commands: destination, then numkeys keys. */
const storeKeys = numkeysKeys(2, 3, 1);
/** Key finder for ZUNION-style commands: numkeys at 1. */
const opKeys = numkeysKeys(1, 2);
/** Key finder for BZMPOP: timeout, numkeys at 2. */
const bzmpopKeys = numkeysKeys(2, 3);

export const sortedSetFamily: CommandFamily = {
  group: "sorted_set",
  commands: [
    ["zadd",             -4, "write denyoom fast",           [1, 1, 1],  zaddCommand],
    ["zincrby",           4, "write denyoom fast",           [1, 1, 1],  zincrbyCommand],
    ["zcard",             2, "readonly fast",                [1, 1, 1],  zcardCommand],
    ["zcount",            4, "readonly fast",                [1, 1, 1],  zcountCommand],
    ["zlexcount",         4, "readonly fast",                [1, 1, 1],  zlexcountCommand],
    ["zscore",            3, "readonly fast",                [1, 1, 1],  zscoreCommand],
    ["zmscore",          -3, "readonly fast",                [1, 1, 1],  zmscoreCommand],
    ["zrank",             3, "readonly fast",                [1, 1, 1],  zrankCommand],
    ["zrevrank",          3, "readonly fast",                [1, 1, 1],  zrevrankCommand],
    ["zrange",           -4, "readonly",                     [1, 1, 1],  zrangeCommand],
    ["zrangestore",      -5, "write denyoom",                [1, 2, 1],  zrangestoreCommand],
    ["zrangebyscore",    -4, "readonly",                     [1, 1, 1],  zrangebyscoreCommand],
    ["zrevrangebyscore", -4, "readonly",                     [1, 1, 1],  zrevrangebyscoreCommand],
    ["zrangebylex",      -4, "readonly",                     [1, 1, 1],  zrangebylexCommand],
    ["zrevrangebylex",   -4, "readonly",                     [1, 1, 1],  zrevrangebylexCommand],
    ["zrevrange",        -4, "readonly",                     [1, 1, 1],  zrevrangeCommand],
    ["zrem",             -3, "write fast",                   [1, 1, 1],  zremCommand],
    ["zremrangebyrank",   4, "write",                        [1, 1, 1],  zremrangebyrankCommand],
    ["zremrangebyscore",  4, "write",                        [1, 1, 1],  zremrangebyscoreCommand],
    ["zremrangebylex",    4, "write",                        [1, 1, 1],  zremrangebylexCommand],
    ["zpopmin",          -2, "write fast",                   [1, 1, 1],  zpopminCommand],
    ["zpopmax",          -2, "write fast",                   [1, 1, 1],  zpopmaxCommand],
    ["zmpop",            -4, "write",                        [0, 0, 0],  zmpopCommand, { keyFinder: opKeys }],
    ["bzpopmin",         -3, "write noscript blocking fast", [1, -2, 1], bzpopminCommand],
    ["bzpopmax",         -3, "write noscript blocking fast", [1, -2, 1], bzpopmaxCommand],
    ["bzmpop",           -5, "write blocking",               [0, 0, 0],  bzmpopCommand, { keyFinder: bzmpopKeys }],
    ["zrandmember",      -2, "readonly",                     [1, 1, 1],  zrandmemberCommand],
    ["zunion",           -3, "readonly",                     [0, 0, 0],  zunionCommand, { keyFinder: opKeys }],
    ["zinter",           -3, "readonly",                     [0, 0, 0],  zinterCommand, { keyFinder: opKeys }],
    ["zdiff",            -3, "readonly",                     [0, 0, 0],  zdiffCommand, { keyFinder: opKeys }],
    ["zunionstore",      -4, "write denyoom",                [1, 1, 1],  zunionstoreCommand, { keyFinder: storeKeys }],
    ["zinterstore",      -4, "write denyoom",                [1, 1, 1],  zinterstoreCommand, { keyFinder: storeKeys }],
    ["zdiffstore",       -4, "write denyoom",                [1, 1, 1],  zdiffstoreCommand, { keyFinder: storeKeys }],
    ["zintercard",       -3, "readonly",                     [0, 0, 0],  zintercardCommand, { keyFinder: opKeys }],
    ["zscan",            -3, "readonly",                     [1, 1, 1],  zscanCommand],
  ],
};
