/**
 * Redis-exact number parsing and formatting over request bytes.
 *
 * Integers follow Redis's string2ll: optional '-', no '+', no spaces, no leading zeros, signed
 * 64-bit range. `parseInt64` answers with a JS number (NaN when invalid); values beyond 2^53 are
 * range-checked exactly but come back rounded to the nearest double, so callers that must be exact up to 2^63 (INCRBY,
 * SETRANGE offsets are fine as numbers) use `parseBigInt64`.
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;
const LONG_MAX_DIGITS = "9223372036854775807";
const LONG_MIN_DIGITS = "9223372036854775808";

/** True when bytes[from..to) is a valid string2ll integer; the sign is handled by the caller. */
function digitsFitInt64(b: Uint8Array, from: number, neg: boolean): boolean {
  const n = b.length - from;
  if (n < 19) return true;
  if (n > 19) return false;
  const lim = neg ? LONG_MIN_DIGITS : LONG_MAX_DIGITS;
  for (let i = 0; i < 19; i++) {
    const d = b[from + i]!;
    const l = lim.charCodeAt(i);
    if (d !== l) return d < l;
  }
  return true;
}

/** Parse a Redis integer; NaN when not a valid signed 64-bit integer. Exact up to 2^53. */
export function parseInt64(b: Uint8Array): number {
  const len = b.length;
  if (len === 0 || len > 20) return NaN;
  let i = 0;
  let neg = false;
  if (b[0] === 0x2d) {
    if (len === 1) return NaN;
    neg = true;
    i = 1;
  }
  const first = b[i]!;
  if (first === 0x30) return len === 1 ? 0 : NaN; // "0" only; "-0", "01" are invalid
  if (first < 0x31 || first > 0x39) return NaN;
  let n = 0;
  for (; i < len; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  if (len - (neg ? 1 : 0) >= 19 && !digitsFitInt64(b, neg ? 1 : 0, neg)) return NaN;
  if (n > 9007199254740991) {
    // Past 2^53 the running sum above has drifted: round the exact value once instead.
    let s = "";
    for (let j = 0; j < len; j++) s += String.fromCharCode(b[j]!);
    return Number(s);
  }
  return neg ? -n : n;
}

/** Parse a Redis integer exactly as a bigint; null when invalid. */
export function parseBigInt64(b: Uint8Array): bigint | null {
  const n = parseInt64(b);
  if (Number.isNaN(n)) return null;
  if (Number.isSafeInteger(n)) return BigInt(n);
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return BigInt(s);
}

/** True when a string value would be stored with Redis's "int" encoding. */
export function isInt64String(b: Uint8Array): boolean {
  return b.length <= 20 && !Number.isNaN(parseInt64(b));
}

const DOUBLE_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)$/i;
/** C99 hexadecimal floating constants, which strtod accepts too: 0x1p3, -0X.8, 0x10. */
const HEX_DOUBLE_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * Parse a double the way Redis's strtod-based getDoubleFromObject does: no leading space, the
 * whole input consumed, "inf"/"-inf"/"infinity" (any case) and hex floats accepted, NaN,
 * overflow and underflow to zero (ERANGE) rejected; denormals are accepted, as glibc returns them.
 * Returns NaN when invalid.
 */
export function parseDouble(b: Uint8Array): number {
  const len = b.length;
  if (len === 0 || len > 5000) return NaN;
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[i]!);
  return parseDoubleString(s);
}

export function parseDoubleString(s: string): number {
  if (!DOUBLE_RE.test(s)) return parseHexDouble(s);
  const c = s.charCodeAt(s[0] === "-" || s[0] === "+" ? 1 : 0) | 0x20;
  if (c === 0x69 /* 'i' */) return s[0] === "-" ? -Infinity : Infinity;
  const d = Number(s);
  if (!Number.isFinite(d)) return NaN; // ERANGE overflow
  if (d === 0 && /[1-9]/.test(mantissaOf(s))) return NaN; // ERANGE underflow to zero
  return d;
}

