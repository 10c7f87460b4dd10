/**
 * String commands (Redis group "string"): GET/SET and their variants, counters, ranges, LCS.
 *
 * Values are `Uint8Array`s tagged with Redis's encoding in `KeyEntry.enc`: values written whole
 * (SET, MSET, GETSET, APPEND to a missing key) get what Redis's tryObjectEncoding gives (`int` for
 * canonical 64-bit integers, `embstr` up to 44 bytes, else `raw`); counters store `int`;
 * INCRBYFLOAT stores `embstr`/`raw`; in-place edits (APPEND, SETRANGE, and the bitmap commands)
 * make a value `raw`. In-place edits go through store/types/string.ts (ownership, capacity).
 *
 * Effects follow Redis 7.0: `server.dirty` counts changes, keyspace events use Redis's names, and
 * relative or derived effects are propagated in deterministic form (SET ... PXAT, PEXPIREAT,
 * PERSIST, DEL, SET ... KEEPTTL).
 */
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_GENERIC, NOTIFY_STRING } from "../store/notify.ts";
import { appendString, writableString, zeroString } from "../store/types/string.ts";
import { ENC_EMBSTR, ENC_INT, ENC_RAW, EMBSTR_LIMIT, OBJ_STRING, stringEncodingFor, type KeyEntry } from "../store/value.ts";
import { incrLongDouble, parseLongDouble } from "../util/long-double.ts";
import { INT64_MAX, INT64_MIN, asciiBytes, parseBigInt64, parseInt64 } from "../util/numbers.ts";
import { bigIntArg, intArg, is } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

// -------------------------------------------------------------------------------------------------
// Shared helpers (also used by bitmap.ts)

const B_SET = asciiBytes("SET");
const B_PXAT = asciiBytes("PXAT");
const B_KEEPTTL = asciiBytes("KEEPTTL");
const B_PEXPIREAT = asciiBytes("PEXPIREAT");
const B_PERSIST = asciiBytes("PERSIST");
const B_DEL = asciiBytes("DEL");
const EMPTY = new Uint8Array(0);

const ERR_OFFSET_RANGE = "ERR offset is out of range";
const ERR_DECR_OVERFLOW = "ERR decrement would overflow";
const ERR_INCR_NAN = "ERR increment would produce NaN or Infinity";
const ERR_LCS_TYPES = "ERR The specified keys must contain string values";
const ERR_LCS_LEN_IDX = "ERR If you want both the length and indexes, please just use IDX.";
const ERR_LCS_MEMORY = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

/** The string an entry holds, or null for a missing key; replies WRONGTYPE for other types. */
export function stringOf(e: KeyEntry | null): Uint8Array | null {
  if (e === null) return null;
  if (e.type !== OBJ_STRING) fail(E.WRONGTYPE);
  return e.value as Uint8Array;
}

/** Redis's checkStringLength: refuse to build strings past proto-max-bulk-len. */
export function checkStringLength(c: CommandContext, size: number): void {
  if (size > c.server.readerLimits.maxBulkLen) fail(E.STRING_TOO_LONG);
}

/** Redis's signalModifiedKey for edits made in place on an entry (WATCH, tracking). */
export function signalModified(c: CommandContext, e: KeyEntry): void {
  c.ks.hooks.keyModified(c.db, e.key);
}

function notify(c: CommandContext, type: number, event: string, key: Uint8Array): void {
  c.server.notifyKeyspaceEvent(type, event, key, c.db.id);
}

// -------------------------------------------------------------------------------------------------
// SET-family option parsing (Redis's parseExtendedStringArgumentsOrReply)

const O_NX = 1 << 0;
const O_XX = 1 << 1;
const O_GET = 1 << 2;
const O_KEEPTTL = 1 << 3;
const O_PERSIST = 1 << 4;
const O_EX = 1 << 5;
const O_PX = 1 << 6;
const O_EXAT = 1 << 7;
const O_PXAT = 1 << 8;
const O_EXPIRE = O_EX | O_PX | O_EXAT | O_PXAT;

interface SetOptions {
  flags: number;
  /** The expire argument (the last one given), or null. */
  expire: Uint8Array | null;
}

