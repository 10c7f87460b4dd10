/**
 * Per-type RDB codecs: how each in-memory value is written (the RDB type byte and payload Redis
 * 7.0 would write for it) and how a decoded `LoadedValue` becomes an in-memory value. Type
 * modules are registered here by persistence, so store/ stays free of file formats.
 */
import { HashValue } from "../../store/types/hash.ts";
import { ListValue } from "../../store/types/list.ts";
import { SetValue } from "../../store/types/set.ts";
import { ZsetValue } from "../../store/types/zset.ts";
import type { StreamValue } from "../../store/types/stream.ts";
import { OBJ_HASH, OBJ_LIST, OBJ_SET, OBJ_STREAM, OBJ_STRING, OBJ_ZSET, stringEncodingFor, type ObjType, type Value } from "../../store/value.ts";
import { formatDouble17 } from "../../util/numbers.ts";
import { ListpackWriter, encodeIntset } from "./packed.ts";
import * as F from "./format.ts";
import type { LoadedValue, StreamRaw } from "./reader.ts";
import { buildStream, STREAM_RDB_TYPE, writeStream } from "./stream-codec.ts";
import type { RdbWriter } from "./writer.ts";

/** Limits that decide the encoding of loaded values (the *-max-listpack-* configs). */
export interface EncodingLimits {
  get(name: string): number;
}

export interface TypeCodec {
  /** RDB object type byte for this value. */
  rdbType(v: Value): number;
  /** Payload after the key. */
  write(w: RdbWriter, v: Value): void;
}

export interface Built {
  type: ObjType;
  value: Value;
  enc: number;
}

export type Builder = (lv: LoadedValue, limits: EncodingLimits) => Built;

const codecs = new Map<number, TypeCodec>();
const builders = new Map<LoadedValue["type"], Builder>();

export function registerCodec(type: ObjType, codec: TypeCodec): void {
  codecs.set(type, codec);
}

export function registerBuilder(type: LoadedValue["type"], b: Builder): void {
  builders.set(type, b);
}

export function codecFor(type: ObjType): TypeCodec {
  const c = codecs.get(type);
  if (c === undefined) throw new Error(`no RDB codec for object type ${type}`);
  return c;
}

export function build(lv: LoadedValue, limits: EncodingLimits): Built {
  const b = builders.get(lv.type);
  if (b === undefined) throw new Error(`cannot load values of type ${lv.type} yet`);
  return b(lv, limits);
}

// Strings.
registerCodec(OBJ_STRING, {
  rdbType: () => F.T_STRING,
  write: (w, v) => w.string(v as Uint8Array),
});
registerBuilder("string", (lv) => {
  const value = (lv as { value: Uint8Array }).value;
  return { type: OBJ_STRING, value, enc: stringEncodingFor(value) };
});

// -------------------------------------------------------------------------------------------------
// Collections, written as Redis 7.0 writes each encoding (RDB v10) and built back honouring the
// *-max-* encoding thresholds of the loading server.

/** Listpack node size for written quicklists: Redis's default fill (-2) is 8 KB per node. */
const LIST_NODE_BYTES = 8 * 1024;
const LIST_NODE_MAX_ENTRIES = 128;

registerCodec(OBJ_LIST, {
  rdbType: () => F.T_LIST_QUICKLIST_2,
  write(w, v) {
    const items = (v as ListValue).toArray();
    const nodes: Uint8Array[] = [];
    let lp = new ListpackWriter();
    let n = 0;
    let bytes = 0;
    for (const it of items) {
      if (n > 0 && (n >= LIST_NODE_MAX_ENTRIES || bytes + it.length > LIST_NODE_BYTES)) {
        nodes.push(lp.finish());
        lp = new ListpackWriter();
        n = 0;
        bytes = 0;
      }
      lp.add(it);
      n++;
      bytes += it.length + 2;
    }
    if (n > 0) nodes.push(lp.finish());
    w.length(nodes.length);
    for (const node of nodes) {
      w.length(F.QUICKLIST_NODE_PACKED);
      w.blob(node);
    }
  },
});
registerBuilder("list", (lv, limits) => {
  const l = new ListValue(limits.get("list-max-listpack-size"));
  for (const e of (lv as { elements: Uint8Array[] }).elements) l.pushBack(e);
  return { type: OBJ_LIST, value: l, enc: 0 };
});

