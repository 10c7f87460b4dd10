/**
 * Memory of a large stream: N small XADDs (`XADD s * field value`, the default node limits) in
 * Kedis (JS heap growth after a full GC, the command path in process) and in a real
 * redis-server 7.0 started for the occasion (INFO used_memory growth for the same commands sent
 * with redis-cli --pipe). Prints both and the ratio.
 *
 *   bun bench/stream-memory.ts [N=1000000]
 */
import { heapStats } from "bun:jsc";
import { Client } from "../src/server/client.ts";
import { Server } from "../src/server/server.ts";
import { LL_NOTHING, Logger } from "../src/util/log.ts";
import { freePort, redisServerPath } from "../test/helpers/servers.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const enc = new TextEncoder();

function heap(): number {
  Bun.gc(true);
  return heapStats().heapSize;
}

async function kedis(): Promise<number> {
  const logger = new Logger();
  logger.level = LL_NOTHING;
  const server = new Server({ cron: false, logger, config: { loglevel: "nothing", save: "" } });
  const client = new Client(server, null, server.out);
  const spec = server.registry.byName("xadd")!;
  const base = heap();
  const args = [enc.encode("XADD"), enc.encode("s"), enc.encode("*"), enc.encode("field"), enc.encode("value")];
  for (let i = 0; i < N; i++) {
    client.argv = args;
    server.call(client, spec);
    if ((i & 1023) === 0) server.out.take();
  }
  server.out.take();
  const used = heap() - base;
  const len = server.ks.dbs[0]!.dict.size;
  if (len !== 1) throw new Error("expected one key");
  return used;
}

async function redis(): Promise<number | null> {
  const bin = redisServerPath();
  if (bin === null) return null;
  const port = freePort();
  const proc = Bun.spawn([bin, "--port", String(port), "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "ignore" });
  await Bun.sleep(300);
  const cli = (args: string[]) => Bun.spawnSync(["redis-cli", "-p", String(port), ...args]).stdout.toString();
  const used = () => Number(/used_memory:(\d+)/.exec(cli(["INFO", "memory"]))![1]);
  const before = used();
  const lines = "XADD s * field value\r\n".repeat(N);
  const pipe = Bun.spawn(["redis-cli", "-p", String(port), "--pipe"], { stdin: "pipe", stdout: "ignore" });
  pipe.stdin.write(lines);
  await pipe.stdin.end();
  await pipe.exited;
  const after = used();
  const xlen = cli(["XLEN", "s"]).trim();
  proc.kill();
  await proc.exited;
  if (Number(xlen) !== N) throw new Error(`redis XLEN ${xlen}`);
  return after - before;
}

const k = await kedis();
const r = await redis();
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
console.log(`${N} x XADD s * field value`);
console.log(`  kedis heap growth:  ${mb(k)} (${(k / N).toFixed(1)} bytes/entry)`);
if (r !== null) {
  console.log(`  redis used_memory:  ${mb(r)} (${(r / N).toFixed(1)} bytes/entry)`);
  console.log(`  ratio kedis/redis:  ${(k / r).toFixed(2)}`);
} else console.log("  redis-server not installed: no comparison");
