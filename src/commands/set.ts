/**
 * Set commands (group "set"). Values are SetValue (store/types/set.ts): `intset` while every
 * member is a canonical integer and the set is small, `hashtable` otherwise (Redis 7.0 has no
 * listpack sets). Store commands build their result starting from an intset, as Redis 7.0 does,
 * so an all-integer result is an intset whatever its sources were.
 *
 * Replies: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply RESP3 sets; SRANDMEMBER
 * with a count replies an array. Intset order is ascending (same as Redis); hashtable order is
 * our table's own (see docs/compatibility.md).
 *
 * Propagation: SPOP is random, so it propagates as SREM of the popped members, or DEL when it
 * emptied the set with a count.
 */
import { E, fail } from "../protocol/errors.ts";
import { WRONGTYPE } from "../store/database.ts";
import { SetValue } from "../store/types/set.ts";
import { OBJ_SET } from "../store/value.ts";
import { bigIntArg, intArg, is } from "./args.ts";
import {
  ERR_POSITIVE,
  maxIntsetEntries,
  NOTIFY_GENERIC,
  NOTIFY_SET,
  replyEmptyScan,
  replyScan,
  scanCursorArg,
  scanOptions,
  signalModified,
} from "./collection-helpers.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

const enc = new TextEncoder();
const SREM = enc.encode("SREM");
const DEL = enc.encode("DEL");

/** The set at key for reading, null when missing; replies WRONGTYPE (throws) otherwise. */
function readSet(c: CommandContext, key: Uint8Array): SetValue | null {
  const v = c.db.readTyped<SetValue>(key, OBJ_SET);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

function writeSet(c: CommandContext, key: Uint8Array): SetValue | null {
  const v = c.db.writeTyped<SetValue>(key, OBJ_SET);
  if (v === WRONGTYPE) fail(E.WRONGTYPE);
  return v;
}

/** Delete `key` after a write emptied it, with Redis's "del" notification. */
function deleteEmptied(c: CommandContext, key: Uint8Array, s: SetValue): boolean {
  if (!c.db.deleteIfEmpty(key, s)) return false;
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
  return true;
}

// -----------------------------------------------------------------------------------------------
// Single-key commands

function saddCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  let s = writeSet(c, key);
  if (s === null) {
    s = SetValue.createFor(argv[2]!);
    c.db.add(key, OBJ_SET, s);
  }
  const max = maxIntsetEntries(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!, max)) added++;
  if (added > 0) {
    signalModified(c, key);
    c.server.notifyKeyspaceEvent(NOTIFY_SET, "sadd", key, c.db.id);
  }
  c.server.dirty += added;
  c.out.integer(added);
}

function sremCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  const s = writeSet(c, key);
  if (s === null) return c.out.integer(0);
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (s.remove(argv[i]!)) {
      deleted++;
      if (s.size === 0) break;
    }
  }
  if (deleted > 0) {
    signalModified(c, key);
    c.server.notifyKeyspaceEvent(NOTIFY_SET, "srem", key, c.db.id);
    deleteEmptied(c, key, s);
    c.server.dirty += deleted;
  }
  c.out.integer(deleted);
}

function scardCommand(c: CommandContext): void {
  const s = readSet(c, c.argv[1]!);
  c.out.integer(s === null ? 0 : s.size);
}

function sismemberCommand(c: CommandContext): void {
  const s = readSet(c, c.argv[1]!);
  c.out.integer(s !== null && s.has(c.argv[2]!) ? 1 : 0);
}

function smismemberCommand(c: CommandContext): void {
  const argv = c.argv;
  const s = readSet(c, argv[1]!);
  c.out.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.out.integer(s !== null && s.has(argv[i]!) ? 1 : 0);
}

function smembersCommand(c: CommandContext): void {
  const s = readSet(c, c.argv[1]!);
  if (s === null) return c.out.setLen(0);
  c.out.setLen(s.size);
  s.forEach((m) => c.out.bulk(m));
}

