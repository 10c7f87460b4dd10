/**
 * Exact emulation of the x87 80-bit `long double` arithmetic that Redis 7.0 uses for INCRBYFLOAT
 * and HINCRBYFLOAT, with BigInt.
 *
 * Redis parses both operands with `strtold` (rejecting leading spaces, trailing bytes, NaN, and
 * values that overflow or underflow to zero), adds them in extended precision, rejects NaN and
 * infinite sums, and stores the sum printed with `"%.17Lf"` after stripping trailing zeros (and a
 * trailing dot; "-0" becomes "0"). Each step is reproduced exactly here:
 *
 * - A finite value is `(-1)^neg * mant * 2^exp` with `mant < 2^64` (the 64-bit explicit-integer
 *   mantissa). Normal numbers have their leading bit between 2^-16382 and 2^16383; below that the
 *   unit is fixed at 2^-16445 (denormals). Results are rounded to nearest, ties to even (the x87
 *   default control word on Linux, and glibc's strtold/printf rounding).
 * - Parsing converts the decimal (or C99 hex-float) text to an exact rational and rounds once.
 * - Printing computes `round(|x| * 10^17)` exactly, ties to even, as glibc's printf does.
 *
 * Costs are BigInt operations on numbers of up to ~16k bits for extreme exponents; typical values
 * take a handful of small BigInt operations.
 */

/** A finite extended-precision value, or an infinity (`inf` set; mant/exp unused). */
export interface LongDouble {
  readonly neg: boolean;
  /** Mantissa, 0 ≤ mant < 2^64. */
  readonly mant: bigint;
  /** Binary exponent of the mantissa's unit. */
  readonly exp: number;
  readonly inf: boolean;
}

/** Exponent of the smallest denormal unit: 2^-16445. */
const EMIN_UNIT = -16445;
/** Values whose leading bit reaches 2^16384 overflow to infinity. */
const EMAX_TOP = 16383;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are rejected before strtold. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;
const TEN17 = 10n ** 17n;

const ZERO: LongDouble = { neg: false, mant: 0n, exp: 0, inf: false };

function infinity(neg: boolean): LongDouble {
  return { neg, mant: 0n, exp: 0, inf: true };
}

/** Number of bits of a positive bigint. */
function bitLen(x: bigint): number {
  if (x <= 0xffffffffn) return 32 - Math.clz32(Number(x));
  if (x < TWO64) return 64 - Math.clz32(Number(x >> 32n));
  const s = x.toString(16);
  return (s.length - 1) * 4 + (32 - Math.clz32(parseInt(s[0]!, 16)));
}

