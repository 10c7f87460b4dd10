/**
 * Redis's packed binary encodings as they appear inside RDB files and DUMP payloads:
 * listpack (read and write), ziplist and intset (read; Redis 7.0 still loads them from older
 * files). These are file formats only: the in-memory structures live in datastructures/.
 *
 * Decoded elements are `Uint8Array` (strings) or `number`/`bigint` (integers; bigint only past
 * 2^53). `elementBytes` turns either into the string bytes Redis would reply with.
 */

export type PackedElement = Uint8Array | number | bigint;

export class PackedFormatError extends Error {}

import { LP_EOF, LP_HDR, lpIntSize, lpSetHeader, lpStrSize, lpWriteInt, lpWriteStr } from "../../datastructures/listpack.ts";

const enc = new TextEncoder();

export function elementBytes(e: PackedElement): Uint8Array {
  return e instanceof Uint8Array ? e : enc.encode(e.toString());
}

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function int64(b: Uint8Array, o: number): number | bigint {
  const v = new DataView(b.buffer, b.byteOffset + o, 8).getBigInt64(0, true);
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}
function need(b: Uint8Array, end: number): void {
  if (end > b.length) throw new PackedFormatError("packed value truncated");
}

// -------------------------------------------------------------------------------------------------
// Listpack

