/**
 * Reply writer: semantic methods over one growable byte buffer, encoding RESP2 or RESP3 per the
 * `resp` field (switched per client before each command). RESP2/RESP3 differences live here only.
 *
 * Ownership: the buffer is reused; `take()` hands out a view that is valid until the next write.
 * Frequent replies are pre-encoded constants. Deferred lengths (`deferLen`/`setDeferredLen`) let a
 * handler emit elements before it knows their count; the header is patched in place.
 */
import { formatDouble17 } from "../../util/numbers.ts";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

export const R_OK = bytes("+OK\r\n");
export const R_PONG = bytes("+PONG\r\n");
export const R_QUEUED = bytes("+QUEUED\r\n");
const R_ZERO = bytes(":0\r\n");
const R_ONE = bytes(":1\r\n");
const R_NULL_BULK2 = bytes("$-1\r\n");
const R_NULL_ARRAY2 = bytes("*-1\r\n");
const R_NULL3 = bytes("_\r\n");
const R_EMPTY_ARRAY = bytes("*0\r\n");
const R_TRUE3 = bytes("#t\r\n");
const R_FALSE3 = bytes("#f\r\n");

/** Kinds of aggregate header, for deferred lengths. */
export const AGG_ARRAY = 0x2a; // '*'
export const AGG_MAP = 0x25; // '%'
export const AGG_SET = 0x7e; // '~'
export const AGG_PUSH = 0x3e; // '>'
export const AGG_ATTR = 0x7c; // '|'

/** Called for every error reply written (errorstats). */
export type ErrorSink = (text: string) => void;

export class ReplyWriter {
  buf: Uint8Array;
  len = 0;
  /** Protocol version of the client being served: 2 or 3. */
  resp = 2;
  onError: ErrorSink | null = null;

  constructor(initial = 64 * 1024) {
    this.buf = new Uint8Array(initial);
  }

