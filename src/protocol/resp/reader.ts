/**
 * Incremental RESP request reader (multibulk and inline), in the manner of Redis's
 * processMultibulkBuffer/processInlineBuffer.
 *
 * Invariants and ownership:
 * - `feed(chunk)` makes `chunk` the current input without copying when nothing is pending; only
 *   an unfinished tail is copied (into `own`) by `release()`, so a pipelined burst costs no copy.
 * - Arguments handed out in `argv` may be views into the current input (large ones are), valid
 *   until the next `feed`/`release`. Whoever keeps one must copy it.
 * - A command split across events keeps its parse state (argument offsets relative to the
 *   command start, remaining count, current bulk length), so nothing already read is rescanned,
 *   and a large bulk is awaited with its full size reserved up front (no repeated regrowth).
 * - Never throws on short or malformed input: `next()` returns a status; on ERROR, `error`
 *   holds Redis's exact protocol-error text and the caller replies then closes.
 */

export const READ_COMMAND = 0;
export const READ_NEED_MORE = 1;
export const READ_ERROR = 2;
export type ReadStatus = typeof READ_COMMAND | typeof READ_NEED_MORE | typeof READ_ERROR;

const CR = 13;
const LF = 10;
/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request and longest header line. */
const INLINE_MAX = 64 * 1024;
const EMPTY = new Uint8Array(0);
/** Arguments up to this size are handed out as copies rather than views (cheaper, see readArgs). */
const SMALL_ARG = 32;

export interface ReaderLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** client-query-buffer-limit */
  queryBufferLimit: number;
}

export class RespReader {
  /** Arguments of the command returned by the last READ_COMMAND. */
  argv: Uint8Array[] = [];
  /**
   * Protocol error text (without '-') after READ_ERROR. Empty when the client passed
   * client-query-buffer-limit: Redis closes it without replying.
   */
  error = "";
  /** Set while the connection is not authenticated: Redis limits such clients harder. */
  unauthenticated = false;
  /** Set for a replica's link to its primary: no bulk length limit applies. */
  fromPrimary = false;
  /** True when the last command came in inline form (Redis does not replicate those verbatim). */
  inline = false;

  private buf: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  /** Our own storage for unfinished tails; `buf === own` while such a tail is being completed. */
  private own: Uint8Array = EMPTY;

  // Parse state of a multibulk command in progress. Offsets are relative to `cmdStart`.
  private cmdStart = 0;
  private remaining = 0; // arguments still to read; 0 = not inside a multibulk
  private bulkLen = -1; // length of the bulk being awaited, -1 = header not read yet
  private offs: number[] = [];
  private lens: number[] = [];
  private argc = 0;
  private expected = 0;

  constructor(public limits: ReaderLimits) {}

  /** Bytes received but not yet run as commands, counting a half-parsed command whole (qbuf). */
  get pending(): number {
    return this.end - (this.remaining > 0 ? this.cmdStart : this.pos);
  }

  /** Capacity held for partial input (Redis's qbuf + qbuf-free). */
  get capacity(): number {
    return this.own.length;
  }

  /** Make `chunk` the current input (after any pending tail). */
  feed(chunk: Uint8Array): void {
    // Nothing pending only when no byte is unread and no multibulk is in progress: a command
    // whose last header ended exactly at the previous chunk's end still lives in `own`.
    if (this.pos === this.end && this.remaining === 0) {
      this.buf = chunk;
      this.pos = 0;
      this.cmdStart = 0;
      this.end = chunk.length;
      return;
    }
    // A tail is pending in `own` (release() always moves it there): append.
    const need = this.end + chunk.length;
    if (need > this.own.length) this.grow(need);
    this.own.set(chunk, this.end);
    this.end = need;
    this.buf = this.own;
  }

  /** Call after the last `next()` of an event: keeps the unfinished tail in owned storage. */
  release(): void {
    const start = this.remaining > 0 ? this.cmdStart : this.pos;
    const tail = this.end - start;
    if (tail === 0) {
      this.buf = EMPTY;
      this.pos = this.end = this.cmdStart = 0;
      if (this.own.length > 1 << 20) this.own = EMPTY; // do not hold a large buffer idle
      return;
    }
    // Reserve room for the whole pending bulk so it is received without regrowing.
    let want = tail;
    if (this.remaining > 0 && this.bulkLen >= 0) want = Math.max(tail, this.pos - start + this.bulkLen + 2);
    if (this.buf === this.own) {
      if (start > 0) this.own.copyWithin(0, start, this.end);
      this.end = tail;
      if (want > this.own.length) this.grow(want);
    } else {
      if (want > this.own.length) this.own = new Uint8Array(roundUp(want));
      this.own.set(this.buf.subarray(start, this.end), 0);
      this.end = tail;
    }
    this.buf = this.own;
    this.pos -= start;
    this.cmdStart = 0;
  }