/**
 * Parse SET (forSet) or GETEX options from argv[from..]. Repeating an option is accepted (the last
 * expire wins); conflicting ones, options of the other command, or a missing value are a syntax
 * error.
 */
function parseSetOptions(argv: Uint8Array[], from: number, forSet: boolean): SetOptions {
  let flags = 0;
  let expire: Uint8Array | null = null;
  for (let j = from; j < argv.length; j++) {
    const opt = argv[j]!;
    const next = j + 1 < argv.length ? argv[j + 1]! : null;
    if (forSet && is(opt, "nx") && !(flags & O_XX)) flags |= O_NX;
    else if (forSet && is(opt, "xx") && !(flags & O_NX)) flags |= O_XX;
    else if (forSet && is(opt, "get")) flags |= O_GET;
    else if (forSet && is(opt, "keepttl") && !(flags & (O_PERSIST | O_EXPIRE))) flags |= O_KEEPTTL;
    else if (!forSet && is(opt, "persist") && !(flags & (O_KEEPTTL | O_EXPIRE))) flags |= O_PERSIST;
    else {
      let f = 0;
      if (is(opt, "ex")) f = O_EX;
      else if (is(opt, "px")) f = O_PX;
      else if (is(opt, "exat")) f = O_EXAT;
      else if (is(opt, "pxat")) f = O_PXAT;
      if (f === 0 || next === null || flags & (O_KEEPTTL | O_PERSIST | (O_EXPIRE & ~f))) fail(E.SYNTAX);
      flags |= f;
      expire = next;
      j++;
    }
  }
  return { flags, expire };
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for an expire argument in
 * seconds or ms, relative to now or absolute. Non-positive values and values whose ms form
 * overflows 64 bits are "invalid expire time". The result is exact: a number while it is a safe
 * integer (the common case), else a bigint.
 */
function expireMs(c: CommandContext, arg: Uint8Array, seconds: boolean, relative: boolean): number | bigint {
  const n = intArg(arg);
  if (n > 0 && n < 2 ** 40) {
    // Fast path: no overflow possible, stays well inside 2^53.
    return (seconds ? n * 1000 : n) + (relative ? c.ks.now : 0);
  }
  let v = bigIntArg(arg);
  if (v <= 0n || (seconds && v > INT64_MAX / 1000n)) fail(E.INVALID_EXPIRE(c.cmdName));
  if (seconds) v *= 1000n;
  if (relative) {
    v += BigInt(c.ks.now);
    if (v > INT64_MAX) fail(E.INVALID_EXPIRE(c.cmdName));
  }
  return v;
}

function expireFromFlags(c: CommandContext, o: SetOptions): number | bigint {
  if (o.expire === null) return -1;
  return expireMs(c, o.expire, (o.flags & (O_EX | O_EXAT)) !== 0, (o.flags & (O_EX | O_PX)) !== 0);
}

/** Reply styles of setGeneric: SET's +OK/null, or SETNX's :1/:0. */
const REPLY_OK = 0;
const REPLY_INT = 1;

/**
 * The shared body of SET, SETNX, SETEX and PSETEX (Redis's setGenericCommand). `when` is the
 * validated absolute expiry in ms (exact), or -1.
 */
function setGeneric(c: CommandContext, flags: number, key: Uint8Array, val: Uint8Array, when: number | bigint, reply: number): void {
  const db = c.db;
  if (flags & O_GET) {
    const old = stringOf(db.lookupRead(key));
    if (old === null) c.out.nullBulk();
    else c.out.bulk(old);
  }
  if (flags & (O_NX | O_XX)) {
    const found = db.lookupWrite(key) !== null;
    if ((flags & O_NX && found) || (flags & O_XX && !found)) {
      if (!(flags & O_GET)) {
        if (reply === REPLY_INT) c.out.integer(0);
        else c.out.nullBulk();
      }
      return;
    }
  }
  const e = db.set(key, OBJ_STRING, val.slice(), (flags & O_KEEPTTL) !== 0, stringEncodingFor(val));
  c.server.dirty++;
  notify(c, NOTIFY_STRING, "set", key);
  if (when >= 0) {
    db.setExpire(e, Number(when));
    c.propArgv = [B_SET, key, val, B_PXAT, asciiBytes(String(when))];
    notify(c, NOTIFY_GENERIC, "expire", key);
  }
  if (flags & O_GET) return;
  if (reply === REPLY_INT) c.out.integer(1);
  else c.out.ok();
}

// -------------------------------------------------------------------------------------------------
// GET / SET and variants

function getCommand(c: CommandContext): void {
  const v = stringOf(c.db.lookupRead(c.argv[1]!));
  if (v === null) c.out.nullBulk();
  else c.out.bulk(v);
}

function setCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length === 3) {
    // The common case: no options, no lookup before the write.
    const val = argv[2]!;
    c.db.set(argv[1]!, OBJ_STRING, val.slice(), false, stringEncodingFor(val));
    c.server.dirty++;
    notify(c, NOTIFY_STRING, "set", argv[1]!);
    c.out.ok();
    return;
  }
  const o = parseSetOptions(argv, 3, true);
  const when = expireFromFlags(c, o);
  setGeneric(c, o.flags, argv[1]!, argv[2]!, when, REPLY_OK);
}