registerCodec(OBJ_HASH, {
  rdbType: (v) => ((v as HashValue).encoding() === "listpack" ? F.T_HASH_LISTPACK : F.T_HASH),
  write(w, v) {
    const h = v as HashValue;
    if (h.encoding() === "listpack") {
      const lp = new ListpackWriter();
      h.forEachField((f, val) => {
        lp.add(f.slice());
        lp.add(val.slice());
      });
      w.blob(lp.finish());
      return;
    }
    w.length(h.size);
    h.forEachField((f, val) => {
      w.string(f);
      w.string(val);
    });
  },
});
registerBuilder("hash", (lv, limits) => {
  const h = new HashValue();
  const lim = { maxEntries: limits.get("hash-max-listpack-entries"), maxValue: limits.get("hash-max-listpack-value") };
  for (const [f, v] of (lv as { pairs: [Uint8Array, Uint8Array][] }).pairs) {
    if (f.length > lim.maxValue || v.length > lim.maxValue) h.convert();
    h.set(f, v);
  }
  h.convertIfMany(lim);
  return { type: OBJ_HASH, value: h, enc: 0 };
});

registerCodec(OBJ_SET, {
  rdbType: (v) => ((v as SetValue).encoding() === "intset" ? F.T_SET_INTSET : F.T_SET),
  write(w, v) {
    const s = v as SetValue;
    if (s.encoding() === "intset") {
      const ints: bigint[] = [];
      s.forEach((m) => ints.push(BigInt(new TextDecoder().decode(m))));
      ints.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      w.blob(encodeIntset(ints));
      return;
    }
    w.length(s.size);
    s.forEach((m) => w.string(m));
  },
});
registerBuilder("set", (lv, limits) => {
  const members = (lv as { members: Uint8Array[] }).members;
  const maxIntset = limits.get("set-max-intset-entries");
  const s = members.length > 0 ? SetValue.createFor(members[0]!) : SetValue.hashtable();
  for (const m of members) s.add(m, maxIntset);
  return { type: OBJ_SET, value: s, enc: 0 };
});

/** A zset score as Redis stores it in a listpack: integers as integers, else %.17g text. */
function scoreBytes(d: number): Uint8Array | number {
  if (Number.isInteger(d) && Math.abs(d) < 2 ** 53) return d;
  return new TextEncoder().encode(formatDouble17(d));
}

registerCodec(OBJ_ZSET, {
  rdbType: (v) => ((v as ZsetValue).encoding() === "listpack" ? F.T_ZSET_LISTPACK : F.T_ZSET_2),
  write(w, v) {
    const z = v as ZsetValue;
    if (z.encoding() === "listpack") {
      const lp = new ListpackWriter();
      z.forEach((m, score) => {
        lp.add(m.slice());
        lp.add(scoreBytes(score));
      });
      w.blob(lp.finish());
      return;
    }
    // Redis writes skiplists from the tail, so loading inserts at the head cheaply.
    const all: [Uint8Array, number][] = [];
    z.forEach((m, score) => all.push([m.slice(), score]));
    w.length(all.length);
    for (let i = all.length - 1; i >= 0; i--) {
      w.string(all[i]![0]);
      w.binaryDouble(all[i]![1]);
    }
  },
});
registerBuilder("zset", (lv, limits) => {
  const pairs = (lv as { pairs: [Uint8Array, number][] }).pairs;
  const lim = { maxEntries: limits.get("zset-max-listpack-entries"), maxValue: limits.get("zset-max-listpack-value") };
  const z = pairs.length > lim.maxEntries || pairs.some(([m]) => m.length > lim.maxValue) ? ZsetValue.skiplist() : ZsetValue.listpack();
  for (const [m, score] of pairs) z.add(score, m, 0, lim);
  return { type: OBJ_ZSET, value: z, enc: 0 };
});

// Streams (RDB_TYPE_STREAM_LISTPACKS_2; the codec lives in stream-codec.ts).
registerCodec(OBJ_STREAM, {
  rdbType: () => STREAM_RDB_TYPE,
  write: (w, v) => writeStream(w, v as StreamValue),
});
registerBuilder("stream", (lv) => {
  const raw = (lv as { raw: StreamRaw }).raw;
  return { type: OBJ_STREAM, value: buildStream(raw), enc: 0 };
});
