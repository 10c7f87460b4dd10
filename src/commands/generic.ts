/**
 * Keyspace ("generic" group) commands: DEL, UNLINK, EXISTS, TYPE, RENAME(NX), COPY, MOVE, SWAPDB,
 * DBSIZE, FLUSHDB, FLUSHALL, RANDOMKEY, KEYS, SCAN, TOUCH, OBJECT, the EXPIRE family, TTL family
 * and PERSIST. They work on any value type: strings are Uint8Array, collections implement
 * `Collection` (clone() for COPY), and OBJECT ENCODING asks the value for Redis's name.
 *
 * Lookups follow Redis's flavours: EXISTS/TYPE/TTL/OBJECT inspect without touching the access
 * time (`lookupReadNoTouch`, LOOKUP_NOTOUCH), TOUCH/COPY read (`lookupRead`), writes use
 * `lookupWrite`. Expiry times are absolute ms; values past 2^53 (PEXPIREAT near INT64_MAX) keep
 * their exact bigint in a side table so PEXPIRETIME prints what was set.
 */
import { bytesEqual } from "../datastructures/dict.ts";
import { GlobPattern } from "../datastructures/glob.ts";
import { E, fail } from "../protocol/errors.ts";
import type { Database } from "../store/database.ts";
import {
  ENC_INT,
  KeyEntry,
  NO_EXPIRE,
  OBJ_STRING,
  TYPE_NAMES,
  encodingName,
  type Collection,
  type Value,
} from "../store/value.ts";
import { asciiBytes, INT64_MAX, INT64_MIN } from "../util/numbers.ts";
import { bigIntArg, int32Arg, intArg, is } from "./args.ts";
import type { CommandContext } from "./context.ts";
import { replyHelp } from "./help.ts";
import type { CommandFamily } from "./spec.ts";

/** Keyspace event class `g` (same bit as the server's NOTIFY_GENERIC; a test checks). */
export const NOTIFY_GENERIC = 1 << 2;

const DEL = asciiBytes("DEL");
const PEXPIREAT = asciiBytes("PEXPIREAT");

// =================================================================================================
// Helpers

/** Request bytes as Redis's `%s` prints them in an error: latin1, cut at the first NUL. */
function cArg(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Exact expiry for entries whose time does not fit a double exactly (see module doc). */
const exactExpires = new WeakMap<KeyEntry, bigint>();

/** The entry's expiry as set: a number, or a bigint when past 2^53. NO_EXPIRE when none. */
function expireOf(e: KeyEntry): number | bigint {
  const at = e.expireAt;
  if (at !== NO_EXPIRE && !Number.isSafeInteger(at)) {
    const big = exactExpires.get(e);
    if (big !== undefined && Number(big) === at) return big;
  }
  return at;
}

/** Give an entry an expiry (number, or exact bigint), keeping the side table in step. */
function setExpire(db: Database, e: KeyEntry, at: number | bigint): void {
  if (typeof at === "bigint") {
    const n = Number(at);
    if (!Number.isSafeInteger(n)) exactExpires.set(e, at);
    db.setExpire(e, n);
  } else db.setExpire(e, at);
}

/** Tell WATCH/tracking listeners a key changed where the store did not (expiry changes). */
function signalModified(c: CommandContext, db: Database, key: Uint8Array): void {
  c.ks.hooks.keyModified(db, key);
}

/** Values Redis would hold as shared integer objects (0..9999 set while sharing is allowed)... */
function isSharedInteger(c: CommandContext, e: KeyEntry): boolean {
  if (e.type !== OBJ_STRING || e.enc !== ENC_INT) return false;
  const v = e.value as Uint8Array;
  if (v.length > 4 || v[0] === 0x2d || unsharedValues.has(v)) return false;
  // ...unless maxmemory is set with an LRU/LFU policy (objects then need their own access time).
  const policy = c.server.config.get("maxmemory-policy");
  return c.server.config.getInt("maxmemory") === 0 || !(policy.endsWith("-lru") || policy.endsWith("-lfu"));
}

/** Integer strings made by COPY: Redis duplicates them into private (refcount 1) objects. */
const unsharedValues = new WeakSet<Uint8Array>();

/** Deep copy of a value for COPY. */
function dupValue(e: KeyEntry): Value {
  if (e.type === OBJ_STRING) {
    const v = (e.value as Uint8Array).slice();
    unsharedValues.add(v);
    return v;
  }
  return (e.value as Collection).clone();
}

/** Add `key` to `db` holding `value` with `src`'s type, encoding and expiry. */
function placeCopy(db: Database, key: Uint8Array, src: KeyEntry, value: Value, expire: number | bigint): KeyEntry {
  const ne = db.add(key, src.type, value, src.enc);
  if (expire !== NO_EXPIRE) setExpire(db, ne, expire);
  return ne;
}

/** A DB index for COPY/MOVE/SWAPDB: the database, or null when out of range. */
function dbAt(c: CommandContext, id: number): Database | null {
  return id < 0 ? null : (c.ks.dbs[id] ?? null);
}

// =================================================================================================
// DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE, RANDOMKEY

/** DEL and UNLINK (memory is reclaimed by the GC either way, so UNLINK is DEL). */
function delCommand(c: CommandContext): void {
  const argv = c.argv;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    if (c.db.delete(key)) {
      c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
      n++;
    }
  }
  c.server.dirty += n;
  c.out.integer(n);
}

