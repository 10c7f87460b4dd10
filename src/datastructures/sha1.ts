/**
 * SHA-1 (FIPS 180-4) over bytes: script SHAs for EVAL/EVALSHA/SCRIPT LOAD and `redis.sha1hex`.
 * Pure and allocation-light: one 80-word schedule reused across calls; the message is processed
 * in place, with only the final one or two padded blocks copied. O(n) in the input length.
 */

const W = new Int32Array(80);
const TAIL = new Uint8Array(128);

function block(h: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4;
    W[i] = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0]!;
  let bb = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  for (let i = 0; i < 80; i++) {
    let f: number;
    let k: number;
    if (i < 20) {
      f = (bb & c) | (~bb & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = bb ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (bb & c) | (bb & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = bb ^ c ^ d;
      k = 0xca62c1d6;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + bb) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}

/** The 20-byte SHA-1 digest of `data`. */
export function sha1(data: Uint8Array): Uint8Array {
  const h = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const n = data.length;
  const full = n - (n % 64);
  for (let off = 0; off < full; off += 64) block(h, data, off);
  const rem = n - full;
  TAIL.fill(0);
  TAIL.set(data.subarray(full), 0);
  TAIL[rem] = 0x80;
  const tailLen = rem < 56 ? 64 : 128;
  // Message length in bits, big-endian 64-bit (lengths beyond 2^53 bits do not occur here).
  const bits = n * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  for (let i = 0; i < 4; i++) {
    TAIL[tailLen - 8 + i] = (hi >>> (24 - i * 8)) & 0xff;
    TAIL[tailLen - 4 + i] = (lo >>> (24 - i * 8)) & 0xff;
  }
  block(h, TAIL, 0);
  if (tailLen === 128) block(h, TAIL, 64);
  const out = new Uint8Array(20);
  for (let i = 0; i < 5; i++) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
  return out;
}

const HEX = "0123456789abcdef";

/** Lowercase hex SHA-1 of `data` (Redis's script SHA and `redis.sha1hex`). */
export function sha1hex(data: Uint8Array): string {
  const d = sha1(data);
  let s = "";
  for (let i = 0; i < 20; i++) s += HEX[d[i]! >> 4]! + HEX[d[i]! & 15]!;
  return s;
}
