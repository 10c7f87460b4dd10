/**
 * RDB parsing: primitives over an in-memory byte array and the object decoder for every type
 * encoding Redis 7.0 reads (RDB versions 1–11). Objects decode to a neutral `LoadedValue`
 * (elements as bytes), which the store's type modules turn into their own representation; this
 * keeps the file format independent of in-memory encodings.
 */
import { Crc64 } from "../../datastructures/crc64.ts";
import { lzfDecompress } from "../../datastructures/lzf.ts";
import { formatDouble17 } from "../../util/numbers.ts";
import * as F from "./format.ts";
import { decodeIntset, decodeListpack, decodeZiplist, elementBytes, PackedFormatError, type PackedElement } from "./packed.ts";

export class RdbFormatError extends Error {}

const enc = new TextEncoder();

/** A decoded value, before conversion into the store's types. */
export type LoadedValue =
  | { type: "string"; value: Uint8Array }
  | { type: "list"; elements: Uint8Array[] }
  | { type: "set"; members: Uint8Array[] }
  | { type: "zset"; pairs: [Uint8Array, number][] }
  | { type: "hash"; pairs: [Uint8Array, Uint8Array][] }
  | { type: "stream"; decode: (r: RdbReader) => unknown; raw: StreamRaw };

/** An unsigned 64-bit value: a number up to 2^53-1, a bigint above (stream IDs and counters). */
export type RawU64 = number | bigint;

/** Stream payload as stored (listpacks keyed by master ID + metadata); decoded by the stream type. */
export interface StreamRaw {
  rdbType: number;
  nodes: [Uint8Array, Uint8Array][];
  length: number;
  lastId: [RawU64, RawU64];
  firstId: [RawU64, RawU64] | null;
  maxDeletedId: [RawU64, RawU64] | null;
  entriesAdded: RawU64 | null;
  groups: StreamGroupRaw[];
}

export interface StreamGroupRaw {
  name: Uint8Array;
  lastId: [RawU64, RawU64];
  /** As stored: 2^64-1 (a bigint) is Redis's "invalid" (-1). */
  entriesRead: RawU64 | null;
  pel: { id: [RawU64, RawU64]; deliveryTime: number; deliveryCount: number }[];
  consumers: { name: Uint8Array; seenTime: number; pel: [RawU64, RawU64][] }[];
}

