/**
 * HyperLogLog in Redis's exact byte format (values are plain strings, so GET/SET, DUMP/RESTORE
 * and RDB files carry them between Kedis and Redis unchanged).
 *
 * Layout: a 16-byte header `HYLL` <encoding: 0 dense, 1 sparse> <3 unused bytes> <8-byte
 * little-endian cached cardinality; the top bit of the last byte set means "stale">, then
 *  - dense: 16384 six-bit registers packed little-endian (12288 bytes);
 *  - sparse: run-length opcodes: ZERO `00xxxxxx` (1-64 zero registers), XZERO `01xxxxxx yyyyyyyy`
 *    (1-16384 zero registers), VAL `1vvvvvxx` (1-4 registers of value 1-32).
 * Elements hash with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the
 * run of zero bits above them (+1, capped at 51) is the value. The estimator is Redis 7.0's
 * (Ertl's improved raw estimator over the register histogram).
 *
 * Sparse updates split and merge opcodes exactly the way Redis does, so the bytes after any
 * sequence of PFADDs are identical; a sparse value is promoted to dense when a register exceeds
 * 32 or an update would grow it past `hll-sparse-max-bytes`.
 *
 * Values are Uint8Arrays. Functions edit a `HllRef` in place when the size does not change and
 * replace `ref.b` otherwise; buffers allocated here keep spare capacity (amortized growth), and
 * only those buffers' spare bytes are ever used. Pure: no imports from store/ or server/.
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_BITS = 6;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;

/** A value being edited: `b` may be replaced (growth, shrink, promotion to dense). */
export interface HllRef {
  b: Uint8Array;
}

/** Buffers allocated here: their bytes past a view's end are free to use. */
const owned = new WeakSet<ArrayBufferLike>();

// -------------------------------------------------------------------------------------------------
// MurmurHash64A on 32-bit halves

/** Result registers of the 64-bit helpers (avoid allocating pairs). */
let H = 0;
let L = 0;

/** (ah:al) * (bh:bl) mod 2^64 into H:L. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiAlBl = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  L = Math.imul(al, bl) >>> 0;
  H = (hiAlBl + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

/** MurmurHash64A(key, seed 0xadc83b19) into H:L. */
function murmur64a(key: Uint8Array): void {
  const len = key.length;
  mul64(0, len >>> 0, M_HI, M_LO);
  let hh = H;
  let hl = (L ^ SEED) >>> 0;
  const end = len - (len & 7);
  let i = 0;
  for (; i < end; i += 8) {
    const kl = (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)) >>> 0;
    const kh = (key[i + 4]! | (key[i + 5]! << 8) | (key[i + 6]! << 16) | (key[i + 7]! << 24)) >>> 0;
    mul64(kh, kl, M_HI, M_LO);
    let k1h = H;
    let k1l = L;
    k1l = (k1l ^ (k1h >>> 15)) >>> 0; // k ^= k >> 47
    mul64(k1h, k1l, M_HI, M_LO);
    k1h = H;
    k1l = L;
    hh = (hh ^ k1h) >>> 0;
    hl = (hl ^ k1l) >>> 0;
    mul64(hh, hl, M_HI, M_LO);
    hh = H;
    hl = L;
  }
  const rest = len & 7;
  if (rest > 0) {
    // The tail bytes, highest first (Redis's fall-through switch).
    if (rest >= 7) hh ^= key[i + 6]! << 16;
    if (rest >= 6) hh ^= key[i + 5]! << 8;
    if (rest >= 5) hh ^= key[i + 4]!;
    if (rest >= 4) hl ^= key[i + 3]! << 24;
    if (rest >= 3) hl ^= key[i + 2]! << 16;
    if (rest >= 2) hl ^= key[i + 1]! << 8;
    hl ^= key[i]!;
    mul64(hh >>> 0, hl >>> 0, M_HI, M_LO);
    hh = H;
    hl = L;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  mul64(hh, hl, M_HI, M_LO);
  hh = H;
  hl = L;
  hl = (hl ^ (hh >>> 15)) >>> 0;
  H = hh;
  L = hl;
}

