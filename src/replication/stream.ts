/**
 * Encoding of replication-stream commands as RESP multibulk (`*<n>\r\n$<len>\r\n<arg>\r\n...`),
 * the bytes a primary appends to its backlog and sends to its replicas for every write.
 *
 * This runs once per propagated write, so it computes the exact size first, allocates once and
 * writes the decimal lengths digit by digit (no TextEncoder, no template strings).
 */

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const ZERO = 48;

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Write `n` (>= 0) in decimal ending just before `end`; returns `end`. */
function putInt(buf: Uint8Array, end: number, n: number): number {
  let o = end;
  do {
    buf[--o] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return end;
}

/** RESP multibulk bytes of `argv` (a fresh buffer the caller may keep). */
export function encodeStreamCommand(argv: readonly Uint8Array[]): Uint8Array {
  const n = argv.length;
  let size = 1 + digits(n) + 2;
  for (let i = 0; i < n; i++) {
    const len = argv[i]!.length;
    size += 1 + digits(len) + 2 + len + 2;
  }
  const buf = new Uint8Array(size);
  buf[0] = STAR;
  let o = putInt(buf, 1 + digits(n), n);
  buf[o++] = CR;
  buf[o++] = LF;
  for (let i = 0; i < n; i++) {
    const a = argv[i]!;
    buf[o++] = DOLLAR;
    o = putInt(buf, o + digits(a.length), a.length);
    buf[o++] = CR;
    buf[o++] = LF;
    buf.set(a, o);
    o += a.length;
    buf[o++] = CR;
    buf[o++] = LF;
  }
  return buf;
}