/** Round `s * 2^e` (s ≥ 0) to the nearest long double, ties to even. */
function roundBinary(neg: boolean, s: bigint, e: number): LongDouble {
  if (s === 0n) return { neg, mant: 0n, exp: 0, inf: false };
  const top = bitLen(s) - 1 + e;
  if (top > EMAX_TOP + 1) return infinity(neg);
  let unit = Math.max(top - 63, EMIN_UNIT);
  let q: bigint;
  if (unit <= e) {
    q = s;
    unit = e;
  } else {
    const drop = unit - e;
    if (drop > bitLen(s) + 1) return { neg, mant: 0n, exp: 0, inf: false }; // far below half a unit
    const d = BigInt(drop);
    q = s >> d;
    const r = s & ((1n << d) - 1n);
    const half = 1n << (d - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    if (q === TWO64) {
      q = TWO63;
      unit++;
    }
  }
  if (q === 0n) return { neg, mant: 0n, exp: 0, inf: false };
  if (bitLen(q) - 1 + unit > EMAX_TOP) return infinity(neg);
  return { neg, mant: q, exp: unit, inf: false };
}

/** Round `num / den` (both > 0) to the nearest long double, ties to even. */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble {
  let top = bitLen(num) - bitLen(den);
  // floor(log2(num/den)) is top or top - 1.
  const lhs = top >= 0 ? num : num << BigInt(-top);
  const rhs = top >= 0 ? den << BigInt(top) : den;
  if (lhs < rhs) top--;
  if (top > EMAX_TOP) return infinity(neg);
  let unit = Math.max(top - 63, EMIN_UNIT);
  const n2 = unit <= 0 ? num << BigInt(-unit) : num;
  const d2 = unit <= 0 ? den : den << BigInt(unit);
  let q = n2 / d2;
  const r2 = (n2 - q * d2) * 2n;
  if (r2 > d2 || (r2 === d2 && (q & 1n) === 1n)) q++;
  if (q === TWO64) {
    q = TWO63;
    unit++;
  }
  if (q === 0n) return { neg, mant: 0n, exp: 0, inf: false };
  if (bitLen(q) - 1 + unit > EMAX_TOP) return infinity(neg);
  return { neg, mant: q, exp: unit, inf: false };
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Lowercase ASCII of b[from..] equals word. */
function restIs(b: Uint8Array, from: number, word: string): boolean {
  if (b.length - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) if ((b[from + i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** Parse `[+-]digits` at b[i..]; returns [value saturated at ±1e9, next index] or null. */
function parseExponent(b: Uint8Array, i: number): [number, number] | null {
  let neg = false;
  if (b[i] === 0x2b || b[i] === 0x2d) {
    neg = b[i] === 0x2d;
    i++;
  }
  if (i >= b.length || !isDigit(b[i]!)) return null;
  let v = 0;
  while (i < b.length && isDigit(b[i]!)) {
    if (v < 1e9) v = v * 10 + (b[i]! - 0x30);
    i++;
  }
  return [neg ? -v : v, i];
}

/**
 * Parse a value the way Redis's string2ld does (strtold on the whole input): returns null when
 * the text is not a valid float (empty, too long, leading space, trailing bytes, NaN, overflow,
 * or underflow to zero). "inf"/"infinity" (any case, signed) parse to an infinity.
 */
export function parseLongDouble(b: Uint8Array): LongDouble | null {
  const n = b.length;
  if (n === 0 || n >= MAX_LONG_DOUBLE_CHARS || isSpace(b[0]!)) return null;
  let i = 0;
  let neg = false;
  if (b[0] === 0x2b || b[0] === 0x2d) {
    neg = b[0] === 0x2d;
    i = 1;
  }
  if (i >= n) return null;
  const c = b[i]! | 0x20;
  if (c === 0x69 /* i */) return restIs(b, i, "inf") || restIs(b, i, "infinity") ? infinity(neg) : null;
  if (c === 0x6e /* n */) return null; // nan, nan(...): rejected by Redis
  if (b[i] === 0x30 && i + 1 < n && (b[i + 1]! | 0x20) === 0x78) return parseHex(b, i + 2, neg);
  return parseDecimal(b, i, neg);
}

function parseDecimal(b: Uint8Array, i: number, neg: boolean): LongDouble | null {
  const n = b.length;
  let digits = "";
  let anyDigit = false;
  let fracDigits = 0;
  let seenDot = false;
  for (; i < n; i++) {
    const ch = b[i]!;
    if (isDigit(ch)) {
      anyDigit = true;
      if (digits.length > 0 || ch !== 0x30) digits += String.fromCharCode(ch);
      if (seenDot) fracDigits++;
    } else if (ch === 0x2e && !seenDot) {
      seenDot = true;
    } else break;
  }
  if (!anyDigit) return null;
  let exp10 = 0;
  if (i < n && (b[i]! | 0x20) === 0x65) {
    const e = parseExponent(b, i + 1);
    if (e === null) return null; // "1e" leaves the 'e' unparsed
    exp10 = e[0];
    i = e[1];
  }
  if (i !== n) return null;
  if (digits.length === 0) return { neg, mant: 0n, exp: 0, inf: false };
  // Move trailing zeros into the exponent.
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 0x30) end--;
  const e = exp10 - fracDigits + (digits.length - end);
  digits = digits.slice(0, end);
  const lead = e + digits.length - 1;
  if (lead > 4940) return null; // overflow (ERANGE, ±HUGE_VALL)
  if (lead < -4970) return null; // underflow to zero (ERANGE, 0)
  const d = BigInt(digits);
  const r = e >= 0 ? roundBinary(neg, d * 10n ** BigInt(e), 0) : roundRational(neg, d, 10n ** BigInt(-e));
  if (r.inf || r.mant === 0n) return null;
  return r;
}

function parseHex(b: Uint8Array, i: number, neg: boolean): LongDouble | null {
  const n = b.length;
  let hex = "";
  let anyDigit = false;
  let fracDigits = 0;
  let seenDot = false;
  for (; i < n; i++) {
    const ch = b[i]!;
    const v = hexVal(ch);
    if (v >= 0) {
      anyDigit = true;
      if (hex.length > 0 || v !== 0) hex += String.fromCharCode(ch);
      if (seenDot) fracDigits++;
    } else if (ch === 0x2e && !seenDot) {
      seenDot = true;
    } else break;
  }
  if (!anyDigit) return null; // "0x" alone: strtold stops after the "0"
  let exp2 = 0;
  if (i < n && (b[i]! | 0x20) === 0x70) {
    const e = parseExponent(b, i + 1);
    if (e === null) return null;
    exp2 = e[0];
    i = e[1];
  }
  if (i !== n) return null;
  if (hex.length === 0) return { neg, mant: 0n, exp: 0, inf: false };
  const s = BigInt("0x" + hex);
  const e = exp2 - 4 * fracDigits;
  const top = bitLen(s) - 1 + e;
  if (top > EMAX_TOP + 1) return null;
  if (top < EMIN_UNIT - 2) return null;
  const r = roundBinary(neg, s, e);
  if (r.inf || r.mant === 0n) return null;
  return r;
}

/** The exact long double of a 64-bit integer (every int64 fits in the 64-bit mantissa). */
export function longDoubleFromInt(v: bigint): LongDouble {
  if (v === 0n) return ZERO;
  return { neg: v < 0n, mant: v < 0n ? -v : v, exp: 0, inf: false };
}

/** a + b in extended precision, rounded to nearest even. Infinite operands give an infinity. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) {
    // inf + -inf is NaN in C; callers reject both NaN and infinities alike.
    return infinity(a.inf ? a.neg : b.neg);
  }
  if (a.mant === 0n && b.mant === 0n) return { neg: a.neg && b.neg, mant: 0n, exp: 0, inf: false };
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const am = a.mant << BigInt(a.exp - e);
  const bm = b.mant << BigInt(b.exp - e);
  const s = (a.neg ? -am : am) + (b.neg ? -bm : bm);
  if (s === 0n) return ZERO; // x + (-x) is +0 when rounding to nearest
  return roundBinary(s < 0n, s < 0n ? -s : s, e);
}

/** C's printf("%.17Lf") of a finite long double. */
export function formatFixed17(x: LongDouble): string {
  let q: bigint;
  const scaled = x.mant * TEN17;
  if (x.exp >= 0) q = scaled << BigInt(x.exp);
  else {
    const d = BigInt(-x.exp);
    q = scaled >> d;
    const r = scaled & ((1n << d) - 1n);
    const half = 1n << (d - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
  }
  const digits = q.toString().padStart(18, "0");
  return `${x.neg ? "-" : ""}${digits.slice(0, -17)}.${digits.slice(-17)}`;
}

/**
 * Redis's ld2string(..., LD_STR_HUMAN) of a finite value: "%.17Lf" with trailing zeros and a
 * trailing dot removed, and "-0" written "0".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  let s = formatFixed17(x);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  s = s.slice(0, end);
  return s === "-0" ? "0" : s;
}

/**
 * The text INCRBYFLOAT / HINCRBYFLOAT store and reply for `value + incr`, or null when the sum is
 * NaN or infinite (Redis: "increment would produce NaN or Infinity").
 */
export function incrLongDouble(value: LongDouble, incr: LongDouble): string | null {
  if (value.inf || incr.inf) return null;
  const sum = addLongDouble(value, incr);
  if (sum.inf) return null;
  return formatLongDoubleHuman(sum);
}
