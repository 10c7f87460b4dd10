/**
 * Hash commands (group "hash"). Values are HashValue: `listpack` (one packed byte array, insertion
 * order) until `hash-max-listpack-entries` fields or a field/value longer than
 * `hash-max-listpack-value`, then `hashtable`, one way, as Redis 7.0 converts.
 *
 * Orders clients can see: listpack hashes reply in insertion order like Redis; hashtable hashes
 * reply in this table's order (Redis's differs too from run to run), and HSCAN on a listpack
 * hash returns everything at once with cursor 0, as Redis does.
 */
import { globMatch } from "../datastructures/glob.ts";
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_GENERIC, NOTIFY_HASH } from "../store/notify.ts";
import { WRONGTYPE } from "../store/database.ts";
import { HashValue, type HashLimits } from "../store/types/hash.ts";
import { OBJ_HASH } from "../store/value.ts";
import { incrLongDouble, longDoubleFromInt, parseLongDouble } from "../util/long-double.ts";
import { asciiBytes, INT64_MAX, INT64_MIN, parseBigInt64 } from "../util/numbers.ts";
import { bigIntArg, intArg, is } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

const B_HSET = asciiBytes("HSET");

// ---------------------------------------------------------------------------------------------
// Helpers

function limits(c: CommandContext): HashLimits {
  const cfg = c.server.config;
  return { maxEntries: cfg.getInt("hash-max-listpack-entries"), maxValue: cfg.getInt("hash-max-listpack-value") };
}

function readHash(c: CommandContext, key: Uint8Array): HashValue | null {
  const v = c.db.readTyped<HashValue>(key, OBJ_HASH);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

function writeHash(c: CommandContext, key: Uint8Array): HashValue | null {
  const v = c.db.writeTyped<HashValue>(key, OBJ_HASH);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

/** Redis's hashTypeLookupWriteOrCreate: the hash at key, created empty (and added) if missing. */
function writeOrCreate(c: CommandContext, key: Uint8Array): HashValue {
  const h = writeHash(c, key);
  if (h !== null) {
    c.ks.hooks.keyModified(c.db, key);
    return h;
  }
  const n = new HashValue();
  c.db.add(key, OBJ_HASH, n);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Writes

function hsetGeneric(c: CommandContext, name: string, replyOk: boolean): void {
  const argv = c.argv;
  if (argv.length % 2 === 1) fail(E.wrongArgs(name));
  const key = argv[1]!;
  const h = writeOrCreate(c, key);
  const lim = limits(c);
  h.convertForArgs(argv, 2, argv.length, lim);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i]!, argv[i + 1]!)) created++;
  h.convertIfMany(lim);
  if (replyOk) c.out.ok();
  else c.out.integer(created);
  c.server.notifyKeyspaceEvent(NOTIFY_HASH, "hset", key, c.db.id);
  c.server.dirty += (argv.length - 2) / 2;
}

function hsetCommand(c: CommandContext): void {
  hsetGeneric(c, "hset", false);
}

function hmsetCommand(c: CommandContext): void {
  hsetGeneric(c, "hmset", true);
}

function hsetnxCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const field = c.argv[2]!;
  const existing = writeHash(c, key);
  if (existing !== null && existing.has(field)) {
    c.out.integer(0);
    return;
  }
  const h = existing ?? writeOrCreate(c, key);
  if (existing !== null) c.ks.hooks.keyModified(c.db, key);
  const lim = limits(c);
  h.convertForArgs(c.argv, 2, 4, lim);
  h.set(field, c.argv[3]!);
  h.convertIfMany(lim);
  c.out.integer(1);
  c.server.notifyKeyspaceEvent(NOTIFY_HASH, "hset", key, c.db.id);
  c.server.dirty++;
}

function hdelCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const h = writeHash(c, key);
  if (h === null) {
    c.out.integer(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < c.argv.length; i++) {
    if (h.delete(c.argv[i]!)) {
      deleted++;
      if (h.size === 0) {
        c.db.deleteIfEmpty(key, h);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.ks.hooks.keyModified(c.db, key);
    c.server.notifyKeyspaceEvent(NOTIFY_HASH, "hdel", key, c.db.id);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
    c.server.dirty += deleted;
  }
  c.out.integer(deleted);
}

function hincrbyCommand(c: CommandContext): void {
  const incr = bigIntArg(c.argv[3]!);
  const key = c.argv[1]!;
  const field = c.argv[2]!;
  const h = writeOrCreate(c, key);
  let value = 0n;
  const cur = h.get(field);
  if (cur !== null) {
    const v = parseBigInt64(cur);
    if (v === null) fail("ERR hash value is not an integer");
    value = v;
  }
  const sum = value + incr;
  if (sum > INT64_MAX || sum < INT64_MIN) fail(E.OVERFLOW);
  const text = asciiBytes(sum.toString());
  const lim = limits(c);
  if (field.length > lim.maxValue || text.length > lim.maxValue) h.convert();
  h.set(field, text);
  h.convertIfMany(lim);
  c.out.integer(sum);
  c.server.notifyKeyspaceEvent(NOTIFY_HASH, "hincrby", key, c.db.id);
  c.server.dirty++;
}

function hincrbyfloatCommand(c: CommandContext): void {
  // Validate the increment before the type check, as Redis parses it first.
  const incr = parseLongDouble(c.argv[3]!);
  if (incr === null) fail(E.NOT_FLOAT);
  if (incr.inf) fail("ERR value is NaN or Infinity");
  const key = c.argv[1]!;
  const field = c.argv[2]!;
  const existing = writeHash(c, key);
  const cur = existing === null ? null : existing.get(field);
  const value = cur === null ? longDoubleFromInt(0n) : parseLongDouble(cur);
  if (value === null) fail("ERR hash value is not a float");
  const r = incrLongDouble(value, incr);
  if (r === null) fail("ERR increment would produce NaN or Infinity");
  const h = existing ?? writeOrCreate(c, key);
  if (existing !== null) c.ks.hooks.keyModified(c.db, key);
  const text = asciiBytes(r);
  const lim = limits(c);
  if (field.length > lim.maxValue || text.length > lim.maxValue) h.convert();
  h.set(field, text);
  h.convertIfMany(lim);
  c.out.bulk(text);
  c.server.notifyKeyspaceEvent(NOTIFY_HASH, "hincrbyfloat", key, c.db.id);
  c.server.dirty++;
  // Float formatting can differ across platforms: replicas and the AOF get the result.
  c.propArgv = [B_HSET, key, field, text];
}

// ---------------------------------------------------------------------------------------------
// Reads

function hgetCommand(c: CommandContext): void {
  const h = readHash(c, c.argv[1]!);
  const v = h === null ? null : h.get(c.argv[2]!);
  if (v === null) c.out.nullBulk();
  else c.out.bulk(v);
}

function hmgetCommand(c: CommandContext): void {
  const h = readHash(c, c.argv[1]!);
  const argv = c.argv;
  c.out.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h === null ? null : h.get(argv[i]!);
    if (v === null) c.out.nullBulk();
    else c.out.bulk(v);
  }
}

function hlenCommand(c: CommandContext): void {
  const h = readHash(c, c.argv[1]!);
  c.out.integer(h === null ? 0 : h.size);
}

function hstrlenCommand(c: CommandContext): void {
  const h = readHash(c, c.argv[1]!);
  const v = h === null ? null : h.get(c.argv[2]!);
  c.out.integer(v === null ? 0 : v.length);
}

function hexistsCommand(c: CommandContext): void {
  const h = readHash(c, c.argv[1]!);
  c.out.integer(h !== null && h.has(c.argv[2]!) ? 1 : 0);
}

const KEYS = 1;
const VALS = 2;

function getallGeneric(c: CommandContext, what: number): void {
  const h = readHash(c, c.argv[1]!);
  const out = c.out;
  if (h === null) {
    if (what === (KEYS | VALS)) out.mapLen(0);
    else out.emptyArray();
    return;
  }
  if (what === (KEYS | VALS)) out.mapLen(h.size);
  else out.arrayLen(h.size);
  h.forEachField((f, v) => {
    if (what & KEYS) out.bulk(f);
    if (what & VALS) out.bulk(v);
  });
}

function hkeysCommand(c: CommandContext): void {
  getallGeneric(c, KEYS);
}
function hvalsCommand(c: CommandContext): void {
  getallGeneric(c, VALS);
}
function hgetallCommand(c: CommandContext): void {
  getallGeneric(c, KEYS | VALS);
}

// ---------------------------------------------------------------------------------------------
// HRANDFIELD

function randInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** One random field/value pair of a non-empty hash: [field, value] views. */
function randomPair(h: HashValue): [Uint8Array, Uint8Array] {
  if (h.ht !== null) {
    const e = h.ht.random()!;
    return [e.key, e.value];
  }
  const offs = h.offsets();
  const i = randInt(h.count) * 4;
  const b = h.buf;
  return [b.subarray(offs[i]!, offs[i]! + offs[i + 1]!), b.subarray(offs[i + 2]!, offs[i + 2]! + offs[i + 3]!)];
}

function hrandfieldCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length === 2) {
    const h = readHash(c, argv[1]!);
    if (h === null) c.out.nullBulk();
    else c.out.bulk(randomPair(h)[0]);
    return;
  }
  let withValues = false;
  if (argv.length === 4) {
    if (!is(argv[3]!, "withvalues")) fail(E.SYNTAX);
    withValues = true;
  } else if (argv.length > 4) {
    fail(E.SYNTAX);
  }
  const big = bigIntArg(argv[2]!);
  if (big === INT64_MIN) fail("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  // Redis refuses counts whose reply length (2 per pair) would overflow.
  if (withValues && big < -(INT64_MAX / 2n)) fail("ERR value is out of range");
  const count = Number(big);
  const h = readHash(c, argv[1]!);
  const out = c.out;
  if (h === null || count === 0) {
    out.emptyArray();
    return;
  }
  const resp3Pairs = withValues && out.resp === 3;
  const emit = (f: Uint8Array, v: Uint8Array): void => {
    if (resp3Pairs) out.arrayLen(2);
    out.bulk(f);
    if (withValues) out.bulk(v);
  };
  const header = (n: number): void => out.arrayLen(withValues && !resp3Pairs ? n * 2 : n);
  const size = h.size;
  if (count < 0) {
    // With repetitions: |count| independent draws.
    const n = -count;
    header(n);
    if (h.ht === null) {
      const offs = h.offsets();
      const b = h.buf;
      for (let k = 0; k < n; k++) {
        const i = randInt(size) * 4;
        emit(b.subarray(offs[i]!, offs[i]! + offs[i + 1]!), b.subarray(offs[i + 2]!, offs[i + 2]! + offs[i + 3]!));
      }
    } else {
      for (let k = 0; k < n; k++) {
        const e = h.ht.random()!;
        emit(e.key, e.value);
      }
    }
    return;
  }
  if (count >= size) {
    header(size);
    h.forEachField(emit);
    return;
  }
  // Distinct fields. A few out of a big table: sample and skip repeats (Redis's case 4).
  if (h.ht !== null && count * 3 <= size) {
    const picked = new Set<object>();
    header(count);
    while (picked.size < count) {
      const e = h.ht.random()!;
      if (picked.has(e)) continue;
      picked.add(e);
      emit(e.key, e.value);
    }
    return;
  }
  // Otherwise a partial Fisher-Yates over all pairs.
  const pairs: [Uint8Array, Uint8Array][] = [];
  h.forEachField((f, v) => pairs.push([f, v]));
  header(count);
  for (let k = 0; k < count; k++) {
    const j = k + randInt(size - k);
    const t = pairs[j]!;
    pairs[j] = pairs[k]!;
    pairs[k] = t;
    emit(t[0], t[1]);
  }
}

