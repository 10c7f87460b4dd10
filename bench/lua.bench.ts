/**
 * Lua scripting benchmark (run: `bun bench/lua.bench.ts`).
 *
 * 1. mitata (cases registered with bench/harness.ts, so `bun run bench` includes them), in process:
 *    EVALSHA of `return redis.call('INCR', KEYS[1])` through the whole
 *    command path (dispatch → script runner → engine → inner command → reply), next to the bare
 *    inner command and a script doing no call. (Falls back to GET where INCR is not built yet.)
 * 2. Server CPU per request vs Redis: redis-benchmark sends N EVALSHA to a Kedis process and to
 *    redis-server; the servers' CPU time (utime+stime from /proc) is divided by N. Skipped with a
 *    printed reason when redis-server / redis-benchmark are missing. Only when this file is run
 *    directly: `bun run bench` (which imports it) runs part 1 only.
 */
import { readFileSync } from "node:fs";
import { Server } from "../src/server/server.ts";
import { Client } from "../src/server/client.ts";
import { ReplyWriter } from "../src/protocol/resp/writer.ts";
import { Logger, LL_NOTHING } from "../src/util/log.ts";
import { sha1hex } from "../src/datastructures/sha1.ts";
import { TestClient } from "../test/helpers/client.ts";
import { freePort } from "../test/helpers/servers.ts";
import { add, runAll } from "./harness.ts";

const enc = new TextEncoder();
const logger = new Logger();
logger.level = LL_NOTHING;
const server = new Server({ logger, config: { save: "" }, cron: false });
const hasIncr = server.registry.byName("incr") !== null;
const INNER = hasIncr ? "INCR" : "GET";
const SCRIPT = `return redis.call('${INNER}', KEYS[1])`;
const sha = sha1hex(enc.encode(SCRIPT));

const out = new ReplyWriter(64 * 1024);
const c = new Client(server, null, out);
server.clients.set(c.id, c);

function exec(argv: Uint8Array[]): void {
  c.argv = argv;
  server.processCommand(c);
  out.len = 0;
}

exec(["SCRIPT", "LOAD", SCRIPT].map((s) => enc.encode(s)));
exec(["SCRIPT", "LOAD", "return 1"].map((s) => enc.encode(s)));
const evalsha = ["EVALSHA", sha, "1", "counter"].map((s) => enc.encode(s));
const noCall = ["EVALSHA", sha1hex(enc.encode("return 1")), "0"].map((s) => enc.encode(s));
const bare = [INNER, "counter"].map((s) => enc.encode(s));
const evalBody = ["EVAL", SCRIPT, "1", "counter"].map((s) => enc.encode(s));

const G = `scripting (inner command: ${INNER})`;
add(G, `${INNER} counter (no script)`, () => exec(bare));
add(G, "EVALSHA return 1", () => exec(noCall));
add(G, `EVALSHA return redis.call('${INNER}', KEYS[1])`, () => exec(evalsha));
add(G, `EVAL (sha1 of the body + cache hit) ${INNER}`, () => exec(evalBody));

// -------------------------------------------------------------------------------------------------
// Server CPU per request vs Redis, with redis-benchmark.

const N = Number(process.env.KEDIS_BENCH_N ?? 20000);
const redisServer = Bun.which("redis-server");
const redisBenchmark = Bun.which("redis-benchmark");

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
  const tick = 100; // USER_HZ on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
}

async function waitUp(port: number): Promise<TestClient> {
  for (let i = 0; i < 400; i++) {
    try {
      const t = await TestClient.connect(port);
      if ((await t.call("PING")) === "PONG") return t;
    } catch {
      await Bun.sleep(25);
    }
  }
  throw new Error("server did not start");
}

async function measure(name: string, cmd: string[], port: number, request: string[]): Promise<number> {
  const proc = Bun.spawn(cmd, { stdout: "ignore", stderr: "ignore" });
  try {
    const t = await waitUp(port);
    const loaded = await t.call("SCRIPT", "LOAD", SCRIPT);
    t.close();
    if (loaded !== sha) throw new Error(`unexpected SCRIPT LOAD reply ${String(loaded)}`);
    const args = ["-p", String(port), "-n", String(N), "-c", "4", "-P", "1", "-q", ...request];
    const before = cpuMs(proc.pid);
    const t0 = performance.now();
    const b = Bun.spawnSync([redisBenchmark!, ...args]);
    const wall = performance.now() - t0;
    const cpu = cpuMs(proc.pid) - before;
    const line = b.stdout.toString().trim().split("\r").pop()!.trim();
    console.log(`${name.padEnd(6)} ${line} | server CPU ${((cpu * 1000) / N).toFixed(1)} µs/request, wall ${wall.toFixed(0)} ms`);
    return (cpu * 1000) / N;
  } finally {
    proc.kill();
    await proc.exited;
  }
}

if (import.meta.main) {
  await runAll();
  if (redisServer === null || redisBenchmark === null) {
    console.log("SKIP CPU comparison: redis-server / redis-benchmark not installed");
  } else {
    for (const request of [[INNER, "counter"], ["EVALSHA", sha, "1", "counter"]]) {
      console.log(`\nserver CPU per ${request.join(" ")}, ${N} requests, 4 connections:`);
      const kp = freePort();
      const kedis = await measure("kedis", ["bun", "src/main.ts", "--port", String(kp), "--save", "", "--loglevel", "warning"], kp, request);
      const rp = freePort();
      const redis = await measure("redis", [redisServer, "--port", String(rp), "--save", "", "--appendonly", "no"], rp, request);
      console.log(`ratio kedis/redis: ${(kedis / redis).toFixed(2)}x`);
    }
  }
  process.exit(0);
}
