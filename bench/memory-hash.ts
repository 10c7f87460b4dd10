/**
 * Memory of small hashes: 100,000 hashes of 10 fields, Kedis (in-process, through the command
 * handlers) against real redis-server's INFO used_memory for the same data.
 *
 *   bun bench/memory-hash.ts [hashes=100000] [fields=10]
 *
 * Kedis is measured as JS heap growth after full GCs (Bun.gc(true) + heapStats), which includes
 * the keyspace entries, key bytes and the packed hash buffers; Redis as used_memory growth.
 */
import { heapStats } from "bun:jsc";
import { Client } from "../src/server/client.ts";
import { Server } from "../src/server/server.ts";
import { Logger, LL_NOTHING } from "../src/util/log.ts";
import { TestClient } from "../test/helpers/client.ts";
import { startRedis } from "../test/helpers/servers.ts";

const HASHES = Number(process.argv[2] ?? 100_000);
const FIELDS = Number(process.argv[3] ?? 10);
const enc = new TextEncoder();

function command(i: number): string[] {
  const argv = ["HSET", `hash:${i}`];
  for (let j = 0; j < FIELDS; j++) argv.push(`field${j}`, `value-${i % 1000}-${j}`);
  return argv;
}

function heap(): number {
  Bun.gc(true);
  Bun.gc(true);
  return heapStats().heapSize;
}

let rssDelta = 0;

async function kedisBytes(): Promise<number> {
  const logger = new Logger();
  logger.level = LL_NOTHING;
  const server = new Server({ logger, cron: false, config: { loglevel: "nothing" } });
  const c = new Client(server, null, server.out);
  const before = heap();
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < HASHES; i++) {
    c.argv = command(i).map((s) => enc.encode(s));
    server.processCommand(c);
    server.out.take();
  }
  const after = heap();
  rssDelta = process.memoryUsage().rss - rss0;
  if (server.ks.dbs[0]!.size !== HASHES) throw new Error("fill failed");
  (globalThis as { keep?: unknown }).keep = server;
  return after - before;
}

async function redisBytes(): Promise<number | null> {
  const r = await startRedis();
  if (r === null) return null;
  const c = await TestClient.connect(r.port);
  const used = async (): Promise<number> => {
    const info = (await c.call("INFO", "memory")) as string;
    return Number(/used_memory:(\d+)/.exec(info)![1]);
  };
  const before = await used();
  const BATCH = 1000;
  for (let i = 0; i < HASHES; i += BATCH) {
    for (let j = i; j < Math.min(HASHES, i + BATCH); j++) c.send(...command(j));
    for (let j = i; j < Math.min(HASHES, i + BATCH); j++) await c.raw();
  }
  const after = await used();
  const enc = await c.call("OBJECT", "ENCODING", "hash:0");
  c.close();
  await r.stop();
  if (enc !== "listpack") throw new Error(`redis encoding ${String(enc)}`);
  return after - before;
}

const k = await kedisBytes();
const r = await redisBytes();
const per = (n: number) => (n / HASHES).toFixed(1);
console.log(`${HASHES} hashes x ${FIELDS} fields`);
console.log(`kedis: ${(k / 1048576).toFixed(1)} MiB  ${per(k)} B/hash  ${(k / HASHES / FIELDS).toFixed(1)} B/field (JS heap; RSS grew ${(rssDelta / 1048576).toFixed(1)} MiB)`);
if (r === null) console.log("redis-server not found: no comparison");
else {
  console.log(`redis: ${(r / 1048576).toFixed(1)} MiB  ${per(r)} B/hash  ${(r / HASHES / FIELDS).toFixed(1)} B/field`);
  console.log(`ratio kedis/redis: ${(k / r).toFixed(2)}x`);
}
process.exit(0);