function smoveCommand(c: CommandContext): void {
  const [, src, dst, ele] = c.argv as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const from = c.db.writeTyped<SetValue>(src, OBJ_SET);
  const to = c.db.writeTyped<SetValue>(dst, OBJ_SET);
  if (from === null) return c.out.integer(0);
  if (from === WRONGTYPE || to === WRONGTYPE) fail(E.WRONGTYPE);
  if (from === to) return c.out.integer(from.has(ele) ? 1 : 0);
  if (!from.remove(ele)) return c.out.integer(0);
  c.server.notifyKeyspaceEvent(NOTIFY_SET, "srem", src, c.db.id);
  deleteEmptied(c, src, from);
  let target = to;
  if (target === null) {
    target = SetValue.createFor(ele);
    c.db.add(dst, OBJ_SET, target);
  }
  signalModified(c, src);
  c.server.dirty++;
  if (target.add(ele, maxIntsetEntries(c))) {
    c.server.dirty++;
    signalModified(c, dst);
    c.server.notifyKeyspaceEvent(NOTIFY_SET, "sadd", dst, c.db.id);
  }
  c.out.integer(1);
}

// -----------------------------------------------------------------------------------------------
// Random members

function spopCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length === 3) return spopWithCount(c);
  if (argv.length > 3) fail(E.SYNTAX);
  const key = argv[1]!;
  const s = writeSet(c, key);
  if (s === null) return c.out.nullBulk();
  const m = s.pop();
  c.server.notifyKeyspaceEvent(NOTIFY_SET, "spop", key, c.db.id);
  c.propArgv = [SREM, key, m];
  c.out.bulk(m);
  deleteEmptied(c, key, s);
  signalModified(c, key);
  c.server.dirty++;
}

function spopWithCount(c: CommandContext): void {
  const key = c.argv[1]!;
  const count = intArg(c.argv[2]!, ERR_POSITIVE);
  if (count < 0) fail(ERR_POSITIVE);
  const s = writeSet(c, key);
  if (s === null || count === 0) return c.out.setLen(0);
  c.server.notifyKeyspaceEvent(NOTIFY_SET, "spop", key, c.db.id);
  if (count >= s.size) {
    // The whole set: reply it in iteration order, delete the key, propagate DEL.
    const all = s.members();
    c.out.setLen(all.length);
    for (const m of all) c.out.bulk(m);
    c.db.delete(key);
    c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
    c.propArgv = [DEL, key];
    signalModified(c, key);
    c.server.dirty++;
    return;
  }
  const prop: Uint8Array[] = [SREM, key];
  c.out.setLen(count);
  for (let i = 0; i < count; i++) {
    const m = s.pop();
    prop.push(m);
    c.out.bulk(m);
  }
  c.propArgv = prop;
  signalModified(c, key);
  c.server.dirty += count;
}

const LONG_MAX = 9223372036854775807n;

function srandmemberCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length === 3) return srandmemberWithCount(c);
  if (argv.length > 3) fail(E.SYNTAX);
  const s = readSet(c, argv[1]!);
  if (s === null) return c.out.nullBulk();
  c.out.bulk(s.random());
}

/** Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for SRANDMEMBER/ZRANDMEMBER. */
export function randCountArg(arg: Uint8Array): bigint {
  const n = bigIntArg(arg);
  if (n < -LONG_MAX) fail(`ERR value is out of range, value must between -${LONG_MAX} and ${LONG_MAX}`);
  return n;
}

