/**
 * LZF compression in the liblzf stream format that Redis uses for RDB strings.
 *
 * Format: a control byte `c`. If c < 32: a literal run of c+1 bytes follows. Otherwise a back
 * reference: length L = c >> 5 (7 means "7 + next byte"), offset = ((c & 31) << 8 | next byte) + 1
 * back from the output position; L + 2 bytes are copied (byte by byte: overlapping is allowed).
 *
 * The compressor finds 3-byte matches through a hash table of recent positions (window 8 KiB,
 * match length up to 264). Output is valid LZF that any decoder reads; it need not be identical
 * to liblzf's bytes.
 */

const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3); // 264
const HLOG = 14;
const HSIZE = 1 << HLOG;

/**
 * Hash table of recent positions, shared across calls. Entries hold `base + position`; `base`
 * grows by each input's length, so entries from earlier calls read as out of window without
 * clearing the 64 KiB table per call (that clearing dominated compressing many short strings).
 */
const table = new Int32Array(HSIZE);
let base = 0;
let scratch = new Uint8Array(4096);

/**
 * Compress `input`. Returns null when the result would not be smaller than `maxOut` bytes
 * (Redis stores such strings uncompressed). The result is a view into a scratch buffer that
 * the next call overwrites: copy it to keep it.
 */
export function lzfCompress(input: Uint8Array, maxOut = input.length - 1): Uint8Array | null {
  const n = input.length;
  if (n < 4 || maxOut <= 0) return null;
  if (base > 0x3fffffff - n) {
    table.fill(0);
    base = 0;
  }
  base += MAX_OFF + 1; // a gap: nothing from an earlier call is ever within the window
  const b0 = base;
  base += n;
  if (scratch.length < maxOut + MAX_LIT + 3) scratch = new Uint8Array(Math.max(maxOut + MAX_LIT + 3, scratch.length * 2));
  const out = scratch;
  let ip = 0;
  let op = 1; // room for the first literal-run control byte
  let lit = 0;
  while (ip < n - 2) {
    const h = (((input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!) * 2654435761) >>> (32 - HLOG);
    const tagged = table[h]!;
    table[h] = b0 + ip;
    const ref = tagged - b0;
    const off = ip - ref - 1;
    if (ref >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      // Match: extend it.
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip); // L - 7 must fit in a byte
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      // Close the pending literal run.
      if (lit > 0) out[op - lit - 1] = lit - 1;
      else op--; // no literal run: reuse its reserved control byte slot
      const l = len - 2;
      if (op + 3 > maxOut) return null;
      if (l < 7) out[op++] = (l << 5) | (off >> 8);
      else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      op++; // reserve the next literal-run control byte
      lit = 0;
      // Index the positions inside the match (cheaply: the last two).
      ip += len;
      for (let k = ip - 2; k < ip && k < n - 2; k++) {
        table[(((input[k]! << 16) | (input[k + 1]! << 8) | input[k + 2]!) * 2654435761) >>> (32 - HLOG)] = b0 + k;
      }
      continue;
    }
    if (op >= maxOut) return null;
    out[op++] = input[ip++]!;
    if (++lit === MAX_LIT) {
      out[op - lit - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  while (ip < n) {
    if (op >= maxOut) return null;
    out[op++] = input[ip++]!;
    if (++lit === MAX_LIT) {
      out[op - lit - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  if (lit > 0) out[op - lit - 1] = lit - 1;
  else op--; // drop the unused control byte
  if (op > maxOut) return null;
  return out.subarray(0, op);
}

/** Decompress into exactly `outLen` bytes; null when the input is corrupt. */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  const n = input.length;
  while (ip < n) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outLen || ip + len > n) return null;
      out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= n) return null;
        len += input[ip++]!;
      }
      if (ip >= n) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++]! - 1;
      len += 2;
      if (ref < 0 || op + len > outLen) return null;
      for (let k = 0; k < len; k++) out[op++] = out[ref + k]!;
    }
  }
  return op === outLen ? out : null;
}
