/**
 * PackedMap: a small byte-string map flattened into one Uint8Array (Redis's listpack encoding of
 * small hashes): `<flen varint><field><vlen varint><value>` repeated, in insertion order.
 *
 * Why: a JS object per field costs ~100 bytes; a small hash here costs one typed array plus the
 * bytes themselves and one length byte per string, which keeps 100k small hashes near Redis's
 * footprint.
 *
 * Invariants: `buf` holds exactly `count` pairs and nothing else (its length is the encoded size:
 * every write reallocates to the exact size, as Redis reallocs a listpack). Fields are unique.
 * Order is insertion order; updating a field keeps its place; deleting closes the gap.
 * Ownership: bytes are copied in; views handed out (`get`, `forEach`) are valid until the next
 *   mutation.
 * Complexity: lookups, inserts and deletes are O(encoded size) (a scan plus one copy); meant for
 *   maps of at most a few hundred small entries, after which callers convert to a hash table.
 */

const EMPTY = new Uint8Array(0);

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

// find() results: byte position of the pair, of its value header, and the pair's end. Module
// scratch rather than fields: three numbers per hash would cost ~5% of a small hash's memory.
let fPos = 0;
let vPos = 0;
let pEnd = 0;

// Scratch for the last varint read.
let vLen = 0;
let vSize = 0;

function readVarint(buf: Uint8Array, p: number): void {
  let b = buf[p]!;
  if (b < 0x80) {
    vLen = b;
    vSize = 1;
    return;
  }
  let n = b & 0x7f;
  let mul = 0x80;
  let i = 1;
  for (;;) {
    b = buf[p + i]!;
    n += (b & 0x7f) * mul;
    i++;
    if (b < 0x80) break;
    mul *= 0x80;
  }
  vLen = n;
  vSize = i;
}

function writeString(buf: Uint8Array, p: number, v: Uint8Array): number {
  let x = v.length;
  while (x >= 0x80) {
    buf[p++] = (x % 0x80) | 0x80;
    x = Math.floor(x / 0x80);
  }
  buf[p++] = x;
  buf.set(v, p);
  return p + v.length;
}

function rangeEquals(buf: Uint8Array, off: number, len: number, v: Uint8Array): boolean {
  if (len !== v.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== v[i]) return false;
  return true;
}

/** Called with each pair: field at buf[fOff, fOff+fLen), value at buf[vOff, vOff+vLen). */
export type PairVisitor = (buf: Uint8Array, fOff: number, fLen: number, vOff: number, vLen: number) => void;

export class PackedMap {
  buf: Uint8Array = EMPTY;
  /** Number of pairs. */
  count = 0;

  /** Locate a field; on success sets fPos/vPos/pEnd and returns true. */
  protected find(field: Uint8Array): boolean {
    const buf = this.buf;
    const end = buf.length;
    let p = 0;
    const flen = field.length;
    while (p < end) {
      readVarint(buf, p);
      const fo = p + vSize;
      const fl = vLen;
      const vh = fo + fl;
      readVarint(buf, vh);
      const next = vh + vSize + vLen;
      if (fl === flen && rangeEquals(buf, fo, fl, field)) {
        fPos = p;
        vPos = vh;
        pEnd = next;
        return true;
      }
      p = next;
    }
    return false;
  }

  has(field: Uint8Array): boolean {
    return this.find(field);
  }

  /** The value of field as a view (valid until the next mutation), or null. */
  get(field: Uint8Array): Uint8Array | null {
    if (!this.find(field)) return null;
    readVarint(this.buf, vPos);
    const off = vPos + vSize;
    return this.buf.subarray(off, off + vLen);
  }

  /** Set field to value; returns true when the field is new. */
  set(field: Uint8Array, value: Uint8Array): boolean {
    const old = this.buf;
    if (this.find(field)) {
      const vp = vPos;
      const oldEnd = pEnd;
      const newSize = varintSize(value.length) + value.length;
      readVarint(old, vp);
      if (vSize + vLen === newSize) {
        writeString(old, vp, value);
        return false;
      }
      const nb = new Uint8Array(old.length - (oldEnd - vp) + newSize);
      nb.set(old.subarray(0, vp), 0);
      const q = writeString(nb, vp, value);
      nb.set(old.subarray(oldEnd), q);
      this.buf = nb;
      return false;
    }
    const add = varintSize(field.length) + field.length + varintSize(value.length) + value.length;
    const nb = new Uint8Array(old.length + add);
    nb.set(old, 0);
    writeString(nb, writeString(nb, old.length, field), value);
    this.buf = nb;
    this.count++;
    return true;
  }

  /** Remove a field; returns true when it existed. */
  delete(field: Uint8Array): boolean {
    if (!this.find(field)) return false;
    const old = this.buf;
    if (this.count === 1) this.buf = EMPTY;
    else {
      const nb = new Uint8Array(old.length - (pEnd - fPos));
      nb.set(old.subarray(0, fPos), 0);
      nb.set(old.subarray(pEnd), fPos);
      this.buf = nb;
    }
    this.count--;
    return true;
  }

  /** Visit every pair in order. The map must not be modified during the walk. */
  forEachPair(fn: PairVisitor): void {
    const buf = this.buf;
    const end = buf.length;
    let p = 0;
    while (p < end) {
      readVarint(buf, p);
      const fo = p + vSize;
      const fl = vLen;
      readVarint(buf, fo + fl);
      const vo = fo + fl + vSize;
      const vl = vLen;
      fn(buf, fo, fl, vo, vl);
      p = vo + vl;
    }
  }

  /**
   * Byte offsets of every pair as [fOff, fLen, vOff, vLen] quadruples (random access for
   * HRANDFIELD). One pass; the result is valid until the next mutation.
   */
  offsets(): Int32Array {
    const out = new Int32Array(this.count * 4);
    let i = 0;
    this.forEachPair((_b, fo, fl, vo, vl) => {
      out[i++] = fo;
      out[i++] = fl;
      out[i++] = vo;
      out[i++] = vl;
    });
    return out;
  }

  /** Replace the contents with a copy of another map's. */
  copyFrom(src: PackedMap): void {
    this.buf = src.buf.length === 0 ? EMPTY : src.buf.slice();
    this.count = src.count;
  }

  /** Drop every pair (after conversion to another encoding). */
  clearPacked(): void {
    this.buf = EMPTY;
    this.count = 0;
  }

  /** Verify the encoding; returns the first problem or null. */
  checkPacked(): string | null {
    const buf = this.buf;
    let p = 0;
    let n = 0;
    const seen = new Set<string>();
    while (p < buf.length) {
      readVarint(buf, p);
      const fo = p + vSize;
      const fl = vLen;
      if (fo + fl > buf.length) return "field overruns";
      readVarint(buf, fo + fl);
      const vo = fo + fl + vSize;
      if (vo + vLen > buf.length) return "value overruns";
      const key = Array.from(buf.subarray(fo, fo + fl)).join(",");
      if (seen.has(key)) return "duplicate field";
      seen.add(key);
      p = vo + vLen;
      n++;
    }
    if (n !== this.count) return `count ${this.count} but ${n} pairs`;
    return null;
  }
}
