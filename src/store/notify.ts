/**
 * Keyspace-notification classes: the NOTIFY_* bits commands pass to
 * `server.notifyKeyspaceEvent`, and the `notify-keyspace-events` string ⇄ bits conversions with
 * Redis 7.0's exact validation and canonical form (what CONFIG GET prints back).
 *
 * Pure: no imports, so the config table and command families use it without import cycles.
 */

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n

/** The `A` alias: every class except key-miss (m) and new-key (n) events. */
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

/** Redis's CONFIG SET error text for a bad class letter. */
export const NOTIFY_CLASS_ERROR = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

const LETTER_BITS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/** Parse a `notify-keyspace-events` value into bits; null when a letter is not a class. */
export function parseNotifyKeyspaceEvents(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    const bit = LETTER_BITS[ch];
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

/**
 * The canonical text Redis prints for a set of bits: `A` when every class of the alias is on
 * (then `n` is not printed, as Redis does), else the class letters in Redis's order, then K, E, m.
 */
export function formatNotifyKeyspaceEvents(flags: number): string {
  let s = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) s = "A";
  else {
    if (flags & NOTIFY_GENERIC) s += "g";
    if (flags & NOTIFY_STRING) s += "$";
    if (flags & NOTIFY_LIST) s += "l";
    if (flags & NOTIFY_SET) s += "s";
    if (flags & NOTIFY_HASH) s += "h";
    if (flags & NOTIFY_ZSET) s += "z";
    if (flags & NOTIFY_EXPIRED) s += "x";
    if (flags & NOTIFY_EVICTED) s += "e";
    if (flags & NOTIFY_STREAM) s += "t";
    if (flags & NOTIFY_MODULE) s += "d";
    if (flags & NOTIFY_NEW) s += "n";
  }
  if (flags & NOTIFY_KEYSPACE) s += "K";
  if (flags & NOTIFY_KEYEVENT) s += "E";
  if (flags & NOTIFY_KEY_MISS) s += "m";
  return s;
}

/** Config normalizer: canonical text, or Redis's error. */
export function normalizeNotifyKeyspaceEvents(v: string): string | { error: string } {
  const flags = parseNotifyKeyspaceEvents(v);
  if (flags === null) return { error: NOTIFY_CLASS_ERROR };
  return formatNotifyKeyspaceEvents(flags);
}

/** notify-keyspace-events text as bits (0 for invalid text, which CONFIG SET never stores). */
export function keyspaceEventFlags(s: string): number {
  return parseNotifyKeyspaceEvents(s) ?? 0;
}