function existsCommand(c: CommandContext): void {
  const argv = c.argv;
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (c.db.lookupReadNoTouch(argv[j]!) !== null) n++;
  c.out.integer(n);
}

function typeCommand(c: CommandContext): void {
  const e = c.db.lookupReadNoTouch(c.argv[1]!);
  c.out.simple(e === null ? "none" : TYPE_NAMES[e.type]!);
}

function touchCommand(c: CommandContext): void {
  const argv = c.argv;
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (c.db.lookupRead(argv[j]!) !== null) n++;
  c.out.integer(n);
}

function dbsizeCommand(c: CommandContext): void {
  c.out.integer(c.db.size);
}

function randomkeyCommand(c: CommandContext): void {
  const e = c.db.randomKey();
  if (e === null) c.out.nullBulk();
  else c.out.bulk(e.key);
}

// =================================================================================================
// RENAME, RENAMENX, COPY, MOVE, SWAPDB

function renameGeneric(c: CommandContext, nx: boolean): void {
  const db = c.db;
  const src = c.argv[1]!;
  const dst = c.argv[2]!;
  const e = db.lookupWrite(src);
  if (e === null) fail(E.NO_SUCH_KEY);
  if (bytesEqual(src, dst)) {
    if (nx) c.out.integer(0);
    else c.out.ok();
    return;
  }
  if (db.lookupWrite(dst) !== null) {
    if (nx) {
      c.out.integer(0);
      return;
    }
    db.delete(dst);
  }
  // The value object moves: it keeps its encoding, access time and expiry.
  const ne = placeCopy(db, dst, e, e.value, expireOf(e));
  ne.lru = e.lru;
  db.delete(src);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_from", src, db.id);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_to", dst, db.id);
  c.server.dirty++;
  if (nx) c.out.integer(1);
  else c.out.ok();
}

function renameCommand(c: CommandContext): void {
  renameGeneric(c, false);
}

function renamenxCommand(c: CommandContext): void {
  renameGeneric(c, true);
}

function copyCommand(c: CommandContext): void {
  const argv = c.argv;
  let dstDb = c.db;
  let replace = false;
  let dbid = c.db.id;
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j]!;
    if (is(a, "replace")) replace = true;
    else if (is(a, "db") && j + 1 < argv.length) dbid = int32Arg(argv[++j]!);
    else fail(E.SYNTAX);
  }
  const target = dbAt(c, dbid);
  if (target === null) fail(E.INVALID_DB);
  dstDb = target;
  const src = argv[1]!;
  const dst = argv[2]!;
  if (dstDb === c.db && bytesEqual(src, dst)) fail(E.SAME_OBJECT);
  const e = c.db.lookupRead(src);
  if (e === null) {
    c.out.integer(0);
    return;
  }
  const expire = expireOf(e);
  if (dstDb.lookupWrite(dst) !== null) {
    if (!replace) {
      c.out.integer(0);
      return;
    }
    dstDb.delete(dst);
  }
  placeCopy(dstDb, dst, e, dupValue(e), expire);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "copy_to", dst, dstDb.id);
  c.server.dirty++;
  c.out.integer(1);
}

