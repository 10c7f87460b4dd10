/**
 * Replication both ways with real Redis 7.0, and Kedis chains (loopback only, bounded waits):
 * full sync, live writes, link cut and partial resync, promotion with PSYNC2, WAIT; and what
 * Sentinel and operators rely on (INFO replication fields, min-replicas-to-write,
 * replica-serve-stale-data, the reconfiguration transaction, CONFIG REWRITE of replicaof, the
 * replication stream's bytes, the primary's link as a client of type master).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "bun";
import type { TestClient } from "../helpers/client.ts";
import { Differ } from "../helpers/diff.ts";
import { latin1Decode } from "../helpers/resp.ts";
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

// -------------------------------------------------------------------------------------------------
// What Redis Sentinel and operators rely on, compared with real Redis 7.0

/** Field names of INFO replication, in order. */
async function replFieldNames(c: TestClient): Promise<string[]> {
  const text = String(await c.call("INFO", "replication"));
  return text
    .split("\r\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.slice(0, l.indexOf(":")).replace(/^slave\d+$/, "slaveN"));
}

/** A bare replica connection: PSYNC ? -1 with capa eof, the RDB skipped, then the raw stream. */
class StreamTap {
  private buf = new Uint8Array(0);
  private sock!: Socket<undefined>;

  static async open(port: number): Promise<StreamTap> {
    const t = new StreamTap();
    t.sock = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (_s, d) => {
          const b = new Uint8Array(t.buf.length + d.length);
          b.set(t.buf);
          b.set(d, t.buf.length);
          t.buf = b;
        },
      },
    });
    t.sock.write("REPLCONF capa eof\r\n");
    await until("REPLCONF reply", async () => t.text().startsWith("+OK\r\n"));
    t.buf = t.buf.subarray(5);
    t.sock.write("PSYNC ? -1\r\n");
    // +FULLRESYNC <id> <offset>\r\n$EOF:<40-byte mark>\r\n<rdb><mark>
    await until("RDB", async () => {
      const s = t.text();
      const m = /^\+FULLRESYNC \S+ \d+\r\n\n*\$EOF:(\S{40})\r\n/.exec(s);
      if (m === null) return false;
      const end = s.indexOf(m[1]!, m[0].length);
      if (end < 0) return false;
      t.buf = t.buf.subarray(end + 40);
      return true;
    });
    // Redis puts a diskless replica online at its first ACK.
    t.sock.write("REPLCONF ACK 0\r\n");
    return t;
  }

  text(): string {
    return latin1Decode(this.buf);
  }

  close(): void {
    this.sock.end();
  }
}

