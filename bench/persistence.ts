/**
 * Persistence benchmark (run: `bun bench/persistence.ts [--keys N]`):
 * - snapshot throughput (MB/s and keys/s) of a fork-less BGSAVE of N keys (default 1,000,000);
 * - the longest gap a client sees between PING replies while that BGSAVE runs
 *   (Kedis serializes in ~2 ms slices; the figure is what an application would feel).
 * Kedis runs as a separate process on a free loopback port; the same is measured for
 * Debian's redis-server (fork-based BGSAVE) when installed.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "../test/helpers/client.ts";
import { freePort } from "../test/helpers/servers.ts";

const argv = process.argv.slice(2);
const KEYS = Number(argv[argv.indexOf("--keys") + 1] ?? 0) || (process.env.KEDIS_BENCH_SHORT ? 100_000 : 1_000_000);

async function waitUp(port: number): Promise<TestClient> {
  for (let i = 0; i < 400; i++) {
    try {
      const c = await TestClient.connect(port);
      if ((await c.call("PING")) === "PONG") return c;
    } catch {
      await Bun.sleep(25);
    }
  }
  throw new Error("server did not start");
}

async function measure(name: string, cmd: (port: number, dir: string) => string[]): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "kedis-bench-persist-"));
  const port = freePort();
  const proc = Bun.spawn(cmd(port, dir), { stdout: "ignore", stderr: "ignore" });
  try {
    const c = await waitUp(port);
    const value = "v".repeat(32);
    const BATCH = 1000;
    for (let i = 0; i < KEYS; i += BATCH) {
      for (let j = i; j < Math.min(KEYS, i + BATCH); j++) c.send("SET", `key:${j}`, value);
      for (let j = i; j < Math.min(KEYS, i + BATCH); j++) await c.reply();
    }
    const before = (await c.call("LASTSAVE")) as number;
    await Bun.sleep(1100); // LASTSAVE has second resolution
    const pinger = await TestClient.connect(port);
    // Baseline: the longest gap between PING replies over 2 s with no BGSAVE (GC and machine
    // noise), so the figure during BGSAVE can be read against it.
    let baseGap = 0;
    {
      let last = performance.now();
      const until = last + 2000;
      while (performance.now() < until) {
        await pinger.call("PING");
        const now = performance.now();
        baseGap = Math.max(baseGap, now - last);
        last = now;
      }
    }
    const t0 = performance.now();
    if ((await c.call("BGSAVE")) !== "Background saving started") throw new Error("BGSAVE refused");
    let maxGap = 0;
    let last = performance.now();
    let pings = 0;
    for (;;) {
      await pinger.call("PING");
      pings++;
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (pings % 50 === 0 && (await c.call("LASTSAVE")) !== before) break;
      if (now - t0 > 120_000) throw new Error("BGSAVE did not finish in 2 minutes");
    }
    const secs = (performance.now() - t0) / 1000;
    const bytes = statSync(join(dir, "dump.rdb")).size;
    return {
      server: name,
      keys: String(KEYS),
      "rdb MB": (bytes / 1e6).toFixed(1),
      "BGSAVE s": secs.toFixed(2),
      "MB/s": (bytes / 1e6 / secs).toFixed(1),
      "keys/s": Math.round(KEYS / secs).toLocaleString("en"),
      "longest PING gap ms": maxGap.toFixed(1),
      "same, no BGSAVE (2 s)": baseGap.toFixed(1),
    };
  } finally {
    proc.kill();
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [await measure("kedis", (p, d) => ["bun", join(import.meta.dir, "../src/main.ts"), "--port", String(p), "--dir", d, "--save", "", "--loglevel", "warning"])];
if (Bun.which("redis-server")) rows.push(await measure("redis", (p, d) => ["redis-server", "--port", String(p), "--dir", d, "--save", "", "--loglevel", "warning"]));
const cols = Object.keys(rows[0]!);
console.log(`| ${cols.join(" | ")} |\n|${cols.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(" | ")} |`);
console.log("(BGSAVE time is measured by polling LASTSAVE, so it is an upper bound with ~50-PING granularity.)");
