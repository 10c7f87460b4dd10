/**
 * HINCRBYFLOAT's arithmetic: Redis adds in C `long double` (x87 80-bit extended: 64-bit
 * significand) and prints with `%.17Lf`, trailing zeros stripped. Doing it in JS doubles gives
 * visibly different results (10.5 + 0.1 prints "10.6" in Redis but 10.599999999999999644 from a
 * double), so this emulates the extended format exactly with BigInt: parse the decimal text to
 * the nearest 64-bit-significand binary value, add with one rounding, print exactly.
 *
 * Stand-in interface for the shared long-double module (branch `strings`): the lead may swap the
 * import in commands/hash.ts to it. Subnormal extended values are treated as normal ones.
 */

/** Why an increment failed. */
export type LongDoubleError = "value" | "incr" | "nan";

/** Sign-magnitude binary float: (-1)^neg × m × 2^e, m < 2^64; m = 0 is zero; inf when inf. */
interface Ext {
  neg: boolean;
  m: bigint;
  e: number;
  inf: boolean;
}

const MAX_CHARS = 5 * 1024;
const BITS = 64;
// Extended range: about 1.19e4932 at the top; a bit below 3.6e-4951 at the bottom.
const MAX_EXP2 = 16384;
const MIN_EXP2 = -16446;

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Round n/d (n, d > 0) to a 64-bit significand, half to even. */
function roundRational(n: bigint, d: bigint, neg: boolean): Ext {
  let e = bitLength(n) - bitLength(d) - BITS;
  let q: bigint;
  let r: bigint;
  let den: bigint;
  for (;;) {
    const num = e < 0 ? n << BigInt(-e) : n;
    den = e > 0 ? d << BigInt(e) : d;
    q = num / den;
    r = num - q * den;
    if (q >= 1n << BigInt(BITS)) e++;
    else if (q < 1n << BigInt(BITS - 1)) e--;
    else break;
  }
  const twice = r * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(BITS)) {
    q >>= 1n;
    e++;
  }
  return { neg, m: q, e, inf: e + BITS > MAX_EXP2 };
}

/** strtold as Redis's string2ld uses it: null when invalid, overflowing or underflowing to 0. */
export function parseLongDouble(b: Uint8Array): Ext | null {
  if (b.length === 0 || b.length > MAX_CHARS) return null;
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  let i = 0;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === "inf" || rest === "infinity") return { neg, m: 0n, e: 0, inf: true };
  const hex = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(rest);
  if (hex !== null) {
    const ip = hex[1] ?? "";
    const fp = hex[2] ?? "";
    if (ip === "" && fp === "") return null;
    const mant = BigInt("0x" + (ip + fp || "0"));
    const exp = Number(hex[3] ?? "0") - 4 * fp.length;
    if (mant === 0n) return { neg, m: 0n, e: 0, inf: false };
    if (exp + bitLength(mant) > MAX_EXP2 + 1) return null;
    if (exp + bitLength(mant) < MIN_EXP2) return null;
    const r = exp >= 0 ? roundRational(mant << BigInt(exp), 1n, neg) : roundRational(mant, 1n << BigInt(-exp), neg);
    return r.inf ? null : r;
  }
  const dec = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(rest);
  if (dec === null) return null;
  const ip = dec[1] ?? "";
  const fp = dec[2] ?? "";
  if (ip === "" && fp === "") return null;
  const digits = (ip + fp).replace(/^0+/, "");
  if (digits === "") return { neg, m: 0n, e: 0, inf: false };
  const exp10 = Number(dec[3] ?? "0") - fp.length;
  const magnitude = exp10 + digits.length; // value is in [10^(magnitude-1), 10^magnitude)
  if (magnitude > 4934) return null; // overflow (ERANGE, HUGE_VAL)
  if (magnitude < -4951) return null; // underflow to zero (ERANGE)
  const n = BigInt(digits);
  const r = exp10 >= 0 ? roundRational(n * 10n ** BigInt(exp10), 1n, neg) : roundRational(n, 10n ** BigInt(-exp10), neg);
  return r.inf ? null : r;
}

function add(a: Ext, b: Ext): Ext {
  if (a.inf || b.inf) return { neg: a.inf ? a.neg : b.neg, m: 0n, e: 0, inf: true };
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const av = (a.m << BigInt(a.e - e)) * (a.neg ? -1n : 1n);
  const bv = (b.m << BigInt(b.e - e)) * (b.neg ? -1n : 1n);
  const sum = av + bv;
  if (sum === 0n) return { neg: false, m: 0n, e: 0, inf: false };
  const neg = sum < 0n;
  const mag = neg ? -sum : sum;
  const r = e >= 0 ? roundRational(mag << BigInt(e), 1n, neg) : roundRational(mag, 1n << BigInt(-e), neg);
  return r;
}

/** printf("%.17Lf") then Redis's trailing-zero strip (and "-0" → "0"). */
export function formatLongDouble(x: Ext): string {
  if (x.inf) return x.neg ? "-inf" : "inf";
  const P = 10n ** 17n;
  let scaled: bigint;
  if (x.e >= 0) scaled = (x.m << BigInt(x.e)) * P;
  else {
    const sh = BigInt(-x.e);
    const num = x.m * P;
    scaled = num >> sh;
    const r = num - (scaled << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (scaled & 1n) === 1n)) scaled++;
  }
  let digits = scaled.toString().padStart(18, "0");
  digits = digits.slice(0, -17) + "." + digits.slice(-17);
  digits = digits.replace(/0+$/, "").replace(/\.$/, "");
  if (x.neg && digits !== "0") digits = "-" + digits;
  return digits;
}

/**
 * current + incr in extended precision, formatted as Redis stores it. `current` null means the
 * field is missing (0). Returns the new text, or which check failed: "incr" (increment is not a
 * valid float), "value" (stored value is not a float), "nan" (result is NaN or infinite).
 */
export function incrLongDouble(current: Uint8Array | null, incr: Uint8Array): string | { error: LongDoubleError } {
  const b = parseLongDouble(incr);
  if (b === null) return { error: "incr" };
  let a: Ext = { neg: false, m: 0n, e: 0, inf: false };
  if (current !== null) {
    const v = parseLongDouble(current);
    if (v === null) return { error: "value" };
    a = v;
  }
  if ((a.inf && b.inf && a.neg !== b.neg) || a.inf || b.inf) return { error: "nan" };
  const sum = add(a, b);
  if (sum.inf) return { error: "nan" };
  return formatLongDouble(sum);
}

/** True when the increment text is itself NaN or infinite (checked before the key lookup). */
export function isInfiniteLongDouble(incr: Uint8Array): boolean {
  const b = parseLongDouble(incr);
  return b !== null && b.inf;
}
