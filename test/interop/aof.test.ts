/**
 * AOF interop with real Redis 7.0: Kedis's multi-part AOF directory (base RDB + incr files +
 * manifest) passes redis-check-aof and loads into redis-server with the same contents, before
 * and after a rewrite; and an AOF directory written by Redis loads into Kedis.
 */
import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestClient } from "../helpers/client.ts";
import { redisServerPath, startKedis, startRedis } from "../helpers/servers.ts";

const have = redisServerPath() !== null && Bun.which("redis-check-aof") !== null;
if (!have) console.warn("SKIP aof interop: redis-server/redis-check-aof not installed");

/** Writes of every type, in two databases, with expiries, a transaction and a script. */
async function workload(c: TestClient, tag: string): Promise<void> {
  const cmds: (string | number)[][] = [
    ["SET", `${tag}:s`, "v"],
    ["SET", `${tag}:ttl`, "x", "EX", 1000],
    ["INCRBY", `${tag}:n`, 41],
    ["INCR", `${tag}:n`],
    ["RPUSH", `${tag}:l`, "a", "b", "c"],
    ["LPOP", `${tag}:l`],
    ["HSET", `${tag}:h`, "f1", "v1", "f2", "v2"],
    ["SADD", `${tag}:set`, "1", "2", "x"],
    ["SPOP", `${tag}:set`],
    ["ZADD", `${tag}:z`, 1, "a", 2.5, "b"],
    ["ZINCRBY", `${tag}:z`, 1, "a"],
    ["XADD", `${tag}:x`, "1-1", "f", "v"],
    ["PFADD", `${tag}:hll`, "a", "b", "c"],
    ["SELECT", 5],
    ["SET", `${tag}:db5`, "five"],
    ["SELECT", 0],
    ["MULTI"],
    ["SET", `${tag}:tx`, "1"],
    ["INCR", `${tag}:tx`],
    ["EXEC"],
    ["EVAL", "redis.call('SET', KEYS[1], 'lua') return redis.call('APPEND', KEYS[1], '!')", 1, `${tag}:lua`],
  ];
  for (const cmd of cmds) {
    const r = await c.call(...cmd);
    if (typeof r === "object" && r !== null && "error" in r) throw new Error(`${cmd.join(" ")}: ${String(r.error)}`);
  }
}

async function contents(c: TestClient, tag: string): Promise<unknown[]> {
  const sorted = (x: unknown) => ((x as string[]) ?? []).slice().sort();
  const out: unknown[] = [
    await c.call("GET", `${tag}:s`),
    ((await c.call("TTL", `${tag}:ttl`)) as number) > 900,
    await c.call("GET", `${tag}:n`),
    await c.call("LRANGE", `${tag}:l`, 0, -1),
    sorted(await c.call("HGETALL", `${tag}:h`)),
    await c.call("SCARD", `${tag}:set`),
    await c.call("ZRANGE", `${tag}:z`, 0, -1, "WITHSCORES"),
    await c.call("XRANGE", `${tag}:x`, "-", "+"),
    await c.call("PFCOUNT", `${tag}:hll`),
    await c.call("GET", `${tag}:tx`),
    await c.call("GET", `${tag}:lua`),
  ];
  await c.call("SELECT", 5);
  out.push(await c.call("GET", `${tag}:db5`));
  await c.call("SELECT", 0);
  return out;
}

function checkAof(dir: string): string {
  const r = Bun.spawnSync(["redis-check-aof", join(dir, "appendonlydir", "appendonly.aof.manifest")]);
  return r.stdout.toString() + r.stderr.toString();
}

describe.skipIf(!have)("AOF both ways with real Redis 7.0", () => {
  test("Kedis's AOF directory passes redis-check-aof and loads into redis-server, before and after a rewrite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kedis-aof-"));
    const k = await startKedis({ config: { dir, appendonly: "yes", appendfsync: "always" } });
    const kc = await k.client();
    await workload(kc, "one");
    expect(checkAof(dir)).toContain("All AOF files and manifest are valid");
    expect(await kc.call("BGREWRITEAOF")).toBe("Background append only file rewriting started");
    for (let i = 0; i < 300 && k.server.aof.rewrite !== null; i++) await Bun.sleep(10);
    await workload(kc, "two");
    expect(checkAof(dir)).toContain("All AOF files and manifest are valid");
    const want = [await contents(kc, "one"), await contents(kc, "two")];
    await k.stop();
    const rdir = mkdtempSync(join(tmpdir(), "kedis-aof-redis-"));
    cpSync(join(dir, "appendonlydir"), join(rdir, "appendonlydir"), { recursive: true });
    const r = (await startRedis(["--dir", rdir, "--appendonly", "yes"]))!;
    const rc = await r.client();
    expect([await contents(rc, "one"), await contents(rc, "two")]).toEqual(want);
    await r.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(rdir, { recursive: true, force: true });
  });

  test("an AOF directory written by real Redis (base + incr) loads into Kedis", async () => {
    const r = (await startRedis(["--appendonly", "yes", "--appendfsync", "always"]))!;
    const rc = await r.client();
    await workload(rc, "one");
    expect(await rc.call("BGREWRITEAOF")).toBe("Background append only file rewriting started");
    await Bun.sleep(300);
    await workload(rc, "two");
    const want = [await contents(rc, "one"), await contents(rc, "two")];
    const kdir = mkdtempSync(join(tmpdir(), "kedis-aof-k-"));
    cpSync(join(r.dir, "appendonlydir"), join(kdir, "appendonlydir"), { recursive: true });
    await r.stop();
    const k = await startKedis({ config: { dir: kdir, appendonly: "yes" } });
    const kc = await k.client();
    expect([await contents(kc, "one"), await contents(kc, "two")]).toEqual(want);
    await k.stop();
    rmSync(kdir, { recursive: true, force: true });
  });
});