// ---------------------------------------------------------------------------------------------
// HSCAN

/** Redis's parseScanCursorOrReply (strtoul: "-1" wraps, overflow fails). */
function cursorArg(arg: Uint8Array): bigint {
  let s = "";
  for (let i = 0; i < arg.length; i++) s += String.fromCharCode(arg[i]!);
  if (!/^[+-]?\d*$/.test(s)) fail("ERR invalid cursor");
  const neg = s[0] === "-";
  const digits = s.replace(/^[+-]/, "");
  const n = digits === "" ? 0n : BigInt(digits);
  if (n > 0xffffffffffffffffn) fail("ERR invalid cursor");
  return neg ? (0x10000000000000000n - n) & 0xffffffffffffffffn : n;
}

function hscanCommand(c: CommandContext): void {
  const argv = c.argv;
  const cursor = cursorArg(argv[2]!);
  let count = 10;
  let pattern: Uint8Array | null = null;
  let noValues = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j + 1 < argv.length;
    if (is(opt, "count") && more) {
      count = intArg(argv[++j]!);
      if (count < 1) fail(E.SYNTAX);
    } else if (is(opt, "match") && more) {
      const p = argv[++j]!;
      pattern = p.length === 1 && p[0] === 0x2a ? null : p;
    } else if (is(opt, "novalues")) {
      noValues = true;
    } else {
      fail(E.SYNTAX);
    }
  }
  const h = readHash(c, argv[1]!);
  const out = c.out;
  if (h === null) {
    out.arrayLen(2);
    out.bulk(asciiBytes("0"));
    out.emptyArray();
    return;
  }
  const fields: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  let next = 0n;
  const take = (f: Uint8Array, v: Uint8Array): void => {
    if (pattern !== null && !globMatch(pattern, f)) return;
    fields.push(f);
    values.push(v);
  };
  if (h.ht === null) {
    h.forEachField(take);
  } else {
    // Redis walks at most count*10 buckets and stops once it has count elements (pairs count 2).
    let cur = Number(cursor & 0xffffffffn);
    let iterations = count * 10;
    let collected = 0;
    const ht = h.ht;
    do {
      cur = ht.scan(cur, (e) => {
        collected += noValues ? 1 : 2;
        take(e.key, e.value);
      });
    } while (cur !== 0 && iterations-- > 0 && collected < count);
    next = BigInt(cur);
  }
  out.arrayLen(2);
  out.bulk(asciiBytes(next.toString()));
  out.arrayLen(noValues ? fields.length : fields.length * 2);
  for (let i = 0; i < fields.length; i++) {
    out.bulk(fields[i]!);
    if (!noValues) out.bulk(values[i]!);
  }
}