/** Decode a listpack blob into its elements. */
export function decodeListpack(b: Uint8Array): PackedElement[] {
  if (b.length < 7) throw new PackedFormatError("listpack too short");
  const total = u32(b, 0);
  if (total !== b.length) throw new PackedFormatError("listpack size mismatch");
  const out: PackedElement[] = [];
  let p = 6;
  for (;;) {
    need(b, p + 1);
    const c = b[p]!;
    if (c === 0xff) break;
    let len: number; // encoding + data length
    if ((c & 0x80) === 0) {
      out.push(c & 0x7f);
      len = 1;
    } else if ((c & 0xc0) === 0x80) {
      const n = c & 0x3f;
      need(b, p + 1 + n);
      out.push(b.slice(p + 1, p + 1 + n));
      len = 1 + n;
    } else if ((c & 0xe0) === 0xc0) {
      need(b, p + 2);
      let v = ((c & 0x1f) << 8) | b[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(v);
      len = 2;
    } else if ((c & 0xf0) === 0xe0) {
      need(b, p + 2);
      const n = ((c & 0x0f) << 8) | b[p + 1]!;
      need(b, p + 2 + n);
      out.push(b.slice(p + 2, p + 2 + n));
      len = 2 + n;
    } else if (c === 0xf0) {
      need(b, p + 5);
      const n = u32(b, p + 1);
      need(b, p + 5 + n);
      out.push(b.slice(p + 5, p + 5 + n));
      len = 5 + n;
    } else if (c === 0xf1) {
      need(b, p + 3);
      out.push((u16(b, p + 1) << 16) >> 16);
      len = 3;
    } else if (c === 0xf2) {
      need(b, p + 4);
      out.push(((b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) << 8) >> 8);
      len = 4;
    } else if (c === 0xf3) {
      need(b, p + 5);
      out.push(u32(b, p + 1) | 0);
      len = 5;
    } else if (c === 0xf4) {
      need(b, p + 9);
      out.push(int64(b, p + 1));
      len = 9;
    } else {
      throw new PackedFormatError(`bad listpack encoding byte 0x${c.toString(16)}`);
    }
    p += len + backlenSize(len);
  }
  if (p !== b.length - 1) throw new PackedFormatError("listpack trailing bytes");
  const count = u16(b, 4);
  if (count !== 0xffff && count !== out.length) throw new PackedFormatError("listpack count mismatch");
  return out;
}

function backlenSize(l: number): number {
  return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
}

/**
 * Builds a listpack blob from elements (integers take the smallest integer encoding, canonical
 * integer strings are stored as integers, like Redis), on the element primitives of
 * datastructures/listpack.ts: sizes first, then one buffer.
 */
export class ListpackWriter {
  private items: PackedElement[] = [];
  private size = LP_HDR + 1;

  add(e: PackedElement): this {
    this.items.push(e);
    this.size += e instanceof Uint8Array ? lpStrSize(e) : lpIntSize(e);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let p = LP_HDR;
    for (const e of this.items) p = e instanceof Uint8Array ? lpWriteStr(out, p, e) : lpWriteInt(out, p, e);
    out[p] = LP_EOF;
    lpSetHeader(out, this.size, this.items.length);
    return out;
  }
}

// -------------------------------------------------------------------------------------------------
// Ziplist (read only)

export function decodeZiplist(b: Uint8Array): PackedElement[] {
  if (b.length < 11) throw new PackedFormatError("ziplist too short");
  if (u32(b, 0) !== b.length) throw new PackedFormatError("ziplist size mismatch");
  const out: PackedElement[] = [];
  let p = 10;
  for (;;) {
    need(b, p + 1);
    if (b[p] === 0xff) break;
    // prevlen
    p += b[p] === 0xfe ? 5 : 1;
    need(b, p + 1);
    const c = b[p]!;
    const top = c >> 6;
    if (top === 0) {
      const n = c & 0x3f;
      need(b, p + 1 + n);
      out.push(b.slice(p + 1, p + 1 + n));
      p += 1 + n;
    } else if (top === 1) {
      need(b, p + 2);
      const n = ((c & 0x3f) << 8) | b[p + 1]!;
      need(b, p + 2 + n);
      out.push(b.slice(p + 2, p + 2 + n));
      p += 2 + n;
    } else if (top === 2) {
      need(b, p + 5);
      const n = ((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) >>> 0;
      need(b, p + 5 + n);
      out.push(b.slice(p + 5, p + 5 + n));
      p += 5 + n;
    } else if (c === 0xc0) {
      need(b, p + 3);
      out.push((u16(b, p + 1) << 16) >> 16);
      p += 3;
    } else if (c === 0xd0) {
      need(b, p + 5);
      out.push(u32(b, p + 1) | 0);
      p += 5;
    } else if (c === 0xe0) {
      need(b, p + 9);
      out.push(int64(b, p + 1));
      p += 9;
    } else if (c === 0xf0) {
      need(b, p + 4);
      out.push(((b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) << 8) >> 8);
      p += 4;
    } else if (c === 0xfe) {
      need(b, p + 2);
      out.push((b[p + 1]! << 24) >> 24);
      p += 2;
    } else if (c >= 0xf1 && c <= 0xfd) {
      out.push((c & 0x0f) - 1);
      p += 1;
    } else {
      throw new PackedFormatError(`bad ziplist encoding byte 0x${c.toString(16)}`);
    }
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// Intset (read only)

export function decodeIntset(b: Uint8Array): (number | bigint)[] {
  if (b.length < 8) throw new PackedFormatError("intset too short");
  const width = u32(b, 0);
  const n = u32(b, 4);
  if ((width !== 2 && width !== 4 && width !== 8) || b.length !== 8 + width * n) throw new PackedFormatError("bad intset");
  const out: (number | bigint)[] = [];
  for (let i = 0; i < n; i++) {
    const o = 8 + i * width;
    if (width === 2) out.push((u16(b, o) << 16) >> 16);
    else if (width === 4) out.push(u32(b, o) | 0);
    else out.push(int64(b, o));
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// Intset (write)

/** Encode sorted distinct integers as an intset blob (smallest width that fits, little-endian). */
export function encodeIntset(values: readonly bigint[]): Uint8Array {
  let width = 2;
  for (const v of values) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const out = new Uint8Array(8 + width * values.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, width, true);
  dv.setUint32(4, values.length, true);
  values.forEach((v, i) => {
    const o = 8 + i * width;
    if (width === 2) dv.setInt16(o, Number(v), true);
    else if (width === 4) dv.setInt32(o, Number(v), true);
    else dv.setBigInt64(o, v, true);
  });
  return out;
}
