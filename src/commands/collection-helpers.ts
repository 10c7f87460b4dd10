/**
 * Helpers shared by the set, sorted-set and SORT command files: keyspace-notification classes,
 * the modified-key signal, encoding limits from config, and SSCAN/ZSCAN argument parsing.
 */
import { GlobPattern as Glob } from "../datastructures/glob.ts";
import { E, fail } from "../protocol/errors.ts";
import type { ZsetLimits } from "../store/types/zset.ts";
import { intArg, is } from "./args.ts";
import type { CommandContext } from "./context.ts";

export { NOTIFY_GENERIC, NOTIFY_LIST, NOTIFY_SET, NOTIFY_ZSET } from "../store/notify.ts";
export { CF_MULTI, CF_SCRIPT } from "./client-flags.ts";

/** getPositiveLongFromObjectOrReply's text (also for non-integers). */
export const ERR_POSITIVE = "ERR value is out of range, must be positive";

/** Redis's signalModifiedKey: WATCH, client tracking and the like listen to it. */
export function signalModified(c: CommandContext, key: Uint8Array): void {
  c.ks.hooks.keyModified(c.db, key);
}

/** set-max-intset-entries. */
export function maxIntsetEntries(c: CommandContext): number {
  return c.server.config.getInt("set-max-intset-entries");
}

/** zset-max-listpack-entries / zset-max-listpack-value. */
export function zsetLimits(c: CommandContext): ZsetLimits {
  const cfg = c.server.config;
  return { maxEntries: cfg.getInt("zset-max-listpack-entries"), maxValue: cfg.getInt("zset-max-listpack-value") };
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Parse a SCAN cursor like Redis (strtoul base 10): optional sign, digits, nothing else; a
 * leading space or an overflow is an error; a negative value wraps modulo 2^64; the empty string
 * is cursor 0. Returns the cursor's low 32 bits, which is all a table below 2^32 buckets uses.
 */
export function scanCursorArg(arg: Uint8Array): number {
  let i = 0;
  const n = arg.length;
  let neg = false;
  if (n > 0 && (arg[0] === 0x2b || arg[0] === 0x2d)) {
    neg = arg[0] === 0x2d;
    i = 1;
  }
  if (n > 0 && i === n) fail("ERR invalid cursor");
  let v = 0n;
  for (; i < n; i++) {
    const d = arg[i]! - 48;
    if (d < 0 || d > 9) fail("ERR invalid cursor");
    v = v * 10n + BigInt(d);
    if (v > U64_MAX) fail("ERR invalid cursor");
  }
  if (neg) v = (U64_MAX + 1n - v) & U64_MAX;
  return Number(v & 0xffffffffn);
}

/** Parsed SSCAN/ZSCAN/HSCAN options. */
export interface ScanOptions {
  count: number;
  /** Null when there is no pattern or it is `*`. */
  glob: Glob | null;
}

/** Parse `[MATCH pattern] [COUNT count]` from argv[from..] with Redis's errors. */
export function scanOptions(argv: readonly Uint8Array[], from: number): ScanOptions {
  let count = 10;
  let glob: Glob | null = null;
  for (let i = from; i < argv.length; ) {
    const left = argv.length - i;
    if (is(argv[i]!, "count") && left >= 2) {
      count = intArg(argv[i + 1]!);
      if (count < 1) fail(E.SYNTAX);
      i += 2;
    } else if (is(argv[i]!, "match") && left >= 2) {
      const p = argv[i + 1]!;
      glob = p.length === 1 && p[0] === 0x2a ? null : new Glob(p);
      i += 2;
    } else fail(E.SYNTAX);
  }
  return { count, glob };
}

const CURSOR_ZERO = new Uint8Array([0x30]);

/** Write a SCAN reply: [cursor, [items...]]. */
export function replyScan(c: CommandContext, cursor: number, items: readonly Uint8Array[]): void {
  c.out.arrayLen(2);
  if (cursor === 0) c.out.bulk(CURSOR_ZERO);
  else c.out.bulkInt(cursor);
  c.out.arrayLen(items.length);
  for (let i = 0; i < items.length; i++) c.out.bulk(items[i]!);
}

/** Reply an empty scan ("0" and no items). */
export function replyEmptyScan(c: CommandContext): void {
  replyScan(c, 0, []);
}