  /** Parse the next command. */
  next(): ReadStatus {
    for (;;) {
      if (this.pos >= this.end) return READ_NEED_MORE;
      if (this.remaining === 0) {
        const c = this.buf[this.pos]!;
        if (c === 0x2a /* '*' */) {
          const st = this.readMultibulkHeader();
          if (st !== READ_COMMAND) return st;
          if (this.remaining === 0) continue; // `*0` or `*-1`: empty, skip
        } else {
          return this.readInline();
        }
      }
      const st = this.readArgs();
      if (st !== READ_COMMAND) return st;
      return READ_COMMAND;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Multibulk

  private readMultibulkHeader(): ReadStatus {
    const nl = this.findCRLF(this.pos + 1);
    if (nl < 0) {
      if (this.end - this.pos > INLINE_MAX) return this.fail("Protocol error: too big mbulk count string");
      return this.checkQueryLimit();
    }
    const n = parseLen(this.buf, this.pos + 1, nl);
    if (n === null || n > 2147483647) return this.fail("Protocol error: invalid multibulk length");
    if (n > 10 && this.unauthenticated) return this.fail("Protocol error: unauthenticated multibulk length");
    this.cmdStart = this.pos;
    this.pos = nl + 2;
    this.inline = false;
    if (n <= 0) {
      this.remaining = 0;
      return READ_COMMAND;
    }
    this.remaining = n;
    this.expected = n;
    this.argc = 0;
    this.bulkLen = -1;
    return READ_COMMAND;
  }

  private readArgs(): ReadStatus {
    const buf = this.buf;
    while (this.remaining > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= this.end) return this.checkQueryLimit();
        if (buf[this.pos] !== 0x24 /* '$' */) {
          return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
        }
        const nl = this.findCRLF(this.pos + 1);
        if (nl < 0) {
          if (this.end - this.pos > INLINE_MAX) return this.fail("Protocol error: too big bulk count string");
          return this.checkQueryLimit();
        }
        const len = parseLen(buf, this.pos + 1, nl);
        if (len === null || len < 0 || (!this.fromPrimary && len > this.limits.maxBulkLen)) {
          return this.fail("Protocol error: invalid bulk length");
        }
        if (len > 16384 && this.unauthenticated) return this.fail("Protocol error: unauthenticated bulk length");
        this.bulkLen = len;
        this.pos = nl + 2;
      }
      if (this.end - this.pos < this.bulkLen + 2) return this.checkQueryLimit();
      this.offs[this.argc] = this.pos - this.cmdStart;
      this.lens[this.argc] = this.bulkLen;
      this.argc++;
      this.pos += this.bulkLen + 2; // Redis does not verify the CRLF after a bulk either
      this.bulkLen = -1;
      this.remaining--;
    }
    const argv = new Array<Uint8Array>(this.argc);
    const base = this.cmdStart;
    for (let i = 0; i < this.argc; i++) {
      const o = base + this.offs[i]!;
      const n = this.lens[i]!;
      if (n <= SMALL_ARG) {
        // Copying a short argument costs less than a view: a view of a fresh socket chunk makes
        // the engine materialize the chunk's ArrayBuffer, and views cost more to create and
        // collect. Large arguments stay views (no copy of big values).
        const a = new Uint8Array(n);
        for (let j = 0; j < n; j++) a[j] = buf[o + j]!;
        argv[i] = a;
      } else {
        argv[i] = buf.subarray(o, o + n);
      }
    }
    this.argv = argv;
    this.cmdStart = this.pos;
    return READ_COMMAND;
  }

  // ---------------------------------------------------------------------------------------------
  // Inline

