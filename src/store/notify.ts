/**
 * Keyspace notification classes (the letters of notify-keyspace-events). Commands pass these to
 * `server.notifyKeyspaceEvent`; the pub/sub layer turns enabled ones into messages.
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

/** The notify-keyspace-events text as NOTIFY_* bits ("A" is every class but m and n). */
export function keyspaceEventFlags(s: string): number {
  const bits: Record<string, number> = {
    g: NOTIFY_GENERIC, $: NOTIFY_STRING, l: NOTIFY_LIST, s: NOTIFY_SET, h: NOTIFY_HASH, z: NOTIFY_ZSET,
    x: NOTIFY_EXPIRED, e: NOTIFY_EVICTED, t: NOTIFY_STREAM, d: NOTIFY_MODULE, n: NOTIFY_NEW,
    K: NOTIFY_KEYSPACE, E: NOTIFY_KEYEVENT, m: NOTIFY_KEY_MISS,
  };
  let f = 0;
  for (const ch of s) {
    if (ch === "A") f |= NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;
    else f |= bits[ch] ?? 0;
  }
  return f;
}
