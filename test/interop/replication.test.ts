/**
 * Replication both ways with real Redis 7.0, and Kedis chains (loopback only, bounded waits):
 * full sync, live writes, link cut and partial resync, promotion with PSYNC2, WAIT.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { TestClient } from "../helpers/client.ts";
import { redisServerPath, startKedis, startRedis, type KedisHandle, type Running } from "../helpers/servers.ts";

const have = redisServerPath() !== null;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function until(what: string, fn: () => Promise<boolean>, ms = 10_000, state?: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}${state === undefined ? "" : `: ${state()}`}`);
}

async function info(c: TestClient, field: string): Promise<string> {
  const text = String(await c.call("INFO", "replication"));
  const m = new RegExp(`^${field}:(.*)$`, "m").exec(text);
  return m === null ? "" : m[1]!.trim();
}

/** Writes of several kinds into dbs 0 and 3 (strings and keyspace commands). */
async function writes(c: TestClient, tag: string): Promise<void> {
  for (let i = 0; i < 50; i++) await c.call("SET", `${tag}:${i}`, `v${i}`);
  await c.call("SET", `${tag}:ttl`, "x", "PX", "600000");
  await c.call("DEL", `${tag}:3`);
  await c.call("SELECT", 3);
  await c.call("SET", `${tag}:db3`, "y");
  await c.call("SELECT", 0);
}

/** Every key in dbs 0 and 3 with value and TTL presence, via KEYS/GET/PTTL. */
async function dataset(c: TestClient): Promise<string[]> {
  const out: string[] = [];
  for (const db of [0, 3]) {
    await c.call("SELECT", db);
    const keys = ((await c.call("KEYS", "*")) as string[]).sort();
    for (const k of keys) out.push(`${db}|${k}|${String(await c.call("GET", k))}|${((await c.call("PTTL", k)) as number) > 0 ? "ttl" : "none"}`);
  }
  await c.call("SELECT", 0);
  return out;
}

async function kedis(config: Record<string, string> = {}): Promise<KedisHandle> {
  const k = await startKedis({ config: { "repl-diskless-sync-delay": "0", ...config } });
  cleanup.push(() => k.stop());
  return k;
}

async function redis(args: string[] = []): Promise<Running> {
  const r = (await startRedis(["--repl-diskless-sync-delay", "0", ...args]))!;
  cleanup.push(() => r.stop());
  return r;
}

describe.skipIf(!have)("replication with real Redis 7.0", () => {
  test("real redis-server follows a Kedis primary: full sync, live writes, link cut, partial resync", async () => {
    const k = await kedis();
    const kc = await k.client();
    await writes(kc, "before");
    const r = await redis();
    const rc = await r.client();
    expect(await rc.call("REPLICAOF", "127.0.0.1", k.port)).toBe("OK");
    await until("link up", async () => (await info(rc, "master_link_status")) === "up");
    await writes(kc, "live");
    await until("replica caught up", async () => (await info(rc, "slave_repl_offset")) === String(k.server.repl.offset));
    expect(await dataset(rc)).toEqual(await dataset(kc));
    // Cut the link from the replica's side; it reconnects with PSYNC and must get +CONTINUE.
    const fullBefore = k.server.repl.stats.full;
    await rc.call("CLIENT", "KILL", "TYPE", "master");
    await writes(kc, "during-cut");
    await until("link up again", async () => (await info(rc, "master_link_status")) === "up" && (await info(rc, "slave_repl_offset")) === String(k.server.repl.offset));
    expect(k.server.repl.stats.partialOk).toBeGreaterThanOrEqual(1);
    expect(k.server.repl.stats.full).toBe(fullBefore);
    expect(await dataset(rc)).toEqual(await dataset(kc));
  }, 30_000);

  test("Kedis follows a real Redis primary: full sync, live writes, link cut, partial resync", async () => {
    const r = await redis();
    const rc = await r.client();
    await writes(rc, "before");
    const k = await kedis();
    const kc = await k.client();
    expect(await kc.call("REPLICAOF", "127.0.0.1", r.port)).toBe("OK");
    await until("link up", async () => k.server.replica?.linkUp === true);
    await writes(rc, "live");
    await until("caught up", async () => String(k.server.replica?.offset) === (await info(rc, "master_repl_offset")));
    expect(await dataset(kc)).toEqual(await dataset(rc));
    expect(await kc.call("SET", "x", "y")).toEqual({ error: "READONLY You can't write against a read only replica." });
    // Cut the link: Kedis reconnects with PSYNC <replid> <offset+1> and continues.
    (k.server.replica as unknown as { sock: { terminate(): void } }).sock.terminate();
    await writes(rc, "during-cut");
    await until("caught up again", async () => k.server.replica?.linkUp === true && String(k.server.replica?.offset) === (await info(rc, "master_repl_offset")));
    const stats = String(await rc.call("INFO", "stats"));
    expect(stats).toMatch(/sync_partial_ok:1/);
    expect(await dataset(kc)).toEqual(await dataset(rc));
    const role = (await kc.call("ROLE")) as unknown[];
    expect(role.slice(0, 4)).toEqual(["slave", "127.0.0.1", r.port, "connected"]);
  }, 30_000);
});

