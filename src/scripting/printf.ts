/**
 * C printf number formatting as glibc does it, for Lua 5.1's `string.format` and `tostring`
 * ("%.14g"): exact decimal rounding of the binary value with ties to even, `inf`/`nan` spellings,
 * two-digit exponents, and the x86-64 conversions Lua 5.1 applies before `%d`/`%x`/`%c`
 * (a double cast to long / unsigned long / int). Pure: no Lua here.
 */

const view = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a finite x > 0: x = BigInt(d) * 10^k, d without leading zeros. */
function exactDigits(x: number): { d: string; k: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  let be = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (be === 0) be = 1;
  else mant |= 1n << 52n;
  const e2 = be - 1075;
  if (e2 >= 0) return { d: (mant << BigInt(e2)).toString(), k: 0 };
  // mant / 2^n = mant * 5^n / 10^n
  let d = (mant * 5n ** BigInt(-e2)).toString();
  let k = e2;
  // Drop trailing zeros so digit strings stay short.
  let end = d.length;
  while (end > 1 && d.charCodeAt(end - 1) === 48) end--;
  k += d.length - end;
  d = d.slice(0, end);
  return { d, k };
}

/** Keep the first `keep` (≥ 1) digits of `d`, rounding the rest half to even. */
function roundDigits(d: string, keep: number): string {
  if (keep >= d.length) return d.padEnd(keep, "0");
  let head = d.slice(0, keep);
  const first = d.charCodeAt(keep);
  let up = false;
  if (first > 53) up = true;
  else if (first === 53) {
    let more = false;
    for (let i = keep + 1; i < d.length; i++) {
      if (d.charCodeAt(i) !== 48) {
        more = true;
        break;
      }
    }
    up = more || (head.charCodeAt(keep - 1) & 1) === 1;
  }
  if (up) head = (BigInt(head) + 1n).toString().padStart(keep, "0");
  return head;
}

/** `n` significant digits of x > 0 and the decimal exponent of the first one. */
function sigDigits(x: number, n: number): { digits: string; exp: number } {
  const { d, k } = exactDigits(x);
  let digits = roundDigits(d, n);
  let exp = d.length - 1 + k;
  if (digits.length > n) {
    digits = digits.slice(0, n);
    exp++;
  }
  return { digits, exp };
}

/** x ≥ 0 with `prec` digits after the point, as "int.frac" (no sign). */
function fixed(x: number, prec: number, alt: boolean): string {
  let r: string;
  if (x === 0) r = "0".repeat(prec + 1);
  else {
    let { d, k } = exactDigits(x);
    let keep = d.length + k + prec;
    if (keep < 1) {
      const pad = 1 - keep;
      d = "0".repeat(pad) + d;
      keep = 1;
    }
    r = roundDigits(d, keep);
    if (r.length < prec + 1) r = r.padStart(prec + 1, "0");
  }
  let int = r.slice(0, r.length - prec).replace(/^0+(?=\d)/, "");
  if (int === "") int = "0";
  const frac = r.slice(r.length - prec);
  return prec > 0 || alt ? `${int}.${frac}` : int;
}

function expSuffix(e: number, upper: boolean): string {
  const a = e < 0 ? -e : e;
  return (upper ? "E" : "e") + (e < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
}

function expForm(x: number, prec: number, upper: boolean, alt: boolean): string {
  if (x === 0) return (prec > 0 || alt ? "0." + "0".repeat(prec) : "0") + expSuffix(0, upper);
  const { digits, exp } = sigDigits(x, prec + 1);
  const m = prec > 0 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  return m + expSuffix(exp, upper);
}

function stripZeros(s: string): string {
  if (s.indexOf(".") < 0) return s;
  s = s.replace(/0+$/, "");
  return s.endsWith(".") ? s.slice(0, -1) : s;
}

function generalForm(x: number, prec: number, upper: boolean, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const exp = x === 0 ? 0 : sigDigits(x, p).exp;
  if (exp < -4 || exp >= p) {
    const s = expForm(x, p - 1, upper, alt);
    if (alt) return s;
    const at = s.indexOf(upper ? "E" : "e");
    return stripZeros(s.slice(0, at)) + s.slice(at);
  }
  const s = fixed(x, p - 1 - exp, alt);
  return alt ? s : stripZeros(s);
}

/** A parsed conversion: flags, width, precision (-1 when absent) and the conversion letter. */
export interface FormatSpec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number;
  conv: string;
}

