/**
 * End-to-end comparison of Kedis with Debian's redis-server 7.0 using redis-benchmark.
 *
 *   bun bench/compare.ts [--quick] [--tests=lpush,sadd,...] [--only=get,incr] [--pipelines=1,16]
 *                        [--clients=50] [--seconds=3] [--out=bench/results.md]
 *                        [--server-args="--appendonly yes --appendfsync always"]
 *
 * --tests adds tests to the default SET, GET, INCR, MSET; --only replaces them; --server-args
 * configures both servers the same way (e.g. AOF). At the end, memory per entry for the same
 * data on both servers (--no-memory skips it).
 *
 * Starts Kedis (`bun src/main.ts --port P --save ''`) and redis-server (`--save '' --appendonly
 * no`) on free loopback ports, then for each test (SET, GET, INCR, MSET and the extra tests) and
 * each pipeline depth runs redis-benchmark against each server in turn. Reports requests/s, p50
 * and p99 latency (from redis-benchmark --csv) and the server's CPU time per request: utime +
 * stime of the server process (all its threads) from /proc/<pid>/stat before and after the run,
 * in clock ticks (CLK_TCK = 100, so 10 ms resolution; runs last seconds so this is < 1%),
 * divided by the number of requests. CPU per request is the figure to watch: unlike requests/s it
 * barely depends on what else the machine is doing, and redis-benchmark shares the same cores.
 *
 * -n is calibrated per test and pipeline depth: a short run against each server measures its
 * rate (and warms Kedis's JIT), then both get the same n, sized for about --seconds on the slower.
 * The Markdown table goes to stdout and to --out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const CLK_TCK = 100;
const ROOT = join(import.meta.dir, "..");

interface Options {
  quick: boolean;
  tests: string[];
  pipelines: number[];
  clients: number;
  seconds: number;
  out: string;
  /** Extra config for both servers, e.g. AOF settings (each server is configured the same). */
  serverArgs: string[];
  /** Skip the memory-per-entry measurement. */
  noMemory: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, tests: ["set", "get", "incr", "mset"], pipelines: [1, 16], clients: 50, seconds: 3, out: join(ROOT, "bench", "results.md"), serverArgs: [], noMemory: false };
  for (const a of argv) {
    const eq = a.indexOf("=");
    const [k, v] = eq < 0 ? [a, ""] : [a.slice(0, eq), a.slice(eq + 1)];
    if (k === "--quick") o.quick = true;
    else if (k === "--tests") o.tests.push(...v.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "" && !o.tests.includes(s)));
    else if (k === "--only") o.tests = v.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
    else if (k === "--pipelines") o.pipelines = v.split(",").map(Number);
    else if (k === "--clients") o.clients = Number(v);
    else if (k === "--seconds") o.seconds = Number(v);
    else if (k === "--out") o.out = v;
    else if (k === "--no-memory") o.noMemory = true;
    else if (k === "--server-args") o.serverArgs = v.split(/\s+/).filter((w) => w !== "");
    else throw new Error(`unknown option ${a}`);
  }
  if (o.quick && !argv.some((a) => a.startsWith("--seconds"))) o.seconds = 1;
  return o;
}

function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

/** utime + stime of a process in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]);
}

/** Send one inline command and return the first reply line (enough for probes). */
async function probe(port: number, line: string): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    let buf = "";
    const t = setTimeout(() => reject(new Error("probe timed out")), 2000);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write(`${line}\r\n`);
        },
        data(s, d) {
          buf += new TextDecoder("latin1").decode(d);
          const nl = buf.indexOf("\r\n");
          if (nl >= 0) {
            clearTimeout(t);
            s.end();
            resolve(buf.slice(0, nl));
          }
        },
        error(_s, e) {
          clearTimeout(t);
          reject(e);
        },
        connectError(_s, e) {
          clearTimeout(t);
          reject(e);
        },
      },
    }).catch(reject);
  });
}

interface ServerProc {
  name: string;
  port: number;
  proc: Subprocess;
  dir: string;
}

async function startServer(name: string, cmd: (port: number, dir: string) => string[]): Promise<ServerProc> {
  const dir = mkdtempSync(join(tmpdir(), `kedis-compare-${name.toLowerCase()}-`));
  const port = freePort();
  const proc = Bun.spawn(cmd(port, dir), { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      if ((await probe(port, "PING")) === "+PONG") return { name, port, proc, dir };
    } catch {
      if (proc.exitCode !== null) break;
    }
    await Bun.sleep(50);
  }
  proc.kill();
  throw new Error(`${name} did not start on port ${port}`);
}