function setnxCommand(c: CommandContext): void {
  setGeneric(c, O_NX, c.argv[1]!, c.argv[2]!, -1, REPLY_INT);
}

function setexCommand(c: CommandContext): void {
  const when = expireMs(c, c.argv[2]!, true, true);
  setGeneric(c, 0, c.argv[1]!, c.argv[3]!, when, REPLY_OK);
}

function psetexCommand(c: CommandContext): void {
  const when = expireMs(c, c.argv[2]!, false, true);
  setGeneric(c, 0, c.argv[1]!, c.argv[3]!, when, REPLY_OK);
}

/** GETSET is SET key value GET, propagated as a plain SET. */
function getsetCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const val = c.argv[2]!;
  const old = stringOf(c.db.lookupRead(key));
  if (old === null) c.out.nullBulk();
  else c.out.bulk(old);
  c.db.set(key, OBJ_STRING, val.slice(), false, stringEncodingFor(val));
  c.server.dirty++;
  notify(c, NOTIFY_STRING, "set", key);
  c.propArgv = [B_SET, key, val];
}

function getdelCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const v = stringOf(c.db.lookupRead(key));
  if (v === null) {
    c.out.nullBulk();
    return;
  }
  c.out.bulk(v);
  c.db.delete(key);
  c.propArgv = [B_DEL, key];
  notify(c, NOTIFY_GENERIC, "del", key);
  c.server.dirty++;
}

/**
 * GETEX: options are checked for syntax first, then a missing key replies nil whatever the
 * expire value says; only for an existing string is the expire value validated.
 */
function getexCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const o = parseSetOptions(c.argv, 2, false);
  const e = c.db.lookupRead(key);
  const v = stringOf(e);
  if (v === null || e === null) {
    c.out.nullBulk();
    return;
  }
  const when = expireFromFlags(c, o);
  c.out.bulk(v);
  if (when >= 0) {
    if (Number(when) <= c.ks.now && !c.ks.replica) {
      c.db.delete(key);
      c.propArgv = [B_DEL, key];
      notify(c, NOTIFY_GENERIC, "del", key);
    } else {
      c.db.setExpire(e, Number(when));
      c.propArgv = [B_PEXPIREAT, key, asciiBytes(String(when))];
      signalModified(c, e);
      notify(c, NOTIFY_GENERIC, "expire", key);
    }
    c.server.dirty++;
  } else if (o.flags & O_PERSIST) {
    if (c.db.removeExpire(e)) {
      signalModified(c, e);
      c.propArgv = [B_PERSIST, key];
      notify(c, NOTIFY_GENERIC, "persist", key);
      c.server.dirty++;
    }
  }
}

function mgetCommand(c: CommandContext): void {
  const argv = c.argv;
  c.out.arrayLen(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = c.db.lookupRead(argv[i]!);
    if (e === null || e.type !== OBJ_STRING) c.out.nullBulk();
    else c.out.bulk(e.value as Uint8Array);
  }
}