describe("Kedis to Kedis", () => {
  test("a chain A <- B <- C replicates; promoting B keeps C with a partial resync (PSYNC2)", async () => {
    const a = await kedis();
    const b = await kedis();
    const c = await kedis();
    const ac = await a.client();
    const bc = await b.client();
    const cc = await c.client();
    await writes(ac, "one");
    expect(await bc.call("REPLICAOF", "127.0.0.1", a.port)).toBe("OK");
    await until("B up", async () => b.server.replica?.linkUp === true);
    expect(await cc.call("REPLICAOF", "127.0.0.1", b.port)).toBe("OK");
    await until("C up", async () => c.server.replica?.linkUp === true);
    await writes(ac, "two");
    // A transaction applied by B must reach C once: B forwards A's stream and must not also
    // propagate the MULTI ... EXEC it ran (INCR would count twice on C).
    expect(await ac.call("MULTI")).toBe("OK");
    await ac.call("INCR", "counter");
    await ac.call("INCR", "counter");
    expect(await ac.call("EXEC")).toEqual([1, 2]);
    await until("C caught up", async () => c.server.replica?.offset === a.server.repl.offset);
    expect(await cc.call("GET", "counter")).toBe("2");
    expect(await dataset(cc)).toEqual(await dataset(ac));
    // Promote B: C must continue from B without a full resync.
    const fullBefore = b.server.repl.stats.full;
    expect(await bc.call("REPLICAOF", "NO", "ONE")).toBe("OK");
    await writes(bc, "three");
    await until("C follows B", async () => c.server.replica?.linkUp === true && c.server.replica?.offset === b.server.repl.offset, 10_000, () =>
      JSON.stringify({ cOffset: c.server.replica?.offset, cState: c.server.replica?.state, bOffset: b.server.repl.offset, bStats: b.server.repl.stats }),
    );
    expect(b.server.repl.stats.full).toBe(fullBefore);
    expect(await dataset(cc)).toEqual(await dataset(bc));
  }, 30_000);

  test("WAIT returns once replicas acknowledged the client's writes; 0 replicas times out", async () => {
    const a = await kedis();
    const b = await kedis();
    const ac = await a.client();
    const bc = await b.client();
    await ac.call("SET", "k", "v");
    expect(await ac.call("WAIT", 1, 100)).toBe(0);
    await bc.call("REPLICAOF", "127.0.0.1", a.port);
    await until("B up", async () => b.server.replica?.linkUp === true);
    await ac.call("SET", "k2", "v2");
    expect(await ac.call("WAIT", 1, 5000)).toBe(1);
    expect(await bc.call("WAIT", 1, 10)).toEqual({ error: "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated." });
  }, 30_000);
});
