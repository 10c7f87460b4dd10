/**
 * Streams in RDB files and DUMP payloads, both ways with real Redis 7.0: DUMP from Redis →
 * RESTORE into Kedis (and back) gives streams whose XRANGE and XINFO STREAM FULL (consumer
 * groups, PELs, delivery and seen times included) are byte-identical; a Kedis SAVE with streams
 * passes redis-check-rdb and loads into redis-server; a Redis SAVE loads into Kedis.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestClient } from "../helpers/client.ts";
import { redisServerPath, startKedis, startRedis, type KedisHandle, type RedisHandle } from "../helpers/servers.ts";

const have = redisServerPath() !== null && Bun.which("redis-check-rdb") !== null;
if (!have) console.warn("SKIP stream RDB interop: redis-server/redis-check-rdb not installed");

const KEYS = ["s1", "s2", "s3", "s4", "s5", "s6", "s7"];

/** Streams covering several nodes, tombstones, 64-bit IDs, groups with PELs, empty streams. */
async function fill(c: TestClient): Promise<void> {
  await c.call("CONFIG", "SET", "stream-node-max-entries", "7");
  for (let i = 1; i <= 60; i++) {
    const args = i % 4 === 0 ? ["name", `n${i}`, "num", String(i * 1000)] : ["field", "v".repeat(i % 9), "other", String(-i)];
    await c.call("XADD", "s1", `${1000 + i}-${i % 3}`, ...args);
  }
  for (const id of ["1003-0", "1004-1", "1020-2", "1021-0", "1022-1", "1060-0"]) await c.call("XDEL", "s1", id);
  await c.call("XADD", "s2", "18446744073709551615-18446744073709551614", "a", "b");
  await c.call("XADD", "s2", "18446744073709551615-18446744073709551615", "a", "c");
  await c.call("XGROUP", "CREATE", "s2", "g", "0");
  await c.call("XDEL", "s2", "18446744073709551615-18446744073709551614", "18446744073709551615-18446744073709551615");
  for (let i = 1; i <= 20; i++) await c.call("XADD", "s3", `${i}-1`, "job", String(i), "data", "x".repeat(i * 3));
  await c.call("XGROUP", "CREATE", "s3", "workers", "0");
  await c.call("XGROUP", "CREATE", "s3", "123", "$", "ENTRIESREAD", "20");
  await c.call("XGROUP", "CREATE", "s3", "late", "5-1");
  await c.call("XREADGROUP", "GROUP", "workers", "alice", "COUNT", "5", "STREAMS", "s3", ">");
  await c.call("XREADGROUP", "GROUP", "workers", "bob", "COUNT", "4", "STREAMS", "s3", ">");
  await c.call("XREADGROUP", "GROUP", "workers", "42", "NOACK", "COUNT", "2", "STREAMS", "s3", ">");
  await c.call("XCLAIM", "s3", "workers", "carol", "0", "2-1", "3-1", "TIME", "1700000000000", "RETRYCOUNT", "7");
  await c.call("XACK", "s3", "workers", "1-1", "7-1");
  await c.call("XGROUP", "CREATECONSUMER", "s3", "workers", "idle-one");
  await c.call("XDEL", "s3", "8-1");
  await c.call("XGROUP", "CREATE", "s4", "g", "$", "MKSTREAM");
  await c.call("XADD", "s5", "1-1", "big", "B".repeat(5000));
  await c.call("XADD", "s5", "2-1", "big", "C".repeat(70000));
  await c.call("XADD", "s5", "3-1", "small", "1");
  await c.call("CONFIG", "SET", "stream-node-max-entries", "3");
  // A node whose live entries were all trimmed behind a tombstone: Redis keeps it.
  for (let i = 1; i <= 5; i++) await c.call("XADD", "s6", `${i}-0`, "f", "v");
  await c.call("XDEL", "s6", "3-0");
  await c.call("XTRIM", "s6", "MINID", "=", "3");
  await c.call("XSETID", "s7", "0-0").catch(() => null);
  await c.call("XADD", "s7", "5-5", "f", "v");
  await c.call("XSETID", "s7", "99-0", "ENTRIESADDED", "1234", "MAXDELETEDID", "6-0");
  await c.call("CONFIG", "SET", "stream-node-max-entries", "100");
}