/** The digits before any exponent. */
function mantissaOf(s: string): string {
  const e = s.search(/[eE]/);
  return e < 0 ? s : s.slice(0, e);
}

function parseHexDouble(s: string): number {
  const m = HEX_DOUBLE_RE.exec(s);
  if (m === null) return NaN;
  const intDigits = m[2] ?? "";
  const fracDigits = m[3] ?? "";
  if (intDigits === "" && fracDigits === "") return NaN; // "0x" alone: strtod stops after "0"
  const mant = BigInt("0x" + (intDigits + fracDigits || "0"));
  const exp = Number(m[4] ?? "0") - 4 * fracDigits.length;
  // Number(mant) rounds to 53 bits; scaling by powers of two is then exact in the normal range
  // (two steps, so a long mantissa with a very negative exponent does not underflow early).
  const half = Math.trunc(exp / 2);
  const d = Number(mant) * 2 ** half * 2 ** (exp - half);
  if (!Number.isFinite(d)) return NaN; // ERANGE overflow
  if (d === 0 && mant !== 0n) return NaN; // ERANGE underflow to zero
  return m[1] === "-" ? -d : d;
}

/** Format like C's printf("%.17g"), with Redis's inf/-inf spelling. */
export function formatDouble17(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  return formatG(d, 17);
}

/** C's %.<p>g for finite non-zero d (p ≤ 17). */
export function formatG(d: number, p: number): string {
  // Integers of up to 16 digits print in full under %.16g and %.17g.
  if (p >= 16 && Number.isSafeInteger(d)) return String(d);
  // An exact tie at p digits needs an exact expansion of p+1 digits ending in 5, which only a
  // value with few fraction bits has (d·2^K integral, K = ceil((p+1)·log5(10))). C rounds such
  // ties half to even; toExponential rounds them up. So those values take the exact path.
  const k = Math.ceil((p + 1) * 1.4307);
  if (Math.abs(d) < 10 ** (p + 1) && Number.isInteger(d * 2 ** k)) return formatGExact(d, p, k);
  const e = d.toExponential(p - 1);
  const ei = e.indexOf("e");
  const exp = Number(e.slice(ei + 1));
  if (exp < -4 || exp >= p) {
    const mant = stripZeros(e.slice(0, ei));
    const a = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${a < 10 ? "0" : ""}${a}`;
  }
  return stripZeros(d.toFixed(p - 1 - exp));
}

/** %.<p>g from the exact decimal expansion of d (|d| < 1e21 with at most k fraction digits). */
function formatGExact(d: number, p: number, k: number): string {
  const sign = d < 0 ? "-" : "";
  const fixed = Math.abs(d).toFixed(k); // exact: d has at most k decimal places
  const dot = fixed.indexOf(".");
  let digits = fixed.slice(0, dot) + fixed.slice(dot + 1);
  let lead = 0;
  while (digits.charCodeAt(lead) === 0x30) lead++;
  digits = digits.slice(lead);
  let exp = dot - lead - 1; // decimal exponent of the first significant digit
  if (digits.length > p) {
    const rest = digits.slice(p);
    let kept = digits.slice(0, p);
    const r = rest.charCodeAt(0);
    const up = r > 0x35 || (r === 0x35 && (/[1-9]/.test(rest.slice(1)) || (kept.charCodeAt(p - 1) & 1) === 1));
    if (up) {
      const bumped = (BigInt(kept) + 1n).toString();
      if (bumped.length > p) exp++;
      kept = bumped.slice(0, p);
    }
    digits = kept;
  }
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 0x30) end--;
  digits = digits.slice(0, end);
  if (exp < -4 || exp >= p) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const a = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${a < 10 ? "0" : ""}${a}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits.padEnd(exp + 1, "0");
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function stripZeros(s: string): string {
  if (s.indexOf(".") < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

/** Bytes of an ASCII string (numbers, status words): no TextEncoder round trip. */
export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Decimal bytes of an integer (number or bigint). */
export function intBytes(n: number | bigint): Uint8Array {
  return asciiBytes(typeof n === "bigint" ? n.toString() : String(n));
}