describe.skipIf(!have)("what Sentinel and operators rely on, as in Redis 7.0", () => {
  test("INFO replication field names match Redis: primary with a replica, linked replica, replica with its link down", async () => {
    const rp = await redis();
    const rr = await redis(["--replicaof", "127.0.0.1", String(rp.port)]);
    const kp = await kedis();
    const kr = await kedis({ replicaof: `127.0.0.1 ${kp.port}` });
    const [rpc, rrc, kpc, krc] = await Promise.all([rp.client(), rr.client(), kp.client(), kr.client()]);
    await until("redis replica online", async () => (await info(rpc, "slave0")).includes("state=online") && (await info(rrc, "master_link_status")) === "up");
    await until("kedis replica online", async () => (await info(kpc, "slave0")).includes("state=online") && (await info(krc, "master_link_status")) === "up");
    expect(await replFieldNames(kpc)).toEqual(await replFieldNames(rpc));
    expect(await replFieldNames(krc)).toEqual(await replFieldNames(rrc));
    // Link down (nothing listens on port 1): master_link_down_since_seconds appears.
    await rrc.call("REPLICAOF", "127.0.0.1", 1);
    await krc.call("REPLICAOF", "127.0.0.1", 1);
    await until("links down", async () => (await info(rrc, "master_link_status")) === "down" && (await info(krc, "master_link_status")) === "down");
    expect(await replFieldNames(krc)).toEqual(await replFieldNames(rrc));
    expect(await replFieldNames(krc)).toContain("master_link_down_since_seconds");
    // ROLE of a replica whose primary is unreachable.
    const [kRole, rRole] = [(await krc.call("ROLE")) as unknown[], (await rrc.call("ROLE")) as unknown[]];
    expect(kRole.slice(0, 3)).toEqual(rRole.slice(0, 3));
  }, 30_000);

  test("replica-announce-ip/port reach the primary's INFO (what Sentinel reads), both ways with Redis", async () => {
    const kp = await kedis();
    const rp = await redis();
    const kr = await kedis({ "replica-announce-ip": "10.1.2.3", "replica-announce-port": "7777", "replica-announced": "no" });
    const rr = await redis(["--replica-announce-ip", "10.1.2.3", "--replica-announce-port", "7777", "--replica-announced", "no"]);
    const [kpc, rpc, krc, rrc] = await Promise.all([kp.client(), rp.client(), kr.client(), rr.client()]);
    await krc.call("REPLICAOF", "127.0.0.1", rp.port);
    await rrc.call("REPLICAOF", "127.0.0.1", kp.port);
    await until("links up", async () => (await info(rpc, "slave0")).includes("state=online") && (await info(kpc, "slave0")).includes("state=online"));
    for (const c of [rpc, kpc]) expect(await info(c, "slave0")).toMatch(/^ip=10\.1\.2\.3,port=7777,state=online,/);
    expect(await info(krc, "replica_announced")).toBe("0");
    expect(await info(rrc, "replica_announced")).toBe("0");
  }, 30_000);

  test("min-replicas-to-write: writes get NOREPLICAS (queued ones abort EXEC) until a good replica is attached", async () => {
    const d = (await Differ.start({ "min-replicas-to-write": "1", "repl-diskless-sync-delay": "0" }, ["--min-replicas-to-write", "1", "--repl-diskless-sync-delay", "0"]))!;
    cleanup.push(() => d.stop());
    expect(
      await d.run(
        ["SET", "a", "1"],
        ["GET", "a"],
        ["DEL", "a"],
        ["INCR", "n"],
        ["FLUSHALL"],
        ["PUBLISH", "ch", "m"],
        ["PING"],
        ["MULTI"],
        ["SET", "a", "1"],
        ["GET", "a"],
        ["EXEC"],
      ),
    ).toEqual([]);
    // A replica each: writes are accepted again.
    const kr = await kedis();
    const rr = await redis();
    await (await kr.client()).call("REPLICAOF", "127.0.0.1", d.kedis.port);
    await (await rr.client()).call("REPLICAOF", "127.0.0.1", d.redis.port);
    await until("replicas online", async () => (await info(d.k, "slave0")).includes("state=online") && (await info(d.r, "slave0")).includes("state=online"));
    expect(await d.run(["SET", "a", "1"], ["INCR", "n"], ["GET", "a"])).toEqual([]);
    expect(await d.k.call("GET", "a")).toBe("1");
  }, 30_000);

  test("replica-serve-stale-data no: MASTERDOWN for data commands while the link is down, other commands served", async () => {
    // (Set at run time: the start-up probe's PING would get MASTERDOWN.)
    const d = (await Differ.start({ replicaof: "127.0.0.1 1" }, ["--replicaof", "127.0.0.1", "1"]))!;
    cleanup.push(() => d.stop());
    expect(
      await d.run(
        ["CONFIG", "SET", "replica-serve-stale-data", "no"],
        ["GET", "a"],
        ["SET", "a", "b"],
        ["EXISTS", "a"],
        ["KEYS", "*"],
        ["SCAN", "0"],
        ["DBSIZE"],
        ["TYPE", "a"],
        ["PING"],
        ["ECHO", "x"],
        ["SELECT", "1"],
        ["CONFIG", "GET", "replica-serve-stale-data"],
        ["PUBLISH", "c", "m"],
        ["MULTI"],
        ["GET", "a"],
        ["EXEC"],
        ["CONFIG", "SET", "replica-serve-stale-data", "yes"],
        ["GET", "a"],
      ),
    ).toEqual([]);
  }, 30_000);

  test("Sentinel's reconfiguration transaction (REPLICAOF, CONFIG REWRITE, CLIENT KILL TYPE normal/pubsub in MULTI) replies as Redis", async () => {
    const d = (await Differ.start())!;
    cleanup.push(() => d.stop());
    // A subscriber and a normal client on each: CLIENT KILL TYPE pubsub/normal count them.
    const subs = [await d.kedis.client(), await d.redis.client()];
    for (const s of subs) {
      s.send("SUBSCRIBE", "__sentinel__:hello");
      await s.reply();
    }
    const others = [await d.kedis.client(), await d.redis.client()];
    for (const o of others) await o.call("PING");
    const tx = (...first: (string | number)[][]) => [["MULTI"], ...first, ["CONFIG", "REWRITE"], ["CLIENT", "KILL", "TYPE", "normal"], ["CLIENT", "KILL", "TYPE", "pubsub"], ["EXEC"]];
    expect(await d.run(...tx(["REPLICAOF", "127.0.0.1", 1]))).toEqual([]);
    for (const c of [...subs, ...others]) await c.waitClosed();
    expect(await d.run(["CONFIG", "GET", "replicaof"], ["CLIENT", "KILL", "TYPE", "master"], ["CLIENT", "KILL", "TYPE", "replica"], ["PING"])).toEqual([]);
    expect(await d.run(...tx(["REPLICAOF", "NO", "ONE"]), ["CONFIG", "GET", "replicaof"])).toEqual([]);
  }, 30_000);

  test("CONFIG REWRITE after REPLICAOF writes the replicaof line, and blanks it after REPLICAOF NO ONE", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kedis-repl-rewrite-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "kedis.conf");
    writeFileSync(file, "# mine\nport 0\n");
    const k = await startKedis({ configFile: file, config: { dir, "repl-diskless-sync-delay": "0" } });
    cleanup.push(() => k.stop());
    const c = await k.client();
    await c.call("MULTI");
    await c.call("REPLICAOF", "127.0.0.1", 1);
    await c.call("CONFIG", "REWRITE");
    expect(await c.call("EXEC")).toEqual(["OK", "OK"]);
    expect(readFileSync(file, "latin1")).toContain("\nreplicaof 127.0.0.1 1\n");
    await c.call("MULTI");
    await c.call("REPLICAOF", "NO", "ONE");
    await c.call("CONFIG", "REWRITE");
    expect(await c.call("EXEC")).toEqual(["OK", "OK"]);
    expect(readFileSync(file, "latin1")).not.toContain("replicaof");
  }, 30_000);

  test("the replication stream matches Redis byte for byte: SELECT, PUBLISH to replicas, MULTI/EXEC only around several commands", async () => {
    const d = (await Differ.start({ "repl-diskless-sync-delay": "0" }, ["--repl-diskless-sync-delay", "0"]))!;
    cleanup.push(() => d.stop());
    const taps = [await StreamTap.open(d.kedis.port), await StreamTap.open(d.redis.port)];
    cleanup.push(async () => taps.forEach((t) => t.close()));
    await until("both replicas online", async () => (await info(d.k, "slave0")).includes("state=online") && (await info(d.r, "slave0")).includes("state=online"));
    expect(
      await d.run(
        ["SET", "a", "1"],
        ["PUBLISH", "ch", "hi"],
        ["SELECT", "2"],
        ["publish", "ch", "lower"],
        ["SPUBLISH", "sh", "x"],
        ["MULTI"],
        ["SET", "k", "v"],
        ["EXEC"],
        ["MULTI"],
        ["PUBLISH", "c", "v"],
        ["PUBLISH", "c", "w"],
        ["EXEC"],
        ["MULTI"],
        ["SET", "x", "1"],
        ["GET", "x"],
        ["PUBLISH", "c", "z"],
        ["EXEC"],
        ["SELECT", "0"],
        ["SET", "end", "1"],
      ),
    ).toEqual([]);
    const ping = "*1\r\n$4\r\nPING\r\n";
    await until("streams complete", async () => taps.every((t) => t.text().endsWith("$3\r\nend\r\n$1\r\n1\r\n")));
    const [ks, rs] = taps.map((t) => t.text().replaceAll(ping, ""));
    expect(ks).toBe(rs!);
    expect(ks).toContain("PUBLISH");
  }, 30_000);

  test("SYNC/PSYNC pipelined after another command is refused with pending output, as Redis", async () => {
    const d = (await Differ.start())!;
    cleanup.push(() => d.stop());
    for (const c of [d.k, d.r]) c.write("PING\r\nPSYNC ? -1\r\nPING\r\n");
    const replies = await Promise.all([d.k, d.r].map(async (c) => [await c.reply(), await c.reply(), await c.reply()]));
    expect(replies[0]).toEqual(replies[1]!);
    expect(replies[0]![1]).toEqual({ error: "ERR SYNC and PSYNC are invalid with pending output" });
  }, 30_000);
});

