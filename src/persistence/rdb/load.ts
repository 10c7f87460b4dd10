/**
 * Load an RDB image into a Keyspace: parse, build each value in its in-memory encoding (per the
 * encoding-threshold configs), restore expiry and LRU/LFU metadata. Keys already expired are
 * skipped on a primary, as Redis does; a replica keeps them for the primary to delete.
 */
import type { Keyspace } from "../../store/database.ts";
import { build, type EncodingLimits } from "./codecs.ts";
import { parseRdb } from "./parse.ts";
import { RdbFormatError } from "./reader.ts";

export interface LoadResult {
  /** Offset just past the RDB image (an AOF with an RDB preamble continues with commands). */
  end: number;
  keys: number;
  expiredSkipped: number;
  version: number;
  aux: Map<string, Uint8Array>;
  functions: Uint8Array[];
}

export function loadRdbInto(bytes: Uint8Array, ks: Keyspace, limits: EncodingLimits, opts: { checksum?: boolean; now: number }): LoadResult {
  const aux = new Map<string, Uint8Array>();
  const functions: Uint8Array[] = [];
  let keys = 0;
  let expiredSkipped = 0;
  const { version, end } = parseRdb(
    bytes,
    {
      onAux: (k, v) => aux.set(k, v),
      onFunction: (code) => functions.push(code),
      onKey: (k) => {
        const db = ks.dbs[k.db];
        if (db === undefined) throw new RdbFormatError(`FATAL: Data file was created with a Redis server configured to handle more than ${ks.dbs.length} databases. Exiting`);
        if (k.expireAt !== -1 && k.expireAt < opts.now && !ks.replica) {
          expiredSkipped++;
          return;
        }
        if (db.dict.get(k.key) !== null) throw new RdbFormatError(`Duplicate key '${new TextDecoder().decode(k.key)}' found in RDB file`);
        const built = build(k.value, limits);
        const e = db.add(k.key, built.type, built.value, built.enc);
        if (k.expireAt !== -1) db.setExpire(e, k.expireAt);
        if (k.freq >= 0) e.lru = k.freq;
        else if (k.idle >= 0) e.lru = (ks.lruClock - k.idle) & 0xffffff;
        keys++;
      },
    },
    { checksum: opts.checksum },
  );
  return { end, keys, expiredSkipped, version, aux, functions };
}
