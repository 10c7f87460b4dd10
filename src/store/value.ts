/**
 * Keyspace entries: one object per key carrying the key bytes, hash-chain link, type tag, value,
 * expiry and access metadata (Redis's dictEntry + robj folded together).
 *
 * Type tags use Redis's OBJ_* numbering. Strings are `Uint8Array` with an encoding tag (`int`,
 * `embstr`, `raw`) kept for OBJECT ENCODING. Collection classes live in store/types/* and
 * implement `Collection` (size and Redis's encoding name).
 */
import { packEntryKey, type PackedKeyEntry } from "../datastructures/dict.ts";
import { isInt64String } from "../util/numbers.ts";

export const OBJ_STRING = 0;
export const OBJ_LIST = 1;
export const OBJ_SET = 2;
export const OBJ_ZSET = 3;
export const OBJ_HASH = 4;
export const OBJ_STREAM = 6;
export type ObjType = 0 | 1 | 2 | 3 | 4 | 6;

export const TYPE_NAMES: Record<number, string> = {
  0: "string",
  1: "list",
  2: "set",
  3: "zset",
  4: "hash",
  6: "stream",
};

export const ENC_RAW = 0;
export const ENC_INT = 1;
export const ENC_EMBSTR = 8;
/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_LIMIT = 44;

/** What every collection value provides to the keyspace layer. */
export interface Collection {
  /** Number of elements (used to delete empty collections and for SCAN/MEMORY estimates). */
  readonly size: number;
  /** Redis's encoding name, as OBJECT ENCODING prints it. */
  encoding(): string;
  /** Deep copy (COPY, MOVE across snapshots, DEBUG RELOAD). */
  clone(): Collection;
}

export type Value = Uint8Array | Collection;

export const NO_EXPIRE = -1;

export class KeyEntry implements PackedKeyEntry {
  next: KeyEntry | null = null;
  /** The key packed for lookups (see PackedKeyEntry). */
  k0 = 0;
  k1 = 0;
  k2 = 0;
  k3 = 0;
  /** Absolute expiry in ms since the epoch, or NO_EXPIRE. */
  expireAt = NO_EXPIRE;
  /** Links in the database's ring of keys with an expiry (intrusive; null when not in it). */
  expPrev: KeyEntry | null = null;
  expNext: KeyEntry | null = null;
  /** LRU clock (seconds) or, under an LFU policy, (minutes << 8 | counter), like Redis's lru field. */
  lru = 0;
  /** Snapshot epoch in which this entry was created or already serialized (fork-less snapshots). */
  snap = 0;
  /**
   * The number an `int`-encoded string value holds, when INCR & co. stored it (NaN when unknown):
   * the next INCR reads it instead of parsing the value's bytes, two cache misses away. Only
   * meaningful while `enc` is ENC_INT; Database.set resets it.
   */
  intValue = NaN;

  constructor(
    public key: Uint8Array,
    public hash: number,
    public type: ObjType,
    public value: Value,
    /** String encoding (ENC_*); meaningless for collections. */
    public enc: number,
  ) {
    packEntryKey(this);
  }
}

/** Encoding Redis would pick for a freshly created string value. */
export function stringEncodingFor(v: Uint8Array): number {
  if (v.length <= 20 && isInt64String(v)) return ENC_INT;
  return v.length <= EMBSTR_LIMIT ? ENC_EMBSTR : ENC_RAW;
}

export function encodingName(e: KeyEntry): string {
  if (e.type === OBJ_STRING) return e.enc === ENC_INT ? "int" : e.enc === ENC_EMBSTR ? "embstr" : "raw";
  return (e.value as Collection).encoding();
}
