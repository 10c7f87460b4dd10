/**
 * Stream IDs: two unsigned 64-bit parts, `<ms>-<seq>`.
 *
 * Representation: each part is a `U64`, a JS number while it is at most 2^53-1 and a bigint
 * above (never a bigint for a small value). With that normalisation, `===` is exact equality,
 * and `<`/`>` compare exactly across the two representations, so the common case (millisecond
 * timestamps, small sequence numbers) stays on plain doubles while IDs up to
 * 18446744073709551615-18446744073709551615 remain exact.
 *
 * Parsing follows Redis's string2ull (string2ll first, then strtoull rules: leading blanks, a
 * sign, leading zeros; a minus wraps modulo 2^64) on the bytes up to the first NUL, as the C code
 * sees them.
 */

/** An unsigned 64-bit value: number up to 2^53-1, bigint above (see module doc). */
export type U64 = number | bigint;

export const U64_MAX = 18446744073709551615n;
const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIG = BigInt(SAFE);

/** Normalise a bigint in [0, 2^64) to U64 form. */
export function normU64(v: bigint): U64 {
  return v <= SAFE_BIG ? Number(v) : v;
}

/** v + 1, or null on overflow past 2^64-1. */
export function incU64(v: U64): U64 | null {
  if (typeof v === "number") return v < SAFE ? v + 1 : normU64(BigInt(v) + 1n);
  return v === U64_MAX ? null : v + 1n;
}

/** v - 1, or null when v is 0. */
export function decU64(v: U64): U64 | null {
  if (typeof v === "number") return v > 0 ? v - 1 : null;
  return normU64(v - 1n);
}

/** (a + d) mod 2^64, for a U64 and a signed 64-bit delta (listpack diffs). */
export function addWrap(a: U64, d: number | bigint): U64 {
  if (typeof a === "number" && typeof d === "number") {
    const r = a + d;
    if (r >= 0 && r <= SAFE) return r;
  }
  return normU64(BigInt.asUintN(64, BigInt(a) + BigInt(d)));
}

/** (a - b) as a signed 64-bit value (what Redis stores as a listpack delta). */
export function subWrap(a: U64, b: U64): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const r = BigInt.asIntN(64, BigInt(a) - BigInt(b));
  return r >= -SAFE_BIG && r <= SAFE_BIG ? Number(r) : r;
}

/** Compare two IDs: negative, zero or positive. */
export function cmpId(ams: U64, aseq: U64, bms: U64, bseq: U64): number {
  // Normalisation makes every bigint greater than every number: mixed pairs are decided by type
  // (mixed number/bigint comparisons are slow in the engine).
  if (ams !== bms) {
    const na = typeof ams === "number";
    if (na !== (typeof bms === "number")) return na ? -1 : 1;
    return ams < bms ? -1 : 1;
  }
  if (aseq !== bseq) {
    const na = typeof aseq === "number";
    if (na !== (typeof bseq === "number")) return na ? -1 : 1;
    return aseq < bseq ? -1 : 1;
  }
  return 0;
}

/** A stream ID value (used where an object is convenient: group last IDs, parsed arguments). */
export interface StreamId {
  ms: U64;
  seq: U64;
}

export const ZERO_ID: Readonly<StreamId> = Object.freeze({ ms: 0, seq: 0 });
export const MAX_ID: Readonly<StreamId> = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

export function idEq(a: StreamId, b: StreamId): boolean {
  return a.ms === b.ms && a.seq === b.seq;
}

export function idCmp(a: StreamId, b: StreamId): number {
  return cmpId(a.ms, a.seq, b.ms, b.seq);
}

export function isZeroId(a: StreamId): boolean {
  return a.ms === 0 && a.seq === 0;
}

/** The next ID (seq+1, carrying into ms), or null past the maximum ID. */
export function idIncr(a: StreamId): StreamId | null {
  const s = incU64(a.seq);
  if (s !== null) return { ms: a.ms, seq: s };
  const m = incU64(a.ms);
  return m === null ? null : { ms: m, seq: 0 };
}

/** The previous ID, or null before 0-0. */
export function idDecr(a: StreamId): StreamId | null {
  const s = decU64(a.seq);
  if (s !== null) return { ms: a.ms, seq: s };
  const m = decU64(a.ms);
  return m === null ? null : { ms: m, seq: U64_MAX };
}

// -------------------------------------------------------------------------------------------------
// Text

const scratch = new Uint8Array(48);

function putDigits(buf: Uint8Array, pos: number, v: U64): number {
  if (typeof v === "bigint") {
    const s = v.toString();
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    return pos;
  }
  if (v < 10) {
    buf[pos++] = 48 + v;
    return pos;
  }
  let digits = 0;
  for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
  let p = pos + digits;
  const end = p;
  while (v >= 1) {
    const q = Math.floor(v / 10);
    buf[--p] = 48 + (v - q * 10);
    v = q;
  }
  return end;
}

