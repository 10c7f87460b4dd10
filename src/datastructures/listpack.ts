/**
 * Listpack element primitives (Redis's listpack format), for structures that keep their data in
 * Redis's exact packed layout (stream nodes). A listpack is:
 *
 *   <total-bytes u32 LE> <num-elements u16 LE> <element>* <0xFF>
 *
 * and each element is `<encoding+data><backlen>`, where backlen (1-5 bytes, 7 bits per byte,
 * readable from its last byte backwards) is the size of `<encoding+data>`. Strings that are
 * canonical 64-bit integers are stored as integers, as Redis does, so a value read back is the
 * same bytes.
 *
 * These functions work on a caller-owned Uint8Array and positions; callers handle capacity.
 */

export const LP_HDR = 6;
export const LP_EOF = 0xff;

// -------------------------------------------------------------------------------------------------
// Integers in strings

/** The int64 a string would be stored as (string2ll rules), or null. */
export function lpStringToInt(b: Uint8Array): number | bigint | null {
  const n = b.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let neg = false;
  if (b[0] === 0x2d) {
    if (n === 1) return null;
    neg = true;
    i = 1;
  }
  const f = b[i]!;
  if (f === 0x30) return n === 1 ? 0 : null;
  if (f < 0x31 || f > 0x39) return null;
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
  let v = 0n;
  for (; i < n; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10n + BigInt(d);
  }
  if (neg) v = -v;
  if (v < -9223372036854775808n || v > 9223372036854775807n) return null;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

// -------------------------------------------------------------------------------------------------
// Sizes

function backlenSize(l: number): number {
  return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
}

/** Encoded size (encoding + data, without backlen) of an integer element. */
function intEncSize(v: number | bigint): number {
  if (typeof v === "number") {
    if (v >= 0 && v <= 127) return 1;
    if (v >= -4096 && v <= 4095) return 2;
    if (v >= -32768 && v <= 32767) return 3;
    if (v >= -8388608 && v <= 8388607) return 4;
    if (v >= -2147483648 && v <= 2147483647) return 5;
    return 9;
  }
  return 9;
}

function strEncSize(n: number): number {
  return n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
}

/** Total bytes (with backlen) an integer element takes. */
export function lpIntSize(v: number | bigint): number {
  const l = intEncSize(v);
  return l + backlenSize(l);
}

/** Total bytes (with backlen) a string element takes (integer-encoded when canonical). */
export function lpStrSize(b: Uint8Array): number {
  const asInt = b.length <= 20 ? lpStringToInt(b) : null;
  const l = asInt !== null ? intEncSize(asInt) : strEncSize(b.length);
  return l + backlenSize(l);
}

// -------------------------------------------------------------------------------------------------
// Writing

function writeBacklen(buf: Uint8Array, p: number, l: number): number {
  if (l < 128) {
    buf[p] = l;
    return p + 1;
  }
  const n = backlenSize(l);
  // Big-endian 7-bit groups; every byte but the first carries the continuation bit.
  for (let i = n - 1; i >= 0; i--) {
    buf[p + i] = (l & 127) | (i === 0 ? 0 : 128);
    l = Math.floor(l / 128);
  }
  return p + n;
}

/** Write an integer element at `p`; returns the position after it. */
export function lpWriteInt(buf: Uint8Array, p: number, v: number | bigint): number {
  const l = intEncSize(v);
  if (l === 9) {
    buf[p] = 0xf4;
    const big = BigInt.asIntN(64, BigInt(v));
    new DataView(buf.buffer, buf.byteOffset + p + 1, 8).setBigInt64(0, big, true);
  } else {
    const n = v as number;
    if (l === 1) buf[p] = n;
    else if (l === 2) {
      const x = n & 0x1fff;
      buf[p] = 0xc0 | (x >> 8);
      buf[p + 1] = x & 0xff;
    } else if (l === 3) {
      buf[p] = 0xf1;
      buf[p + 1] = n & 0xff;
      buf[p + 2] = (n >> 8) & 0xff;
    } else if (l === 4) {
      buf[p] = 0xf2;
      buf[p + 1] = n & 0xff;
      buf[p + 2] = (n >> 8) & 0xff;
      buf[p + 3] = (n >> 16) & 0xff;
    } else {
      buf[p] = 0xf3;
      buf[p + 1] = n & 0xff;
      buf[p + 2] = (n >> 8) & 0xff;
      buf[p + 3] = (n >> 16) & 0xff;
      buf[p + 4] = (n >>> 24) & 0xff;
    }
  }
  return writeBacklen(buf, p + l, l);
}

/** Write a string element at `p` (as an integer when canonical); returns the position after. */
export function lpWriteStr(buf: Uint8Array, p: number, b: Uint8Array): number {
  const asInt = b.length <= 20 ? lpStringToInt(b) : null;
  if (asInt !== null) return lpWriteInt(buf, p, asInt);
  const n = b.length;
  let h: number;
  if (n < 64) {
    buf[p] = 0x80 | n;
    h = 1;
  } else if (n < 4096) {
    buf[p] = 0xe0 | (n >> 8);
    buf[p + 1] = n & 0xff;
    h = 2;
  } else {
    buf[p] = 0xf0;
    buf[p + 1] = n & 0xff;
    buf[p + 2] = (n >>> 8) & 0xff;
    buf[p + 3] = (n >>> 16) & 0xff;
    buf[p + 4] = (n >>> 24) & 0xff;
    h = 5;
  }
  buf.set(b, p + h);
  return writeBacklen(buf, p + h + n, h + n);
}

/** Set the header fields (total bytes, element count) of a listpack of `total` bytes. */
export function lpSetHeader(buf: Uint8Array, total: number, count: number): void {
  buf[0] = total & 0xff;
  buf[1] = (total >>> 8) & 0xff;
  buf[2] = (total >>> 16) & 0xff;
  buf[3] = (total >>> 24) & 0xff;
  const c = count < 65535 ? count : 65535;
  buf[4] = c & 0xff;
  buf[5] = c >> 8;
}

export function lpGetTotal(buf: Uint8Array): number {
  return (buf[0]! | (buf[1]! << 8) | (buf[2]! << 16) | (buf[3]! << 24)) >>> 0;
}

export function lpGetCount(buf: Uint8Array): number {
  return buf[4]! | (buf[5]! << 8);
}

// -------------------------------------------------------------------------------------------------
// Reading

/**
 * Decoder state for one element: call `read(buf, p)`, then look at `isInt`/`int` or
 * `off`/`len`, and continue at `next`. One instance is reused to avoid allocation.
 */
export class LpElement {
  isInt = false;
  int: number | bigint = 0;
  /** String data offset and length (when !isInt). */
  off = 0;
  len = 0;
  /** Position of the following element (or the EOF byte). */
  next = 0;

  read(buf: Uint8Array, p: number): this {
    const c = buf[p]!;
    let l: number;
    if (c < 0x80) {
      this.isInt = true;
      this.int = c;
      l = 1;
    } else if (c < 0xc0) {
      this.isInt = false;
      this.off = p + 1;
      this.len = c & 0x3f;
      l = 1 + this.len;
    } else if (c < 0xe0) {
      this.isInt = true;
      let v = ((c & 0x1f) << 8) | buf[p + 1]!;
      if (v >= 4096) v -= 8192;
      this.int = v;
      l = 2;
    } else if (c < 0xf0) {
      this.isInt = false;
      this.off = p + 2;
      this.len = ((c & 0x0f) << 8) | buf[p + 1]!;
      l = 2 + this.len;
    } else if (c === 0xf0) {
      this.isInt = false;
      this.off = p + 5;
      this.len = (buf[p + 1]! | (buf[p + 2]! << 8) | (buf[p + 3]! << 16) | (buf[p + 4]! << 24)) >>> 0;
      l = 5 + this.len;
    } else if (c === 0xf1) {
      this.isInt = true;
      this.int = ((buf[p + 1]! | (buf[p + 2]! << 8)) << 16) >> 16;
      l = 3;
    } else if (c === 0xf2) {
      this.isInt = true;
      this.int = ((buf[p + 1]! | (buf[p + 2]! << 8) | (buf[p + 3]! << 16)) << 8) >> 8;
      l = 4;
    } else if (c === 0xf3) {
      this.isInt = true;
      this.int = buf[p + 1]! | (buf[p + 2]! << 8) | (buf[p + 3]! << 16) | (buf[p + 4]! << 24);
      l = 5;
    } else if (c === 0xf4) {
      this.isInt = true;
      const v = new DataView(buf.buffer, buf.byteOffset + p + 1, 8).getBigInt64(0, true);
      this.int = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
      l = 9;
    } else {
      throw new Error(`bad listpack encoding byte 0x${c.toString(16)} at ${p}`);
    }
    this.next = p + l + backlenSize(l);
    return this;
  }

  /** The element as bytes: a view for strings (valid until the buffer changes), digits for ints. */
  bytes(buf: Uint8Array): Uint8Array {
    if (!this.isInt) return buf.subarray(this.off, this.off + this.len);
    return intDigits(this.int);
  }

  /** Byte-equality with `b` (integers compare by their decimal text). */
  equals(buf: Uint8Array, b: Uint8Array): boolean {
    if (this.isInt) {
      const asInt = lpStringToInt(b);
      return asInt !== null && asInt === this.int;
    }
    if (this.len !== b.length) return false;
    const off = this.off;
    for (let i = 0; i < b.length; i++) if (buf[off + i] !== b[i]) return false;
    return true;
  }
}

const smallInts: Uint8Array[] = [];
for (let i = 0; i < 256; i++) smallInts.push(new TextEncoder().encode(String(i)));

/** Decimal bytes of an integer (shared arrays for 0..255: do not modify). */
export function intDigits(v: number | bigint): Uint8Array {
  if (typeof v === "number" && v >= 0 && v < 256) return smallInts[v]!;
  const s = String(v);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Position after the element at `p`. */
export function lpSkip(buf: Uint8Array, p: number): number {
  const c = buf[p]!;
  let l: number;
  if (c < 0x80) l = 1;
  else if (c < 0xc0) l = 1 + (c & 0x3f);
  else if (c < 0xe0) l = 2;
  else if (c < 0xf0) l = 2 + (((c & 0x0f) << 8) | buf[p + 1]!);
  else if (c === 0xf0) l = 5 + ((buf[p + 1]! | (buf[p + 2]! << 8) | (buf[p + 3]! << 16) | (buf[p + 4]! << 24)) >>> 0);
  else if (c === 0xf1) l = 3;
  else if (c === 0xf2) l = 4;
  else if (c === 0xf3) l = 5;
  else if (c === 0xf4) l = 9;
  else throw new Error(`bad listpack encoding byte 0x${c.toString(16)} at ${p}`);
  return p + l + backlenSize(l);
}

/** Start of the element that ends just before `p` (p is an element start or the EOF byte). */
export function lpPrev(buf: Uint8Array, p: number): number {
  let q = p - 1;
  let l = buf[q]! & 127;
  let shift = 7;
  while (buf[q]! & 128) {
    q--;
    l += (buf[q]! & 127) * 2 ** shift;
    shift += 7;
  }
  return q - l;
}

/** Small integer value of the element at `p` (flags, counts, deltas); bigint past 2^53. */
export function lpInt(buf: Uint8Array, p: number): number | bigint {
  const c = buf[p]!;
  if (c < 0x80) return c;
  return scratchEl.read(buf, p).int;
}

const scratchEl = new LpElement();
