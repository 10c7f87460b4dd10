/**
 * Per-type RDB codecs: how each in-memory value is written (the RDB type byte and payload Redis
 * 7.0 would write for it) and how a decoded `LoadedValue` becomes an in-memory value. Type
 * modules are registered here by persistence, so store/ stays free of file formats.
 */
import type { StreamValue } from "../../store/types/stream.ts";
import { OBJ_STREAM, OBJ_STRING, stringEncodingFor, type ObjType, type Value } from "../../store/value.ts";
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

// Streams (RDB_TYPE_STREAM_LISTPACKS_2; the codec lives in stream-codec.ts).
registerCodec(OBJ_STREAM, {
  rdbType: () => STREAM_RDB_TYPE,
  write: (w, v) => writeStream(w, v as StreamValue),
});
registerBuilder("stream", (lv) => {
  const raw = (lv as { raw: StreamRaw }).raw;
  return { type: OBJ_STREAM, value: buildStream(raw), enc: 0 };
});