function msetGeneric(c: CommandContext, nx: boolean): void {
  const argv = c.argv;
  if (argv.length % 2 === 0) fail(E.wrongArgs(c.cmdName));
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (c.db.lookupWrite(argv[i]!) !== null) {
        c.out.integer(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    const val = argv[i + 1]!;
    c.db.set(argv[i]!, OBJ_STRING, val.slice(), false, stringEncodingFor(val));
    notify(c, NOTIFY_STRING, "set", argv[i]!);
  }
  c.server.dirty += (argv.length - 1) / 2;
  if (nx) c.out.integer(1);
  else c.out.ok();
}

function msetCommand(c: CommandContext): void {
  msetGeneric(c, false);
}

function msetnxCommand(c: CommandContext): void {
  msetGeneric(c, true);
}

// -------------------------------------------------------------------------------------------------
// In-place edits: APPEND, SETRANGE

function appendCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const add = c.argv[2]!;
  const e = c.db.lookupWrite(key);
  let len: number;
  if (e === null) {
    const v = add.slice();
    c.db.add(key, OBJ_STRING, v, stringEncodingFor(v));
    len = v.length;
  } else {
    const cur = stringOf(e)!;
    checkStringLength(c, cur.length + add.length);
    e.value = appendString(cur, add);
    e.enc = ENC_RAW;
    len = cur.length + add.length;
    signalModified(c, e);
  }
  notify(c, NOTIFY_STRING, "append", key);
  c.server.dirty++;
  c.out.integer(len);
}

function setrangeCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const offset = intArg(c.argv[2]!);
  const val = c.argv[3]!;
  if (offset < 0) fail(ERR_OFFSET_RANGE);
  const e = c.db.lookupWrite(key);
  let len: number;
  if (e === null) {
    // Nothing to do for an empty value on a missing key: no key is created.
    if (val.length === 0) {
      c.out.integer(0);
      return;
    }
    checkStringLength(c, offset + val.length);
    const v = zeroString(offset + val.length);
    v.set(val, offset);
    c.db.add(key, OBJ_STRING, v, ENC_RAW);
    len = v.length;
  } else {
    const cur = stringOf(e)!;
    if (val.length === 0) {
      c.out.integer(cur.length);
      return;
    }
    checkStringLength(c, offset + val.length);
    const w = writableString(cur, offset + val.length);
    w.set(val, offset);
    e.value = w;
    e.enc = ENC_RAW;
    len = w.length;
    signalModified(c, e);
  }
  notify(c, NOTIFY_STRING, "setrange", key);
  c.server.dirty++;
  c.out.integer(len);
}

// -------------------------------------------------------------------------------------------------
// Counters

/** Store a counter's new decimal bytes (keeping the TTL, as Redis's in-place update does). */
function storeCounter(c: CommandContext, key: Uint8Array, e: KeyEntry | null, bytes: Uint8Array, enc: number, num = NaN): void {
  if (e === null) e = c.db.add(key, OBJ_STRING, bytes, enc);
  else {
    e.value = bytes;
    e.enc = enc;
    signalModified(c, e);
  }
  e.intValue = num;
}

/** INCR/DECR/INCRBY/DECRBY with `incr` already validated (a safe number or an exact bigint). */
function incrDecr(c: CommandContext, incr: number | bigint): void {
  const key = c.argv[1]!;
  const e = c.db.lookupWrite(key);
  const cur = stringOf(e);
  let result: number | bigint;
  let n = 0;
  if (cur !== null) {
    // The number INCR stored last time, if it is still the value; else parse the bytes.
    n = e!.enc === ENC_INT && !Number.isNaN(e!.intValue) ? e!.intValue : parseInt64(cur);
    if (Number.isNaN(n)) fail(E.NOT_INTEGER);
  }
  if (typeof incr === "number" && Number.isSafeInteger(n) && Number.isSafeInteger(n + incr)) {
    result = n + incr;
  } else {
    const base = cur === null ? 0n : parseBigInt64(cur)!;
    const sum = base + BigInt(incr);
    if (sum > INT64_MAX || sum < INT64_MIN) fail(E.OVERFLOW);
    result = sum;
  }
  storeCounter(c, key, e, asciiBytes(String(result)), ENC_INT, typeof result === "number" ? result : NaN);
  c.server.dirty++;
  notify(c, NOTIFY_STRING, "incrby", key);
  c.out.integer(result);
}

