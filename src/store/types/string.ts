/**
 * String values: `Uint8Array`s tagged with Redis's encoding (KeyEntry.enc: int, embstr, raw).
 *
 * Ownership: a stored string belongs to exactly one key entry (whoever duplicates a value into
 * another key, as COPY or RESTORE do, stores a copy). Commands that edit a string in place
 * (APPEND, SETRANGE, SETBIT, BITFIELD) first make it writable with `writableString`, which is
 * Redis's dbUnshareStringValue + sdsgrowzero: a value that does not own its whole buffer (a view
 * into some larger buffer) is copied once, and growth reserves spare capacity the way sds does
 * (double below 1 MB, +1 MB above), so repeated APPENDs or SETBITs at rising offsets stay
 * amortized O(1) per byte. Spare capacity is only ever used by buffers allocated here.
 */

/** Redis's SDS_MAX_PREALLOC. */
const MAX_PREALLOC = 1024 * 1024;

/** Buffers allocated by this module: their bytes past a value's length are spare capacity. */
const growable = new WeakSet<ArrayBufferLike>();

function ownsBuffer(v: Uint8Array): boolean {
  return growable.has(v.buffer) || (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength);
}

/**
 * A writable string holding `v`'s bytes, zero-padded to at least `minLen` bytes: `v` itself when
 * it owns its buffer and is long enough, a longer view into spare capacity, or a copy.
 */
export function writableString(v: Uint8Array, minLen: number): Uint8Array {
  const len = Math.max(v.length, minLen);
  if (len === v.length && ownsBuffer(v)) return v;
  if (growable.has(v.buffer) && v.byteOffset + len <= v.buffer.byteLength) {
    const w = new Uint8Array(v.buffer, v.byteOffset, len);
    w.fill(0, v.length);
    return w;
  }
  const cap = len === v.length ? len : len < MAX_PREALLOC ? len * 2 : len + MAX_PREALLOC;
  const buf = new ArrayBuffer(cap);
  growable.add(buf);
  const w = new Uint8Array(buf, 0, len);
  w.set(v);
  return w;
}

/** `v` followed by `extra`, reusing `v`'s spare capacity when it has some. */
export function appendString(v: Uint8Array, extra: Uint8Array): Uint8Array {
  const old = v.length;
  const w = writableString(v, old + extra.length);
  w.set(extra, old);
  return w;
}

/** A new zero-filled string of `len` bytes (SETRANGE/SETBIT/BITFIELD on a missing key). */
export function zeroString(len: number): Uint8Array {
  return new Uint8Array(len);
}
