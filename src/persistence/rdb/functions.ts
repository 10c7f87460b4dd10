/**
 * FUNCTION DUMP / RESTORE payloads, Redis 7.0's format: one RDB function record
 * (RDB_OPCODE_FUNCTION2, then the library code as an RDB string) per library, the 2-byte RDB
 * version and a CRC-64 of everything before, little-endian (the DUMP footer).
 */
import { Crc64 } from "../../datastructures/crc64.ts";
import * as F from "./format.ts";
import { RdbFormatError, RdbReader } from "./reader.ts";
import { RdbBuffer } from "./writer.ts";

/** Encode library codes as a FUNCTION DUMP payload. */
export function encodeFunctionsPayload(codes: readonly Uint8Array[]): Uint8Array {
  const buf = new RdbBuffer();
  buf.writer.checksum = false;
  for (const code of codes) {
    buf.writer.byte(F.OP_FUNCTION2);
    buf.writer.string(code);
  }
  buf.writer.byte(F.RDB_VERSION & 0xff);
  buf.writer.byte(F.RDB_VERSION >> 8);
  const body = buf.bytes();
  const crc = new Crc64().update(body).bytesLE();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(crc, body.length);
  return out;
}

/**
 * Decode a FUNCTION RESTORE payload into library codes; null when the footer (version,
 * checksum) is wrong, a string error for a bad body.
 */
export function decodeFunctionsPayload(p: Uint8Array, checksum: boolean): Uint8Array[] | null | string {
  if (p.length < 10) return null;
  const ver = p[p.length - 10]! | (p[p.length - 9]! << 8);
  if (ver > F.RDB_VERSION) return null;
  if (checksum) {
    const crc = new Crc64().update(p.subarray(0, p.length - 8)).bytesLE();
    for (let i = 0; i < 8; i++) if (crc[i] !== p[p.length - 8 + i]) return null;
  }
  const r = new RdbReader(p.subarray(0, p.length - 10));
  const codes: Uint8Array[] = [];
  try {
    while (r.remaining > 0) {
      const op = r.byte();
      if (op !== F.OP_FUNCTION2) return "given type is not a function";
      codes.push(r.string());
    }
  } catch (e) {
    if (e instanceof RdbFormatError) return "failed loading the library";
    throw e;
  }
  return codes;
}