/** An increment argument: a safe number when it is one, else the exact bigint. */
function incrementArg(arg: Uint8Array): number | bigint {
  const n = intArg(arg);
  return Number.isSafeInteger(n) ? n : parseBigInt64(arg)!;
}

function incrCommand(c: CommandContext): void {
  incrDecr(c, 1);
}

function decrCommand(c: CommandContext): void {
  incrDecr(c, -1);
}

function incrbyCommand(c: CommandContext): void {
  incrDecr(c, incrementArg(c.argv[2]!));
}

function decrbyCommand(c: CommandContext): void {
  const incr = incrementArg(c.argv[2]!);
  if (incr === INT64_MIN) fail(ERR_DECR_OVERFLOW);
  incrDecr(c, typeof incr === "number" ? -incr : -incr);
}

/**
 * INCRBYFLOAT in x87 extended precision (util/long-double.ts), stored and replied as Redis prints
 * it, and propagated as SET key <result> KEEPTTL so replicas never redo the float math.
 */
function incrbyfloatCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const e = c.db.lookupWrite(key);
  const cur = stringOf(e);
  const value = cur === null ? parseLongDouble(asciiBytes("0")) : parseLongDouble(cur);
  const incr = parseLongDouble(c.argv[2]!);
  if (value === null || incr === null) fail(E.NOT_FLOAT);
  const text = incrLongDouble(value, incr);
  if (text === null) fail(ERR_INCR_NAN);
  const bytes = asciiBytes(text);
  storeCounter(c, key, e, bytes, bytes.length <= EMBSTR_LIMIT ? ENC_EMBSTR : ENC_RAW);
  c.server.dirty++;
  notify(c, NOTIFY_STRING, "incrbyfloat", key);
  c.out.bulk(bytes);
  c.propArgv = [B_SET, key, bytes, B_KEEPTTL];
}

// -------------------------------------------------------------------------------------------------
// Reads: STRLEN, GETRANGE/SUBSTR, LCS

function strlenCommand(c: CommandContext): void {
  const v = stringOf(c.db.lookupRead(c.argv[1]!));
  c.out.integer(v === null ? 0 : v.length);
}

function getrangeCommand(c: CommandContext): void {
  let start = bigIntArg(c.argv[2]!);
  let end = bigIntArg(c.argv[3]!);
  const v = stringOf(c.db.lookupRead(c.argv[1]!));
  if (v === null) {
    c.out.bulk(EMPTY);
    return;
  }
  const len = BigInt(v.length);
  if (start < 0n && end < 0n && start > end) {
    c.out.bulk(EMPTY);
    return;
  }
  if (start < 0n) start += len;
  if (end < 0n) end += len;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) {
    c.out.bulk(EMPTY);
    return;
  }
  c.out.bulk(v.subarray(Number(start), Number(end) + 1));
}

/** One LCS match: ranges in a and b (inclusive) and the match length. */
type LcsMatch = [number, number, number, number, number];

/**
 * LCS a b [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]. The classic dynamic-programming table is
 * walked back from the end; at a mismatch the walk moves in `a` only when that keeps a strictly
 * longer LCS, else in `b` (Redis's tie rule, which decides which LCS is reported). Matches are
 * the maximal diagonal runs met on the way, reported from the end of the strings backwards.
 */