/** MurmurHash64A of `key` as a bigint (tests). */
export function murmurHash64A(key: Uint8Array): bigint {
  murmur64a(key);
  return (BigInt(H) << 32n) | BigInt(L);
}

let patIndex = 0;

/** Redis's hllPatLen: register index (into `patIndex`) and value for an element. */
function patLen(ele: Uint8Array): number {
  murmur64a(ele);
  patIndex = L & (HLL_REGISTERS - 1);
  // hash >>= 14; hash |= 1 << 50; count trailing zeros + 1.
  const lo = ((L >>> HLL_P) | (H << (32 - HLL_P))) >>> 0;
  const hi = ((H >>> HLL_P) | (1 << (HLL_Q - 32))) >>> 0;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  return 32 + (32 - Math.clz32(hi & -hi));
}

/** Register index and value of an element (tests, PFSELFTEST). */
export function hllPatLen(ele: Uint8Array): [number, number] {
  const c = patLen(ele);
  return [patIndex, c];
}

// -------------------------------------------------------------------------------------------------
// Header

/** A new empty HLL: sparse, one XZERO run of 16384, cached cardinality 0. */
export function createHll(): Uint8Array {
  const b = alloc(HLL_HDR_SIZE + 2, 64);
  b[0] = 0x48; // H
  b[1] = 0x59; // Y
  b[2] = 0x4c; // L
  b[3] = 0x4c; // L
  b[4] = HLL_SPARSE;
  const l = HLL_REGISTERS - 1;
  b[16] = (l >> 8) | 0x40;
  b[17] = l & 0xff;
  return b;
}

function alloc(len: number, cap: number): Uint8Array {
  const buf = new ArrayBuffer(Math.max(len, cap));
  owned.add(buf);
  return new Uint8Array(buf, 0, len);
}

/** Redis's isHLLObjectOrReply structural check (length, magic, encoding, dense size). */
export function isHll(b: Uint8Array): boolean {
  if (b.length < HLL_HDR_SIZE) return false;
  if (b[0] !== 0x48 || b[1] !== 0x59 || b[2] !== 0x4c || b[3] !== 0x4c) return false;
  if (b[4]! > HLL_SPARSE) return false;
  if (b[4] === HLL_DENSE && b.length !== HLL_DENSE_SIZE) return false;
  return true;
}

export function hllEncoding(b: Uint8Array): number {
  return b[4]!;
}

function invalidateCache(b: Uint8Array): void {
  b[15] = b[15]! | 0x80;
}

/** The cached cardinality, or -1 when stale. */
export function cachedCard(b: Uint8Array): number {
  if (b[15]! & 0x80) return -1;
  let v = 0;
  for (let i = 15; i >= 8; i--) v = v * 256 + b[i]!;
  return v;
}

export function setCachedCard(b: Uint8Array, card: number): void {
  let v = card;
  for (let i = 8; i < 16; i++) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

// -------------------------------------------------------------------------------------------------
// Dense registers

export function denseGet(b: Uint8Array, i: number): number {
  const bit = i * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  const b1 = byte + 1 < b.length ? b[byte + 1]! : 0;
  return ((b[byte]! >> fb) | (b1 << (8 - fb))) & 63;
}

function denseSetReg(b: Uint8Array, i: number, v: number): void {
  const bit = i * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte]! & ~(63 << fb)) | ((v << fb) & 0xff);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1]! & ~(63 >> fb8)) | (v >> fb8);
}

/** Raise register `i` to `v`: 1 when it changed. */
function denseSet(b: Uint8Array, i: number, v: number): number {
  if (v > denseGet(b, i)) {
    denseSetReg(b, i, v);
    return 1;
  }
  return 0;
}

// -------------------------------------------------------------------------------------------------
// Sparse representation

const isZero = (c: number) => (c & 0xc0) === 0;
const isXzero = (c: number) => (c & 0xc0) === 0x40;
const zeroLen = (c: number) => (c & 0x3f) + 1;
const valValue = (c: number) => ((c >> 2) & 0x1f) + 1;
const valLen = (c: number) => (c & 3) + 1;
const valOp = (v: number, len: number) => (((v - 1) << 2) | (len - 1) | 0x80) & 0xff;

