/**
 * Writing RDB streams: header and aux fields, one key (with expiry and LRU/LFU metadata), the
 * footer. The snapshot walker (persistence/snapshot.ts) drives these in time slices; DUMP uses
 * `dumpPayload` for a single value.
 */
import { Crc64 } from "../../datastructures/crc64.ts";
import type { KeyEntry } from "../../store/value.ts";
import { NO_EXPIRE } from "../../store/value.ts";
import { codecFor } from "./codecs.ts";
import * as F from "./format.ts";
import { RdbBuffer, type RdbWriter } from "./writer.ts";

export interface AuxInfo {
  redisVersion: string;
  ctime: number;
  usedMem: number;
  replStreamDb?: number;
  replId?: string;
  replOffset?: number;
  aofBase?: boolean;
  /** FUNCTION libraries' code, written as function records after the aux fields. */
  functions?: Uint8Array[];
}

export function writeHeader(w: RdbWriter, aux: AuxInfo): void {
  w.raw(new TextEncoder().encode(`REDIS${String(F.RDB_VERSION).padStart(4, "0")}`));
  const field = (k: string, v: string) => {
    w.byte(F.OP_AUX);
    w.text(k);
    w.text(v);
  };
  field("redis-ver", aux.redisVersion);
  field("redis-bits", "64");
  field("ctime", String(Math.floor(aux.ctime / 1000)));
  field("used-mem", String(aux.usedMem));
  if (aux.replStreamDb !== undefined) field("repl-stream-db", String(aux.replStreamDb));
  if (aux.replId !== undefined) field("repl-id", aux.replId);
  if (aux.replOffset !== undefined) field("repl-offset", String(aux.replOffset));
  field("aof-base", aux.aofBase === true ? "1" : "0");
  for (const code of aux.functions ?? []) {
    w.byte(F.OP_FUNCTION2);
    w.string(code);
  }
}

export function writeSelectDb(w: RdbWriter, db: number, size: number, expires: number): void {
  w.byte(F.OP_SELECTDB);
  w.length(db);
  w.byte(F.OP_RESIZEDB);
  w.length(size);
  w.length(expires);
}

/** LRU/LFU metadata to store with keys: Redis stores idle time or frequency per maxmemory-policy. */
export type KeyMeta = "none" | "lru" | "lfu";

export function writeKey(w: RdbWriter, e: KeyEntry, meta: KeyMeta, lruClock: number): void {
  if (e.expireAt !== NO_EXPIRE) {
    w.byte(F.OP_EXPIRETIME_MS);
    w.millis(e.expireAt);
  }
  if (meta === "lru") {
    w.byte(F.OP_IDLE);
    w.length(Math.max(0, (lruClock - e.lru) & 0xffffff));
  } else if (meta === "lfu") {
    w.byte(F.OP_FREQ);
    w.byte(e.lru & 0xff);
  }
  const codec = codecFor(e.type);
  w.byte(codec.rdbType(e.value));
  w.string(e.key);
  codec.write(w, e.value);
}

export function writeFooter(w: RdbWriter): void {
  w.byte(F.OP_EOF);
  w.footer();
}

/** DUMP payload: type, value, 2-byte RDB version, CRC-64 of all before (Redis's format). */
export function dumpPayload(e: KeyEntry): Uint8Array {
  const buf = new RdbBuffer();
  buf.writer.checksum = false;
  const codec = codecFor(e.type);
  buf.writer.byte(codec.rdbType(e.value));
  codec.write(buf.writer, e.value);
  buf.writer.byte(F.RDB_VERSION & 0xff);
  buf.writer.byte(F.RDB_VERSION >> 8);
  const body = buf.bytes();
  const crc = new Crc64().update(body).bytesLE();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(crc, body.length);
  return out;
}