function pad(sign: string, body: string, spec: FormatSpec, zeroOk: boolean): string {
  const len = sign.length + body.length;
  if (len >= spec.width) return sign + body;
  const fill = spec.width - len;
  if (spec.minus) return sign + body + " ".repeat(fill);
  if (spec.zero && zeroOk) return sign + "0".repeat(fill) + body;
  return " ".repeat(fill) + sign + body;
}

/** %e %E %f %F %g %G of a double, flags and width applied. */
export function formatFloat(x: number, spec: FormatSpec): string {
  const upper = spec.conv === "E" || spec.conv === "G" || spec.conv === "F";
  const neg = x < 0 || (x === 0 && 1 / x < 0) || (x !== x && nanSign(x));
  const sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  const a = Math.abs(x);
  let body: string;
  if (a !== a) body = upper ? "NAN" : "nan";
  else if (a === Infinity) body = upper ? "INF" : "inf";
  else {
    const prec = spec.prec < 0 ? 6 : spec.prec;
    const c = spec.conv.toLowerCase();
    body = c === "f" ? fixed(a, prec, spec.alt) : c === "e" ? expForm(a, prec, upper, spec.alt) : generalForm(a, prec, upper, spec.alt);
  }
  return pad(sign, body, spec, Number.isFinite(a));
}

function nanSign(x: number): boolean {
  view.setFloat64(0, x);
  return view.getUint32(0) >>> 31 === 1;
}

const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;
const INT64_MIN = -(1n << 63n);

/** A double cast to a signed 64-bit long as x86-64 does it (out of range or NaN → INT64_MIN). */
export function toInt64(x: number): bigint {
  if (x !== x || x >= TWO63 || x < -TWO63) return INT64_MIN;
  return BigInt(Math.trunc(x));
}

/** A double cast to unsigned long as gcc on x86-64 compiles it. */
export function toUint64(x: number): bigint {
  if (x < TWO63) return BigInt.asUintN(64, toInt64(x));
  if (x !== x || x - TWO63 >= TWO63) return 0n;
  return BigInt(Math.trunc(x - TWO63)) + (1n << 63n);
}

/** A double cast to a 32-bit int (out of range or NaN → INT32_MIN), as for `%c`. */
export function toInt32(x: number): number {
  if (x !== x || x >= 2147483648 || x < -2147483648) return -2147483648;
  return Math.trunc(x) | 0;
}

/** %d %i %o %u %x %X of an integer value, flags, width and precision applied. */
export function formatInteger(v: bigint, spec: FormatSpec): string {
  const c = spec.conv;
  let sign = "";
  let digits: string;
  if (c === "d" || c === "i") {
    if (v < 0n) {
      sign = "-";
      v = -v;
    } else if (spec.plus) sign = "+";
    else if (spec.space) sign = " ";
    digits = v.toString();
  } else {
    const u = BigInt.asUintN(64, v);
    digits = c === "o" ? u.toString(8) : c === "u" ? u.toString() : u.toString(16);
    if (c === "X") digits = digits.toUpperCase();
    if (spec.alt && c === "o" && digits[0] !== "0") digits = "0" + digits;
  }
  if (spec.prec >= 0) {
    if (spec.prec === 0 && digits === "0") digits = "";
    else if (digits.length < spec.prec) digits = digits.padStart(spec.prec, "0");
  }
  if (spec.alt && (c === "x" || c === "X") && v !== 0n) sign = c === "x" ? "0x" : "0X";
  return pad(sign, digits, spec, spec.prec < 0);
}

/** %s of a byte string (precision truncates; width pads), bytes as latin1 text. */
export function padString(s: string, spec: FormatSpec): string {
  if (spec.prec >= 0 && s.length > spec.prec) s = s.slice(0, spec.prec);
  return pad("", s, spec, false);
}

/** Lua 5.1's `tostring` of a number: "%.14g". */
export function formatLuaNumber(x: number): string {
  if (Number.isInteger(x) && x < 1e14 && x > -1e14) return x === 0 && 1 / x < 0 ? "-0" : String(x);
  return formatFloat(x, G14);
}

const G14: FormatSpec = { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, prec: 14, conv: "g" };

/** A "%.17g" spec (Redis's RESP double formatting, cjson with precision 17). */
export function formatG(x: number, prec: number): string {
  return formatFloat(x, { ...G14, prec });
}