async function describeKey(c: TestClient, key: string): Promise<string[]> {
  return [await c.callRaw("TYPE", key), await c.callRaw("XRANGE", key, "-", "+"), await c.callRaw("XINFO", "STREAM", key), await c.callRaw("XINFO", "STREAM", key, "FULL", "COUNT", "0")];
}

describe.skipIf(!have)("streams in DUMP payloads and RDB files, both ways with Redis 7.0", () => {
  let k: KedisHandle;
  let r: RedisHandle;
  let kc: TestClient;
  let rc: TestClient;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kedis-stream-rdb-"));
    k = await startKedis({ config: { dir } });
    r = (await startRedis())!;
    kc = await k.client();
    rc = await r.client();
    await fill(kc);
    await fill(rc);
  });
  afterAll(async () => {
    await k.stop();
    await r.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the same commands build the same streams (sanity)", async () => {
    for (const key of KEYS) expect([key, ...(await describeKey(kc, key)).slice(0, 3)]).toEqual([key, ...(await describeKey(rc, key)).slice(0, 3)]);
  });

  test("DUMP from Redis restores into Kedis with identical XRANGE and XINFO FULL (times included)", async () => {
    for (const key of KEYS) {
      const payload = (await rc.call("DUMP", key)) as string;
      expect(await kc.call("RESTORE", `r:${key}`, 0, payload, "REPLACE")).toBe("OK");
      const want = (await describeKey(rc, key)).map((s) => s.split(key).join("K"));
      const got = (await describeKey(kc, `r:${key}`)).map((s) => s.split(`r:${key}`).join("K"));
      expect({ key, got }).toEqual({ key, got: want });
    }
  });

  test("DUMP from Kedis restores into Redis with identical XRANGE and XINFO FULL (times included)", async () => {
    for (const key of KEYS) {
      const payload = (await kc.call("DUMP", key)) as string;
      expect(await rc.call("RESTORE", `k:${key}`, 0, payload, "REPLACE")).toBe("OK");
      const want = await describeKey(kc, key);
      const got = await describeKey(rc, `k:${key}`);
      expect({ key, got }).toEqual({ key, got: want });
    }
  });

  test("a Kedis SAVE with streams passes redis-check-rdb and loads into redis-server", async () => {
    expect(await kc.call("SAVE")).toBe("OK");
    const check = Bun.spawnSync(["redis-check-rdb", join(dir, "dump.rdb")]);
    expect(check.stdout.toString()).toContain("RDB looks OK");
    const rdir = mkdtempSync(join(tmpdir(), "kedis-stream-rdb-r-"));
    copyFileSync(join(dir, "dump.rdb"), join(rdir, "dump.rdb"));
    const r2 = (await startRedis(["--dir", rdir]))!;
    const c2 = await r2.client();
    for (const key of KEYS) expect({ key, v: await describeKey(c2, key) }).toEqual({ key, v: await describeKey(kc, key) });
    await r2.stop();
    rmSync(rdir, { recursive: true, force: true });
  });

  test("a Redis SAVE with streams loads into Kedis at start-up", async () => {
    expect(await rc.call("SAVE")).toBe("OK");
    const kdir = mkdtempSync(join(tmpdir(), "kedis-stream-rdb-k-"));
    copyFileSync(join(r.dir, "dump.rdb"), join(kdir, "dump.rdb"));
    const k2 = await startKedis({ config: { dir: kdir } });
    const c2 = await k2.client();
    for (const key of KEYS) expect({ key, v: await describeKey(c2, key) }).toEqual({ key, v: await describeKey(rc, key) });
    await k2.stop();
    rmSync(kdir, { recursive: true, force: true });
  });

  test("corrupt stream payloads are refused with Redis's text", async () => {
    const payload = Buffer.from((await rc.call("DUMP", "s3")) as string, "latin1");
    // Flip a byte inside the first node's listpack and fix nothing else: the checksum fails.
    const bad = Buffer.from(payload);
    bad[40] = bad[40]! ^ 0xff;
    expect(await kc.callRaw("RESTORE", "bad", 0, bad)).toBe(await rc.callRaw("RESTORE", "bad", 0, bad));
  });
});
