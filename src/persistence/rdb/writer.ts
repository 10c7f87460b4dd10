/**
 * RDB serialization primitives: lengths, strings (integer and LZF encodings as Redis chooses
 * them), binary doubles, millisecond times, opcodes, with a running CRC-64.
 *
 * Output goes to `sink` in chunks (a file writer, a socket, or memory), so a snapshot of any
 * size streams without holding the whole file. `RdbBuffer` collects everything in memory (DUMP).
 */
import { Crc64 } from "../../datastructures/crc64.ts";
import { lzfCompress } from "../../datastructures/lzf.ts";
import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, LEN_32BIT, LEN_64BIT } from "./format.ts";

export type ChunkSink = (chunk: Uint8Array) => void;

const CHUNK = 64 * 1024;

export class RdbWriter {
  private buf = new Uint8Array(CHUNK);
  private len = 0;
  readonly crc = new Crc64();
  /** Bytes written so far (flushed or buffered). */
  written = 0;
  /** Compress strings longer than 20 bytes with LZF when it saves space (rdbcompression). */
  compress = true;
  /** Maintain the checksum (rdbchecksum). */
  checksum = true;

  constructor(private readonly sink: ChunkSink) {}

  /** Flush buffered bytes to the sink. */
  flush(): void {
    if (this.len === 0) return;
    const out = this.buf.slice(0, this.len);
    if (this.checksum) this.crc.update(out);
    this.len = 0;
    this.sink(out);
  }

  private room(n: number): void {
    if (this.len + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = new Uint8Array(n);
    }
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
    this.written++;
  }

  raw(b: Uint8Array): void {
    if (b.length > CHUNK) {
      this.flush();
      if (this.checksum) this.crc.update(b);
      this.sink(b.slice());
      this.written += b.length;
      return;
    }
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    this.written += b.length;
  }

  /** Redis's rdbSaveLen. */
  length(n: number): void {
    if (n < 64) this.byte(n);
    else if (n < 16384) {
      this.byte(0x40 | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(LEN_32BIT);
      this.byte((n >>> 24) & 0xff);
      this.byte((n >>> 16) & 0xff);
      this.byte((n >>> 8) & 0xff);
      this.byte(n & 0xff);
    } else {
      this.byte(LEN_64BIT);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(n), false);
      this.raw(b);
    }
  }

  /** A string, integer-encoded when it is a canonical int32, else LZF when worthwhile, else raw. */
  string(s: Uint8Array): void {
    const n = s.length;
    if (n <= 11) {
      const v = canonicalInt32(s);
      if (v !== null) return this.intEncoded(v);
    }
    if (this.compress && n > 20) {
      const c = lzfCompress(s, n - 4 - 1);
      if (c !== null) {
        this.byte(0xc0 | ENC_LZF);
        this.length(c.length);
        this.length(n);
        this.raw(c);
        return;
      }
    }
    this.length(n);
    this.raw(s);
  }

  /** A string that is not checked for integer encoding (e.g. listpack blobs). */
  blob(s: Uint8Array): void {
    if (this.compress && s.length > 20) {
      const c = lzfCompress(s, s.length - 4 - 1);
      if (c !== null) {
        this.byte(0xc0 | ENC_LZF);
        this.length(c.length);
        this.length(s.length);
        this.raw(c);
        return;
      }
    }
    this.length(s.length);
    this.raw(s);
  }

  /** A string from text (aux fields). */
  text(s: string): void {
    this.string(new TextEncoder().encode(s));
  }

  private intEncoded(v: number): void {
    if (v >= -128 && v <= 127) {
      this.byte(0xc0 | ENC_INT8);
      this.byte(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.byte(0xc0 | ENC_INT16);
      this.byte(v & 0xff);
      this.byte((v >> 8) & 0xff);
    } else {
      this.byte(0xc0 | ENC_INT32);
      this.byte(v & 0xff);
      this.byte((v >> 8) & 0xff);
      this.byte((v >> 16) & 0xff);
      this.byte((v >>> 24) & 0xff);
    }
  }

  /** 8-byte little-endian IEEE double (ZSET_2 scores). */
  binaryDouble(d: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, d, true);
    this.raw(b);
  }

  /** 8-byte little-endian millisecond time. */
  millis(ms: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(ms), true);
    this.raw(b);
  }

  /** Write the checksum footer (after OP_EOF): flushes everything first. */
  footer(): void {
    this.flush();
    const tail = this.checksum ? this.crc.bytesLE() : new Uint8Array(8);
    this.sink(tail);
    this.written += 8;
  }
}

/** Collects an RdbWriter's output in memory. */
export class RdbBuffer {
  private chunks: Uint8Array[] = [];
  readonly writer: RdbWriter;
  constructor() {
    this.writer = new RdbWriter((c) => this.chunks.push(c));
  }
  /** All bytes written (flushes the writer). */
  bytes(): Uint8Array {
    this.writer.flush();
    let n = 0;
    for (const c of this.chunks) n += c.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** The int32 that `s` canonically spells (Redis's rdbTryIntegerEncoding), or null. */
function canonicalInt32(s: Uint8Array): number | null {
  const n = s.length;
  if (n === 0) return null;
  let i = 0;
  if (s[0] === 0x2d) {
    if (n === 1) return null;
    i = 1;
  }
  if (s[i] === 0x30) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const d = s[i]! - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (s[0] === 0x2d) v = -v;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}