export class RdbReader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}

  get remaining(): number {
    return this.b.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new RdbFormatError(`unexpected end of file at offset ${this.pos}`);
  }

  byte(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Redis's rdbLoadLen: returns [length or encoding type, isEncoded]. */
  lengthOrEnc(): [number, boolean] {
    const first = this.byte();
    const type = first >> 6;
    if (type === F.LEN_ENCVAL) return [first & 0x3f, true];
    if (type === F.LEN_6BIT) return [first & 0x3f, false];
    if (type === F.LEN_14BIT) return [((first & 0x3f) << 8) | this.byte(), false];
    if (first === F.LEN_32BIT) {
      const v = this.bytes(4);
      return [((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0, false];
    }
    if (first === F.LEN_64BIT) {
      const v = this.bytes(8);
      const n = new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, false);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError("length too large");
      return [Number(n), false];
    }
    throw new RdbFormatError(`unknown length encoding 0x${first.toString(16)} at offset ${this.pos - 1}`);
  }

  /** A length that may use all 64 bits (stream IDs, counters): bigint past 2^53-1. */
  lengthU64(): RawU64 {
    if (this.pos < this.b.length && this.b[this.pos] === F.LEN_64BIT) {
      this.pos++;
      const v = this.bytes(8);
      const n = new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, false);
      return n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n);
    }
    return this.length();
  }

  length(): number {
    const [n, encoded] = this.lengthOrEnc();
    if (encoded) throw new RdbFormatError(`unexpected encoded length at offset ${this.pos}`);
    return n;
  }

  /** A string object (plain, integer-encoded or LZF). Returns a copy the caller may keep. */
  string(): Uint8Array {
    const [n, encoded] = this.lengthOrEnc();
    if (!encoded) return this.bytes(n).slice();
    switch (n) {
      case F.ENC_INT8:
        return enc.encode(String((this.byte() << 24) >> 24));
      case F.ENC_INT16: {
        const v = this.bytes(2);
        return enc.encode(String(((v[0]! | (v[1]! << 8)) << 16) >> 16));
      }
      case F.ENC_INT32: {
        const v = this.bytes(4);
        return enc.encode(String(v[0]! | (v[1]! << 8) | (v[2]! << 16) | (v[3]! << 24)));
      }
      case F.ENC_LZF: {
        const clen = this.length();
        const len = this.length();
        const out = lzfDecompress(this.bytes(clen), len);
        if (out === null) throw new RdbFormatError(`invalid LZF compressed string at offset ${this.pos}`);
        return out;
      }
      default:
        throw new RdbFormatError(`unknown string encoding ${n} at offset ${this.pos}`);
    }
  }

  /** Old-style string-encoded double (ZSET type 3). */
  stringDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const s = new TextDecoder().decode(this.bytes(n));
    return Number(s);
  }

  binaryDouble(): number {
    const v = this.bytes(8);
    return new DataView(v.buffer, v.byteOffset, 8).getFloat64(0, true);
  }

  millis(): number {
    const v = this.bytes(8);
    return Number(new DataView(v.buffer, v.byteOffset, 8).getBigInt64(0, true));
  }

  seconds(): number {
    const v = this.bytes(4);
    return new DataView(v.buffer, v.byteOffset, 4).getInt32(0, true);
  }

  /** Decode one object of RDB type `t`. */
  object(t: number): LoadedValue {
    try {
      return this.objectInner(t);
    } catch (e) {
      if (e instanceof PackedFormatError) throw new RdbFormatError(`${e.message} at offset ${this.pos}`);
      throw e;
    }
  }

  private objectInner(t: number): LoadedValue {
    switch (t) {
      case F.T_STRING:
        return { type: "string", value: this.string() };
      case F.T_LIST: {
        const n = this.length();
        const elements: Uint8Array[] = [];
        for (let i = 0; i < n; i++) elements.push(this.string());
        return { type: "list", elements };
      }
      case F.T_SET: {
        const n = this.length();
        const members: Uint8Array[] = [];
        for (let i = 0; i < n; i++) members.push(this.string());
        return { type: "set", members };
      }
      case F.T_ZSET:
      case F.T_ZSET_2: {
        const n = this.length();
        const pairs: [Uint8Array, number][] = [];
        for (let i = 0; i < n; i++) {
          const m = this.string();
          const score = t === F.T_ZSET_2 ? this.binaryDouble() : this.stringDouble();
          if (Number.isNaN(score)) throw new RdbFormatError("zset score is NaN");
          pairs.push([m, score]);
        }
        return { type: "zset", pairs };
      }
      case F.T_HASH: {
        const n = this.length();
        const pairs: [Uint8Array, Uint8Array][] = [];
        for (let i = 0; i < n; i++) pairs.push([this.string(), this.string()]);
        return { type: "hash", pairs };
      }
      case F.T_LIST_ZIPLIST:
        return { type: "list", elements: decodeZiplist(this.string()).map(elementBytes) };
      case F.T_LIST_QUICKLIST:
      case F.T_LIST_QUICKLIST_2: {
        const nodes = this.length();
        const elements: Uint8Array[] = [];
        for (let i = 0; i < nodes; i++) {
          let container = F.QUICKLIST_NODE_PACKED;
          if (t === F.T_LIST_QUICKLIST_2) container = this.length();
          const blob = this.string();
          if (container === F.QUICKLIST_NODE_PLAIN) elements.push(blob);
          else {
            const items = t === F.T_LIST_QUICKLIST ? decodeZiplist(blob) : decodeListpack(blob);
            if (items.length === 0) throw new RdbFormatError("empty quicklist node");
            for (const e of items) elements.push(elementBytes(e));
          }
        }
        return { type: "list", elements };
      }
      case F.T_SET_INTSET:
        return { type: "set", members: decodeIntset(this.string()).map(elementBytes) };
      case F.T_SET_LISTPACK:
        return { type: "set", members: decodeListpack(this.string()).map(elementBytes) };
      case F.T_ZSET_ZIPLIST:
      case F.T_ZSET_LISTPACK: {
        const items = t === F.T_ZSET_ZIPLIST ? decodeZiplist(this.string()) : decodeListpack(this.string());
        return { type: "zset", pairs: pairsOf(items).map(([m, s]) => [m, scoreOf(s)]) };
      }
      case F.T_HASH_ZIPLIST:
      case F.T_HASH_LISTPACK: {
        const items = t === F.T_HASH_ZIPLIST ? decodeZiplist(this.string()) : decodeListpack(this.string());
        return { type: "hash", pairs: pairsOf(items) };
      }
      case F.T_HASH_ZIPMAP:
        return { type: "hash", pairs: decodeZipmap(this.string()) };
      case F.T_STREAM_LISTPACKS:
      case F.T_STREAM_LISTPACKS_2:
      case F.T_STREAM_LISTPACKS_3:
        return { type: "stream", raw: this.streamRaw(t), decode: () => null };
      case F.T_MODULE:
      case F.T_MODULE_2:
        throw new RdbFormatError("module values are not supported");
      default:
        throw new RdbFormatError(`unknown object type ${t} at offset ${this.pos}`);
    }
  }

  private streamId(): [RawU64, RawU64] {
    return [this.lengthU64(), this.lengthU64()];
  }

  private rawId(): [RawU64, RawU64] {
    const b = this.bytes(16);
    const v = new DataView(b.buffer, b.byteOffset, 16);
    const norm = (x: bigint): RawU64 => (x > BigInt(Number.MAX_SAFE_INTEGER) ? x : Number(x));
    return [norm(v.getBigUint64(0, false)), norm(v.getBigUint64(8, false))];
  }

  private streamRaw(t: number): StreamRaw {
    const n = this.length();
    const nodes: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < n; i++) {
      const master = this.string();
      if (master.length !== 16) throw new RdbFormatError("stream node key is not a 128-bit ID");
      nodes.push([master, this.string()]);
    }
    const length = this.length();
    const lastId = this.streamId();
    let firstId: [RawU64, RawU64] | null = null;
    let maxDeletedId: [RawU64, RawU64] | null = null;
    let entriesAdded: RawU64 | null = null;
    if (t >= F.T_STREAM_LISTPACKS_2) {
      firstId = this.streamId();
      maxDeletedId = this.streamId();
      entriesAdded = this.lengthU64();
    }
    const ngroups = this.length();
    const groups: StreamGroupRaw[] = [];
    for (let g = 0; g < ngroups; g++) {
      const name = this.string();
      const glast = this.streamId();
      const entriesRead = t >= F.T_STREAM_LISTPACKS_2 ? this.lengthU64() : null;
      const npel = this.length();
      const pel: StreamGroupRaw["pel"] = [];
      for (let i = 0; i < npel; i++) {
        const id = this.rawId();
        const deliveryTime = this.millis();
        const deliveryCount = this.length();
        pel.push({ id, deliveryTime, deliveryCount });
      }
      const nconsumers = this.length();
      const consumers: StreamGroupRaw["consumers"] = [];
      for (let c = 0; c < nconsumers; c++) {
        const cname = this.string();
        const seenTime = this.millis();
        if (t >= F.T_STREAM_LISTPACKS_3) this.millis(); // active-time (7.2)
        const ncpel = this.length();
        const cpel: [RawU64, RawU64][] = [];
        for (let i = 0; i < ncpel; i++) cpel.push(this.rawId());
        consumers.push({ name: cname, seenTime, pel: cpel });
      }
      groups.push({ name, lastId: glast, entriesRead, pel, consumers });
    }
    return { rdbType: t, nodes, length, lastId, firstId, maxDeletedId, entriesAdded, groups };
  }
}

