/**
 * Memory per sorted-set entry: Kedis's ZsetValue (skiplist + dict) vs real redis-server 7.0.
 *
 *   bun bench/memory-zset.ts [members=1000000]
 *
 * Kedis: fill one ZsetValue in-process, measure the JS heap (JSC heap + extra memory such as
 * typed-array stores) after `Bun.gc(true)` before and after. Redis: start redis-server on a free
 * port, send the same ZADDs pipelined, compare INFO used_memory before and after. Members are
 * "member:<i>", scores i * 1.5 (non-integral for half of them).
 */
import { heapStats } from "bun:jsc";
import { ZsetValue } from "../src/store/types/zset.ts";
import { TestClient } from "../test/helpers/client.ts";
import { freePort } from "../test/helpers/servers.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const enc = new TextEncoder();

function heapBytes(): number {
  Bun.gc(true);
  const h = heapStats();
  return h.heapSize + h.extraMemorySize;
}

function kedisBytesPerEntry(): number {
  const lim = { maxEntries: 128, maxValue: 64 };
  const before = heapBytes();
  const z = ZsetValue.skiplist();
  for (let i = 0; i < N; i++) z.add(i * 1.5, enc.encode(`member:${i}`), 0, lim);
  const after = heapBytes();
  if (z.size !== N) throw new Error("fill failed");
  return (after - before) / N;
}

async function redisBytesPerEntry(): Promise<number | null> {
  const bin = Bun.which("redis-server");
  if (bin === null) return null;
  const port = freePort();
  const proc = Bun.spawn([bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "ignore" });
  try {
    let c: TestClient | null = null;
    for (let i = 0; i < 100 && c === null; i++) {
      try {
        c = await TestClient.connect(port);
      } catch {
        await Bun.sleep(20);
      }
    }
    if (c === null) throw new Error("redis-server did not start");
    const used = async () => {
      const info = (await c!.call("INFO", "memory")) as string;
      return Number(/used_memory:(\d+)/.exec(info)![1]);
    };
    const before = await used();
    const batch = 1000;
    for (let i = 0; i < N; i += batch) {
      const args: (string | number)[] = ["ZADD", "z"];
      for (let j = i; j < Math.min(N, i + batch); j++) args.push(String(j * 1.5), `member:${j}`);
      await c.call(...args);
    }
    const after = await used();
    if ((await c.call("ZCARD", "z")) !== N) throw new Error("redis fill failed");
    c.close();
    return (after - before) / N;
  } finally {
    proc.kill();
    await proc.exited;
  }
}

const k = kedisBytesPerEntry();
const r = await redisBytesPerEntry();
console.log(`members: ${N}`);
console.log(`kedis: ${k.toFixed(1)} bytes/entry`);
if (r === null) console.log("redis: skipped (redis-server not installed)");
else console.log(`redis: ${r.toFixed(1)} bytes/entry  ratio ${(k / r).toFixed(2)}x (target <= 3x)`);
