/**
 * C `strtod` (glibc, "C" locale) over bytes, and the three ways Redis judges its result:
 *
 * - `parseScore` — getDoubleFromObject (ZADD/ZINCRBY scores, WEIGHTS): the whole argument must
 *   convert, no leading space, no NaN, no overflow to ±inf and no underflow to zero.
 * - `parseRangeBound` — zslParseRange (ZRANGEBYSCORE & co.): strtod up to the end of the C
 *   string (a NUL byte ends it), leading space allowed, over/underflow accepted, NaN rejected.
 * - `parseSortScore` — SORT's check: like the range bound but any ERANGE is an error.
 *
 * strtod accepts: leading isspace, a sign, decimal digits with an optional point and exponent,
 * hexadecimal `0x` mantissas with an optional `p` binary exponent, `inf`/`infinity` and
 * `nan`/`nan(chars)`, case-insensitively; it converts the longest valid prefix.
 */

/** Result of a strtod call: the value, where parsing stopped, and whether errno was ERANGE. */
export interface StrtodResult {
  value: number;
  end: number;
  erange: boolean;
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const hexVal = (c: number) => (isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);
const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

function matchWord(b: Uint8Array, at: number, end: number, word: string): boolean {
  if (end - at < word.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(b[at + i]!) !== word.charCodeAt(i)) return false;
  return true;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** strtod over b[start..end). */
export function strtod(b: Uint8Array, start = 0, end = b.length): StrtodResult {
  let i = start;
  while (i < end && isSpace(b[i]!)) i++;
  let neg = false;
  if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) {
    neg = b[i] === 0x2d;
    i++;
  }
  const sign = neg ? -1 : 1;
  if (matchWord(b, i, end, "inf")) {
    const stop = matchWord(b, i, end, "infinity") ? i + 8 : i + 3;
    return { value: sign * Infinity, end: stop, erange: false };
  }
  if (matchWord(b, i, end, "nan")) {
    let stop = i + 3;
    if (stop < end && b[stop] === 0x28) {
      let k = stop + 1;
      while (k < end && (isDigit(b[k]!) || (lower(b[k]!) >= 0x61 && lower(b[k]!) <= 0x7a) || b[k] === 0x5f)) k++;
      if (k < end && b[k] === 0x29) stop = k + 1;
    }
    return { value: NaN, end: stop, erange: false };
  }
  if (i + 1 < end && b[i] === 0x30 && lower(b[i + 1]!) === 0x78) {
    const hex = parseHex(b, i + 2, end, sign);
    if (hex !== null) return hex;
    // "0x" without hex digits: the "0" converts and parsing stops at the 'x'.
    return { value: sign * 0, end: i + 1, erange: false };
  }
  // Decimal.
  const numStart = i;
  let digits = 0;
  let nonZero = false;
  while (i < end && isDigit(b[i]!)) {
    if (b[i] !== 0x30) nonZero = true;
    i++;
    digits++;
  }
  if (i < end && b[i] === 0x2e) {
    i++;
    while (i < end && isDigit(b[i]!)) {
      if (b[i] !== 0x30) nonZero = true;
      i++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start, erange: false };
  if (i < end && lower(b[i]!) === 0x65) {
    let k = i + 1;
    if (k < end && (b[k] === 0x2b || b[k] === 0x2d)) k++;
    if (k < end && isDigit(b[k]!)) {
      while (k < end && isDigit(b[k]!)) k++;
      i = k;
    }
  }
  let s = "";
  for (let k = numStart; k < i; k++) s += String.fromCharCode(b[k]!);
  if (s.charCodeAt(0) === 0x2e) s = "0" + s;
  const v = Number(s) * sign;
  const mag = Math.abs(v);
  const erange = mag === Infinity || (nonZero && mag < MIN_NORMAL);
  return { value: v, end: i, erange };
}

/** Hex float after "0x": null when no hex digit follows. */
function parseHex(b: Uint8Array, i: number, end: number, sign: number): StrtodResult | null {
  let mant = 0n;
  let exp = 0;
  let digits = 0;
  while (i < end && hexVal(b[i]!) >= 0) {
    mant = (mant << 4n) | BigInt(hexVal(b[i]!));
    i++;
    digits++;
  }
  if (i < end && b[i] === 0x2e) {
    i++;
    while (i < end && hexVal(b[i]!) >= 0) {
      mant = (mant << 4n) | BigInt(hexVal(b[i]!));
      exp -= 4;
      i++;
      digits++;
    }
  }
  if (digits === 0) return null;
  if (i < end && lower(b[i]!) === 0x70) {
    let k = i + 1;
    let eneg = false;
    if (k < end && (b[k] === 0x2b || b[k] === 0x2d)) {
      eneg = b[k] === 0x2d;
      k++;
    }
    if (k < end && isDigit(b[k]!)) {
      let e = 0;
      while (k < end && isDigit(b[k]!)) {
        if (e < 100000) e = e * 10 + (b[k]! - 0x30);
        k++;
      }
      exp += eneg ? -e : e;
      i = k;
    }
  }
  if (mant === 0n) return { value: sign * 0, end: i, erange: false };
  // Round the mantissa to 53 bits (half to even), then scale by 2^exp.
  const bits = mant.toString(2).length;
  if (bits > 53) {
    const shift = BigInt(bits - 53);
    const rem = mant & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    mant >>= shift;
    if (rem > half || (rem === half && (mant & 1n) === 1n)) mant += 1n;
    exp += bits - 53;
  }
  let v = Number(mant);
  // Scale in steps so intermediate powers do not overflow or underflow early.
  while (exp > 0) {
    const step = Math.min(exp, 1000);
    v *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = Math.min(-exp, 1000);
    v /= 2 ** step;
    exp += step;
  }
  const mag = Math.abs(v);
  return { value: sign * v, end: i, erange: mag === Infinity || mag < MIN_NORMAL };
}

/** getDoubleFromObject's rules; NaN when invalid. */
export function parseScore(b: Uint8Array): number {
  if (b.length === 0 || isSpace(b[0]!)) return NaN;
  const r = strtod(b);
  if (r.end !== b.length || Number.isNaN(r.value)) return NaN;
  if (r.erange && (Math.abs(r.value) === Infinity || r.value === 0)) return NaN;
  return r.value;
}

/** Index of the first NUL byte at or after `from`, or the length (C-string end). */
function cEnd(b: Uint8Array, from: number): number {
  const z = b.indexOf(0, from);
  return z < 0 ? b.length : z;
}

/** zslParseRange's per-bound rule over b[from..]: NaN when invalid. */
export function parseRangeBound(b: Uint8Array, from: number): number {
  const end = cEnd(b, from);
  const r = strtod(b, from, end);
  if (r.end !== end || Number.isNaN(r.value)) return NaN;
  return r.value;
}

/** SORT's rule: the C string fully converted, no ERANGE, not NaN. NaN when invalid. */
export function parseSortScore(b: Uint8Array): number {
  const end = cEnd(b, 0);
  const r = strtod(b, 0, end);
  if (r.end !== end || r.erange || Number.isNaN(r.value)) return NaN;
  return r.value;
}
