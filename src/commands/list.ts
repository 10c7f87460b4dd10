/**
 * List commands (group "list"). Values are ListValue (a quicklist of packed chunks); Redis 7.0
 * reports every list as `quicklist`. Blocking variants (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP)
 * park the client through `c.server.blocking` when nothing can be popped, and are served later
 * by the same pop code; served and immediate pops propagate as their non-blocking form.
 */
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_GENERIC, NOTIFY_LIST } from "../store/notify.ts";
import { WRONGTYPE } from "../store/database.ts";
import { ListValue } from "../store/types/list.ts";
import { OBJ_LIST } from "../store/value.ts";
import { asciiBytes, parseInt64 } from "../util/numbers.ts";
import { bigIntArg, intArg, is } from "./args.ts";
import { BLOCKED_LIST, SERVED, STOP, timeoutArg, type ServeResult } from "./blocking-args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily, KeyFinder } from "./spec.ts";

const LEFT = 0;
const RIGHT = 1;
type Where = typeof LEFT | typeof RIGHT;

const B_LPOP = asciiBytes("LPOP");
const B_RPOP = asciiBytes("RPOP");
const B_LMOVE = asciiBytes("LMOVE");
const B_RPOPLPUSH = asciiBytes("RPOPLPUSH");
// Redis propagates a served BLMOVE with its shared lowercase "left"/"right" objects.
const B_LEFT = asciiBytes("left");
const B_RIGHT = asciiBytes("right");

const E_POSITIVE = "ERR value is out of range, must be positive";
const E_NUMKEYS = "ERR numkeys should be greater than 0";
const E_COUNT = "ERR count should be greater than 0";

// ---------------------------------------------------------------------------------------------
// Helpers

function whereArg(arg: Uint8Array): Where {
  if (is(arg, "left")) return LEFT;
  if (is(arg, "right")) return RIGHT;
  fail(E.SYNTAX);
}

/** Redis's getPositiveLongFromObjectOrReply: any invalid or negative value gives one message. */
function positiveArg(arg: Uint8Array, msg = E_POSITIVE): number {
  const n = parseInt64(arg);
  if (Number.isNaN(n) || n < 0) fail(msg);
  return n;
}

/** A list to write, null when missing; throws WRONGTYPE. */
function writeList(c: CommandContext, key: Uint8Array): ListValue | null {
  const v = c.db.writeTyped<ListValue>(key, OBJ_LIST);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

/** A list to read, null when missing; throws WRONGTYPE. */
function readList(c: CommandContext, key: Uint8Array): ListValue | null {
  const v = c.db.readTyped<ListValue>(key, OBJ_LIST);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

function newList(c: CommandContext): ListValue {
  return new ListValue(c.server.config.getInt("list-max-listpack-size"));
}

/** Signal WATCH and friends that key's value changed in place. */
function touched(c: CommandContext, key: Uint8Array): void {
  c.ks.hooks.keyModified(c.db, key);
}

/** After removing elements: delete the key when the list became empty (with the "del" event). */
function deleteIfEmpty(c: CommandContext, key: Uint8Array, l: ListValue): void {
  if (l.length === 0 && c.db.deleteIfEmpty(key, l)) {
    c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
  }
}

function pop(l: ListValue, where: Where): Uint8Array | null {
  return where === LEFT ? l.popFront() : l.popBack();
}

function push(l: ListValue, where: Where, v: Uint8Array): void {
  if (where === LEFT) l.pushFront(v);
  else l.pushBack(v);
}

/** Redis's LRANGE/LTRIM index normalization; returns [start, end] or null when empty. */
function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

// ---------------------------------------------------------------------------------------------
// Push

function pushGeneric(c: CommandContext, where: Where, xx: boolean): void {
  const key = c.argv[1]!;
  let l = writeList(c, key);
  if (l === null) {
    if (xx) {
      c.out.integer(0);
      return;
    }
    l = newList(c);
    c.db.add(key, OBJ_LIST, l);
  } else {
    touched(c, key);
  }
  const argv = c.argv;
  for (let i = 2; i < argv.length; i++) push(l, where, argv[i]!);
  c.out.integer(l.length);
  c.server.dirty += argv.length - 2;
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, where === LEFT ? "lpush" : "rpush", key, c.db.id);
}

function lpushCommand(c: CommandContext): void {
  pushGeneric(c, LEFT, false);
}
function rpushCommand(c: CommandContext): void {
  pushGeneric(c, RIGHT, false);
}
function lpushxCommand(c: CommandContext): void {
  pushGeneric(c, LEFT, true);
}
function rpushxCommand(c: CommandContext): void {
  pushGeneric(c, RIGHT, true);
}

// ---------------------------------------------------------------------------------------------
// Pop

/** Pop up to count elements as an array reply (LPOP key count, LMPOP's inner array). */
function popRangeReply(c: CommandContext, l: ListValue, where: Where, count: number): number {
  const n = Math.min(count, l.length);
  c.out.arrayLen(n);
  for (let i = 0; i < n; i++) c.out.bulk(pop(l, where)!);
  return n;
}

function popGeneric(c: CommandContext, where: Where): void {
  const argv = c.argv;
  if (argv.length > 3) fail(E.wrongArgs(where === LEFT ? "lpop" : "rpop"));
  const hasCount = argv.length === 3;
  const count = hasCount ? positiveArg(argv[2]!) : 1;
  const key = argv[1]!;
  const l = writeList(c, key);
  if (l === null) {
    if (hasCount) c.out.nullArray();
    else c.out.nullBulk();
    return;
  }
  if (hasCount && count === 0) {
    // Redis replies an empty array and changes nothing.
    c.out.emptyArray();
    return;
  }
  const event = where === LEFT ? "lpop" : "rpop";
  if (hasCount) {
    popRangeReply(c, l, where, count);
  } else {
    c.out.bulk(pop(l, where)!);
  }
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, event, key, c.db.id);
  touched(c, key);
  deleteIfEmpty(c, key, l);
  c.server.dirty++;
}