function moveCommand(c: CommandContext): void {
  const src = c.db;
  const dst = dbAt(c, int32Arg(c.argv[2]!));
  if (dst === null) fail(E.INVALID_DB);
  if (dst === src) fail(E.SAME_OBJECT);
  const key = c.argv[1]!;
  const e = src.lookupWrite(key);
  if (e === null || dst.lookupWrite(key) !== null) {
    c.out.integer(0);
    return;
  }
  const ne = placeCopy(dst, key, e, e.value, expireOf(e));
  ne.lru = e.lru;
  src.delete(key);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "move_from", key, src.id);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "move_to", key, dst.id);
  c.server.dirty++;
  c.out.integer(1);
}

function swapdbCommand(c: CommandContext): void {
  const a = int32Arg(c.argv[1]!, "ERR invalid first DB index");
  const b = int32Arg(c.argv[2]!, "ERR invalid second DB index");
  const da = dbAt(c, a);
  const db = dbAt(c, b);
  if (da === null || db === null) fail(E.INVALID_DB);
  if (a !== b) {
    c.server.signalDbChanged(a, b);
    c.ks.swap(a, b);
  }
  c.server.dirty++;
  c.out.ok();
}

// =================================================================================================
// FLUSHDB, FLUSHALL

/** The optional ASYNC|SYNC argument (both free memory the same way here: the GC does it). */
function parseFlushMode(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length > 2) fail(E.SYNTAX);
  if (argv.length === 2 && !is(argv[1]!, "sync") && !is(argv[1]!, "async")) fail(E.SYNTAX);
}

function flushdbCommand(c: CommandContext): void {
  parseFlushMode(c);
  c.server.signalDbChanged(c.db.id);
  c.server.dirty += c.db.flush();
  // Replicas and the AOF get the FLUSHDB even when the database was already empty.
  c.forcePropagation = true;
  c.out.ok();
}

function flushallCommand(c: CommandContext): void {
  parseFlushMode(c);
  c.server.signalDbChanged(-1);
  let n = 0;
  for (const db of c.ks.dbs) n += db.flush();
  c.server.dirty += n + 1;
  c.out.ok();
}

// =================================================================================================
// KEYS, SCAN

function keysCommand(c: CommandContext): void {
  const db = c.db;
  const pat = c.argv[1]!;
  // A lone `*` takes every key, including the empty one that the matcher itself rejects.
  const all = pat.length === 1 && pat[0] === 0x2a;
  const glob = all ? null : new GlobPattern(pat);
  const out: Uint8Array[] = [];
  const now = c.ks.now;
  db.dict.forEach((e) => {
    if (glob !== null && !glob.match(e.key)) return;
    // Expired keys are skipped, not deleted (KEYS iterates; it must not change the table).
    if (e.expireAt !== NO_EXPIRE && e.expireAt <= now) return;
    out.push(e.key);
  });
  c.out.bulkArray(out);
}

/**
 * SCAN's cursor as Redis's strtoul-based parser reads it: optional sign, decimal digits, up to
 * 2^64-1 (a '-' wraps modulo 2^64), nothing else; "" is 0; bytes after a NUL are ignored. Returns
 * the low 32 bits (all our tables use) or -1 when invalid.
 */
