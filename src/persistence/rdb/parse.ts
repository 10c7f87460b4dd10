/**
 * Walk a whole RDB file: header, aux fields, databases, keys with expiry/LRU/LFU metadata,
 * functions, EOF and checksum. Callers receive decoded keys through `onKey` and decide what to
 * build (the loader into a Keyspace, redis-check-rdb-like tools, tests).
 */
import * as F from "./format.ts";
import { RdbFormatError, RdbReader, verifyChecksum, type LoadedValue } from "./reader.ts";

export interface ParsedKey {
  db: number;
  key: Uint8Array;
  value: LoadedValue;
  /** Absolute expiry in ms, or -1. */
  expireAt: number;
  /** Idle seconds (OP_IDLE) or -1. */
  idle: number;
  /** LFU frequency (OP_FREQ) or -1. */
  freq: number;
}

export interface ParseHandlers {
  onAux?(key: string, value: Uint8Array): void;
  onKey(k: ParsedKey): void;
  onFunction?(code: Uint8Array): void;
  onResizeDb?(db: number, size: number, expires: number): void;
}

export interface ParseOptions {
  /** Verify the CRC-64 footer (rdbchecksum); a zero checksum is always accepted. */
  checksum?: boolean;
}

const dec = new TextDecoder();

/** Parse an RDB file held in memory. Throws RdbFormatError with the offset on corruption. */
export function parseRdb(b: Uint8Array, h: ParseHandlers, opts: ParseOptions = {}): { version: number; end: number } {
  if (b.length < 9 || dec.decode(b.subarray(0, 5)) !== "REDIS") throw new RdbFormatError("Wrong signature trying to load DB from file");
  const version = Number(dec.decode(b.subarray(5, 9)));
  if (!Number.isInteger(version) || version < F.RDB_MIN_READ_VERSION || version > F.RDB_MAX_READ_VERSION) {
    throw new RdbFormatError(`Can't handle RDB format version ${dec.decode(b.subarray(5, 9))}`);
  }
  const r = new RdbReader(b);
  r.pos = 9;
  let db = 0;
  let expireAt = -1;
  let idle = -1;
  let freq = -1;
  for (;;) {
    const op = r.byte();
    switch (op) {
      case F.OP_EXPIRETIME_MS:
        expireAt = r.millis();
        continue;
      case F.OP_EXPIRETIME:
        expireAt = r.seconds() * 1000;
        continue;
      case F.OP_IDLE:
        idle = r.length();
        continue;
      case F.OP_FREQ:
        freq = r.byte();
        continue;
      case F.OP_SELECTDB:
        db = r.length();
        continue;
      case F.OP_RESIZEDB: {
        const size = r.length();
        const expires = r.length();
        h.onResizeDb?.(db, size, expires);
        continue;
      }
      case F.OP_AUX: {
        const k = dec.decode(r.string());
        const v = r.string();
        h.onAux?.(k, v);
        continue;
      }
      case F.OP_MODULE_AUX:
        throw new RdbFormatError("module aux data is not supported");
      case F.OP_FUNCTION:
        throw new RdbFormatError("pre-7.0 function format is not supported");
      case F.OP_FUNCTION2:
        h.onFunction?.(r.string());
        continue;
      case F.OP_EOF: {
        if (version >= 5 && opts.checksum !== false) {
          if (r.remaining < 8) throw new RdbFormatError("missing checksum");
          if (!verifyChecksum(b.subarray(0, r.pos + 8))) throw new RdbFormatError("Wrong RDB checksum");
        }
        return { version, end: version >= 5 ? r.pos + 8 : r.pos };
      }
      default: {
        const key = r.string();
        const value = r.object(op);
        h.onKey({ db, key, value, expireAt, idle, freq });
        expireAt = -1;
        idle = -1;
        freq = -1;
      }
    }
  }
}