  /** Everything written since the last take(); the view is valid until the next write. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    this.len = 0;
    return out;
  }

  /** Copy of everything written since the last take(). */
  takeCopy(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    if (this.buf.length > 4 << 20) this.buf = new Uint8Array(64 * 1024);
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Raw

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private byte(c: number): void {
    this.buf[this.len++] = c;
  }

  private crlf(): void {
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /**
   * Write text one byte per char (ASCII, or latin1 decoded from request bytes): status and error
   * texts that quote request bytes echo them back unchanged, as Redis does.
   */
  private ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.len;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** `<prefix><n>\r\n` with n a non-negative or negative safe integer. */
  private header(prefix: number, n: number): void {
    this.ensure(24);
    const buf = this.buf;
    buf[this.len++] = prefix;
    if (n < 0) {
      buf[this.len++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      buf[this.len++] = 48 + n;
    } else {
      let digits = 0;
      for (let t = n; t >= 1; t = Math.floor(t / 10)) digits++;
      let p = this.len + digits;
      this.len = p;
      while (n >= 1) {
        const q = Math.floor(n / 10);
        buf[--p] = 48 + (n - q * 10);
        n = q;
      }
    }
    buf[this.len++] = 13;
    buf[this.len++] = 10;
  }

  // ---------------------------------------------------------------------------------------------
  // Simple replies

  ok(): void {
    this.raw(R_OK);
  }

  /** `+text` (text must not contain CR or LF). Text is latin1: one byte per char. */
  simple(text: string): void {
    this.ensure(text.length + 3);
    this.byte(0x2b);
    this.ascii(text);
    this.crlf();
  }

  /** `-text`: text is the full error, e.g. `ERR syntax error`. CR/LF are replaced, as Redis does. */
  error(text: string): void {
    if (this.onError !== null) this.onError(text);
    const clean = text.indexOf("\r") >= 0 || text.indexOf("\n") >= 0 ? text.replace(/[\r\n]/g, " ") : text;
    this.ensure(clean.length + 3);
    this.byte(0x2d);
    this.ascii(clean);
    this.crlf();
  }

  integer(n: number | bigint): void {
    if (n === 0) return this.raw(R_ZERO);
    if (n === 1) return this.raw(R_ONE);
    if (typeof n === "number" && Number.isSafeInteger(n)) return this.header(0x3a, n);
    this.ensure(24);
    this.byte(0x3a);
    this.ascii(typeof n === "bigint" ? n.toString() : BigInt(n).toString());
    this.crlf();
  }

  bulk(b: Uint8Array): void {
    const n = b.length;
    this.header(0x24, n);
    this.ensure(n + 2);
    const buf = this.buf;
    if (n <= 32) {
      // Short values: a loop beats a call into TypedArray.prototype.set.
      let p = this.len;
      for (let i = 0; i < n; i++) buf[p++] = b[i]!;
      this.len = p;
    } else {
      buf.set(b, this.len);
      this.len += n;
    }
    this.crlf();
  }

  /**
   * A bulk string of `src[off, off + len)`, without making a view of it first (views of packed
   * storage cost more than the copy: LRANGE writes each element of a listpack this way).
   */
  bulkRange(src: Uint8Array, off: number, len: number): void {
    this.header(0x24, len);
    this.ensure(len + 2);
    const buf = this.buf;
    if (len <= 32) {
      let p = this.len;
      for (let i = off, end = off + len; i < end; i++) buf[p++] = src[i]!;
      this.len = p;
    } else {
      buf.set(src.subarray(off, off + len), this.len);
      this.len += len;
    }
    this.crlf();
  }

  /** A bulk string of `len` bytes of `b` from `off` (no view allocated: packed encodings). */
  bulkSlice(b: Uint8Array, off: number, len: number): void {
    this.header(0x24, len);
    this.ensure(len + 2);
    if (len < 64) {
      // Short values: a byte loop beats allocating a view.
      const buf = this.buf;
      let p = this.len;
      for (let i = off, end = off + len; i < end; i++) buf[p++] = b[i]!;
    } else this.buf.set(b.subarray(off, off + len), this.len);
    this.len += len;
    this.crlf();
  }

  /** A bulk string from JS text (UTF-8). */
  bulkString(s: string): void {
    const b = enc.encode(s);
    this.bulk(b);
  }

  /** A bulk string holding the decimal form of an integer. */
  bulkInt(n: number | bigint): void {
    const s = typeof n === "bigint" ? n.toString() : Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
    this.header(0x24, s.length);
    this.ascii(s);
    this.ensure(2);
    this.crlf();
  }

  /** Null bulk: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.resp === 2 ? R_NULL_BULK2 : R_NULL3);
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.resp === 2 ? R_NULL_ARRAY2 : R_NULL3);
  }

  /** RESP3 `_`; RESP2 `$-1`. Alias of nullBulk for readability at call sites. */
  null(): void {
    this.nullBulk();
  }

  bool(b: boolean): void {
    if (this.resp === 2) this.raw(b ? R_ONE : R_ZERO);
    else this.raw(b ? R_TRUE3 : R_FALSE3);
  }

  /** A double: RESP2 bulk formatted `%.17g` (inf/-inf), RESP3 `,` type. */
  double(d: number): void {
    const s = formatDouble17(d);
    if (this.resp === 2) {
      this.header(0x24, s.length);
      this.ascii(s);
      this.ensure(2);
      this.crlf();
    } else {
      this.ensure(s.length + 3);
      this.byte(0x2c);
      this.ascii(s);
      this.crlf();
    }
  }

  /** A double already formatted by the caller (e.g. INCRBYFLOAT's long-double text). */
  doubleText(s: string): void {
    if (this.resp === 2) {
      this.header(0x24, s.length);
      this.ascii(s);
      this.ensure(2);
      this.crlf();
    } else {
      this.ensure(s.length + 3);
      this.byte(0x2c);
      this.ascii(s);
      this.crlf();
    }
  }

  /** A big number: RESP2 bulk, RESP3 `(`. */
  bigNumber(s: string): void {
    if (this.resp === 2) return this.bulkString(s);
    this.ensure(s.length + 3);
    this.byte(0x28);
    this.ascii(s);
    this.crlf();
  }

  /** Verbatim string (`=len\r\ntxt:...`) in RESP3; a plain bulk in RESP2. */
  verbatim(s: string, format = "txt"): void {
    if (this.resp === 2) return this.bulkString(s);
    const b = enc.encode(s);
    this.header(0x3d, b.length + 4);
    this.ascii(format);
    this.byte(0x3a);
    this.raw(b);
    this.ensure(2);
    this.crlf();
  }

  // ---------------------------------------------------------------------------------------------
  // Aggregates

  arrayLen(n: number): void {
    if (n === 0) return this.raw(R_EMPTY_ARRAY);
    this.header(0x2a, n);
  }

  /** A map of n pairs: RESP3 `%n`, RESP2 a flat array of 2n. */
  mapLen(n: number): void {
    if (this.resp === 2) this.header(0x2a, n * 2);
    else this.header(0x25, n);
  }

  /** A set: RESP3 `~n`, RESP2 an array. */
  setLen(n: number): void {
    this.header(this.resp === 2 ? 0x2a : 0x7e, n);
  }

  /** An out-of-band push: RESP3 `>n`, RESP2 an array. */
  pushLen(n: number): void {
    this.header(this.resp === 2 ? 0x2a : 0x3e, n);
  }

  /** Attribute header (RESP3 only; ignored under RESP2 by the caller). */
  attributeLen(n: number): void {
    this.header(0x7c, n);
  }

  /** Array of bulk strings. */
  bulkArray(items: readonly Uint8Array[]): void {
    this.arrayLen(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]!);
  }

  emptyArray(): void {
    this.raw(R_EMPTY_ARRAY);
  }

  // ---------------------------------------------------------------------------------------------
  // Deferred lengths

  /** Reserve an aggregate header to be filled by setDeferredLen; returns its mark. */
  deferLen(): number {
    this.ensure(4);
    const mark = this.len;
    // Placeholder for "*0\r\n": patched (and shifted if more digits are needed) later.
    this.buf[this.len++] = 0x2a;
    this.buf[this.len++] = 0x30;
    this.crlf();
    return mark;
  }

  /**
   * Fill a deferred header. `kind` is AGG_ARRAY/AGG_MAP/AGG_SET/AGG_PUSH; for AGG_MAP pass the
   * number of pairs. RESP2 maps become arrays of 2n; sets and pushes become arrays.
   */
  setDeferredLen(mark: number, kind: number, n: number): void {
    let prefix = kind;
    if (this.resp === 2) {
      if (kind === AGG_MAP) n *= 2;
      prefix = AGG_ARRAY;
    }
    const text = String(n);
    const size = 1 + text.length + 2;
    const delta = size - 4;
    if (delta > 0) {
      this.ensure(delta);
      this.buf.copyWithin(mark + size, mark + 4, this.len);
      this.len += delta;
    }
    const buf = this.buf;
    buf[mark] = prefix;
    for (let i = 0; i < text.length; i++) buf[mark + 1 + i] = text.charCodeAt(i);
    buf[mark + 1 + text.length] = 13;
    buf[mark + 2 + text.length] = 10;
  }
}
