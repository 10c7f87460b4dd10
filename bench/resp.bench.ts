/**
 * RESP reader and writer microbenchmarks: pipelined SET/GET frames, a big bulk arriving whole and
 * in pieces, inline commands, and the writer's frequent replies.
 */
import { READ_COMMAND, RespReader } from "../src/protocol/resp/reader.ts";
import { ReplyWriter } from "../src/protocol/resp/writer.ts";
import { add, runAll } from "./harness.ts";

const enc = new TextEncoder();
const limits = { maxBulkLen: 512 * 1024 * 1024, queryBufferLimit: 1024 * 1024 * 1024 };

function frame(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

/** Drain every command in `chunks` (fed in order); returns the number of commands read. */
function readAll(r: RespReader, chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const ch of chunks) {
    r.feed(ch);
    while (r.next() === READ_COMMAND) n++;
    r.release();
  }
  return n;
}

const pipeline16 = enc.encode(
  Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? frame("SET", `key:${i}`, "value-value-value") : frame("GET", `key:${i}`))).join(""),
);
const pipeline256 = enc.encode(Array.from({ length: 256 }, (_, i) => frame("SET", `key:${i}`, "xxxxxxxxxxxxxxxx")).join(""));
const single = enc.encode(frame("GET", "key:000001"));
const inline = enc.encode("SET key:1 value-value-value\r\n");
const bigValue = "v".repeat(1 << 20);
const bigFrame = enc.encode(frame("SET", "big", bigValue));
const bigPieces: Uint8Array[] = [];
for (let o = 0; o < bigFrame.length; o += 64 * 1024) bigPieces.push(bigFrame.subarray(o, o + 64 * 1024));

const reader = new RespReader(limits);
add("resp reader", "1 GET frame", () => readAll(reader, [single]));
add("resp reader", "16 pipelined SET/GET", () => readAll(reader, [pipeline16]));
add("resp reader", "256 pipelined SET", () => readAll(reader, [pipeline256]));
add("resp reader", "inline SET", () => readAll(reader, [inline]));
add("resp reader", "1 MiB bulk, one chunk", () => readAll(reader, [bigFrame]));
add("resp reader", "1 MiB bulk, 64 KiB chunks", () => readAll(reader, bigPieces));

const w = new ReplyWriter();
const val16 = enc.encode("value-value-valu");
const val1k = enc.encode("x".repeat(1024));
const items = Array.from({ length: 100 }, (_, i) => enc.encode(`member:${i}`));
add("resp writer", "+OK", () => {
  w.ok();
  return w.take();
});
add("resp writer", "bulk 16 B", () => {
  w.bulk(val16);
  return w.take();
});
add("resp writer", "bulk 1 KiB", () => {
  w.bulk(val1k);
  return w.take();
});
add("resp writer", "integer 12345678", () => {
  w.integer(12345678);
  return w.take();
});
add("resp writer", "array of 100 bulks", () => {
  w.bulkArray(items);
  return w.take();
});
add("resp writer", "double 3.14159 (RESP2)", () => {
  w.double(3.14159);
  return w.take();
});
add("resp writer", "deferred array of 100", () => {
  const m = w.deferLen();
  for (let i = 0; i < items.length; i++) w.bulk(items[i]!);
  w.setDeferredLen(m, 0x2a, items.length);
  return w.take();
});

if (import.meta.main) await runAll();