/** Convert a sparse HLL to dense (header and cache bytes kept). Null when the runs are corrupt. */
export function sparseToDense(b: Uint8Array): Uint8Array | null {
  const d = alloc(HLL_DENSE_SIZE, HLL_DENSE_SIZE);
  d.set(b.subarray(0, HLL_HDR_SIZE));
  d[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = b.length;
  while (p < end) {
    const c = b[p]!;
    if (isZero(c)) {
      idx += zeroLen(c);
      p++;
    } else if (isXzero(c)) {
      idx += (((c & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
      p += 2;
    } else {
      let run = valLen(c);
      const v = valValue(c);
      if (run + idx > HLL_REGISTERS) break;
      while (run-- > 0) denseSetReg(d, idx++, v);
      p++;
    }
  }
  return idx === HLL_REGISTERS ? d : null;
}

/**
 * Redis's hllSparseSet: raise register `index` to `count` in a sparse HLL. Returns 1 (changed),
 * 0 (no change) or -1 (corrupt). May replace `ref.b` (growth, merges, promotion to dense).
 */
export function sparseSet(ref: HllRef, index: number, count: number, sparseMax: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(ref, index, count);
  let b = ref.b;
  let end = b.length;
  // Find the opcode covering `index`.
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const c = b[p]!;
    let oplen = 1;
    if (isZero(c)) span = zeroLen(c);
    else if (c & 0x80) span = valLen(c);
    else {
      span = (((c & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p]!;
  const zero = isZero(op);
  const xzero = isXzero(op);
  const next = xzero ? p + 2 : p + 1;
  let updated = false;
  if (op & 0x80) {
    const old = valValue(op);
    if (old >= count) return 0;
    if (valLen(op) === 1) {
      b[p] = valOp(count, 1);
      updated = true;
    }
  }
  if (!updated && zero && zeroLen(op) === 1) {
    b[p] = valOp(count, 1);
    updated = true;
  }
  if (!updated) {
    // General case: split the opcode into up to three (at most five bytes).
    const seq: number[] = [];
    const last = first + span - 1;
    if (zero || xzero) {
      if (index !== first) pushZeros(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(seq, last - index);
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(valOp(cur, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(cur, last - index));
    }
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && end + delta > sparseMax) return promote(ref, index, count);
    if (delta > 0) {
      b = resize(ref, end + delta);
      b.copyWithin(next + delta, next, end);
      end += delta;
    } else if (delta < 0) {
      b.copyWithin(next + delta, next, end);
      end += delta;
      b = resize(ref, end);
    }
    for (let i = 0; i < seq.length; i++) b[p + i] = seq[i]!;
  }
  // Merge adjacent VAL opcodes of equal value, scanning up to five opcodes from `prev`.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const c = b[p]!;
    if (isXzero(c)) {
      p += 2;
      continue;
    }
    if (isZero(c)) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1]! & 0x80) {
      const v1 = valValue(c);
      const c2 = b[p + 1]!;
      if (v1 === valValue(c2)) {
        const len = valLen(c) + valLen(c2);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          end--;
          b = resize(ref, end);
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(ref.b);
  return 1;
}

function pushZeros(seq: number[], len: number): void {
  if (len > SPARSE_ZERO_MAX_LEN) {
    const l = len - 1;
    seq.push((l >> 8) | 0x40, l & 0xff);
  } else seq.push(len - 1);
}

/** Change the length of ref.b, keeping its bytes (amortized growth in buffers owned here). */
function resize(ref: HllRef, len: number): Uint8Array {
  const b = ref.b;
  if (len <= b.length) {
    ref.b = b.subarray(0, len);
    return ref.b;
  }
  if (owned.has(b.buffer) && b.byteOffset + len <= b.buffer.byteLength) {
    ref.b = new Uint8Array(b.buffer, b.byteOffset, len);
    return ref.b;
  }
  const nb = alloc(len, Math.max(64, len * 2));
  nb.set(b);
  ref.b = nb;
  return nb;
}

function promote(ref: HllRef, index: number, count: number): number {
  const d = sparseToDense(ref.b);
  if (d === null) return -1;
  ref.b = d;
  denseSet(d, index, count);
  return 1;
}

// -------------------------------------------------------------------------------------------------
// Operations

/** PFADD of one element: 1 when a register changed, 0 when not, -1 when the value is corrupt. */
export function hllAdd(ref: HllRef, ele: Uint8Array, sparseMax: number): number {
  const count = patLen(ele);
  const index = patIndex;
  const b = ref.b;
  if (b[4] === HLL_DENSE) return denseSet(b, index, count);
  if (b[4] === HLL_SPARSE) return sparseSet(ref, index, count, sparseMax);
  return -1;
}

/** Mark the cached cardinality stale (after PFADD/PFMERGE changed registers). */
export function hllInvalidate(b: Uint8Array): void {
  invalidateCache(b);
}

/** Register histogram of an HLL; null when a sparse value's runs do not cover 16384 registers. */
function histogram(b: Uint8Array, histo: Float64Array): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(b, i)]!++;
    return true;
  }
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = b.length;
  while (p < end) {
    const c = b[p]!;
    if (isZero(c)) {
      const r = zeroLen(c);
      idx += r;
      histo[0]! += r;
      p++;
    } else if (isXzero(c)) {
      const r = (((c & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
      idx += r;
      histo[0]! += r;
      p += 2;
    } else {
      const r = valLen(c);
      idx += r;
      histo[valValue(c)]! += r;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

const ALPHA_INF = 0.721347520444481703680;

/** Cardinality estimate from a register histogram (Redis 7.0's hllCount). */
function estimate(histo: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * sigma(histo[0]! / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** Estimate of one HLL value, or -1 when corrupt (sparse runs not covering the registers). */
export function hllCount(b: Uint8Array): number {
  const histo = new Float64Array(64);
  if (!histogram(b, histo)) return -1;
  return estimate(histo);
}

/** Fold an HLL into raw registers (one byte each): false when corrupt. */
export function hllMergeInto(max: Uint8Array, b: Uint8Array): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  const end = b.length;
  while (p < end) {
    const c = b[p]!;
    if (isZero(c)) {
      i += zeroLen(c);
      p++;
    } else if (isXzero(c)) {
      i += (((c & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
      p += 2;
    } else {
      let r = valLen(c);
      const v = valValue(c);
      if (r + i > HLL_REGISTERS) break;
      while (r-- > 0) {
        if (v > max[i]!) max[i] = v;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** Estimate from raw registers (PFCOUNT of several keys). */
export function rawCount(max: Uint8Array): number {
  const histo = new Float64Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]!]!++;
  return estimate(histo);
}

/** Raise register `i` of an HLL (dense or sparse) to `v` (PFMERGE's write-back). */
export function hllSetRegister(ref: HllRef, i: number, v: number, sparseMax: number): number {
  if (ref.b[4] === HLL_DENSE) return denseSet(ref.b, i, v);
  return sparseSet(ref, i, v, sparseMax);
}

/** Convert to dense in place of ref.b: true when converted, false when already dense, null when corrupt. */
export function hllToDense(ref: HllRef): boolean | null {
  if (ref.b[4] === HLL_DENSE) return false;
  const d = sparseToDense(ref.b);
  if (d === null) return null;
  ref.b = d;
  return true;
}

/** PFDEBUG DECODE text of a sparse HLL. */
export function sparseDecode(b: Uint8Array): string {
  const out: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < b.length) {
    const c = b[p]!;
    if (isZero(c)) {
      out.push(`z:${zeroLen(c)}`);
      p++;
    } else if (isXzero(c)) {
      out.push(`Z:${(((c & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1}`);
      p += 2;
    } else {
      out.push(`v:${valValue(c)},${valLen(c)}`);
      p++;
    }
  }
  return out.join(" ");
}

/** A copy of `b` whose spare capacity this module may use (values handed in from elsewhere). */
export function ownCopy(b: Uint8Array): Uint8Array {
  const nb = alloc(b.length, b.length + 16);
  nb.set(b);
  return nb;
}