function lcsCommand(c: CommandContext): void {
  const argv = c.argv;
  const ea = c.db.lookupRead(argv[1]!);
  const eb = c.db.lookupRead(argv[2]!);
  if ((ea !== null && ea.type !== OBJ_STRING) || (eb !== null && eb.type !== OBJ_STRING)) fail(ERR_LCS_TYPES);
  const a = ea === null ? EMPTY : (ea.value as Uint8Array);
  const b = eb === null ? EMPTY : (eb.value as Uint8Array);
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    if (is(opt, "idx")) getIdx = true;
    else if (is(opt, "len")) getLen = true;
    else if (is(opt, "withmatchlen")) withMatchLen = true;
    else if (is(opt, "minmatchlen") && j + 1 < argv.length) {
      minMatchLen = Math.max(0, intArg(argv[++j]!));
    } else fail(E.SYNTAX);
  }
  if (getLen && getIdx) fail(ERR_LCS_LEN_IDX);
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  if ((alen + 1) * w * 4 > c.server.readerLimits.maxBulkLen) fail(ERR_LCS_MEMORY);

  const t = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1]!;
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) t[row + j] = t[prev + j - 1]! + 1;
      else {
        const up = t[prev + j]!;
        const left = t[row + j - 1]!;
        t[row + j] = up > left ? up : left;
      }
    }
  }
  const total = t[alen * w + blen]!;
  if (getLen) {
    c.out.integer(total);
    return;
  }

  const result = new Uint8Array(total);
  const matches: LcsMatch[] = [];
  let k = total;
  let i = alen;
  let j = blen;
  // Current run of matches: a[aStart..aEnd], b[bStart..]; aStart < 0 when none.
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  const emit = () => {
    const len = aEnd - aStart + 1;
    if (len >= minMatchLen) matches.push([aStart, aEnd, bStart, bEnd, len]);
    aStart = -1;
  };
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      result[--k] = a[i - 1]!;
      if (aStart < 0) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else {
        aStart--;
        bStart--;
      }
      i--;
      j--;
    } else {
      if (t[(i - 1) * w + j]! > t[i * w + j - 1]!) i--;
      else j--;
      if (aStart >= 0) emit();
    }
  }
  if (aStart >= 0) emit();

  if (!getIdx) {
    c.out.bulk(result);
    return;
  }
  const out = c.out;
  out.mapLen(2);
  out.bulkString("matches");
  out.arrayLen(matches.length);
  for (const m of matches) {
    out.arrayLen(withMatchLen ? 3 : 2);
    out.arrayLen(2);
    out.integer(m[0]);
    out.integer(m[1]);
    out.arrayLen(2);
    out.integer(m[2]);
    out.integer(m[3]);
    if (withMatchLen) out.integer(m[4]);
  }
  out.bulkString("len");
  out.integer(total);
}

export const stringFamily: CommandFamily = {
  group: "string",
  commands: [
    ["append",      3, "write denyoom fast", [1, 1, 1], appendCommand],
    ["decr",        2, "write denyoom fast", [1, 1, 1], decrCommand],
    ["decrby",      3, "write denyoom fast", [1, 1, 1], decrbyCommand],
    ["get",         2, "readonly fast",      [1, 1, 1], getCommand],
    ["getdel",      2, "write fast",         [1, 1, 1], getdelCommand],
    ["getex",      -2, "write fast",         [1, 1, 1], getexCommand],
    ["getrange",    4, "readonly",           [1, 1, 1], getrangeCommand],
    ["getset",      3, "write denyoom fast", [1, 1, 1], getsetCommand],
    ["incr",        2, "write denyoom fast", [1, 1, 1], incrCommand],
    ["incrby",      3, "write denyoom fast", [1, 1, 1], incrbyCommand],
    ["incrbyfloat", 3, "write denyoom fast", [1, 1, 1], incrbyfloatCommand],
    ["lcs",        -3, "readonly",           [1, 2, 1], lcsCommand],
    ["mget",       -2, "readonly fast",      [1, -1, 1], mgetCommand],
    ["mset",       -3, "write denyoom",      [1, -1, 2], msetCommand],
    ["msetnx",     -3, "write denyoom",      [1, -1, 2], msetnxCommand],
    ["psetex",      4, "write denyoom",      [1, 1, 1], psetexCommand],
    ["set",        -3, "write denyoom",      [1, 1, 1], setCommand],
    ["setex",       4, "write denyoom",      [1, 1, 1], setexCommand],
    ["setnx",       3, "write denyoom fast", [1, 1, 1], setnxCommand],
    ["setrange",    4, "write denyoom",      [1, 1, 1], setrangeCommand],
    ["strlen",      2, "readonly fast",      [1, 1, 1], strlenCommand],
    ["substr",      4, "readonly",           [1, 1, 1], getrangeCommand],
  ],
};