async function stopServer(s: ServerProc): Promise<void> {
  s.proc.kill("SIGTERM");
  const t = setTimeout(() => s.proc.kill("SIGKILL"), 5000);
  await s.proc.exited;
  clearTimeout(t);
  rmSync(s.dir, { recursive: true, force: true });
}

interface BenchResult {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
  n: number;
}

/** Run redis-benchmark once; CPU is measured on the server process around the run. */
async function runBenchmark(s: ServerProc, test: string, n: number, pipeline: number, clients: number): Promise<BenchResult> {
  const args = ["redis-benchmark", "-h", "127.0.0.1", "-p", String(s.port), "-t", test, "-n", String(n), "-c", String(clients), "-P", String(pipeline), "-r", "100000", "--csv"];
  const before = cpuTicks(s.proc.pid);
  const p = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  const after = cpuTicks(s.proc.pid);
  if (p.exitCode !== 0) throw new Error(`redis-benchmark failed against ${s.name}: ${err}`);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const rows = out.trim().split("\n").filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  const row = rows[rows.length - 1];
  if (row === undefined) throw new Error(`no CSV row from redis-benchmark against ${s.name}: ${out} ${err}`);
  const f = row.split(",").map((x) => x.replace(/"/g, ""));
  return {
    rps: Number(f[1]),
    p50: Number(f[4]),
    p99: Number(f[6]),
    cpuUsPerReq: ((after - before) * (1e6 / CLK_TCK)) / n,
    n,
  };
}

/** The command a redis-benchmark test name exercises, to check the server implements it. */
function probeCommand(test: string): string {
  if (test.startsWith("ping")) return "PING";
  if (test.startsWith("lrange")) return "LRANGE";
  return test.toUpperCase();
}

async function supported(s: ServerProc, test: string): Promise<boolean> {
  const reply = await probe(s.port, probeCommand(test));
  return !reply.startsWith("-ERR unknown command");
}

function fmt(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

/** used_memory from INFO memory, after asking the server to collect garbage (MEMORY PURGE). */
async function usedMemoryOf(port: number): Promise<number> {
  await Bun.$`redis-cli -p ${port} MEMORY PURGE`.quiet();
  const info = await Bun.$`redis-cli -p ${port} INFO memory`.text();
  const m = /^used_memory:(\d+)/m.exec(info);
  return m === null ? NaN : Number(m[1]);
}

/** Mass-insert RESP commands with redis-cli --pipe. */
async function pipeIn(port: number, commands: string[][]): Promise<void> {
  const body = commands.map((a) => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join("")).join("");
  const p = Bun.spawn(["redis-cli", "-p", String(port), "--pipe"], { stdin: new TextEncoder().encode(body), stdout: "ignore", stderr: "ignore" });
  await p.exited;
}

/**
 * Memory per entry for the same data on both servers: used_memory growth (INFO memory, after
 * MEMORY PURGE; Kedis reports its JS heap plus external buffers) divided by the entry count.
 */
async function memoryRows(servers: ServerProc[]): Promise<string[]> {
  const datasets: { name: string; entries: number; commands: string[][] }[] = [
    { name: "string keys (16-byte values)", entries: 100_000, commands: Array.from({ length: 100_000 }, (_, i) => ["SET", `key:${i}`, "v".repeat(16)]) },
    {
      name: "hash fields (10k hashes × 10)",
      entries: 100_000,
      commands: Array.from({ length: 10_000 }, (_, i) => ["HSET", `hash:${i}`, ...Array.from({ length: 10 }, (_, f) => [`field${f}`, `value${f}`]).flat()]),
    },
  ];
  const out: string[] = [];
  for (const d of datasets) {
    const perEntry: number[] = [];
    for (const s of servers) {
      await Bun.$`redis-cli -p ${s.port} FLUSHALL`.quiet();
      const before = await usedMemoryOf(s.port);
      await pipeIn(s.port, d.commands);
      const after = await usedMemoryOf(s.port);
      perEntry.push((after - before) / d.entries);
    }
    out.push(`| ${d.name} | ${fmt(perEntry[0]!, 0)} | ${fmt(perEntry[1]!, 0)} | **${fmt(perEntry[0]! / perEntry[1]!, 2)}×** |`);
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (Bun.which("redis-server") === null || Bun.which("redis-benchmark") === null) {
    console.error("bench/compare.ts needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools");
    process.exit(2);
  }
  const kedis = await startServer("Kedis", (port, dir) => [process.execPath, "src/main.ts", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--loglevel", "warning", ...o.serverArgs]);
  const redis = await startServer("Redis", (port, dir) => ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning", ...o.serverArgs]);
  const cleanup = async () => {
    await Promise.allSettled([stopServer(kedis), stopServer(redis)]);
  };
  process.on("SIGINT", () => {
    void cleanup().then(() => process.exit(130));
  });

  const lines: string[] = [];
  const rows: string[] = [];
  let memRows: string[] = [];
  try {
    for (const test of o.tests) {
      const ok = (await supported(kedis, test)) && (await supported(redis, test));
      for (const pipeline of o.pipelines) {
        if (!ok) {
          rows.push(`| ${test.toUpperCase()} | ${pipeline} | not implemented in Kedis yet | | | | | | | | | |`);
          continue;
        }
        // Calibrate (and warm up) with a short run on each server.
        const calN = (o.quick ? 10_000 : 20_000) * Math.max(1, Math.min(pipeline, 8));
        const calK = await runBenchmark(kedis, test, calN, pipeline, o.clients);
        const calR = await runBenchmark(redis, test, calN, pipeline, o.clients);
        const rate = Math.min(calK.rps, calR.rps);
        const n = Math.max(calN, Math.min(20_000_000, Math.round((rate * o.seconds) / 10_000) * 10_000));
        const k = await runBenchmark(kedis, test, n, pipeline, o.clients);
        const r = await runBenchmark(redis, test, n, pipeline, o.clients);
        const cpuRatio = k.cpuUsPerReq / r.cpuUsPerReq;
        const rpsRatio = k.rps / r.rps;
        const row = `| ${test.toUpperCase()} | ${pipeline} | ${n} | ${fmt(k.rps, 0)} | ${fmt(r.rps, 0)} | ${fmt(k.p50, 3)} / ${fmt(k.p99, 3)} | ${fmt(r.p50, 3)} / ${fmt(r.p99, 3)} | ${fmt(k.cpuUsPerReq, 2)} | ${fmt(r.cpuUsPerReq, 2)} | **${fmt(cpuRatio, 2)}×** | ${fmt(rpsRatio, 2)}× |`;
        rows.push(row);
        console.error(row);
      }
    }
    if (!o.noMemory) memRows = await memoryRows([kedis, redis]);
  } finally {
    await cleanup();
  }

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  lines.push("# Kedis vs Redis: redis-benchmark");
  lines.push("");
  lines.push(`Generated by \`bun bench/compare.ts${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`);
  lines.push(`Machine: ${cpus().length} × ${cpu}; Bun ${Bun.version}; ${(await Bun.$`redis-server --version`.text()).trim().split(" ").slice(0, 3).join(" ")}.`);
  lines.push(`redis-benchmark -c ${o.clients} -r 100000, -n calibrated for ~${o.seconds}s; both servers without persistence; redis-benchmark runs on the same cores.`);
  lines.push("CPU µs/req = server utime+stime (/proc/<pid>/stat, all threads) during the run ÷ requests. Latencies in ms (p50 / p99).");
  lines.push("");
  lines.push("| test | -P | -n | Kedis req/s | Redis req/s | Kedis p50 / p99 | Redis p50 / p99 | Kedis CPU µs/req | Redis CPU µs/req | CPU ratio | req/s ratio |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  lines.push(...rows);
  lines.push("");
  lines.push("Ratios are Kedis ÷ Redis: CPU ratio lower is better (targets ≤ 1.5× at -P 1, ≤ 2.0× at -P 16), req/s ratio higher is better.");
  lines.push("");
  if (memRows.length > 0) {
    lines.push("Memory per entry (used_memory growth after MEMORY PURGE ÷ entries; Kedis counts its JS heap and external buffers):");
    lines.push("");
    lines.push("| data | Kedis bytes/entry | Redis bytes/entry | ratio |");
    lines.push("|---|---:|---:|---:|");
    lines.push(...memRows);
    lines.push("");
  }
  const md = lines.join("\n");
  console.log(md);
  writeFileSync(o.out, md);
}

await main();
