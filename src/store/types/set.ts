/**
 * Set values with Redis 7.0's two encodings:
 * - `intset`: every member is a canonical signed 64-bit integer string (Redis's string2ll rules:
 *   no '+', no leading zeros, no "-0"), at most `set-max-intset-entries` members;
 * - `hashtable`: a byte-keyed Dict of members.
 * A set is created as an intset when its first member is an integer and converts to a
 * hashtable, once and for good, when a non-integer member arrives or it grows past the limit.
 * (Redis 7.2's listpack sets do not exist in 7.0, so small non-integer sets are hashtables.)
 *
 * Ownership: members added to a hashtable are copied; iteration hands out bytes the caller must
 * not modify (intset members are freshly formatted).
 */
import { Dict, hashBytes, type DictEntry } from "../../datastructures/dict.ts";
import { Intset } from "../../datastructures/intset.ts";
import { parseBigInt64 } from "../../util/numbers.ts";
import type { Collection } from "../value.ts";

/** A member of a hashtable set (an intrusive dict entry). */
export class SetEntry implements DictEntry {
  next: SetEntry | null = null;
  constructor(
    public key: Uint8Array,
    public hash: number,
  ) {}
}

const enc = new TextEncoder();

/** Bytes of an intset member. */
function intBytes(v: bigint): Uint8Array {
  return enc.encode(v.toString());
}

/** The member as an int64 when it is a canonical integer string, else null. */
export function memberAsInt(m: Uint8Array): bigint | null {
  if (m.length === 0 || m.length > 20) return null;
  return parseBigInt64(m);
}

export class SetValue implements Collection {
  is: Intset | null;
  ht: Dict<SetEntry> | null;

  private constructor(intset: boolean) {
    this.is = intset ? new Intset() : null;
    this.ht = intset ? null : new Dict<SetEntry>();
  }

  /** An empty intset-encoded set (Redis's createIntsetObject: store commands start here). */
  static intset(): SetValue {
    return new SetValue(true);
  }

  /** An empty hashtable-encoded set. */
  static hashtable(): SetValue {
    return new SetValue(false);
  }

  /** Redis's setTypeCreate: the encoding suited to a first member. */
  static createFor(first: Uint8Array): SetValue {
    return new SetValue(memberAsInt(first) !== null);
  }

  get size(): number {
    return this.is !== null ? this.is.size : this.ht!.size;
  }

  encoding(): string {
    return this.is !== null ? "intset" : "hashtable";
  }

  clone(): SetValue {
    const s = new SetValue(this.is !== null);
    if (this.is !== null) s.is = this.is.clone();
    else for (const e of this.ht!) s.ht!.insert(new SetEntry(e.key.slice(), e.hash));
    return s;
  }

  /** Convert to a hashtable (one way). */
  toHashtable(): void {
    const is = this.is;
    if (is === null) return;
    const ht = new Dict<SetEntry>();
    for (let i = 0; i < is.size; i++) {
      const b = intBytes(is.get(i));
      ht.insert(new SetEntry(b, hashBytes(b)));
    }
    this.ht = ht;
    this.is = null;
  }

  /** Add a member (copied). Returns false when it was already there. */
  add(m: Uint8Array, maxIntset: number): boolean {
    const is = this.is;
    if (is !== null) {
      const v = memberAsInt(m);
      if (v !== null) {
        if (!is.add(v)) return false;
        if (is.size > maxIntset) this.toHashtable();
        return true;
      }
      this.toHashtable();
    }
    const ht = this.ht!;
    const h = hashBytes(m);
    if (ht.find(m, h) !== null) return false;
    const k = m.slice();
    ht.insert(new SetEntry(k, h));
    return true;
  }

  remove(m: Uint8Array): boolean {
    if (this.is !== null) {
      const v = memberAsInt(m);
      return v !== null && this.is.remove(v);
    }
    return this.ht!.delete(m) !== null;
  }

  has(m: Uint8Array): boolean {
    if (this.is !== null) {
      const v = memberAsInt(m);
      return v !== null && this.is.has(v);
    }
    return this.ht!.get(m) !== null;
  }

  /** Call fn for every member, in the encoding's order (ascending for intsets). */
  forEach(fn: (m: Uint8Array) => void): void {
    const is = this.is;
    if (is !== null) {
      for (let i = 0; i < is.size; i++) fn(intBytes(is.get(i)));
    } else this.ht!.forEach((e) => fn(e.key));
  }

  /** Every member, in iteration order. */
  members(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.forEach((m) => out.push(m));
    return out;
  }

  /** A random member (the set must not be empty). */
  random(): Uint8Array {
    const is = this.is;
    if (is !== null) return intBytes(is.get(Math.floor(Math.random() * is.size)));
    return this.ht!.random()!.key;
  }

  /** Remove and return a random member (the set must not be empty). */
  pop(): Uint8Array {
    const is = this.is;
    if (is !== null) {
      const i = Math.floor(Math.random() * is.size);
      const v = is.get(i);
      is.removeAt(i);
      return intBytes(v);
    }
    const e = this.ht!.random()!;
    this.ht!.delete(e.key, e.hash);
    return e.key;
  }
}
