/**
 * Replication benchmark (run: `bun bench/replication.ts [--keys N] [--requests N]`; not part of
 * `bun test`). Each figure is measured for Kedis→Kedis and for Debian's redis-server→redis-server,
 * every process on a free loopback port, both configured the same (no persistence,
 * repl-diskless-sync yes with delay 0):
 *
 * 1. SET throughput of a primary with one replica attached:
 *    `redis-benchmark -t set -n 200000 -P 16` (50 clients) against the primary, after a short
 *    warm-up run. Reports requests/s and the primary's CPU per request (utime + stime from
 *    /proc/<pid>/stat around the run, CLK_TCK = 100) and the replica's CPU per request, then
 *    checks the replica caught up (same master_repl_offset / slave_repl_offset).
 * 2. Full sync of N keys (default 1,000,000, filled with DEBUG POPULATE): time from REPLICAOF to
 *    the replica's master_link_status:up with master_sync_in_progress:0 (polled every 10 ms),
 *    and DBSIZE checked on the replica.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { TestClient } from "../test/helpers/client.ts";
import { freePort } from "../test/helpers/servers.ts";

const CLK_TCK = 100;
const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const KEYS = arg("--keys", process.env.KEDIS_BENCH_SHORT ? 100_000 : 1_000_000);
const REQUESTS = arg("--requests", 200_000);
const MAIN = join(import.meta.dir, "../src/main.ts");

interface Node {
  port: number;
  proc: Subprocess;
  dir: string;
  c: TestClient;
}

type Flavor = "kedis" | "redis";

const COMMON = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "local", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--loglevel", "warning"];

async function start(flavor: Flavor): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), `kedis-bench-repl-${flavor}-`));
  const port = freePort();
  const cmd = flavor === "kedis" ? [process.execPath, MAIN] : ["redis-server"];
  const proc = Bun.spawn([...cmd, "--port", String(port), "--dir", dir, ...COMMON], { stdout: "ignore", stderr: "inherit" });
  for (let i = 0; i < 600; i++) {
    try {
      const c = await TestClient.connect(port);
      if ((await c.call("PING")) === "PONG") return { port, proc, dir, c };
      c.close();
    } catch {
      if (proc.exitCode !== null) break;
    }
    await Bun.sleep(25);
  }
  proc.kill();
  throw new Error(`${flavor} did not start`);
}

async function stop(n: Node): Promise<void> {
  n.c.close();
  n.proc.kill("SIGKILL");
  await n.proc.exited;
  rmSync(n.dir, { recursive: true, force: true });
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]);
}

async function info(c: TestClient, field: string): Promise<string> {
  const text = String(await c.call("INFO", "replication"));
  const m = new RegExp(`^${field}:(.*)$`, "m").exec(text);
  return m === null ? "" : m[1]!.trim();
}

async function until(what: string, fn: () => Promise<boolean>, ms: number, step = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await Bun.sleep(step);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function synced(replica: TestClient): Promise<boolean> {
  return (await info(replica, "master_link_status")) === "up" && (await info(replica, "master_sync_in_progress")) === "0";
}

async function redisBenchmark(port: number, n: number): Promise<number> {
  const p = Bun.spawn(["redis-benchmark", "-h", "127.0.0.1", "-p", String(port), "-t", "set", "-n", String(n), "-P", "16", "--csv"], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  if (p.exitCode !== 0) throw new Error(`redis-benchmark failed: ${err}`);
  const row = out.trim().split("\n").filter((l) => l.startsWith('"SET"')).pop();
  if (row === undefined) throw new Error(`no CSV row: ${out}`);
  return Number(row.split(",")[1]!.replace(/"/g, ""));
}

async function throughput(flavor: Flavor): Promise<Record<string, string>> {
  const primary = await start(flavor);
  const replica = await start(flavor);
  try {
    await replica.c.call("REPLICAOF", "127.0.0.1", primary.port);
    await until("replica link", () => synced(replica.c), 30_000);
    await redisBenchmark(primary.port, Math.min(50_000, REQUESTS)); // warm-up (JIT, buffers)
    const [p0, r0] = [cpuTicks(primary.proc.pid), cpuTicks(replica.proc.pid)];
    const rps = await redisBenchmark(primary.port, REQUESTS);
    const p1 = cpuTicks(primary.proc.pid);
    const t0 = performance.now();
    const off = await info(primary.c, "master_repl_offset");
    await until("replica caught up", async () => (await info(replica.c, "slave_repl_offset")) === off, 60_000, 5);
    const lag = performance.now() - t0;
    const r1 = cpuTicks(replica.proc.pid);
    return {
      server: flavor,
      "SET req/s (-P 16, 1 replica)": Math.round(rps).toLocaleString("en"),
      "primary CPU µs/req": (((p1 - p0) * 1e6) / CLK_TCK / REQUESTS).toFixed(2),
      "replica CPU µs/req": (((r1 - r0) * 1e6) / CLK_TCK / REQUESTS).toFixed(2),
      "replica caught up after ms": lag.toFixed(0),
    };
  } finally {
    await stop(replica);
    await stop(primary);
  }
}

async function fullSync(flavor: Flavor): Promise<Record<string, string>> {
  const primary = await start(flavor);
  const replica = await start(flavor);
  try {
    const reply = await primary.c.call("DEBUG", "POPULATE", KEYS);
    if (reply !== "OK") throw new Error(`DEBUG POPULATE: ${JSON.stringify(reply)}`);
    const t0 = performance.now();
    await replica.c.call("REPLICAOF", "127.0.0.1", primary.port);
    await until("full sync", () => synced(replica.c), 300_000);
    const secs = (performance.now() - t0) / 1000;
    const n = (await replica.c.call("DBSIZE")) as number;
    if (n !== KEYS) throw new Error(`replica has ${n} keys, expected ${KEYS}`);
    return { server: flavor, keys: KEYS.toLocaleString("en"), "full sync s": secs.toFixed(2), "keys/s": Math.round(KEYS / secs).toLocaleString("en") };
  } finally {
    await stop(replica);
    await stop(primary);
  }
}

function table(rows: Record<string, string>[]): string {
  const cols = Object.keys(rows[0]!);
  return [`| ${cols.join(" | ")} |`, `|${cols.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${cols.map((c) => r[c]).join(" | ")} |`)].join("\n");
}

const haveRedis = Bun.which("redis-server") !== null && Bun.which("redis-benchmark") !== null;
if (!haveRedis) console.warn("redis-server/redis-benchmark missing: Kedis figures only");
const flavors: Flavor[] = haveRedis ? ["kedis", "redis"] : ["kedis"];
const tp: Record<string, string>[] = [];
for (const f of flavors) tp.push(await throughput(f));
console.log(table(tp));
if (tp.length === 2) {
  const k = Number(tp[0]!["SET req/s (-P 16, 1 replica)"]!.replace(/,/g, ""));
  const r = Number(tp[1]!["SET req/s (-P 16, 1 replica)"]!.replace(/,/g, ""));
  console.log(`\nKedis/Redis SET throughput with a replica: ${(k / r).toFixed(2)}; primary CPU per request ratio: ${(Number(tp[0]!["primary CPU µs/req"]) / Number(tp[1]!["primary CPU µs/req"])).toFixed(2)}\n`);
}
const fs: Record<string, string>[] = [];
for (const f of flavors) fs.push(await fullSync(f));
console.log(table(fs));
if (fs.length === 2) console.log(`\nKedis/Redis full-sync time: ${(Number(fs[0]!["full sync s"]) / Number(fs[1]!["full sync s"])).toFixed(2)}`);