function pairsOf(items: PackedElement[]): [Uint8Array, Uint8Array][] {
  if (items.length % 2 !== 0) throw new RdbFormatError("odd number of elements in a paired encoding");
  const out: [Uint8Array, Uint8Array][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([elementBytes(items[i]!), elementBytes(items[i + 1]!)]);
  return out;
}

function scoreOf(b: Uint8Array): number {
  const s = new TextDecoder().decode(b);
  const d = s === "inf" || s === "+inf" ? Infinity : s === "-inf" ? -Infinity : Number(s);
  if (Number.isNaN(d)) throw new RdbFormatError("invalid zset score");
  return d;
}

/** Zipmap (RDB type 9, Redis < 2.6): zmlen, then (len key len free value free-bytes)*, 0xff. */
function decodeZipmap(b: Uint8Array): [Uint8Array, Uint8Array][] {
  let p = 1;
  const out: [Uint8Array, Uint8Array][] = [];
  const len = (): number => {
    const c = b[p++]!;
    if (c < 254) return c;
    if (c === 254) {
      const v = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      p += 4;
      return v;
    }
    return -1;
  };
  for (;;) {
    if (p >= b.length) throw new RdbFormatError("zipmap truncated");
    if (b[p] === 0xff) break;
    const kl = len();
    const k = b.slice(p, p + kl);
    p += kl;
    const vl = len();
    const free = b[p++]!;
    const v = b.slice(p, p + vl);
    p += vl + free;
    out.push([k, v]);
  }
  return out;
}

/** Verify an RDB file's CRC-64 footer (zero means "not computed", as Redis accepts). */
export function verifyChecksum(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const body = b.subarray(0, b.length - 8);
  const stored = new DataView(b.buffer, b.byteOffset + b.length - 8, 8).getBigUint64(0, true);
  if (stored === 0n) return true;
  return new Crc64().update(body).value() === stored;
}

/** Text of a double as Redis writes it into listpacks for zset scores. */
export function scoreText(d: number): string {
  return formatDouble17(d);
}
