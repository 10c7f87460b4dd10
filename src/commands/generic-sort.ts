/**
 * SORT and SORT_RO (group "generic"): sort the elements of a list, set or sorted set,
 * numerically or lexicographically (ALPHA), directly or by the values of other keys (BY
 * pattern, with `->field` for hash fields), optionally LIMITed, returning them or the values of
 * GET patterns (`#` = the element), or storing the result as a list (STORE).
 *
 * Behaviour follows Redis 7.0, including its quirks:
 * - a BY pattern without `*` means "don't sort"; a set sorted that way with STORE (or from a
 *   script) is sorted ALPHA instead so replicas agree;
 * - sorting a sorted set converts a listpack encoding to skiplist for good (Redis does it
 *   destructively), SORT_RO too;
 * - numbers are read with strtod: leading spaces, hex and `inf` are fine, trailing bytes, NaN
 *   and over/underflow are "ERR One or more scores can't be converted into double";
 * - equal numeric scores are ordered by element bytes; ALPHA without STORE compares like
 *   strcoll in the C locale (bytes up to the first NUL), with STORE by whole bytes.

 */
import { compareBytes } from "../datastructures/skiplist.ts";
import { E, fail } from "../protocol/errors.ts";
import type { HashValue } from "../store/types/hash.ts";
import { ListValue } from "../store/types/list.ts";
import type { SetValue } from "../store/types/set.ts";
import type { ZsetValue } from "../store/types/zset.ts";
import { OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STRING, OBJ_ZSET, type Collection } from "../store/value.ts";
import { parseSortScore } from "../util/strtod.ts";
import { intArg, is } from "./args.ts";
import { CF_SCRIPT, NOTIFY_GENERIC, NOTIFY_LIST } from "./collection-helpers.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

const EMPTY = new Uint8Array(0);

/** SORT ... STORE's result: a list in the configured node size, owning `items`. */
function makeList(c: CommandContext, items: Uint8Array[]): ListValue {
  const l = new ListValue(c.server.config.getInt("list-max-listpack-size"));
  for (const i of items) l.pushBack(i);
  return l;
}

/** One element being sorted (Redis's redisSortObject). */
interface SortItem {
  obj: Uint8Array;
  score: number;
  /** BY value for ALPHA sorts (null when the key/field is missing). */
  cmp: Uint8Array | null;
}

/**
 * Redis's lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is replaced
 * by the element, and a non-empty `->field` after it reads a hash field. Null when there is no
 * `*`, the key is missing or of the wrong type.
 */
function lookupByPattern(c: CommandContext, pattern: Uint8Array, subst: Uint8Array): Uint8Array | null {
  if (pattern.length >= 1 && pattern[0] === 0x23 && (pattern.length === 1 || pattern[1] === 0)) return subst;
  const star = pattern.indexOf(0x2a);
  if (star < 0) return null;
  let arrow = -1;
  for (let i = star + 1; i + 1 < pattern.length; i++) {
    if (pattern[i] === 0x2d && pattern[i + 1] === 0x3e) {
      arrow = i;
      break;
    }
  }
  // "->" with nothing after it is part of the key name.
  if (arrow >= 0 && arrow + 2 >= pattern.length) arrow = -1;
  const postEnd = arrow >= 0 ? arrow : pattern.length;
  const key = new Uint8Array(star + subst.length + (postEnd - star - 1));
  key.set(pattern.subarray(0, star), 0);
  key.set(subst, star);
  key.set(pattern.subarray(star + 1, postEnd), star + subst.length);
  const e = c.db.lookupRead(key);
  if (e === null) return null;
  if (arrow >= 0) {
    if (e.type !== OBJ_HASH) return null;
    return (e.value as HashValue).get(pattern.subarray(arrow + 2));
  }
  if (e.type !== OBJ_STRING) return null;
  return e.value as Uint8Array;
}

/** strcoll in the C locale: bytes compared as unsigned, each string ending at its first NUL. */
function collate(a: Uint8Array, b: Uint8Array): number {
  const za = a.indexOf(0);
  const zb = b.indexOf(0);
  return compareBytes(za < 0 ? a : a.subarray(0, za), zb < 0 ? b : b.subarray(0, zb));
}

