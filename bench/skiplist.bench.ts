/**
 * Microbenchmarks for the sorted-set structures (mitata):
 *   bun bench/skiplist.bench.ts
 * Skiplist insert/rank/range-by-score on 100k members, ZsetValue ZADD on both encodings, and
 * a listpack-sized set's member lookup.
 */
import { bench, group, run } from "mitata";
import { Skiplist } from "../src/datastructures/skiplist.ts";
import { ZsetValue } from "../src/store/types/zset.ts";

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
group("skiplist (100k members)", () => {
  bench("insert + delete", () => {
    const i = k++ % N;
    const m = enc.encode(`x${i}`);
    zsl.insert(i, m);
    zsl.delete(i, m);
  });
  bench("getRank", () => {
    const i = k++ % N;
    return zsl.getRank(scores[i]!, members[i]!);
  });
  bench("getByRank", () => zsl.getByRank((k++ % N) + 1));
  bench("countBelowScore (ZCOUNT bound)", () => zsl.countBelowScore((k++ * 7919) % 1e6, true));
});

group("ZsetValue", () => {
  bench("ZADD update score (skiplist)", () => {
    const i = k++ % N;
    big.add(scores[i]! + (k & 1), members[i]!, 0, lim);
  });
  bench("ZSCORE (skiplist, dict)", () => big.score(members[k++ % N]!));
  bench("ZSCORE (listpack, 128)", () => small.score(members[k++ % 128]!));
  bench("ZRANGE 0 9 (skiplist)", () => {
    let n = 0;
    big.forRanks(5000, 5010, false, () => n++);
    return n;
  });
});

await run();
