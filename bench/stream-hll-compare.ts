/**
 * Kedis vs redis-server 7.0 with redis-benchmark on stream and HyperLogLog commands:
 * `XADD s * f v`, `XREAD COUNT 10 STREAMS s 0-0`, `PFADD h <random>`, `PFCOUNT h`. Both servers
 * run in this one invocation on free loopback ports without persistence; each test runs against
 * each server in turn with the same -n. Reports requests/s and the server's CPU time per request
 * (utime + stime from /proc/<pid>/stat around the run; CLK_TCK 100), and the Kedis/Redis ratios.
 *
 *   bun bench/stream-hll-compare.ts [-n 50000] [-c 50] [-P 1]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";

const ROOT = join(import.meta.dir, "..");
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const N = arg("-n", 50000);
const C = arg("-c", 50);
const P = arg("-P", 1);

function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]); // utime, stime
}

async function waitPing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = Bun.spawnSync(["redis-cli", "-p", String(port), "PING"]);
    if (r.stdout.toString().trim() === "PONG") return;
    await Bun.sleep(50);
  }
  throw new Error(`server on ${port} did not start`);
}

interface Srv {
  name: string;
  port: number;
  proc: Subprocess;
}

async function start(): Promise<Srv[]> {
  const kp = freePort();
  const kedis = Bun.spawn(["bun", join(ROOT, "src/main.ts"), "--port", String(kp), "--save", "", "--loglevel", "warning"], { stdout: "ignore", stderr: "ignore" });
  const rp = freePort();
  const redis = Bun.spawn(["redis-server", "--port", String(rp), "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "ignore" });
  await waitPing(kp);
  await waitPing(rp);
  return [
    { name: "kedis", port: kp, proc: kedis },
    { name: "redis", port: rp, proc: redis },
  ];
}

function bench(s: Srv, cmd: string[]): { rps: number; cpuUs: number } {
  const before = cpuTicks(s.proc.pid);
  const t0 = performance.now();
  const r = Bun.spawnSync(["redis-benchmark", "-p", String(s.port), "-n", String(N), "-c", String(C), "-P", String(P), "-r", "100000", "-q", ...cmd]);
  const secs = (performance.now() - t0) / 1000;
  const ticks = cpuTicks(s.proc.pid) - before;
  const m = /([\d.]+) requests per second/.exec(r.stdout.toString());
  const rps = m === null ? N / secs : Number(m[1]);
  return { rps, cpuUs: ((ticks / 100) * 1e6) / N };
}

const tests: [string, string[]][] = [
  ["XADD s * f v", ["XADD", "s", "*", "f", "v"]],
  ["XREAD COUNT 10 STREAMS s 0-0", ["XREAD", "COUNT", "10", "STREAMS", "s", "0-0"]],
  ["PFADD h <rand>", ["PFADD", "h", "__rand_int__"]],
  ["PFCOUNT h", ["PFCOUNT", "h"]],
];

const servers = await start();
try {
  // Warm Kedis's JIT a little (not measured).
  Bun.spawnSync(["redis-benchmark", "-p", String(servers[0]!.port), "-n", "20000", "-q", "PFADD", "warm", "__rand_int__"]);
  const rows: string[] = [];
  rows.push(`redis-benchmark -n ${N} -c ${C} -P ${P} -r 100000; both servers started by this script, no persistence`);
  rows.push("| command | kedis req/s | redis req/s | kedis CPU µs/req | redis CPU µs/req | CPU ratio |");
  rows.push("|---|---|---|---|---|---|");
  for (const [name, cmd] of tests) {
    const k = bench(servers[0]!, cmd);
    const r = bench(servers[1]!, cmd);
    rows.push(`| ${name} | ${Math.round(k.rps)} | ${Math.round(r.rps)} | ${k.cpuUs.toFixed(1)} | ${r.cpuUs.toFixed(1)} | ${(k.cpuUs / r.cpuUs).toFixed(2)} |`);
  }
  console.log(rows.join("\n"));
} finally {
  for (const s of servers) s.proc.kill();
  await Promise.all(servers.map((s) => s.proc.exited));
}