function sortGeneric(c: CommandContext, readonly: boolean): void {
  const argv = c.argv;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: Uint8Array | null = null;
  let storekey: Uint8Array | null = null;
  const gets: Uint8Array[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j]!;
    if (is(o, "asc")) desc = false;
    else if (is(o, "desc")) desc = true;
    else if (is(o, "alpha")) alpha = true;
    else if (is(o, "limit") && left >= 2) {
      limitStart = intArg(argv[j + 1]!);
      limitCount = intArg(argv[j + 2]!);
      j += 2;
    } else if (!readonly && is(o, "store") && left >= 1) {
      storekey = argv[++j]!;
    } else if (is(o, "by") && left >= 1) {
      sortby = argv[++j]!;
      if (sortby.indexOf(0x2a) < 0) dontsort = true;
    } else if (is(o, "get") && left >= 1) {
      gets.push(argv[++j]!);
    } else fail(E.SYNTAX);
  }

  const e = c.db.lookupRead(argv[1]!);
  if (e !== null && e.type !== OBJ_SET && e.type !== OBJ_LIST && e.type !== OBJ_ZSET) fail(E.WRONGTYPE);
  const type = e === null ? OBJ_LIST : e.type;
  if (dontsort && type === OBJ_SET && (storekey !== null || (c.flags & CF_SCRIPT) !== 0)) {
    // Sets have no order of their own: sort so the result does not depend on the replica.
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  if (type === OBJ_ZSET) (e!.value as ZsetValue).toSkiplist();

  let vectorlen = e === null ? 0 : (e.value as Collection).size;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  // Load the elements; lists and sorted sets that are not sorted load just the LIMIT window.
  let items: SortItem[] = [];
  const item = (obj: Uint8Array): SortItem => ({ obj, score: 0, cmp: null });
  if (e !== null) {
    const v = e.value as Collection;
    if (type === OBJ_LIST) {
      const all = (v as ListValue).toArray();
      if (dontsort) {
        if (end >= start) {
          const n = end - start + 1;
          for (let k = 0; k < n; k++) items.push(item(all[desc ? all.length - 1 - start - k : start + k]!));
          end -= start;
          start = 0;
        }
      } else items = all.map(item);
    } else if (type === OBJ_SET) {
      (v as SetValue).forEach((m) => items.push(item(m)));
    } else {
      const z = v as ZsetValue;
      if (dontsort) {
        if (end >= start) {
          const n = end - start + 1;
          const size = z.size;
          const lo = desc ? size - start - n : start;
          z.forRanks(lo, lo + n, desc, (m) => items.push(item(m.slice())));
          end -= start;
          start = 0;
        }
      } else z.forEach((m) => items.push(item(m.slice())));
    }
  }
  vectorlen = items.length;

  let conversionError = false;
  if (!dontsort) {
    for (const it of items) {
      let byval: Uint8Array | null;
      if (sortby !== null) {
        byval = lookupByPattern(c, sortby, it.obj);
        if (byval === null) continue;
      } else byval = it.obj;
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const d = parseSortScore(byval);
        if (Number.isNaN(d)) conversionError = true;
        else it.score = d;
      }
    }
    const byPattern = sortby !== null;
    const store = storekey !== null;
    const sign = desc ? -1 : 1;
    items.sort((a, b) => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.obj, b.obj);
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) cmp = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else cmp = store ? compareBytes(a.cmp, b.cmp) : collate(a.cmp, b.cmp);
      } else cmp = store ? compareBytes(a.obj, b.obj) : collate(a.obj, b.obj);
      return cmp * sign;
    });
  }

  const count = end - start + 1 > 0 ? end - start + 1 : 0;
  if (conversionError) fail("ERR One or more scores can't be converted into double");
  if (storekey === null) {
    c.out.arrayLen(gets.length > 0 ? gets.length * count : count);
    for (let j = start; j <= end; j++) {
      const it = items[j]!;
      if (gets.length === 0) c.out.bulk(it.obj);
      for (const g of gets) {
        const val = lookupByPattern(c, g, it.obj);
        if (val === null) c.out.nullBulk();
        else c.out.bulk(val);
      }
    }
    return;
  }
  const out: Uint8Array[] = [];
  for (let j = start; j <= end; j++) {
    const it = items[j]!;
    if (gets.length === 0) out.push(it.obj.slice());
    for (const g of gets) out.push((lookupByPattern(c, g, it.obj) ?? EMPTY).slice());
  }
  if (out.length > 0) {
    c.db.set(storekey, OBJ_LIST, makeList(c, out));
    c.server.notifyKeyspaceEvent(NOTIFY_LIST, "sortstore", storekey, c.db.id);
    c.server.dirty += out.length;
  } else if (c.db.delete(storekey)) {
    c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", storekey, c.db.id);
    c.server.dirty++;
  }
  c.out.integer(out.length);
}

function sortCommand(c: CommandContext): void {
  sortGeneric(c, false);
}

function sortRoCommand(c: CommandContext): void {
  sortGeneric(c, true);
}

/**
 * Redis's sortGetKeys: the sorted key, plus the last STORE destination. LIMIT, GET and BY
 * arguments are skipped so a key named "store" there is not mistaken for the option.
 */
function sortKeys(argv: readonly Uint8Array[]): number[] {
  const keys = [1];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (is(a, "limit")) i += 2;
    else if (is(a, "get") || is(a, "by")) i += 1;
    else if (is(a, "store") && i + 1 < argv.length) store = i + 1;
  }
  if (store >= 0) keys.push(store);
  return keys;
}

export const sortFamily: CommandFamily = {
  group: "generic",
  commands: [
    ["sort",    -2, "write denyoom", [1, 1, 1], sortCommand,   { keyFinder: sortKeys, acl: "@set @sortedset @list @dangerous" }],
    ["sort_ro", -2, "readonly",      [1, 1, 1], sortRoCommand, { keyFinder: () => [1], acl: "@set @sortedset @list @dangerous" }],
  ],
};
