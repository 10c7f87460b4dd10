/**
 * Microbenchmarks for the sorted-set structures (mitata, via bench/harness.ts):
 *   bun bench/skiplist.bench.ts
 * Skiplist insert/rank/range-by-score on 100k members, ZsetValue ZADD on both encodings, and
 * a listpack-sized set's member lookup.
 */
import { Skiplist } from "../src/datastructures/skiplist.ts";
import { ZsetValue } from "../src/store/types/zset.ts";
import { add, runAll } from "./harness.ts";

const enc = new TextEncoder();
const N = 100_000;
const members = Array.from({ length: N }, (_, i) => enc.encode(`member:${i}`));
const scores = Array.from({ length: N }, () => Math.floor(Math.random() * 1e6));

const zsl = new Skiplist();
for (let i = 0; i < N; i++) zsl.insert(scores[i]!, members[i]!.slice());
const big = ZsetValue.skiplist();
const lim = { maxEntries: 128, maxValue: 64 };
for (let i = 0; i < N; i++) big.add(scores[i]!, members[i]!, 0, lim);
const small = ZsetValue.listpack();
for (let i = 0; i < 128; i++) small.add(i, members[i]!, 0, lim);

let k = 0;
const G1 = "skiplist (100k members)";
add(G1, "insert + delete", () => {
  const i = k++ % N;
  const m = enc.encode(`x${i}`);
  zsl.insert(i, m);
  zsl.delete(i, m);
});
add(G1, "getRank", () => {
  const i = k++ % N;
  return zsl.getRank(scores[i]!, members[i]!);
});
add(G1, "getByRank", () => zsl.getByRank((k++ % N) + 1));
add(G1, "countBelowScore (ZCOUNT bound)", () => zsl.countBelowScore((k++ * 7919) % 1e6, true));

const G2 = "ZsetValue";
add(G2, "ZADD update score (skiplist)", () => {
  const i = k++ % N;
  big.add(scores[i]! + (k & 1), members[i]!, 0, lim);
});
add(G2, "ZSCORE (skiplist, dict)", () => big.score(members[k++ % N]!));
add(G2, "ZSCORE (listpack, 128)", () => small.score(members[k++ % 128]!));
add(G2, "ZRANGE 0 9 (skiplist)", () => {
  let n = 0;
  big.forRanks(5000, 5010, false, () => n++);
  return n;
});

if (import.meta.main) await runAll();