export function parseScanCursor(b: Uint8Array): number {
  let end = b.indexOf(0);
  if (end < 0) end = b.length;
  if (end === 0) return 0;
  let i = 0;
  let neg = false;
  if (b[0] === 0x2b || b[0] === 0x2d) {
    neg = b[0] === 0x2d;
    i = 1;
  }
  if (i === end) return -1;
  let v = 0n;
  let small = 0;
  const fast = end - i <= 15;
  for (let k = i; k < end; k++) {
    const d = b[k]! - 48;
    if (d < 0 || d > 9) return -1;
    if (fast) small = small * 10 + d;
    else v = v * 10n + BigInt(d);
  }
  if (fast) v = BigInt(small);
  if (v > 0xffffffffffffffffn) return -1;
  return Number(BigInt.asUintN(32, neg ? -v : v));
}

function scanCommand(c: CommandContext): void {
  const argv = c.argv;
  const cursor = parseScanCursor(argv[1]!);
  if (cursor < 0) fail("ERR invalid cursor");
  let count = 10;
  let pattern: Uint8Array | null = null;
  let typeName: string | null = null;
  for (let j = 2; j < argv.length; j += 2) {
    const a = argv[j]!;
    if (j + 1 >= argv.length) fail(E.SYNTAX);
    const v = argv[j + 1]!;
    if (is(a, "count")) {
      count = intArg(v);
      if (count < 1) fail(E.SYNTAX);
    } else if (is(a, "match")) {
      pattern = v;
    } else if (is(a, "type")) {
      typeName = cArg(v).toLowerCase();
    } else fail(E.SYNTAX);
  }
  const db = c.db;
  // Collect whole buckets until COUNT keys or 10×COUNT steps, then filter (Redis's order:
  // pattern, then expiry, which deletes, then type).
  const found: Uint8Array[] = [];
  let next = cursor;
  let steps = count * 10;
  const collect = (e: KeyEntry) => {
    found.push(e.key);
  };
  do {
    next = db.dict.scan(next, collect);
  } while (next !== 0 && steps-- > 0 && found.length < count);
  const glob = pattern === null || (pattern.length === 1 && pattern[0] === 0x2a) ? null : new GlobPattern(pattern);
  const keys: Uint8Array[] = [];
  for (const key of found) {
    if (glob !== null && !glob.match(key)) continue;
    const e = db.lookup(key);
    if (e === null) continue;
    if (typeName !== null) {
      c.ks.stats.hits++; // Redis reads the type with a (no-touch) read lookup: a hit
      if (TYPE_NAMES[e.type] !== typeName) continue;
    }
    keys.push(key);
  }
  c.out.arrayLen(2);
  c.out.bulkInt(next);
  c.out.bulkArray(keys);
}

// =================================================================================================
// OBJECT

const OBJECT_HELP = [
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
];

const POLICY_NOTE = "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

function objectHelpCommand(c: CommandContext): void {
  replyHelp(c, "OBJECT", OBJECT_HELP);
}

function objectEncodingCommand(c: CommandContext): void {
  const e = c.db.lookupReadNoTouch(c.argv[2]!);
  if (e === null) c.out.nullBulk();
  else c.out.bulkString(encodingName(e));
}

function objectFreqCommand(c: CommandContext): void {
  const e = c.db.lookupReadNoTouch(c.argv[2]!);
  if (e === null) return c.out.nullBulk();
  if (!c.ks.lfu) fail(`ERR An LFU maxmemory policy is not selected, access frequency not tracked. ${POLICY_NOTE}`);
  c.out.integer(c.ks.lfuDecayed(e));
}

function objectIdletimeCommand(c: CommandContext): void {
  const e = c.db.lookupReadNoTouch(c.argv[2]!);
  if (e === null) return c.out.nullBulk();
  if (c.ks.lfu) fail(`ERR An LFU maxmemory policy is selected, idle time not tracked. ${POLICY_NOTE}`);
  c.out.integer(c.ks.idleSeconds(e));
}

function objectRefcountCommand(c: CommandContext): void {
  const e = c.db.lookupReadNoTouch(c.argv[2]!);
  if (e === null) return c.out.nullBulk();
  // Redis's shared integers report OBJ_SHARED_REFCOUNT (INT_MAX); every other value is 1 here.
  c.out.integer(isSharedInteger(c, e) ? 2147483647 : 1);
}

function objectCommand(): void {
  // Only reached without a subcommand, which arity already rejects.
}

