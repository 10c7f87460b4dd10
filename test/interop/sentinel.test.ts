/**
 * Failover of Kedis by real Redis Sentinel 7.0 (loopback only, bounded in time).
 *
 * Three Kedis processes (a primary and two replicas, `bun src/main.ts`) are watched by three
 * `redis-sentinel` processes (quorum 2, down-after 1000 ms, failover-timeout 5000 ms). The
 * sentinels find the replicas through the primary's INFO and each other through PUBLISH /
 * SUBSCRIBE on `__sentinel__:hello` on the Kedis nodes. Then the primary is killed (SIGKILL):
 * Sentinel promotes a replica (MULTI, REPLICAOF NO ONE, CONFIG REWRITE, CLIENT KILL ..., EXEC),
 * reconfigures the other one (REPLICAOF <new primary>, which continues with a partial resync),
 * and a client that asks Sentinel for the master keeps writing to the new primary. At the end
 * both survivors hold the same data, every write the new primary acknowledged included.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { TestClient } from "../helpers/client.ts";
import type { Reply } from "../helpers/resp.ts";
import { freePort } from "../helpers/servers.ts";

const SENTINEL = Bun.which("redis-sentinel");
if (SENTINEL === null) console.warn("SKIP sentinel interop: redis-sentinel not found (apt-get install redis-sentinel)");
const MAIN = join(import.meta.dir, "../../src/main.ts");

const procs: Subprocess[] = [];
const dirs: string[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) if (!c.closed) c.close();
  for (const p of procs) p.kill("SIGKILL");
  await Promise.all(procs.map((p) => p.exited));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `kedis-sentinel-${tag}-`));
  dirs.push(d);
  return d;
}

async function until<T>(what: string, fn: () => Promise<T | null | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== null && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last !== null ? ` (last error: ${String(last)})` : ""}`);
}

async function connect(port: number): Promise<TestClient> {
  const c = await TestClient.connect(port);
  clients.push(c);
  return c;
}

/** One call on a fresh connection (nodes come and go; Sentinel kills normal clients). */
async function once(port: number, ...args: (string | number)[]): Promise<Reply> {
  const c = await connect(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

async function startNode(port: number, replicaOf: number | null): Promise<Subprocess> {
  const args = [process.execPath, MAIN, "--port", String(port), "--bind", "127.0.0.1", "--dir", tempDir(`n${port}`), "--save", "", "--repl-diskless-sync-delay", "0", "--loglevel", "warning"];
  if (replicaOf !== null) args.push("--replicaof", "127.0.0.1", String(replicaOf));
  const p = Bun.spawn(args, { stdout: "ignore", stderr: "ignore" });
  procs.push(p);
  await until(`Kedis on ${port}`, async () => (await once(port, "PING")) === "PONG");
  return p;
}

async function startSentinel(port: number, primary: number): Promise<void> {
  const dir = tempDir(`s${port}`);
  const conf = join(dir, "sentinel.conf");
  // Sentinel rewrites its config file (discovered replicas and sentinels, epochs).
  writeFileSync(
    conf,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `logfile ${join(dir, "sentinel.log")}`,
      `sentinel monitor mymaster 127.0.0.1 ${primary} 2`,
      "sentinel down-after-milliseconds mymaster 1000",
      "sentinel failover-timeout mymaster 5000",
      "",
    ].join("\n"),
  );
  const p = Bun.spawn([SENTINEL!, conf], { stdout: "ignore", stderr: "ignore" });
  procs.push(p);
  await until(`sentinel on ${port}`, async () => (await once(port, "PING")) === "PONG");
}

/** SENTINEL replies list instances as flat [field, value, ...] arrays. */
function fields(r: Reply): Record<string, string> {
  const a = r as string[];
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < a.length; i += 2) o[a[i]!] = a[i + 1]!;
  return o;
}

async function infoField(port: number, section: string, field: string): Promise<string> {
  const text = String(await once(port, "INFO", section));
  const m = new RegExp(`^${field}:(.*)$`, "m").exec(text);
  return m === null ? "" : m[1]!.trim();
}

/** Type-aware contents of a key: hashtable order differs between nodes, so sets and hashes are sorted. */
async function valueOf(c: TestClient, k: string): Promise<string> {
  const type = String(await c.call("TYPE", k));
  const sorted = (x: unknown) => JSON.stringify(((x as string[]) ?? []).slice().sort());
  if (type === "set") return `set:${sorted(await c.call("SMEMBERS", k))}`;
  if (type === "hash") {
    const flat = (await c.call("HGETALL", k)) as string[];
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
    return `hash:${sorted(pairs)}`;
  }
  return `${type}:${String(await c.call("DUMP", k))}`;
}

/** Every key of db 0 and 5 with its type, contents and TTL presence. */
async function dataset(port: number): Promise<string[]> {
  const c = await connect(port);
  const out: string[] = [];
  try {
    for (const db of [0, 5]) {
      await c.call("SELECT", db);
      const keys = ((await c.call("KEYS", "*")) as string[]).sort();
      for (const k of keys) out.push(`${db}|${k}|${await valueOf(c, k)}|${((await c.call("PTTL", k)) as number) >= 0 ? "ttl" : "none"}`);
    }
  } finally {
    c.close();
  }
  return out;
}