function lpopCommand(c: CommandContext): void {
  popGeneric(c, LEFT);
}
function rpopCommand(c: CommandContext): void {
  popGeneric(c, RIGHT);
}

// ---------------------------------------------------------------------------------------------
// Read

function llenCommand(c: CommandContext): void {
  const l = readList(c, c.argv[1]!);
  c.out.integer(l === null ? 0 : l.length);
}

function lrangeCommand(c: CommandContext): void {
  const start = intArg(c.argv[2]!);
  const end = intArg(c.argv[3]!);
  const l = readList(c, c.argv[1]!);
  if (l === null) {
    c.out.emptyArray();
    return;
  }
  const r = clampRange(start, end, l.length);
  if (r === null) {
    c.out.emptyArray();
    return;
  }
  const [s, e] = r;
  const out = c.out;
  out.arrayLen(e - s + 1);
  l.forEachFrom(s, (buf, off, len, i) => {
    out.bulkRange(buf, off, len);
    return i < e;
  });
}

function lindexCommand(c: CommandContext): void {
  const l = readList(c, c.argv[1]!);
  if (l === null) {
    c.out.nullBulk();
    return;
  }
  const idx = intArg(c.argv[2]!);
  const v = l.get(idx);
  if (v === null) c.out.nullBulk();
  else c.out.bulk(v);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lposCommand(c: CommandContext): void {
  const argv = c.argv;
  const ele = argv[2]!;
  let rank = 1;
  let rankMin = false;
  let count = -1; // -1: no COUNT given
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j + 1 < argv.length;
    if (is(opt, "rank") && more) {
      const big = bigIntArg(argv[++j]!);
      // rank = LLONG_MIN cannot be negated in Redis either: "matches >= rank" then holds at once.
      rankMin = big === -(2n ** 63n);
      rank = Number(big);
      if (rank === 0) {
        fail("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      }
    } else if (is(opt, "count") && more) {
      count = positiveArg(argv[++j]!, "ERR COUNT can't be negative");
    } else if (is(opt, "maxlen") && more) {
      maxlen = positiveArg(argv[++j]!, "ERR MAXLEN can't be negative");
    } else {
      fail(E.SYNTAX);
    }
  }
  const l = readList(c, argv[1]!);
  if (l === null) {
    if (count >= 0) c.out.emptyArray();
    else c.out.nullBulk();
    return;
  }
  const fromTail = rank < 0;
  const skip = rankMin ? 0 : Math.abs(rank) - 1;
  const want = count < 0 ? 1 : count === 0 ? Number.MAX_SAFE_INTEGER : count;
  const found: number[] = [];
  let seen = 0;
  let matches = 0;
  const visit = (buf: Uint8Array, off: number, len: number, i: number): boolean => {
    if (maxlen !== 0 && seen >= maxlen) return false;
    seen++;
    if (len === ele.length) {
      let eq = true;
      for (let k = 0; k < len; k++) {
        if (buf[off + k] !== ele[k]) {
          eq = false;
          break;
        }
      }
      if (eq && ++matches > skip) {
        found.push(i);
        if (found.length >= want) return false;
      }
    }
    return true;
  };
  if (fromTail) l.forEachBackFrom(l.length - 1, visit);
  else l.forEachFrom(0, visit);
  if (count < 0) {
    if (found.length === 0) c.out.nullBulk();
    else c.out.integer(found[0]!);
    return;
  }
  c.out.arrayLen(found.length);
  for (const i of found) c.out.integer(i);
}

// ---------------------------------------------------------------------------------------------
// Modify in place

function lsetCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const l = writeList(c, key);
  if (l === null) fail(E.NO_SUCH_KEY);
  const idx = intArg(c.argv[2]!);
  if (!l.set(idx, c.argv[3]!)) fail(E.OUT_OF_RANGE);
  c.out.ok();
  touched(c, key);
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, "lset", key, c.db.id);
  c.server.dirty++;
}

