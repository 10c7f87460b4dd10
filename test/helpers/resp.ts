/**
 * Test-side RESP: encode commands, find frame boundaries (RESP2 and RESP3) and decode replies to
 * plain JS values for assertions.
 *
 * Decoded shapes: simple string → string; bulk → string (latin1, one char per byte, so binary
 * round-trips); error → { error: "ERR ..." }; integer → number (bigint past 2^53); null → null;
 * array/set/push → array; map → Map (RESP3) ; double → { double: "1.5" }; boolean → boolean;
 * verbatim → string without the format prefix; big number → bigint.
 */

export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | { error: string }
  | { double: string }
  | Reply[]
  | Map<Reply, Reply>;

const enc = new TextEncoder();

export function encodeCommand(args: readonly (string | Uint8Array | number)[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? latin1Encode(a) : typeof a === "number" ? enc.encode(String(a)) : a;
    parts.push(enc.encode(`$${b.length}\r\n`), b, enc.encode("\r\n"));
  }
  return concat(parts);
}

/** Strings in tests are latin1 (one byte per char) unless they contain chars > 255 (UTF-8). */
export function latin1Encode(s: string): Uint8Array {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return enc.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function latin1Decode(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function lineEnd(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10) return i;
  return -1;
}

/** End offset (exclusive) of the frame starting at `pos`, or -1 if incomplete. */
export function frameEnd(b: Uint8Array, pos: number): number {
  if (pos >= b.length) return -1;
  const t = b[pos]!;
  const le = lineEnd(b, pos + 1);
  if (le < 0) return -1;
  const line = latin1Decode(b.subarray(pos + 1, le));
  switch (t) {
    case 0x2b: // +
    case 0x2d: // -
    case 0x3a: // :
    case 0x5f: // _
    case 0x2c: // ,
    case 0x23: // #
    case 0x28: // (
      return le + 2;
    case 0x24: // $
    case 0x3d: // =
    case 0x21: {
      // !
      const n = Number(line);
      if (n < 0) return le + 2;
      const end = le + 2 + n + 2;
      return end <= b.length ? end : -1;
    }
    case 0x2a: // *
    case 0x7e: // ~
    case 0x3e: // >
    case 0x25: // %
    case 0x7c: {
      // |
      let n = Number(line);
      if (n < 0) return le + 2;
      if (t === 0x25 || t === 0x7c) n *= 2;
      let p = le + 2;
      for (let i = 0; i < n; i++) {
        p = frameEnd(b, p);
        if (p < 0) return -1;
      }
      // An attribute is followed by the reply it annotates.
      return t === 0x7c ? frameEnd(b, p) : p;
    }
    default:
      throw new Error(`bad RESP type byte 0x${t.toString(16)} at ${pos}: ${JSON.stringify(latin1Decode(b.subarray(pos, pos + 40)))}`);
  }
}

/** Decode the frame at `pos`; returns [value, endOffset]. The frame must be complete. */
export function decode(b: Uint8Array, pos = 0): [Reply, number] {
  const t = b[pos]!;
  const le = lineEnd(b, pos + 1);
  const line = latin1Decode(b.subarray(pos + 1, le));
  const next = le + 2;
  switch (t) {
    case 0x2b:
      return [line, next];
    case 0x2d:
      return [{ error: line }, next];
    case 0x3a: {
      const n = Number(line);
      return [Number.isSafeInteger(n) ? n : BigInt(line), next];
    }
    case 0x5f:
      return [null, next];
    case 0x2c:
      return [{ double: line }, next];
    case 0x23:
      return [line === "t", next];
    case 0x28:
      return [BigInt(line), next];
    case 0x24:
    case 0x3d:
    case 0x21: {
      const n = Number(line);
      if (n < 0) return [null, next];
      let s = latin1Decode(b.subarray(next, next + n));
      if (t === 0x3d) s = s.slice(4);
      if (t === 0x21) return [{ error: s }, next + n + 2];
      return [s, next + n + 2];
    }
    case 0x2a:
    case 0x7e:
    case 0x3e: {
      const n = Number(line);
      if (n < 0) return [null, next];
      const out: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const [v, e] = decode(b, p);
        out.push(v);
        p = e;
      }
      return [out, p];
    }
    case 0x25: {
      const n = Number(line);
      const m = new Map<Reply, Reply>();
      let p = next;
      for (let i = 0; i < n; i++) {
        const [k, e1] = decode(b, p);
        const [v, e2] = decode(b, e1);
        m.set(k, v);
        p = e2;
      }
      return [m, p];
    }
    case 0x7c: {
      // Skip attributes, return the annotated reply.
      const n = Number(line);
      let p = next;
      for (let i = 0; i < n * 2; i++) p = decode(b, p)[1];
      return decode(b, p);
    }
    default:
      throw new Error(`bad RESP type byte 0x${t.toString(16)}`);
  }
}

/**
 * Kedis reports a 7.2 compatibility level where Redis 7.0.15 (the oracle) reports its own version
 * (HELLO, redis.REDIS_VERSION(_NUM)). Replies compared with Redis pass through this to map
 * Kedis's version to 7.0.15's, so everything else is still compared byte for byte.
 */
export function asRedis70(raw: string): string {
  return raw
    .replace(/\$5\r\n7\.2\.0\r\n/g, "$6\r\n7.0.15\r\n")
    .replace(/:459264\r\n/g, ":458767\r\n");
}
