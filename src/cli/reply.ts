/**
 * Client-side RESP2/RESP3 reply reader for kedis-cli.
 *
 * Payloads are kept as "binary strings" (latin1: one char per byte), so a reply's bytes survive
 * formatting unchanged and are written back out with `toBytes()`. The reader is incremental with
 * an explicit stack: a reply that arrives in many pieces (a huge LRANGE, a big bulk) is parsed
 * once, never rescanned from its start.
 */

/** One decoded reply. Text fields are binary strings (one char per byte). */
export type Reply =
  | { readonly t: "status"; readonly s: string }
  | { readonly t: "error"; readonly s: string }
  | { readonly t: "int"; readonly s: string }
  | { readonly t: "bulk"; readonly s: string }
  | { readonly t: "nil" }
  | { readonly t: "double"; readonly s: string }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "verb"; readonly format: string; readonly s: string }
  | { readonly t: "bignum"; readonly s: string }
  | { readonly t: "array" | "set" | "push" | "map"; readonly items: Reply[] };

/** Aggregate reply kinds. */
export type AggregateKind = "array" | "set" | "push" | "map";

/** Raised for bytes that are not RESP: the connection cannot be trusted afterwards. */
export class ProtocolError extends Error {}

interface Frame {
  kind: AggregateKind | "attr";
  /** Elements still to read (maps and attributes count keys and values). */
  left: number;
  items: Reply[];
}

const CR = 13;
const LF = 10;

/** Bytes → binary string (one char per byte). */
export function latin1(b: Uint8Array, from = 0, to = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString("latin1");
}

/** Binary string → bytes. */
export function toBytes(s: string): Uint8Array {
  return Buffer.from(s, "latin1");
}

/** Incremental reader: feed() bytes as they arrive, next() hands out complete replies in order. */
export class ReplyReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private stack: Frame[] = [];
  private ready: Reply[] = [];

  /** Append received bytes and parse as far as they go. Throws ProtocolError on bad input. */
  feed(data: Uint8Array): void {
    if (this.pos >= this.buf.length) {
      this.buf = data.slice();
      this.pos = 0;
    } else {
      const rest = this.buf.length - this.pos;
      const nb = new Uint8Array(rest + data.length);
      nb.set(this.buf.subarray(this.pos), 0);
      nb.set(data, rest);
      this.buf = nb;
      this.pos = 0;
    }
    this.parse();
  }

  /** The next complete reply, or undefined. */
  next(): Reply | undefined {
    return this.ready.shift();
  }

  /** Number of complete replies waiting. */
  get pending(): number {
    return this.ready.length;
  }

  private lineEnd(from: number): number {
    const b = this.buf;
    for (let i = from; i + 1 < b.length; i++) {
      if (b[i] === CR && b[i + 1] === LF) return i;
    }
    return -1;
  }

  private parse(): void {
    const b = this.buf;
    for (;;) {
      if (this.pos >= b.length) return;
      const type = b[this.pos]!;
      const end = this.lineEnd(this.pos + 1);
      if (end < 0) return;
      const line = latin1(b, this.pos + 1, end);
      let value: Reply | null = null;
      switch (type) {
        case 0x2b: // +
          value = { t: "status", s: line };
          break;
        case 0x2d: // -
          value = { t: "error", s: line };
          break;
        case 0x3a: // :
          value = { t: "int", s: line };
          break;
        case 0x2c: // ,
          value = { t: "double", s: line };
          break;
        case 0x28: // (
          value = { t: "bignum", s: line };
          break;
        case 0x5f: // _
          value = { t: "nil" };
          break;
        case 0x23: // #
          value = { t: "bool", v: line === "t" };
          break;
        case 0x24: // $
        case 0x3d: // =
        case 0x21: {
          // ! (blob error)
          const n = parseLength(line);
          if (n < 0) {
            value = { t: "nil" };
            break;
          }
          if (b.length < end + 2 + n + 2) return;
          const s = latin1(b, end + 2, end + 2 + n);
          this.pos = end + 2 + n + 2;
          if (type === 0x24) this.complete({ t: "bulk", s });
          else if (type === 0x21) this.complete({ t: "error", s });
          else this.complete(s.length >= 4 && s[3] === ":" ? { t: "verb", format: s.slice(0, 3), s: s.slice(4) } : { t: "verb", format: "txt", s });
          continue;
        }
        case 0x2a: // *
        case 0x25: // %
        case 0x7e: // ~
        case 0x3e: // >
        case 0x7c: {
          // | (attribute)
          const n = parseLength(line);
          this.pos = end + 2;
          if (n < 0) {
            this.complete({ t: "nil" });
            continue;
          }
          const kind = type === 0x2a ? "array" : type === 0x25 ? "map" : type === 0x7e ? "set" : type === 0x3e ? "push" : "attr";
          const left = kind === "map" || kind === "attr" ? n * 2 : n;
          if (left === 0 && kind !== "attr") {
            this.complete({ t: kind, items: [] });
          } else if (left > 0) {
            this.stack.push({ kind, left, items: [] });
          }
          continue;
        }
        default:
          throw new ProtocolError(`Protocol error, got ${JSON.stringify(String.fromCharCode(type))} as reply type byte`);
      }
      this.pos = end + 2;
      this.complete(value);
    }
  }

  /** A value is complete: add it to the open aggregate, closing aggregates that fill up. */
  private complete(v: Reply): void {
    let value: Reply | null = v;
    while (value !== null) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        this.ready.push(value);
        return;
      }
      top.items.push(value);
      top.left--;
      if (top.left > 0) return;
      this.stack.pop();
      // An attribute annotates the reply that follows it; the CLI does not show attributes.
      value = top.kind === "attr" ? null : { t: top.kind, items: top.items };
    }
  }
}

function parseLength(line: string): number {
  if (!/^-?\d+$/.test(line)) throw new ProtocolError(`Protocol error, bad length ${JSON.stringify(line)}`);
  return Number(line);
}
