/**
 * Crash safety with a real Kedis process killed by SIGKILL (loopback only, bounded rounds):
 * - appendfsync always / everysec: every acknowledged write is present after restart;
 * - a SIGKILL during BGSAVE or BGREWRITEAOF leaves the previous files intact and loadable.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "../helpers/client.ts";
import { freePort } from "../helpers/servers.ts";

const MAIN = join(import.meta.dir, "../../src/main.ts");

interface Proc {
  port: number;
  proc: ReturnType<typeof Bun.spawn>;
}

async function startProc(dir: string, args: string[]): Promise<Proc> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    const proc = Bun.spawn(["bun", MAIN, "--port", String(port), "--dir", dir, "--save", "", "--loglevel", "warning", ...args], { stdout: "ignore", stderr: "ignore" });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && proc.exitCode === null) {
      try {
        const c = await TestClient.connect(port);
        const r = await c.call("PING");
        c.close();
        if (r === "PONG") return { port, proc };
      } catch {
        await Bun.sleep(25);
      }
    }
    proc.kill(9);
    await proc.exited;
  }
  throw new Error("kedis did not start");
}

async function kill9(p: Proc): Promise<void> {
  p.proc.kill(9);
  await p.proc.exited;
}

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Pipeline SETs until killed; returns the keys whose OK arrived. */
async function writeUntilKilled(p: Proc, killAfterMs: number, prefix: string): Promise<string[]> {
  const c = await TestClient.connect(p.port);
  const acked: string[] = [];
  let n = 0;
  const killAt = Date.now() + killAfterMs;
  let killed = false;
  try {
    while (!killed) {
      const batch: string[] = [];
      for (let i = 0; i < 50; i++) {
        const k = `${prefix}:${n++}`;
        batch.push(k);
        c.send("SET", k, `v-${k}`);
      }
      if (Date.now() >= killAt) {
        // Kill while this batch is in flight: some replies may never arrive.
        void kill9(p);
        killed = true;
      }
      for (const k of batch) {
        const r = await c.reply(2000);
        if (r === "OK") acked.push(k);
      }
    }
  } catch {
    // The connection died with the process.
  }
  if (!killed) await kill9(p);
  await p.proc.exited;
  return acked;
}

async function missing(p: Proc, keys: string[]): Promise<string[]> {
  const c = await TestClient.connect(p.port);
  const out: string[] = [];
  for (const k of keys) {
    c.send("GET", k);
  }
  for (const k of keys) if ((await c.reply()) !== `v-${k}`) out.push(k);
  c.close();
  return out;
}

describe("crash safety under SIGKILL", () => {
  for (const policy of ["always", "everysec"]) {
    test(`appendfsync ${policy}: every acknowledged write survives kills at random moments`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `kedis-crash-${policy}-`));
      const r = rng(policy === "always" ? 1 : 2);
      const allAcked: string[] = [];
      try {
        for (let round = 0; round < 4; round++) {
          const p = await startProc(dir, ["--appendonly", "yes", "--appendfsync", policy]);
          const acked = await writeUntilKilled(p, 50 + Math.floor(r() * 250), `r${round}`);
          expect(acked.length).toBeGreaterThan(0);
          allAcked.push(...acked);
          const q = await startProc(dir, ["--appendonly", "yes", "--appendfsync", policy]);
          expect(await missing(q, allAcked)).toEqual([]);
          await kill9(q);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }

  test("SIGKILL during BGSAVE leaves the previous dump.rdb intact and loadable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kedis-crash-bgsave-"));
    try {
      const p = await startProc(dir, []);
      const c = await TestClient.connect(p.port);
      for (let i = 0; i < 2000; i++) c.send("SET", `k${i}`, "x".repeat(100));
      for (let i = 0; i < 2000; i++) await c.reply();
      expect(await c.call("SAVE")).toBe("OK");
      for (let i = 0; i < 50000; i++) c.send("SET", `big${i}`, "y".repeat(200));
      for (let i = 0; i < 50000; i++) await c.reply();
      expect(await c.call("BGSAVE")).toBe("Background saving started");
      await kill9(p);
      const q = await startProc(dir, []);
      const d = await TestClient.connect(q.port);
      // The previous snapshot (2000 keys) or a complete new one; never a damaged file.
      const k0 = await d.call("GET", "k0");
      expect(k0).toBe("x".repeat(100));
      expect(await d.call("GET", "k1999")).toBe("x".repeat(100));
      d.close();
      await kill9(q);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("SIGKILL during BGREWRITEAOF leaves the AOF loadable with every acknowledged write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kedis-crash-rewrite-"));
    try {
      const p = await startProc(dir, ["--appendonly", "yes"]);
      const c = await TestClient.connect(p.port);
      for (let i = 0; i < 50000; i++) c.send("SET", `k${i}`, `v-k${i}`);
      for (let i = 0; i < 50000; i++) await c.reply();
      expect(await c.call("BGREWRITEAOF")).toBe("Background append only file rewriting started");
      for (let i = 0; i < 100; i++) c.send("SET", `after${i}`, `v-after${i}`);
      for (let i = 0; i < 100; i++) expect(await c.reply()).toBe("OK");
      await kill9(p);
      expect(existsSync(join(dir, "appendonlydir", "appendonly.aof.manifest"))).toBe(true);
      const q = await startProc(dir, ["--appendonly", "yes"]);
      const keys = [...Array.from({ length: 50000 }, (_, i) => `k${i}`).filter((_, i) => i % 97 === 0), ...Array.from({ length: 100 }, (_, i) => `after${i}`)];
      expect(await missing(q, keys)).toEqual([]);
      await kill9(q);
      expect(readdirSync(join(dir, "appendonlydir")).some((f) => f.endsWith(".manifest"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