describe.skipIf(SENTINEL === null)("Redis Sentinel 7.0 fails over a Kedis primary", () => {
  test("kill the primary: a replica is promoted, the other follows it with a partial resync, clients keep writing through Sentinel", async () => {
    const [p0, p1, p2] = [freePort(), freePort(), freePort()];
    const primary = await startNode(p0, null);
    await Promise.all([startNode(p1, p0), startNode(p2, p0)]);
    await until("both replicas online", async () => (await infoField(p0, "replication", "connected_slaves")) === "2");

    // Data of several types in two databases, on both replicas before the failure (WAIT).
    const w = await connect(p0);
    for (let i = 0; i < 100; i++) await w.call("SET", `before:${i}`, `v${i}`);
    await w.call("HSET", "h", "f1", "a", "f2", "b");
    await w.call("RPUSH", "l", "x", "y", "z");
    await w.call("ZADD", "z", 1, "one", 2, "two");
    await w.call("SET", "ttl", "t", "EX", 1000);
    await w.call("SELECT", 5);
    await w.call("SADD", "s5", "m1", "m2");
    expect(await w.call("WAIT", 2, 5000)).toBe(2);
    w.close();

    const sentinels = [freePort(), freePort(), freePort()];
    await Promise.all(sentinels.map((s) => startSentinel(s, p0)));
    // Replicas are found through the primary's INFO, the other sentinels through hello messages
    // published and subscribed on the Kedis nodes.
    for (const s of sentinels) {
      await until(`sentinel ${s} sees two replicas`, async () => {
        const rs = (await once(s, "SENTINEL", "REPLICAS", "mymaster")) as Reply[];
        return rs.length === 2 && rs.every((r) => fields(r)["master-link-status"] === "ok");
      });
      await until(`sentinel ${s} sees the two other sentinels`, async () => ((await once(s, "SENTINEL", "SENTINELS", "mymaster")) as Reply[]).length === 2);
    }
    expect(await once(sentinels[0]!, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")).toEqual(["127.0.0.1", String(p0)]);
    const hello = await connect(sentinels[0]!);
    hello.send("SUBSCRIBE", "+switch-master");
    expect(await hello.reply()).toEqual(["subscribe", "+switch-master", 1]);

    // A client that always asks Sentinel where the master is and writes there.
    const acked: string[] = [];
    let ackedAfterFailover = 0;
    let stop = false;
    const writer = (async () => {
      let seq = 0;
      while (!stop) {
        let c: TestClient | null = null;
        try {
          const [, port] = (await once(sentinels[1]!, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")) as string[];
          c = await connect(Number(port));
          while (!stop) {
            const key = `w:${seq}`;
            const r = await c.call("SET", key, String(seq), "PX", 600_000);
            if (r !== "OK") break; // READONLY: the address moved; ask Sentinel again
            acked.push(key);
            if (Number(port) !== p0) ackedAfterFailover++;
            seq++;
            await Bun.sleep(2);
          }
        } catch {
          // Connection refused or closed (the primary died, or Sentinel killed normal clients).
        } finally {
          if (c !== null && !c.closed) c.close();
        }
        await Bun.sleep(50);
      }
    })();
    await until("writes on the first primary", async () => acked.length >= 20);

    const killedAt = Date.now();
    primary.kill("SIGKILL");
    await primary.exited;

    const switched = String(((await hello.reply(20_000)) as string[])[2]);
    const [, oldHost, oldPort, newHost, newPort] = switched.split(" ");
    expect([oldHost, oldPort, newHost]).toEqual(["127.0.0.1", String(p0), "127.0.0.1"]);
    const np = Number(newPort);
    expect([p1, p2]).toContain(np);
    const other = np === p1 ? p2 : p1;
    console.log(`sentinel failover: +switch-master ${Date.now() - killedAt} ms after SIGKILL`);

    // The promoted node is a primary; the other follows it; every sentinel agrees.
    expect(((await once(np, "ROLE")) as Reply[])[0]).toBe("master");
    await until("the other replica follows the new primary", async () => (await infoField(other, "replication", "master_port")) === String(np) && (await infoField(other, "replication", "master_link_status")) === "up");
    for (const s of sentinels) {
      await until(`sentinel ${s} points at the new primary`, async () => JSON.stringify(await once(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")) === JSON.stringify(["127.0.0.1", String(np)]));
    }
    await until("sentinel lists the other replica under the new primary", async () => {
      const rs = ((await once(sentinels[0]!, "SENTINEL", "REPLICAS", "mymaster")) as Reply[]).map(fields);
      const o = rs.find((r) => r.port === String(other));
      return o !== undefined && o["master-port"] === String(np) && o["master-link-status"] === "ok" && !o.flags!.includes("disconnected");
    });

    // The client kept writing, now on the new primary.
    await until("writes on the new primary", async () => ackedAfterFailover >= 100);
    stop = true;
    await writer;

    // The other replica continued from the promoted one's backlog (PSYNC2), no full resync.
    expect(Number(await infoField(np, "stats", "sync_partial_ok"))).toBeGreaterThanOrEqual(1);
    expect(await infoField(np, "stats", "sync_full")).toBe("0");

    // Same data on both survivors: what was there before, and every write the new primary
    // acknowledged (writes the dead primary acked in its last instant may be lost, as in Redis).
    const offset = await infoField(np, "replication", "master_repl_offset");
    await until("the replica caught up", async () => (await infoField(other, "replication", "slave_repl_offset")) === offset);
    const a = await dataset(np);
    const b = await dataset(other);
    expect(b).toEqual(a);
    const keys = new Set(a.map((l) => l.split("|")[1]));
    for (let i = 0; i < 100; i++) expect(keys.has(`before:${i}`)).toBe(true);
    for (const k of ["h", "l", "z", "ttl", "s5"]) expect(keys.has(k)).toBe(true);
    const onNew = acked.slice(acked.length - ackedAfterFailover);
    for (const k of onNew) expect(keys.has(k)).toBe(true);
    expect(a.find((l) => l.startsWith("0|ttl|"))!.endsWith("|ttl")).toBe(true);
  }, 60_000);
});