  private readInline(): ReadStatus {
    const buf = this.buf;
    let nl = -1;
    for (let i = this.pos; i < this.end; i++) {
      if (buf[i] === LF) {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      if (this.end - this.pos > INLINE_MAX) return this.fail("Protocol error: too big inline request");
      return this.checkQueryLimit();
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && buf[lineEnd - 1] === CR) lineEnd--;
    const args = splitArgs(buf, this.pos, lineEnd);
    this.pos = nl + 1;
    this.cmdStart = this.pos;
    if (args === null) return this.fail("Protocol error: unbalanced quotes in request");
    if (args.length === 0) return this.next(); // empty line: Redis ignores it
    this.inline = true;
    this.argv = args;
    return READ_COMMAND;
  }

  // ---------------------------------------------------------------------------------------------

  private findCRLF(from: number): number {
    const buf = this.buf;
    const last = this.end - 1;
    for (let i = from; i < last; i++) {
      if (buf[i] === CR && buf[i + 1] === LF) return i;
    }
    return -1;
  }

  private checkQueryLimit(): ReadStatus {
    const held = this.end - (this.remaining > 0 ? this.cmdStart : this.pos);
    if (held > this.limits.queryBufferLimit) {
      // Redis closes such a client without a reply (it only logs): an empty error says so.
      this.fail("");
      this.error = "";
      return READ_ERROR;
    }
    return READ_NEED_MORE;
  }

  private fail(text: string): ReadStatus {
    this.error = `ERR ${text}`;
    // Drop everything: the connection is closed after the error reply.
    this.pos = this.end;
    this.remaining = 0;
    this.bulkLen = -1;
    return READ_ERROR;
  }

  private grow(need: number): void {
    const next = new Uint8Array(roundUp(Math.max(need, this.own.length * 2)));
    next.set(this.own.subarray(0, this.end));
    this.own = next;
  }
}

function roundUp(n: number): number {
  let size = 4096;
  while (size < n) size *= 2;
  return size;
}

/**
 * Parse a length header between [from, to) with Redis's string2ll rules: optional '-', no '+',
 * no spaces, no leading zeros ("0" itself is fine, "-0" and "05" are not), signed 64-bit range.
 * Returns null when malformed. Values past 2^53 come back rounded, which is harmless: every
 * caller rejects anything that large (or treats any negative count alike).
 */
function parseLen(buf: Uint8Array, from: number, to: number): number | null {
  const len = to - from;
  if (len <= 0 || len > 20) return null;
  let i = from;
  const neg = buf[i] === 0x2d; /* '-' */
  if (neg) i++;
  if (i === to) return null;
  const first = buf[i]!;
  if (first === 0x30 /* '0' */) return len === 1 ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  let n = 0;
  for (; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  // 19 digits may pass the signed 64-bit range: check exactly (rare, so BigInt is fine here).
  if (to - from - (neg ? 1 : 0) >= 19) {
    let s = "";
    for (let j = from; j < to; j++) s += String.fromCharCode(buf[j]!);
    const b = BigInt(s);
    if (b > 9223372036854775807n || b < -9223372036854775808n) return null;
  }
  return neg ? -n : n;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Split an inline line into arguments following Redis's sdssplitargs rules: whitespace separates,
 * "double quotes" understand \n \r \t \b \a \\ \" and \xHH, 'single quotes' understand \'.
 * A closing quote must be followed by whitespace or the end. Returns null on unbalanced quotes.
 */
export function splitArgs(buf: Uint8Array, from: number, to: number): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let i = from;
  for (;;) {
    while (i < to && isSpace(buf[i]!)) i++;
    if (i >= to) return out;
    const bytes: number[] = [];
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (i >= to) return null;
        const c = buf[i]!;
        if (c === 0x5c && i + 3 < to && buf[i + 1] === 0x78 && hexVal(buf[i + 2]!) >= 0 && hexVal(buf[i + 3]!) >= 0) {
          bytes.push(hexVal(buf[i + 2]!) * 16 + hexVal(buf[i + 3]!));
          i += 4;
          continue;
        }
        if (c === 0x5c && i + 1 < to) {
          const e = buf[i + 1]!;
          bytes.push(e === 0x6e ? 10 : e === 0x72 ? 13 : e === 0x74 ? 9 : e === 0x62 ? 8 : e === 0x61 ? 7 : e);
          i += 2;
          continue;
        }
        if (c === 0x22) {
          if (i + 1 < to && !isSpace(buf[i + 1]!)) return null;
          i++;
          break;
        }
        bytes.push(c);
        i++;
      } else if (inSq) {
        if (i >= to) return null;
        const c = buf[i]!;
        if (c === 0x5c && i + 1 < to && buf[i + 1] === 0x27) {
          bytes.push(0x27);
          i += 2;
          continue;
        }
        if (c === 0x27) {
          if (i + 1 < to && !isSpace(buf[i + 1]!)) return null;
          i++;
          break;
        }
        bytes.push(c);
        i++;
      } else {
        if (i >= to) break;
        const c = buf[i]!;
        if (isSpace(c)) break;
        if (c === 0x22) inDq = true;
        else if (c === 0x27) inSq = true;
        else bytes.push(c);
        i++;
      }
    }
    out.push(Uint8Array.from(bytes));
  }
}