export const hashFamily: CommandFamily = {
  group: "hash",
  commands: [
    ["hset",         -4, "write denyoom fast", [1, 1, 1], hsetCommand],
    ["hsetnx",        4, "write denyoom fast", [1, 1, 1], hsetnxCommand],
    ["hget",          3, "readonly fast",      [1, 1, 1], hgetCommand],
    ["hmset",        -4, "write denyoom fast", [1, 1, 1], hmsetCommand],
    ["hmget",        -3, "readonly fast",      [1, 1, 1], hmgetCommand],
    ["hdel",         -3, "write fast",         [1, 1, 1], hdelCommand],
    ["hlen",          2, "readonly fast",      [1, 1, 1], hlenCommand],
    ["hstrlen",       3, "readonly fast",      [1, 1, 1], hstrlenCommand],
    ["hexists",       3, "readonly fast",      [1, 1, 1], hexistsCommand],
    ["hkeys",         2, "readonly",           [1, 1, 1], hkeysCommand],
    ["hvals",         2, "readonly",           [1, 1, 1], hvalsCommand],
    ["hgetall",       2, "readonly",           [1, 1, 1], hgetallCommand],
    ["hincrby",       4, "write denyoom fast", [1, 1, 1], hincrbyCommand],
    ["hincrbyfloat",  4, "write denyoom fast", [1, 1, 1], hincrbyfloatCommand],
    ["hrandfield",   -2, "readonly",           [1, 1, 1], hrandfieldCommand],
    ["hscan",        -3, "readonly",           [1, 1, 1], hscanCommand],
  ],
};