function linsertCommand(c: CommandContext): void {
  const argv = c.argv;
  let after: boolean;
  if (is(argv[2]!, "after")) after = true;
  else if (is(argv[2]!, "before")) after = false;
  else fail(E.SYNTAX);
  const key = argv[1]!;
  const l = writeList(c, key);
  if (l === null) {
    c.out.integer(0);
    return;
  }
  const at = l.indexOf(argv[3]!);
  if (at < 0) {
    c.out.integer(-1);
    return;
  }
  l.insertAt(after ? at + 1 : at, argv[4]!);
  touched(c, key);
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, "linsert", key, c.db.id);
  c.server.dirty++;
  c.out.integer(l.length);
}

function lremCommand(c: CommandContext): void {
  const count = intArg(c.argv[2]!);
  const key = c.argv[1]!;
  const l = writeList(c, key);
  if (l === null) {
    c.out.integer(0);
    return;
  }
  const removed = l.removeValue(c.argv[3]!, count);
  if (removed > 0) {
    touched(c, key);
    c.server.notifyKeyspaceEvent(NOTIFY_LIST, "lrem", key, c.db.id);
    deleteIfEmpty(c, key, l);
    c.server.dirty += removed;
  }
  c.out.integer(removed);
}

function ltrimCommand(c: CommandContext): void {
  const start = intArg(c.argv[2]!);
  const end = intArg(c.argv[3]!);
  const key = c.argv[1]!;
  const l = writeList(c, key);
  if (l === null) {
    c.out.ok();
    return;
  }
  const len = l.length;
  const r = clampRange(start, end, len);
  if (r === null) l.clear();
  else l.trim(r[0], r[1]);
  const removed = len - l.length;
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, "ltrim", key, c.db.id);
  touched(c, key);
  deleteIfEmpty(c, key, l);
  c.server.dirty += removed;
  c.out.ok();
}

// ---------------------------------------------------------------------------------------------
// Moves

/**
 * Pop from src and push to dst, replying with the element. The caller checked that src holds a
 * non-empty list and that dst is missing or a list. Emits Redis's events in its order.
 */
function moveElement(c: CommandContext, srcKey: Uint8Array, src: ListValue, dstKey: Uint8Array, from: Where, to: Where): void {
  const v = pop(src, from)!;
  let dst = c.db.lookupWrite(dstKey)?.value as ListValue | undefined;
  if (dst === undefined) {
    dst = newList(c);
    c.db.add(dstKey, OBJ_LIST, dst);
  } else {
    touched(c, dstKey);
  }
  push(dst, to, v);
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, to === LEFT ? "lpush" : "rpush", dstKey, c.db.id);
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, from === LEFT ? "lpop" : "rpop", srcKey, c.db.id);
  touched(c, srcKey);
  deleteIfEmpty(c, srcKey, src);
  c.server.dirty++;
  c.out.bulk(v);
}