/**
 * `<ms>-<seq>` as bytes in a shared scratch buffer: valid until the next call (callers copy or
 * write it out at once).
 */
export function idBytesScratch(ms: U64, seq: U64): Uint8Array {
  let p = putDigits(scratch, 0, ms);
  scratch[p++] = 0x2d;
  p = putDigits(scratch, p, seq);
  return scratch.subarray(0, p);
}

/** `<ms>-<seq>` as new bytes. */
export function idBytes(ms: U64, seq: U64): Uint8Array {
  return idBytesScratch(ms, seq).slice();
}

export function idText(a: StreamId): string {
  return `${a.ms}-${a.seq}`;
}

/** Redis's string2ull over `b[from, to)`: null when invalid. */
export function parseU64(b: Uint8Array, from: number, to: number): U64 | null {
  const n = to - from;
  if (n <= 0) return null;
  // Fast path: plain digits without leading zeros (string2ll's accepted form for positives).
  let v = 0;
  let i = from;
  const first = b[i]!;
  if (first >= 0x31 && first <= 0x39 && n <= 15) {
    for (; i < to; i++) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === to) return v;
  } else if (first === 0x30 && n === 1) return 0;
  // strtoull rules: isspace*, [+-], digits+, nothing after.
  i = from;
  while (i < to && (b[i] === 0x20 || (b[i]! >= 0x09 && b[i]! <= 0x0d))) i++;
  let neg = false;
  if (i < to && (b[i] === 0x2b || b[i] === 0x2d)) {
    neg = b[i] === 0x2d;
    i++;
  }
  if (i >= to) return null;
  let big = 0n;
  for (; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return null;
    big = big * 10n + BigInt(d);
    if (big > U64_MAX) return null; // ERANGE
  }
  if (neg) {
    // string2ll accepts "-N" first and string2ull then refuses negatives; strtoull only sees the
    // forms string2ll rejects ("-0", "-007"), where it wraps modulo 2^64.
    if (isPlainNegative(b, from, to)) return null;
    big = BigInt.asUintN(64, -big);
  }
  return normU64(big);
}

/** True for "-<1-9><digits>" within int64 range: what string2ll accepts as a negative number. */
function isPlainNegative(b: Uint8Array, from: number, to: number): boolean {
  if (b[from] !== 0x2d || to - from < 2 || to - from > 20) return false;
  if (b[from + 1]! < 0x31 || b[from + 1]! > 0x39) return false;
  let big = 0n;
  for (let i = from + 1; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return false;
    big = big * 10n + BigInt(d);
  }
  return big <= 9223372036854775808n;
}

/** Result of parsing an ID argument. */
export interface ParsedId {
  ms: U64;
  seq: U64;
  /** False for the `<ms>-*` form (XADD only). */
  seqGiven: boolean;
}

/**
 * Parse `<ms>-<seq>`, `<ms>` (seq = `missingSeq`), `-` and `+` (unless strict), and `<ms>-*`
 * when `allowSeqStar`. Null when invalid. Only the bytes before a NUL count, like Redis's C
 * string handling; arguments longer than 127 bytes are invalid.
 */
export function parseStreamId(arg: Uint8Array, missingSeq: U64, strict: boolean, allowSeqStar: boolean): ParsedId | null {
  if (arg.length > 127) return null;
  let end = arg.indexOf(0);
  if (end < 0) end = arg.length;
  if (end === 1 && (arg[0] === 0x2d || arg[0] === 0x2b)) {
    if (strict) return null;
    return arg[0] === 0x2d ? { ms: 0, seq: 0, seqGiven: true } : { ms: U64_MAX, seq: U64_MAX, seqGiven: true };
  }
  let dash = -1;
  for (let i = 0; i < end; i++) {
    if (arg[i] === 0x2d) {
      dash = i;
      break;
    }
  }
  const ms = parseU64(arg, 0, dash < 0 ? end : dash);
  if (ms === null) return null;
  if (dash < 0) return { ms, seq: missingSeq, seqGiven: true };
  if (allowSeqStar && end - dash - 1 === 1 && arg[dash + 1] === 0x2a) return { ms, seq: 0, seqGiven: false };
  const seq = parseU64(arg, dash + 1, end);
  if (seq === null) return null;
  return { ms, seq, seqGiven: true };
}

/** 16-byte big-endian encoding of an ID (Redis's rax key; RDB node keys and PEL IDs). */
export function encodeId128(ms: U64, seq: U64, out: Uint8Array = new Uint8Array(16), at = 0): Uint8Array {
  const v = new DataView(out.buffer, out.byteOffset + at, 16);
  v.setBigUint64(0, BigInt(ms), false);
  v.setBigUint64(8, BigInt(seq), false);
  return out;
}

/** Decode a 16-byte big-endian ID. */
export function decodeId128(b: Uint8Array, at = 0): StreamId {
  const v = new DataView(b.buffer, b.byteOffset + at, 16);
  return { ms: normU64(v.getBigUint64(0, false)), seq: normU64(v.getBigUint64(8, false)) };
}
