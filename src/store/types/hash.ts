/**
 * Hash values in Redis's two encodings: `listpack` (a PackedMap: one flat byte array, insertion
 * order) while the hash has at most `hash-max-listpack-entries` fields and every field and value
 * is at most `hash-max-listpack-value` bytes, then `hashtable` (the byte-keyed Dict with
 * intrusive entries). Conversion is one way, as in Redis: a hash never goes back to listpack.
 */
import { Dict, hashBytes, type DictEntry } from "../../datastructures/dict.ts";
import { PackedMap } from "../../datastructures/packed-map.ts";
import type { Collection } from "../value.ts";

/** A field of a hashtable-encoded hash: the dict entry carries the field, its hash and value. */
export class HashField implements DictEntry {
  next: HashField | null = null;
  constructor(
    public key: Uint8Array,
    public hash: number,
    public value: Uint8Array,
  ) {}
}

/** Conversion thresholds (hash-max-listpack-entries / -value), read from config per command. */
export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

/** Visitor over fields and values; both are views valid until the next mutation. */
export type FieldVisitor = (field: Uint8Array, value: Uint8Array) => void;

export class HashValue extends PackedMap implements Collection {
  /** Non-null once converted to the hashtable encoding. */
  ht: Dict<HashField> | null = null;

  get size(): number {
    return this.ht === null ? this.count : this.ht.size;
  }

  encoding(): string {
    return this.ht === null ? "listpack" : "hashtable";
  }

  clone(): HashValue {
    const h = new HashValue();
    if (this.ht === null) h.copyFrom(this);
    else {
      const d = new Dict<HashField>();
      this.ht.forEach((e) => d.insert(new HashField(e.key.slice(), e.hash, e.value.slice())));
      h.ht = d;
    }
    return h;
  }

  override has(field: Uint8Array): boolean {
    return this.ht === null ? super.has(field) : this.ht.get(field) !== null;
  }

  /** The value of field (a view for listpack, the stored array for hashtable), or null. */
  override get(field: Uint8Array): Uint8Array | null {
    if (this.ht === null) return super.get(field);
    const e = this.ht.get(field);
    return e === null ? null : e.value;
  }

  /** Set field to value (both copied); true when the field is new. */
  override set(field: Uint8Array, value: Uint8Array): boolean {
    const ht = this.ht;
    if (ht === null) return super.set(field, value);
    const h = hashBytes(field);
    const e = ht.find(field, h);
    if (e !== null) {
      e.value = value.slice();
      return false;
    }
    ht.insert(new HashField(field.slice(), h, value.slice()));
    return true;
  }

  override delete(field: Uint8Array): boolean {
    if (this.ht === null) return super.delete(field);
    if (this.ht.delete(field) === null) return false;
    this.ht.maybeShrink(); // give memory back after mass deletes, as Redis resizes on HDEL
    return true;
  }

  /** Visit every field/value pair (listpack: insertion order; hashtable: table order). */
  forEachField(fn: FieldVisitor): void {
    if (this.ht !== null) {
      this.ht.forEach((e) => fn(e.key, e.value));
      return;
    }
    this.forEachPair((buf, fo, fl, vo, vl) => fn(buf.subarray(fo, fo + fl), buf.subarray(vo, vo + vl)));
  }

  /**
   * Redis's hashTypeTryConversion: before writing, convert when any argument in argv[from..]
   * (fields and values) is longer than hash-max-listpack-value.
   */
  convertForArgs(argv: readonly Uint8Array[], from: number, to: number, limits: HashLimits): void {
    if (this.ht !== null) return;
    for (let i = from; i < to; i++) {
      if (argv[i]!.length > limits.maxValue) {
        this.convert();
        return;
      }
    }
  }

  /** After a write: convert when the hash has more fields than hash-max-listpack-entries. */
  convertIfMany(limits: HashLimits): void {
    if (this.ht === null && this.count > limits.maxEntries) this.convert();
  }

  /** Convert to the hashtable encoding. */
  convert(): void {
    if (this.ht !== null) return;
    const d = new Dict<HashField>();
    this.forEachPair((buf, fo, fl, vo, vl) => {
      const k = buf.slice(fo, fo + fl);
      d.insert(new HashField(k, hashBytes(k), buf.slice(vo, vo + vl)));
    });
    this.clearPacked();
    this.ht = d;
  }
}
