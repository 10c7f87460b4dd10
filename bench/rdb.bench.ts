/**
 * Microbenchmarks for the RDB encoder and decoder (mitata): `bun bench/rdb.bench.ts`.
 * Snapshots of a 10,000-key keyspace (strings, and hashes/sorted sets in both encodings) into a
 * null sink, parsing the result back, and single-key DUMP payloads.
 */
import { Snapshot } from "../src/persistence/snapshot.ts";
import { parseRdb } from "../src/persistence/rdb/parse.ts";
import { dumpPayload } from "../src/persistence/rdb/save.ts";
import "../src/persistence/rdb/codecs.ts";
import { Keyspace } from "../src/store/database.ts";
import { HashValue } from "../src/store/types/hash.ts";
import { ZsetValue } from "../src/store/types/zset.ts";
import { OBJ_HASH, OBJ_ZSET } from "../src/store/value.ts";
import { add, runAll } from "./harness.ts";

const enc = new TextEncoder();
const aux = { redisVersion: "7.2.0", ctime: 0, usedMem: 0 };

const ks = new Keyspace(1);
const db = ks.dbs[0]!;
for (let i = 0; i < 10_000; i++) db.setString(enc.encode(`key:${i}`), enc.encode(i % 2 === 0 ? String(i * 31) : `value-${i}-${"x".repeat(i % 40)}`));
const lim = { maxEntries: 128, maxValue: 64 };
for (let i = 0; i < 100; i++) {
  const h = new HashValue();
  for (let f = 0; f < (i % 2 === 0 ? 10 : 300); f++) h.set(enc.encode(`f${f}`), enc.encode(`v${f}`));
  h.convertIfMany(lim);
  db.add(enc.encode(`hash:${i}`), OBJ_HASH, h);
  const z = i % 2 === 0 ? ZsetValue.listpack() : ZsetValue.skiplist();
  for (let m = 0; m < (i % 2 === 0 ? 50 : 500); m++) z.add(m * 1.5, enc.encode(`m${m}`), 0, lim);
  db.add(enc.encode(`zset:${i}`), OBJ_ZSET, z);
}

function snapshotBytes(): Uint8Array {
  const chunks: Uint8Array[] = [];
  new Snapshot(ks, { sink: (c) => chunks.push(c.slice()), aux }).runSync();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const file = snapshotBytes();
const bigHash = db.dict.get(enc.encode("hash:1"))!;
const smallZset = db.dict.get(enc.encode("zset:0"))!;

add("rdb", "snapshot 10.2k keys (strings, hashes, zsets)", () => {
  let n = 0;
  new Snapshot(ks, { sink: (c) => (n += c.length), aux }).runSync();
  return n;
});
add("rdb", `parse the same file (${(file.length / 1024).toFixed(0)} KiB)`, () => {
  let keys = 0;
  parseRdb(file, { onKey: () => keys++ });
  return keys;
});
add("rdb", "DUMP of a 300-field hashtable hash", () => dumpPayload(bigHash));
add("rdb", "DUMP of a 50-member listpack zset", () => dumpPayload(smallZset));

if (import.meta.main) await runAll();
