/**
 * Sorted set of signed 64-bit integers in one typed array (Redis's intset): the element width
 * is 16, 32 or 64 bits, chosen by the widest value ever added and upgraded (never downgraded)
 * when a wider value arrives, as Redis does.
 *
 * Invariants:
 * - `data[0 .. size)` is strictly increasing; `data.length` is the capacity.
 * - `width` is the smallest of 16/32/64 holding every value added since creation or the last
 *   upgrade (removals do not shrink it).
 * Ownership: values are plain numbers/bigints; nothing is shared with callers.
 * Complexity: O(log N) membership, O(N) insert/delete (memmove), which Redis accepts up to
 * `set-max-intset-entries` (512 by default).
 */

type Store = Int16Array | Int32Array | BigInt64Array;

const I16_MIN = -32768n;
const I16_MAX = 32767n;
const I32_MIN = -2147483648n;
const I32_MAX = 2147483647n;

function widthFor(v: bigint): 16 | 32 | 64 {
  if (v >= I16_MIN && v <= I16_MAX) return 16;
  if (v >= I32_MIN && v <= I32_MAX) return 32;
  return 64;
}

function alloc(width: 16 | 32 | 64, cap: number): Store {
  return width === 16 ? new Int16Array(cap) : width === 32 ? new Int32Array(cap) : new BigInt64Array(cap);
}

export class Intset {
  private data: Store = new Int16Array(4);
  private n = 0;
  width: 16 | 32 | 64 = 16;

  get size(): number {
    return this.n;
  }

  /** Element i (ascending order). */
  get(i: number): bigint {
    const d = this.data;
    return d instanceof BigInt64Array ? d[i]! : BigInt(d[i]!);
  }

  /** Index of v, or -(insertion point) - 1. */
  private search(v: bigint): number {
    const d = this.data;
    let lo = 0;
    let hi = this.n - 1;
    if (d instanceof BigInt64Array) {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const x = d[mid]!;
        if (x < v) lo = mid + 1;
        else if (x > v) hi = mid - 1;
        else return mid;
      }
    } else {
      if (widthFor(v) > this.width) return v < 0n ? -1 : -this.n - 1;
      const t = Number(v);
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const x = d[mid]!;
        if (x < t) lo = mid + 1;
        else if (x > t) hi = mid - 1;
        else return mid;
      }
    }
    return -lo - 1;
  }

  has(v: bigint): boolean {
    return this.search(v) >= 0;
  }

  /** Add v; false when already present. */
  add(v: bigint): boolean {
    const w = widthFor(v);
    if (w > this.width) {
      // Upgrade: a value wider than all others is either below or above every element.
      this.resize(this.n + 1, w);
      const d = this.data;
      if (v < 0n) {
        d.copyWithin(1, 0, this.n);
        this.put(0, v);
      } else this.put(this.n, v);
      this.n++;
      return true;
    }
    const pos = this.search(v);
    if (pos >= 0) return false;
    const at = -pos - 1;
    if (this.n + 1 > this.data.length) this.resize(this.n + 1, this.width);
    this.data.copyWithin(at + 1, at, this.n);
    this.put(at, v);
    this.n++;
    return true;
  }

  private put(i: number, v: bigint): void {
    const d = this.data;
    if (d instanceof BigInt64Array) d[i] = v;
    else d[i] = Number(v);
  }

  /** Grow capacity to at least `need` (doubling), converting to `width` if it changed. */
  private resize(need: number, width: 16 | 32 | 64): void {
    let cap = this.data.length;
    if (need > cap || width !== this.width) {
      while (cap < need) cap = Math.max(4, cap * 2);
      const nd = alloc(width, cap);
      const od = this.data;
      if (nd instanceof BigInt64Array) {
        if (od instanceof BigInt64Array) nd.set(od.subarray(0, this.n));
        else for (let i = 0; i < this.n; i++) nd[i] = BigInt(od[i]!);
      } else if (!(od instanceof BigInt64Array)) {
        nd.set(od.subarray(0, this.n));
      }
      this.data = nd;
      this.width = width;
    }
  }

  /** Remove v; false when absent. */
  remove(v: bigint): boolean {
    const pos = this.search(v);
    if (pos < 0) return false;
    this.removeAt(pos);
    return true;
  }

  removeAt(i: number): void {
    this.data.copyWithin(i, i + 1, this.n);
    this.n--;
    if (this.data.length > 64 && this.n * 4 < this.data.length) this.shrink();
  }

  private shrink(): void {
    const cap = Math.max(4, this.n * 2);
    const nd = alloc(this.width, cap);
    const od = this.data;
    if (nd instanceof BigInt64Array && od instanceof BigInt64Array) nd.set(od.subarray(0, this.n));
    else if (!(nd instanceof BigInt64Array) && !(od instanceof BigInt64Array)) nd.set(od.subarray(0, this.n));
    this.data = nd;
  }

  /** Bytes Redis would use for the elements (width × count). */
  get blobLength(): number {
    return (this.width / 8) * this.n;
  }

  clone(): Intset {
    const s = new Intset();
    s.width = this.width;
    s.n = this.n;
    s.data = this.data.slice(0, Math.max(4, this.n));
    return s;
  }

  /** Check invariants; throws on violation (tests). */
  check(): void {
    for (let i = 1; i < this.n; i++) if (!(this.get(i - 1) < this.get(i))) throw new Error(`intset order violated at ${i}`);
    for (let i = 0; i < this.n; i++) if (widthFor(this.get(i)) > this.width) throw new Error("value wider than width");
    const expected = this.data instanceof BigInt64Array ? 64 : this.data instanceof Int32Array ? 32 : 16;
    if (expected !== this.width) throw new Error("store does not match width");
    if (this.n > this.data.length) throw new Error("size above capacity");
  }
}