describe("Kedis replica link as a client", () => {
  test("CLIENT LIST shows the primary's link (flags=M); CLIENT KILL TYPE master drops it and it continues with PSYNC", async () => {
    const a = await kedis();
    const b = await kedis();
    const ac = await a.client();
    const bc = await b.client();
    await bc.call("REPLICAOF", "127.0.0.1", a.port);
    await until("B up", async () => b.server.replica?.linkUp === true);
    await ac.call("SELECT", 4);
    await ac.call("SET", "k1", "v1");
    await until("B caught up", async () => b.server.replica?.offset === a.server.repl.offset);
    const list = String(await bc.call("CLIENT", "LIST", "TYPE", "master"));
    expect(list).toContain(`addr=127.0.0.1:${a.port} `);
    expect(list).toContain(" flags=M ");
    expect(list).toContain(" db=4 ");
    expect(await info(bc, "connected_slaves")).toBe("0");
    expect(String(await bc.call("INFO", "clients"))).toContain("connected_clients:2\r\n");
    expect(String(await ac.call("INFO", "clients"))).toContain("connected_clients:1\r\n");
    const partial = a.server.repl.stats.partialOk;
    expect(await bc.call("CLIENT", "KILL", "TYPE", "master")).toBe(1);
    // The stream continues in db 4 without a new SELECT: the link keeps its database.
    await ac.call("SET", "k2", "v2");
    await until("B continued", async () => b.server.replica?.linkUp === true && b.server.replica.offset === a.server.repl.offset);
    expect(a.server.repl.stats.partialOk).toBe(partial + 1);
    await bc.call("SELECT", 4);
    expect(await bc.call("MGET", "k1", "k2")).toEqual(["v1", "v2"]);
  }, 30_000);
});