function srandmemberWithCount(c: CommandContext): void {
  const l = Number(randCountArg(c.argv[2]!));
  const s = readSet(c, c.argv[1]!);
  if (s === null || l === 0) return c.out.emptyArray();
  const out = c.out;
  if (l < 0) {
    // Repetitions allowed: `-l` independent draws.
    const count = -l;
    out.arrayLen(count);
    for (let i = 0; i < count; i++) out.bulk(s.random());
    return;
  }
  if (l >= s.size) {
    out.arrayLen(s.size);
    s.forEach((m) => out.bulk(m));
    return;
  }
  // Distinct members: a partial Fisher-Yates over the members.
  const all = s.members();
  out.arrayLen(l);
  for (let i = 0; i < l; i++) {
    const j = i + Math.floor(Math.random() * (all.length - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
    out.bulk(all[i]!);
  }
}

// -----------------------------------------------------------------------------------------------
// Multi-key algebra

/** Look up every key as a set (null for missing); WRONGTYPE if any holds another type. */
function readSets(c: CommandContext, keys: readonly Uint8Array[]): (SetValue | null)[] {
  const out: (SetValue | null)[] = [];
  for (const k of keys) {
    const v = c.db.readTyped<SetValue>(k, OBJ_SET);
    if (v === WRONGTYPE) fail(E.WRONGTYPE);
    out.push(v);
  }
  return out;
}

/**
 * Members common to every set, in the iteration order of the smallest one; stops after `limit`
 * members when limit > 0. Null sets count as empty.
 */
function intersect(sets: (SetValue | null)[], limit: number): Uint8Array[] {
  if (sets.some((s) => s === null)) return [];
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const first = sorted[0]!;
  const out: Uint8Array[] = [];
  first.forEach((m) => {
    if (limit > 0 && out.length >= limit) return;
    for (let j = 1; j < sorted.length; j++) {
      const s = sorted[j]!;
      if (s !== first && !s.has(m)) return;
    }
    out.push(m);
  });
  return out;
}

/** Build a store-command result set (Redis 7.0 starts from an intset). */
function buildSet(members: readonly Uint8Array[], max: number): SetValue {
  const s = SetValue.intset();
  for (const m of members) s.add(m, max);
  return s;
}

/** Store the result of a *STORE command, or delete the destination when it is empty. */
function storeResult(c: CommandContext, dst: Uint8Array, result: SetValue, event: string): void {
  if (result.size > 0) {
    c.db.set(dst, OBJ_SET, result);
    c.out.integer(result.size);
    c.server.notifyKeyspaceEvent(NOTIFY_SET, event, dst, c.db.id);
    c.server.dirty++;
  } else {
    c.out.integer(0);
    if (c.db.delete(dst)) {
      c.server.dirty++;
      c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dst, c.db.id);
    }
  }
}

function sinterCommand(c: CommandContext): void {
  const sets = readSets(c, c.argv.slice(1));
  const members = intersect(sets, 0);
  c.out.setLen(members.length);
  for (const m of members) c.out.bulk(m);
}

function sinterstoreCommand(c: CommandContext): void {
  const dst = c.argv[1]!;
  const sets = readSets(c, c.argv.slice(2));
  storeResult(c, dst, buildSet(intersect(sets, 0), maxIntsetEntries(c)), "sinterstore");
}

function sintercardCommand(c: CommandContext): void {
  const argv = c.argv;
  const numkeys = parseNumKeys(argv[1]!);
  if (numkeys > argv.length - 2) fail("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j]!, "limit") && more > 0) {
      j++;
      limit = intArg(argv[j]!, "ERR LIMIT can't be negative");
      if (limit < 0) fail("ERR LIMIT can't be negative");
    } else fail(E.SYNTAX);
  }
  const sets = readSets(c, argv.slice(2, 2 + numkeys));
  c.out.integer(intersect(sets, limit).length);
}

/** numkeys of SINTERCARD: 1..LONG_MAX else "numkeys should be greater than 0". */
function parseNumKeys(arg: Uint8Array): number {
  const msg = "ERR numkeys should be greater than 0";
  const n = intArg(arg, msg);
  if (n < 1) fail(msg);
  return n;
}

const OP_UNION = 0;
const OP_DIFF = 1;

function unionDiff(c: CommandContext, keys: readonly Uint8Array[], op: number): SetValue {
  const sets = readSets(c, keys);
  const max = maxIntsetEntries(c);
  const out = SetValue.intset();
  if (op === OP_UNION) {
    for (const s of sets) if (s !== null) s.forEach((m) => out.add(m, max));
    return out;
  }
  const first = sets[0];
  if (first === null || first === undefined) return out;
  first.forEach((m) => {
    for (let j = 1; j < sets.length; j++) {
      const s = sets[j];
      if (s === null || s === undefined) continue;
      if (s === first || s.has(m)) return;
    }
    out.add(m, max);
  });
  return out;
}

function replySetValue(c: CommandContext, s: SetValue): void {
  c.out.setLen(s.size);
  s.forEach((m) => c.out.bulk(m));
}