/** Throws WRONGTYPE when dst exists and is not a list. */
function checkDst(c: CommandContext, dstKey: Uint8Array): void {
  const e = c.db.lookupWrite(dstKey);
  if (e !== null && e.type !== OBJ_LIST) fail(E.WRONGTYPE);
}

function lmoveGeneric(c: CommandContext, srcKey: Uint8Array, dstKey: Uint8Array, from: Where, to: Where): void {
  const src = writeList(c, srcKey);
  if (src === null) {
    c.out.nullBulk();
    return;
  }
  checkDst(c, dstKey);
  moveElement(c, srcKey, src, dstKey, from, to);
}

function lmoveCommand(c: CommandContext): void {
  const from = whereArg(c.argv[3]!);
  const to = whereArg(c.argv[4]!);
  lmoveGeneric(c, c.argv[1]!, c.argv[2]!, from, to);
}

function rpoplpushCommand(c: CommandContext): void {
  lmoveGeneric(c, c.argv[1]!, c.argv[2]!, RIGHT, LEFT);
}

// ---------------------------------------------------------------------------------------------
// LMPOP

interface MpopArgs {
  keysFrom: number;
  numkeys: number;
  where: Where;
  count: number;
  hasCount: boolean;
}

/** Parse `numkeys key... LEFT|RIGHT [COUNT n]` starting at argv[at]. */
function parseMpop(argv: readonly Uint8Array[], at: number): MpopArgs {
  const n = parseInt64(argv[at]!);
  if (Number.isNaN(n) || n <= 0) fail(E_NUMKEYS);
  const keysFrom = at + 1;
  const whereIdx = keysFrom + n;
  if (whereIdx >= argv.length) fail(E.SYNTAX);
  const where = whereArg(argv[whereIdx]!);
  let count = 1;
  let hasCount = false;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (is(argv[j]!, "count") && j + 1 < argv.length && !hasCount) {
      const v = parseInt64(argv[++j]!);
      if (Number.isNaN(v) || v <= 0) fail(E_COUNT);
      count = v;
      hasCount = true;
    } else {
      fail(E.SYNTAX);
    }
  }
  return { keysFrom, numkeys: n, where, count, hasCount };
}

/** Pop up to count from l and reply `[key, [elements]]`; events, deletion. Returns how many. */
function mpopServe(c: CommandContext, key: Uint8Array, l: ListValue, where: Where, count: number): number {
  c.out.arrayLen(2);
  c.out.bulk(key);
  const n = popRangeReply(c, l, where, count);
  c.server.notifyKeyspaceEvent(NOTIFY_LIST, where === LEFT ? "lpop" : "rpop", key, c.db.id);
  touched(c, key);
  deleteIfEmpty(c, key, l);
  c.server.dirty++;
  return n;
}

/** LMPOP/BLMPOP propagate as LPOP/RPOP with the number actually popped, as Redis does. */
function mpopArgv(key: Uint8Array, where: Where, count: number): Uint8Array[] {
  return [where === LEFT ? B_LPOP : B_RPOP, key, asciiBytes(String(count))];
}

function lmpopCommand(c: CommandContext): void {
  const a = parseMpop(c.argv, 1);
  for (let i = 0; i < a.numkeys; i++) {
    const key = c.argv[a.keysFrom + i]!;
    const l = writeList(c, key);
    if (l === null) continue;
    c.propArgv = mpopArgv(key, a.where, mpopServe(c, key, l, a.where, a.count));
    return;
  }
  c.out.nullArray();
}

// ---------------------------------------------------------------------------------------------
// Blocking

