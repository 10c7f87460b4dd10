/**
 * Replication soak (bounded: ~3 s of load, loopback only): a Kedis primary under mixed write load
 * with two Kedis replicas, one of them cut and reconnected repeatedly; at the end all three hold
 * identical datasets, compared by a digest of every key's DUMP payload and TTL presence.
 */
import { expect, test } from "bun:test";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Type-aware contents of one key (hashtable order differs between instances, so sets and hashes are sorted). */
async function valueOf(c: TestClient, k: string): Promise<string> {
  const type = String(await c.call("TYPE", k));
  const sorted = (x: unknown) => JSON.stringify(((x as string[]) ?? []).slice().sort());
  switch (type) {
    case "string":
      return JSON.stringify(await c.call("GET", k));
    case "list":
      return JSON.stringify(await c.call("LRANGE", k, 0, -1));
    case "hash": {
      const flat = (await c.call("HGETALL", k)) as string[];
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
      return sorted(pairs);
    }
    case "set":
      return sorted(await c.call("SMEMBERS", k));
    case "zset":
      return JSON.stringify(await c.call("ZRANGE", k, 0, -1, "WITHSCORES"));
    default:
      return type;
  }
}

async function digest(c: TestClient): Promise<string[]> {
  const out: string[] = [];
  for (let db = 0; db < 4; db++) {
    await c.call("SELECT", db);
    const keys = ((await c.call("KEYS", "*")) as string[]).sort();
    for (const k of keys) out.push(`${db}|${k}|${await valueOf(c, k)}|${((await c.call("PTTL", k)) as number) >= 0 ? "ttl" : "none"}`);
  }
  await c.call("SELECT", 0);
  return out;
}

/** One random write command over strings, bitmaps, keyspace commands and every collection type. */
function randomWrite(r: () => number): (string | number)[] {
  const k = `k${Math.floor(r() * 200)}`;
  const k2 = `k${Math.floor(r() * 200)}`;
  const c = `c${Math.floor(r() * 30)}`;
  switch (Math.floor(r() * 20)) {
    case 12:
      return ["RPUSH", `l${c}`, `x${Math.floor(r() * 100)}`, "y"];
    case 13:
      return ["LPOP", `l${c}`];
    case 14:
      return ["HSET", `h${c}`, `f${Math.floor(r() * 200)}`, `v${Math.floor(r() * 100)}`];
    case 15:
      return ["SADD", `s${c}`, String(Math.floor(r() * 1000)), `m${Math.floor(r() * 50)}`];
    case 16:
      return ["SPOP", `s${c}`];
    case 17:
      return ["ZADD", `z${c}`, String(Math.floor(r() * 1000) / 7), `m${Math.floor(r() * 300)}`];
    case 18:
      return ["ZPOPMIN", `z${c}`];
    case 19:
      return ["HINCRBYFLOAT", `h${c}`, "cnt", "0.1"];
    case 0:
      return ["SET", k, `v${Math.floor(r() * 1e6)}`];
    case 1:
      return ["INCRBY", `n${Math.floor(r() * 50)}`, Math.floor(r() * 1000) - 500];
    case 2:
      return ["APPEND", k, "xy"];
    case 3:
      return ["DEL", k, k2];
    case 4:
      return ["SET", k, "ttl", "EX", 1000];
    case 5:
      return ["EXPIRE", k, 500];
    case 6:
      return ["SETBIT", `b${Math.floor(r() * 20)}`, Math.floor(r() * 5000), Math.floor(r() * 2)];
    case 7:
      return ["MSET", k, "m1", k2, "m2"];
    case 8:
      return ["RENAME", k, k2];
    case 9:
      return ["INCRBYFLOAT", `f${Math.floor(r() * 20)}`, "1.5"];
    case 10:
      return ["SELECT", Math.floor(r() * 4)];
    default:
      return ["PERSIST", k];
  }
}

test("primary + two replicas under load, one repeatedly disconnected, end identical", async () => {
  const cfg = { config: { "repl-diskless-sync-delay": "0", "repl-backlog-size": "16kb" } };
  const nodes: KedisHandle[] = [await startKedis(cfg), await startKedis(cfg), await startKedis(cfg)];
  try {
    const [p, r1, r2] = nodes as [KedisHandle, KedisHandle, KedisHandle];
    const pc = await p.client();
    for (const r of [r1, r2]) {
      const c = await r.client();
      expect(await c.call("REPLICAOF", "127.0.0.1", p.port)).toBe("OK");
    }
    await until("replicas up", () => r1.server.replica?.linkUp === true && r2.server.replica?.linkUp === true);
    const rand = rng(42);
    const stopAt = Date.now() + 3000;
    let cuts = 0;
    let sent = 0;
    while (Date.now() < stopAt) {
      for (let i = 0; i < 100; i++) {
        pc.send(...randomWrite(rand));
        sent++;
      }
      for (let i = 0; i < 100; i++) await pc.reply();
      if (rand() < 0.15 && r2.server.replica?.linkUp === true) {
        // Cut r2's link; it reconnects on its own (partial resync or, past the small backlog, full).
        const link = r2.server.replica as unknown as { sock: { terminate(): void } | null };
        link.sock?.terminate();
        cuts++;
      }
    }
    expect(sent).toBeGreaterThan(1000);
    expect(cuts).toBeGreaterThanOrEqual(2);
    await until("replicas caught up", () => r1.server.replica?.offset === p.server.repl.offset && r2.server.replica?.linkUp === true && r2.server.replica?.offset === p.server.repl.offset);
    const want = await digest(pc);
    expect(want.length).toBeGreaterThan(50);
    expect(await digest(await r1.client())).toEqual(want);
    expect(await digest(await r2.client())).toEqual(want);
    const st = p.server.repl.stats;
    expect(st.partialOk + st.full).toBeGreaterThanOrEqual(cuts);
  } finally {
    for (const n of nodes) await n.stop();
  }
}, 60_000);