function sunionCommand(c: CommandContext): void {
  replySetValue(c, unionDiff(c, c.argv.slice(1), OP_UNION));
}

function sdiffCommand(c: CommandContext): void {
  replySetValue(c, unionDiff(c, c.argv.slice(1), OP_DIFF));
}

function sunionstoreCommand(c: CommandContext): void {
  const dst = c.argv[1]!;
  storeResult(c, dst, unionDiff(c, c.argv.slice(2), OP_UNION), "sunionstore");
}

function sdiffstoreCommand(c: CommandContext): void {
  const dst = c.argv[1]!;
  storeResult(c, dst, unionDiff(c, c.argv.slice(2), OP_DIFF), "sdiffstore");
}

// -----------------------------------------------------------------------------------------------
// SSCAN

function sscanCommand(c: CommandContext): void {
  const argv = c.argv;
  let cursor = scanCursorArg(argv[2]!);
  const s = readSet(c, argv[1]!);
  if (s === null) return replyEmptyScan(c);
  const opts = scanOptions(argv, 3);
  const items: Uint8Array[] = [];
  if (s.ht === null) {
    // Intsets are small: everything in one call, cursor 0 (as Redis).
    s.forEach((m) => items.push(m));
    cursor = 0;
  } else {
    const ht = s.ht;
    let iterations = opts.count * 10;
    do {
      cursor = ht.scan(cursor, (e) => items.push(e.key));
    } while (cursor !== 0 && iterations-- > 0 && items.length < opts.count);
  }
  const glob = opts.glob;
  replyScan(c, cursor, glob === null ? items : items.filter((m) => glob.match(m)));
}

export const setFamily: CommandFamily = {
  group: "set",
  commands: [
    ["sadd",        -3, "write denyoom fast",  [1, 1, 1],  saddCommand],
    ["srem",        -3, "write fast",          [1, 1, 1],  sremCommand],
    ["scard",        2, "readonly fast",       [1, 1, 1],  scardCommand],
    ["sismember",    3, "readonly fast",       [1, 1, 1],  sismemberCommand],
    ["smismember",  -3, "readonly fast",       [1, 1, 1],  smismemberCommand],
    ["smembers",     2, "readonly",            [1, 1, 1],  smembersCommand],
    ["spop",        -2, "write fast",          [1, 1, 1],  spopCommand],
    ["srandmember", -2, "readonly",            [1, 1, 1],  srandmemberCommand],
    ["smove",        4, "write fast",          [1, 2, 1],  smoveCommand],
    ["sinter",      -2, "readonly",            [1, -1, 1], sinterCommand],
    ["sintercard",  -3, "readonly",            [0, 0, 0],  sintercardCommand, { keyFinder: numkeysKeys(1, 2) }],
    ["sinterstore", -3, "write denyoom",       [1, -1, 1], sinterstoreCommand],
    ["sunion",      -2, "readonly",            [1, -1, 1], sunionCommand],
    ["sunionstore", -3, "write denyoom",       [1, -1, 1], sunionstoreCommand],
    ["sdiff",       -2, "readonly",            [1, -1, 1], sdiffCommand],
    ["sdiffstore",  -3, "write denyoom",       [1, -1, 1], sdiffstoreCommand],
    ["sscan",       -3, "readonly",            [1, 1, 1],  sscanCommand],
  ],
};

/**
 * Key finder for `<numkeys> key...` commands: numkeys at argv[numIdx], keys from
 * argv[numIdx + 1]; `extraBefore` keys (e.g. a destination) precede numkeys at 1..numIdx-1.
 */
export function numkeysKeys(numIdx: number, firstKey: number, extraBefore = 0): (argv: readonly Uint8Array[]) => number[] {
  return (argv) => {
    const out: number[] = [];
    for (let i = 1; i <= extraBefore; i++) out.push(i);
    const raw = argv[numIdx];
    const n = raw === undefined ? 0 : Number(new TextDecoder().decode(raw));
    if (!Number.isInteger(n) || n <= 0) return out;
    for (let i = 0; i < n && firstKey + i < argv.length; i++) out.push(firstKey + i);
    return out;
  };
}