/** Serve a blocked pop (BLPOP/BRPOP: count 0 → `[key, element]`; BLMPOP: `[key, [...]]`). */
function servePop(where: Where, count: number): (c: CommandContext, key: Uint8Array) => ServeResult {
  return (c, key) => {
    const e = c.db.lookupWrite(key);
    if (e === null || e.type !== OBJ_LIST) return STOP;
    const l = e.value as ListValue;
    if (l.length === 0) return STOP;
    if (count === 0) {
      c.out.arrayLen(2);
      c.out.bulk(key);
      c.out.bulk(pop(l, where)!);
      c.server.notifyKeyspaceEvent(NOTIFY_LIST, where === LEFT ? "lpop" : "rpop", key, c.db.id);
      touched(c, key);
      deleteIfEmpty(c, key, l);
      c.server.dirty++;
      c.server.propagate(c.db.id, [where === LEFT ? B_LPOP : B_RPOP, key]);
    } else {
      c.server.propagate(c.db.id, mpopArgv(key, where, mpopServe(c, key, l, where, count)));
    }
    return SERVED;
  };
}

function blockingPopGeneric(c: CommandContext, where: Where): void {
  const argv = c.argv;
  const deadline = timeoutArg(argv[argv.length - 1]!, c.ks.now);
  const last = argv.length - 1;
  for (let i = 1; i < last; i++) {
    const key = argv[i]!;
    const l = writeList(c, key);
    if (l === null) continue;
    c.out.arrayLen(2);
    c.out.bulk(key);
    c.out.bulk(pop(l, where)!);
    c.server.notifyKeyspaceEvent(NOTIFY_LIST, where === LEFT ? "lpop" : "rpop", key, c.db.id);
    touched(c, key);
    deleteIfEmpty(c, key, l);
    c.server.dirty++;
    c.propArgv = [where === LEFT ? B_LPOP : B_RPOP, key];
    return;
  }
  if (!c.server.blocking.canBlock(c)) {
    c.out.nullArray();
    return;
  }
  const keys: Uint8Array[] = [];
  for (let i = 1; i < last; i++) keys.push(argv[i]!.slice());
  c.server.blocking.block(c, keys, deadline, BLOCKED_LIST, servePop(where, 0));
}

function blpopCommand(c: CommandContext): void {
  blockingPopGeneric(c, LEFT);
}
function brpopCommand(c: CommandContext): void {
  blockingPopGeneric(c, RIGHT);
}

function blmpopCommand(c: CommandContext): void {
  const a = parseMpop(c.argv, 2);
  const deadline = timeoutArg(c.argv[1]!, c.ks.now);
  for (let i = 0; i < a.numkeys; i++) {
    const key = c.argv[a.keysFrom + i]!;
    const l = writeList(c, key);
    if (l === null) continue;
    c.propArgv = mpopArgv(key, a.where, mpopServe(c, key, l, a.where, a.count));
    return;
  }
  if (!c.server.blocking.canBlock(c)) {
    c.out.nullArray();
    return;
  }
  const keys: Uint8Array[] = [];
  for (let i = 0; i < a.numkeys; i++) keys.push(c.argv[a.keysFrom + i]!.slice());
  c.server.blocking.block(c, keys, deadline, BLOCKED_LIST, servePop(a.where, a.count));
}

function serveMove(dstKey: Uint8Array, from: Where, to: Where, rpoplpush: boolean): (c: CommandContext, key: Uint8Array) => ServeResult {
  return (c, srcKey) => {
    const e = c.db.lookupWrite(srcKey);
    if (e === null || e.type !== OBJ_LIST) return STOP;
    const src = e.value as ListValue;
    if (src.length === 0) return STOP;
    // A destination of another type: the client gets WRONGTYPE, the element stays (Redis 7.0).
    checkDst(c, dstKey);
    moveElement(c, srcKey, src, dstKey, from, to);
    c.server.propagate(c.db.id, rpoplpush ? [B_RPOPLPUSH, srcKey, dstKey] : [B_LMOVE, srcKey, dstKey, from === LEFT ? B_LEFT : B_RIGHT, to === LEFT ? B_LEFT : B_RIGHT]);
    return SERVED;
  };
}