// =================================================================================================
// EXPIRE family, TTL family, PERSIST

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

function parseExpireFlags(argv: Uint8Array[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j]!;
    if (is(a, "nx")) flags |= EXPIRE_NX;
    else if (is(a, "xx")) flags |= EXPIRE_XX;
    else if (is(a, "gt")) flags |= EXPIRE_GT;
    else if (is(a, "lt")) flags |= EXPIRE_LT;
    else fail(`ERR Unsupported option ${cArg(a)}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    fail("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) fail("ERR GT and LT options at the same time are not compatible");
  return flags;
}

/** |n| below this stays exact through ×1000 and + now as a double. */
const EXPIRE_FAST_LIMIT = 2 ** 40;

/**
 * The absolute expiry in ms for EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT's argument, with Redis's
 * overflow checks (seconds × 1000 and relative + now must fit a signed 64-bit integer).
 */
function expireTimeArg(c: CommandContext, relative: boolean, seconds: boolean): number | bigint {
  const arg = c.argv[2]!;
  const n = intArg(arg);
  const now = c.ks.now;
  if (Math.abs(n) < EXPIRE_FAST_LIMIT) return (seconds ? n * 1000 : n) + (relative ? now : 0);
  let when = bigIntArg(arg);
  const invalid = E.INVALID_EXPIRE(c.cmdName);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) fail(invalid);
    when *= 1000n;
  }
  if (relative) {
    if (when > INT64_MAX - BigInt(now)) fail(invalid);
    when += BigInt(now);
  }
  return Number.isSafeInteger(Number(when)) ? Number(when) : when;
}

function expireGeneric(c: CommandContext, relative: boolean, seconds: boolean): void {
  const argv = c.argv;
  const flags = parseExpireFlags(argv);
  const when = expireTimeArg(c, relative, seconds);
  const db = c.db;
  const key = argv[1]!;
  const e = db.lookupWrite(key);
  if (e === null) return c.out.integer(0);
  if (flags !== 0) {
    const cur = expireOf(e);
    const has = cur !== NO_EXPIRE;
    // A key without expiry counts as an infinite TTL for GT and LT.
    if ((flags & EXPIRE_NX && has) || (flags & EXPIRE_XX && !has) || (flags & EXPIRE_GT && (!has || when <= cur)) || (flags & EXPIRE_LT && has && when >= cur)) {
      return c.out.integer(0);
    }
  }
  if (when <= c.ks.now && !c.ks.replica) {
    // Already expired: delete now, and tell replicas and the AOF a plain DEL.
    db.delete(key);
    c.propArgv = [DEL, key];
    c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, db.id);
    c.server.dirty++;
    return c.out.integer(1);
  }
  setExpire(db, e, when);
  const prop = argv.slice();
  prop[0] = PEXPIREAT;
  prop[2] = asciiBytes(String(when));
  c.propArgv = prop;
  signalModified(c, db, e.key);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", key, db.id);
  c.server.dirty++;
  c.out.integer(1);
}

function expireCommand(c: CommandContext): void {
  expireGeneric(c, true, true);
}

function pexpireCommand(c: CommandContext): void {
  expireGeneric(c, true, false);
}

function expireatCommand(c: CommandContext): void {
  expireGeneric(c, false, true);
}

function pexpireatCommand(c: CommandContext): void {
  expireGeneric(c, false, false);
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing, -1 no expiry; seconds round half up. */
function ttlGeneric(c: CommandContext, ms: boolean, absolute: boolean): void {
  const e = c.db.lookupReadNoTouch(c.argv[1]!);
  if (e === null) return c.out.integer(-2);
  const at = expireOf(e);
  if (at === NO_EXPIRE) return c.out.integer(-1);
  if (typeof at === "bigint") {
    let t = absolute ? at : at - BigInt(c.ks.now);
    if (t < 0n) t = 0n;
    return c.out.integer(ms ? t : (t + 500n) / 1000n);
  }
  let t = absolute ? at : at - c.ks.now;
  if (t < 0) t = 0;
  c.out.integer(ms ? t : Math.floor((t + 500) / 1000));
}

function ttlCommand(c: CommandContext): void {
  ttlGeneric(c, false, false);
}

function pttlCommand(c: CommandContext): void {
  ttlGeneric(c, true, false);
}

function expiretimeCommand(c: CommandContext): void {
  ttlGeneric(c, false, true);
}

function pexpiretimeCommand(c: CommandContext): void {
  ttlGeneric(c, true, true);
}

function persistCommand(c: CommandContext): void {
  const db = c.db;
  const e = db.lookupWrite(c.argv[1]!);
  if (e === null || !db.removeExpire(e)) return c.out.integer(0);
  signalModified(c, db, e.key);
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "persist", e.key, db.id);
  c.server.dirty++;
  c.out.integer(1);
}

// =================================================================================================
// Table

const KS = { acl: "@keyspace" };
const KS_DANGER = { acl: "@keyspace @dangerous" };

export const genericFamily: CommandFamily = {
  group: "generic",
  commands: [
    ["del",         -2, "write",                 [1, -1, 1], delCommand, KS],
    ["unlink",      -2, "write fast",            [1, -1, 1], delCommand, KS],
    ["exists",      -2, "readonly fast",         [1, -1, 1], existsCommand, KS],
    ["type",         2, "readonly fast",         [1, 1, 1],  typeCommand, KS],
    ["touch",       -2, "readonly fast",         [1, -1, 1], touchCommand, KS],
    ["rename",       3, "write",                 [1, 2, 1],  renameCommand, KS],
    ["renamenx",     3, "write fast",            [1, 2, 1],  renamenxCommand, KS],
    ["copy",        -3, "write denyoom",         [1, 2, 1],  copyCommand, KS],
    ["move",         3, "write fast",            [1, 1, 1],  moveCommand, KS],
    ["swapdb",       3, "write fast",            [0, 0, 0],  swapdbCommand, KS_DANGER],
    ["dbsize",       1, "readonly fast",         [0, 0, 0],  dbsizeCommand, KS],
    ["flushdb",     -1, "write",                 [0, 0, 0],  flushdbCommand, KS_DANGER],
    ["flushall",    -1, "write",                 [0, 0, 0],  flushallCommand, KS_DANGER],
    ["randomkey",    1, "readonly",              [0, 0, 0],  randomkeyCommand, KS],
    ["keys",         2, "readonly",              [0, 0, 0],  keysCommand, KS_DANGER],
    ["scan",        -2, "readonly",              [0, 0, 0],  scanCommand, KS],
    ["expire",      -3, "write fast",            [1, 1, 1],  expireCommand, KS],
    ["pexpire",     -3, "write fast",            [1, 1, 1],  pexpireCommand, KS],
    ["expireat",    -3, "write fast",            [1, 1, 1],  expireatCommand, KS],
    ["pexpireat",   -3, "write fast",            [1, 1, 1],  pexpireatCommand, KS],
    ["ttl",          2, "readonly fast",         [1, 1, 1],  ttlCommand, KS],
    ["pttl",         2, "readonly fast",         [1, 1, 1],  pttlCommand, KS],
    ["expiretime",   2, "readonly fast",         [1, 1, 1],  expiretimeCommand, KS],
    ["pexpiretime",  2, "readonly fast",         [1, 1, 1],  pexpiretimeCommand, KS],
    ["persist",      2, "write fast",            [1, 1, 1],  persistCommand, KS],
    ["object",      -2, "",                      [0, 0, 0],  objectCommand, {
      subcommands: [
        ["help",      2, "loading stale",        [0, 0, 0],  objectHelpCommand, KS],
        ["encoding",  3, "readonly",             [2, 2, 1],  objectEncodingCommand, KS],
        ["freq",      3, "readonly",             [2, 2, 1],  objectFreqCommand, KS],
        ["idletime",  3, "readonly",             [2, 2, 1],  objectIdletimeCommand, KS],
        ["refcount",  3, "readonly",             [2, 2, 1],  objectRefcountCommand, KS],
      ],
    }],
  ],
};
