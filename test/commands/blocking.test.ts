/**
 * Blocking commands over real sockets: FIFO service, wake-ups by pushes and moves, timeouts on a
 * fake clock, disconnects, pipelining after a blocked command, CLIENT UNBLOCK, MULTI, the
 * blocked_clients counter and the non-blocking form that gets propagated.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { unblockClient } from "../../src/server/blocking.ts";
import { CF_MULTI, type Client } from "../../src/server/client.ts";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle | null = null;
let now = 1_000_000;

async function start(): Promise<KedisHandle> {
  now = 1_000_000;
  k = await startKedis({ clock: () => now, cron: false });
  return k;
}

afterEach(async () => {
  await k?.stop();
  k = null;
});

/** Wait (bounded) until the server reaches a state; event-driven, no timing assumption. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Connect and return the client with its server-side Client. */
async function connect(h: KedisHandle): Promise<[TestClient, Client]> {
  const before = new Set(h.server.clients.keys());
  const c = await h.client();
  await c.call("PING");
  const sc = [...h.server.clients.values()].find((x) => !before.has(x.id))!;
  return [c, sc];
}

const enc = (s: string) => new TextEncoder().encode(s);

describe("blocking list commands", () => {
  test("several clients blocked on one key are served in FIFO order by one push", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [b] = await connect(h);
    const [c] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "q", "0");
    await until(() => h.server.blockedClients === 1, "a blocked");
    b.send("BLPOP", "q", "0");
    await until(() => h.server.blockedClients === 2, "b blocked");
    c.send("BRPOP", "q", "0");
    await until(() => h.server.blockedClients === 3, "c blocked");
    expect(h.server.blocking.waitingOn(h.server.ks.dbs[0]!, enc("q"))).toBe(3);
    expect(await m.call("LPUSH", "q", "1", "2", "3", "4")).toBe(4);
    expect(await a.reply()).toEqual(["q", "4"]);
    expect(await b.reply()).toEqual(["q", "3"]);
    expect(await c.reply()).toEqual(["q", "1"]);
    expect(h.server.blockedClients).toBe(0);
    expect(await m.call("LRANGE", "q", "0", "-1")).toEqual(["2"]);
  });

  test("a client blocked on several keys is served by the first that gets data and leaves the other queues", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "k1", "k2", "k1", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    const db = h.server.ks.dbs[0]!;
    expect(h.server.blocking.waitingOn(db, enc("k1"))).toBe(1);
    await m.call("RPUSH", "k2", "v");
    expect(await a.reply()).toEqual(["k2", "v"]);
    expect(h.server.blocking.waitingOn(db, enc("k1"))).toBe(0);
    expect(await m.call("RPUSH", "k1", "x")).toBe(1);
    expect(await m.call("LLEN", "k1")).toBe(1);
  });

  test("LMOVE into the key wakes the client; BRPOPLPUSH chains serve each other", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [b] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "dst", "0");
    await until(() => h.server.blockedClients === 1, "a blocked");
    await m.call("RPUSH", "src", "moved");
    expect(await m.call("LMOVE", "src", "dst", "LEFT", "RIGHT")).toBe("moved");
    expect(await a.reply()).toEqual(["dst", "moved"]);

    a.send("BRPOPLPUSH", "c1", "c2", "0");
    await until(() => h.server.blockedClients === 1, "a blocked");
    b.send("BLMOVE", "c2", "c3", "RIGHT", "LEFT", "0");
    await until(() => h.server.blockedClients === 2, "b blocked");
    await m.call("LPUSH", "c1", "x");
    expect(await a.reply()).toBe("x");
    expect(await b.reply()).toBe("x");
    expect(await m.call("LRANGE", "c3", "0", "-1")).toEqual(["x"]);
    expect(await m.call("LLEN", "c2")).toBe(0);
  });

  test("BLMOVE into a destination of another type replies WRONGTYPE and leaves the element", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [m] = await connect(h);
    await m.call("SET", "dst", "str");
    a.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("RPUSH", "src", "v1", "v2");
    expect(await a.reply()).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
    expect(h.server.blockedClients).toBe(0);
    expect(await m.call("LRANGE", "src", "0", "-1")).toEqual(["v1", "v2"]);
  });

  test("a key created with another type keeps its clients blocked", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "q", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("SET", "q", "string");
    await m.call("PING");
    expect(h.server.blockedClients).toBe(1);
    expect(a.idle).toBe(true);
  });

  test("timeouts follow the fake clock exactly: null array in RESP2, null in RESP3", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [b, sb] = await connect(h);
    sb.resp = 3;
    a.send("BLPOP", "q", "1.5");
    b.send("BLMOVE", "q", "d", "LEFT", "LEFT", "0.0001");
    await until(() => h.server.blockedClients === 2, "blocked");
    now += 1;
    h.server.cron();
    expect(await b.raw()).toEqual(enc("_\r\n"));
    expect(h.server.blockedClients).toBe(1);
    now += 1498;
    h.server.cron();
    await new Promise((r) => setTimeout(r, 5));
    expect(a.idle).toBe(true);
    expect(h.server.blockedClients).toBe(1);
    now += 1;
    h.server.cron();
    expect(await a.raw()).toEqual(enc("*-1\r\n"));
    expect(h.server.blockedClients).toBe(0);
  });

  test("timeout 0 waits forever; invalid timeouts are refused with Redis's texts", async () => {
    const h = await start();
    const [a] = await connect(h);
    expect(await a.call("BLPOP", "q", "-1")).toEqual({ error: "ERR timeout is negative" });
    expect(await a.call("BLPOP", "q", "x")).toEqual({ error: "ERR timeout is not a float or out of range" });
    expect(await a.call("BLPOP", "q", "inf")).toEqual({ error: "ERR timeout is negative" });
    expect(h.server.blockedClients).toBe(0);
    a.send("BLPOP", "q", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    now += 10 ** 12;
    h.server.cron();
    expect(h.server.blockedClients).toBe(1);
  });

  test("commands pipelined after a blocking command run after it is served, in order", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "q", "0");
    a.send("LLEN", "q");
    a.send("RPUSH", "q", "after");
    a.send("PING");
    await until(() => h.server.blockedClients === 1, "blocked");
    expect(a.idle).toBe(true);
    await m.call("RPUSH", "q", "x", "y");
    expect(await a.reply()).toEqual(["q", "x"]);
    expect(await a.reply()).toBe(1);
    expect(await a.reply()).toBe(2);
    expect(await a.reply()).toBe("PONG");
  });

  test("a client that disconnects while blocked leaves the queues and the counter", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [b] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "q", "0");
    b.send("BLPOP", "q", "5");
    await until(() => h.server.blockedClients === 2, "blocked");
    a.close();
    await until(() => h.server.blockedClients === 1, "a gone");
    b.close();
    await until(() => h.server.blockedClients === 0, "b gone");
    expect(h.server.blocking.waitingOn(h.server.ks.dbs[0]!, enc("q"))).toBe(0);
    await m.call("RPUSH", "q", "x");
    expect(await m.call("LLEN", "q")).toBe(1);
    now += 10_000;
    h.server.cron();
    expect(h.server.blockedClients).toBe(0);
  });

  test("CLIENT UNBLOCK semantics: TIMEOUT replies null, ERROR replies -UNBLOCKED, unblocked clients resume", async () => {
    const h = await start();
    const [a, sa] = await connect(h);
    a.send("BLPOP", "q", "0");
    a.send("PING");
    await until(() => h.server.blockedClients === 1, "blocked");
    expect(unblockClient(h.server, sa.id, true)).toBe(true);
    expect(await a.reply()).toEqual({ error: "UNBLOCKED client unblocked via CLIENT UNBLOCK" });
    expect(await a.reply()).toBe("PONG");
    a.send("BRPOP", "q", "0");
    await until(() => h.server.blockedClients === 1, "blocked again");
    expect(unblockClient(h.server, sa.id, false)).toBe(true);
    expect(await a.reply()).toBeNull();
    expect(unblockClient(h.server, sa.id, false)).toBe(false);
    expect(unblockClient(h.server, 99999, false)).toBe(false);
    expect(h.server.blockedClients).toBe(0);
  });

  test("inside MULTI (or a script) blocking commands answer at once as if timed out", async () => {
    const h = await start();
    const [a] = await connect(h);
    expect(await a.call("MULTI")).toBe("OK");
    for (const cmd of [["BLPOP", "q", "0"], ["BLMPOP", "0", "1", "q", "LEFT"], ["BLMOVE", "q", "d", "LEFT", "LEFT", "0"], ["BRPOPLPUSH", "q", "d", "0"]]) {
      expect(await a.call(...cmd)).toBe("QUEUED");
    }
    expect(await a.callRaw("EXEC")).toBe("*4\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n");
    expect(h.server.blockedClients).toBe(0);
  });

  test("served and immediate pops propagate as their non-blocking forms (as Redis 7.0 writes its AOF)", async () => {
    const h = await start();
    const log: string[] = [];
    h.server.propagators.push((_db, argv) => log.push(argv.map((x) => new TextDecoder().decode(x)).join(" ")));
    const [a] = await connect(h);
    const [m] = await connect(h);
    a.send("BLPOP", "q", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("RPUSH", "q", "1");
    await a.reply();
    a.send("BLMPOP", "0", "2", "x", "q", "RIGHT", "COUNT", "3");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("RPUSH", "q", "1", "2");
    expect(await a.reply()).toEqual(["q", ["2", "1"]]);
    a.send("BLMOVE", "s", "d", "LEFT", "RIGHT", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("RPUSH", "s", "v");
    await a.reply();
    a.send("BRPOPLPUSH", "s", "d", "0");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("RPUSH", "s", "v");
    await a.reply();
    await m.call("RPUSH", "q", "z");
    await a.call("BRPOP", "q", "0");
    await m.call("RPUSH", "s", "w");
    await a.call("BLMOVE", "s", "d", "RIGHT", "Left", "0");
    await m.call("RPUSH", "q", "z", "y");
    await a.call("LMPOP", "1", "q", "LEFT", "COUNT", "5");
    expect(log).toEqual([
      "RPUSH q 1",
      "LPOP q",
      "RPUSH q 1 2",
      "RPOP q 2",
      "RPUSH s v",
      "LMOVE s d left right",
      "RPUSH s v",
      "RPOPLPUSH s d",
      "RPUSH q z",
      "RPOP q",
      "RPUSH s w",
      "LMOVE s d RIGHT Left",
      "RPUSH q z y",
      "LPOP q 2",
    ]);
    expect(h.server.dirty).toBeGreaterThan(0);
  });

  test("a real-clock timeout fires without cron (the precise timer)", async () => {
    k = await startKedis({ cron: false });
    const [a] = await connect(k);
    const t0 = Date.now();
    expect(await a.callRaw("BLPOP", "q", "0.05")).toBe("*-1\r\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(k.server.blockedClients).toBe(0);
  });
});
