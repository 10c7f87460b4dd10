/**
 * Argument parsing shared by the families. Parsers throw ReplyError with Redis's texts; `call()`
 * turns that into the error reply. Option words are compared case-insensitively on bytes.
 */
import { E, fail } from "../protocol/errors.ts";
import { parseDouble, parseInt64, parseBigInt64 } from "../util/numbers.ts";

/** Case-insensitive comparison of an argument with a lowercase ASCII word. */
export function is(arg: Uint8Array, word: string): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < arg.length; i++) {
    let c = arg[i]!;
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Integer argument (Redis's getLongLongFromObjectOrReply); throws `msg` when invalid. */
export function intArg(arg: Uint8Array, msg: string = E.NOT_INTEGER): number {
  const n = parseInt64(arg);
  if (Number.isNaN(n)) fail(msg);
  return n;
}

/**
 * 32-bit integer argument (Redis's getIntFromObjectOrReply): not an integer → `msg`; an integer
 * outside the int range → `msg` when given, else Redis's "value must between" text.
 */
export function int32Arg(arg: Uint8Array, msg?: string): number {
  const n = intArg(arg, msg ?? E.NOT_INTEGER);
  if (n < -2147483648 || n > 2147483647) fail(msg ?? "ERR value is out of range, value must between -2147483648 and 2147483647");
  return n;
}

/** Exact 64-bit integer argument. */
export function bigIntArg(arg: Uint8Array, msg: string = E.NOT_INTEGER): bigint {
  const n = parseBigInt64(arg);
  if (n === null) fail(msg);
  return n;
}

/** Float argument (getDoubleFromObjectOrReply / getLongDoubleFromObjectOrReply). */
export function floatArg(arg: Uint8Array, msg: string = E.NOT_FLOAT): number {
  const d = parseDouble(arg);
  if (Number.isNaN(d)) fail(msg);
  return d;
}

/** Non-negative integer argument with Redis's "value is out of range, must be positive". */
export function positiveIntArg(arg: Uint8Array, msg = "ERR value is out of range, must be positive"): number {
  const n = intArg(arg);
  if (n < 0) fail(msg);
  return n;
}

const dec = new TextDecoder();
/** UTF-8 text of an argument (for edges: config values, names, patterns in messages). */
export function text(arg: Uint8Array): string {
  return dec.decode(arg);
}

/** Latin1 text of an argument: one char per byte, round-trips through `latin1Bytes`. */
export function latin1(arg: Uint8Array): string {
  let s = "";
  for (let i = 0; i < arg.length; i++) s += String.fromCharCode(arg[i]!);
  return s;
}

export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

const enc = new TextEncoder();
/** UTF-8 bytes of a JS string. */
export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}