function blockingMoveGeneric(c: CommandContext, from: Where, to: Where, timeoutIdx: number, rpoplpush: boolean): void {
  const deadline = timeoutArg(c.argv[timeoutIdx]!, c.ks.now);
  const srcKey = c.argv[1]!;
  const dstKey = c.argv[2]!;
  const src = writeList(c, srcKey);
  if (src !== null) {
    checkDst(c, dstKey);
    moveElement(c, srcKey, src, dstKey, from, to);
    // Served at once: BLMOVE keeps the directions as the client typed them.
    c.propArgv = rpoplpush ? [B_RPOPLPUSH, srcKey, dstKey] : [B_LMOVE, srcKey, dstKey, c.argv[3]!, c.argv[4]!];
    return;
  }
  if (!c.server.blocking.canBlock(c)) {
    c.out.nullBulk();
    return;
  }
  c.server.blocking.block(c, [srcKey.slice()], deadline, BLOCKED_LIST, serveMove(dstKey.slice(), from, to, rpoplpush));
}

function blmoveCommand(c: CommandContext): void {
  const from = whereArg(c.argv[3]!);
  const to = whereArg(c.argv[4]!);
  blockingMoveGeneric(c, from, to, 5, false);
}

function brpoplpushCommand(c: CommandContext): void {
  blockingMoveGeneric(c, RIGHT, LEFT, 3, true);
}

// ---------------------------------------------------------------------------------------------
// Key finders for numkeys commands

/** LMPOP numkeys key...: keys at 2..2+numkeys. */
const lmpopKeys: KeyFinder = (argv) => numkeysFinder(argv, 1);
/** BLMPOP timeout numkeys key...: keys at 3..3+numkeys. */
const blmpopKeys: KeyFinder = (argv) => numkeysFinder(argv, 2);

function numkeysFinder(argv: readonly Uint8Array[], at: number): number[] {
  const n = argv[at] === undefined ? NaN : parseInt64(argv[at]!);
  if (Number.isNaN(n) || n <= 0 || at + n >= argv.length) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(at + 1 + i);
  return out;
}

export const listFamily: CommandFamily = {
  group: "list",
  commands: [
    ["lpush",      -3, "write denyoom fast",     [1, 1, 1],  lpushCommand],
    ["rpush",      -3, "write denyoom fast",     [1, 1, 1],  rpushCommand],
    ["lpushx",     -3, "write denyoom fast",     [1, 1, 1],  lpushxCommand],
    ["rpushx",     -3, "write denyoom fast",     [1, 1, 1],  rpushxCommand],
    ["lpop",       -2, "write fast",             [1, 1, 1],  lpopCommand],
    ["rpop",       -2, "write fast",             [1, 1, 1],  rpopCommand],
    ["llen",        2, "readonly fast",          [1, 1, 1],  llenCommand],
    ["lrange",      4, "readonly",               [1, 1, 1],  lrangeCommand],
    ["lindex",      3, "readonly",               [1, 1, 1],  lindexCommand],
    ["lset",        4, "write denyoom",          [1, 1, 1],  lsetCommand],
    ["linsert",     5, "write denyoom",          [1, 1, 1],  linsertCommand],
    ["lrem",        4, "write",                  [1, 1, 1],  lremCommand],
    ["ltrim",       4, "write",                  [1, 1, 1],  ltrimCommand],
    ["lpos",       -3, "readonly",               [1, 1, 1],  lposCommand],
    ["lmove",       5, "write denyoom",          [1, 2, 1],  lmoveCommand],
    ["rpoplpush",   3, "write denyoom",          [1, 2, 1],  rpoplpushCommand],
    ["lmpop",      -4, "write",                  [0, 0, 0],  lmpopCommand, { keyFinder: lmpopKeys }],
    ["blpop",      -3, "write noscript blocking", [1, -2, 1], blpopCommand],
    ["brpop",      -3, "write noscript blocking", [1, -2, 1], brpopCommand],
    ["blmove",      6, "write denyoom noscript blocking", [1, 2, 1], blmoveCommand],
    ["brpoplpush",  4, "write denyoom noscript blocking", [1, 2, 1], brpoplpushCommand],
    ["blmpop",     -5, "write blocking",         [0, 0, 0],  blmpopCommand, { keyFinder: blmpopKeys }],
  ],
};
