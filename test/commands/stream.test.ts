/**
 * Stream commands over real sockets, where real Redis cannot be the oracle of the moment: fake
 * clock timeouts and idle times, the blocked_clients counter, FIFO service of XREADGROUP
 * waiters, CLIENT UNBLOCK, disconnects, keyspace events, what is propagated (also inside
 * MULTI/EXEC), WATCH, COPY of a stream with groups, encodings, and a large stream read in pages.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { unblockClient } from "../../src/server/blocking.ts";
import type { Client } from "../../src/server/client.ts";
import type { TestClient } from "../helpers/client.ts";
import { captureEvents, captureWrites } from "../helpers/inspect.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle | null = null;
let now = 1_000_000;

async function start(config: Record<string, string> = {}): Promise<KedisHandle> {
  now = 1_000_000;
  k = await startKedis({ clock: () => now, cron: false, config });
  return k;
}

afterEach(async () => {
  await k?.stop();
  k = null;
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function connect(h: KedisHandle): Promise<[TestClient, Client]> {
  const before = new Set(h.server.clients.keys());
  const c = await h.client();
  await c.call("PING");
  const sc = [...h.server.clients.values()].find((x) => !before.has(x.id))!;
  return [c, sc];
}

describe("XADD and reads", () => {
  test("XADD * uses the server clock and increments the sequence within a millisecond", async () => {
    const h = await start();
    const [c] = await connect(h);
    expect(await c.call("XADD", "s", "*", "a", "1")).toBe("1000000-0");
    expect(await c.call("XADD", "s", "*", "a", "2")).toBe("1000000-1");
    now = 999_000; // clock going backwards: IDs keep increasing
    expect(await c.call("XADD", "s", "*", "a", "3")).toBe("1000000-2");
    now = 1_000_005;
    expect(await c.call("XADD", "s", "*", "a", "4")).toBe("1000005-0");
    expect(await c.call("TYPE", "s")).toBe("stream");
    expect(await c.call("OBJECT", "ENCODING", "s")).toBe("stream");
  });

  test("a stream of 20,000 entries reads back in pages, forward and backward", async () => {
    const h = await start();
    const [c] = await connect(h);
    for (let i = 1; i <= 20_000; i++) c.send("XADD", "big", `${i}-0`, "n", String(i));
    for (let i = 1; i <= 20_000; i++) await c.reply();
    expect(await c.call("XLEN", "big")).toBe(20_000);
    let cursor = "-";
    let seen = 0;
    for (;;) {
      const page = (await c.call("XRANGE", "big", cursor, "+", "COUNT", "997")) as [string, string[]][];
      if (page.length === 0) break;
      for (const [id, fields] of page) {
        seen++;
        expect(id).toBe(`${seen}-0`);
        expect(fields).toEqual(["n", String(seen)]);
      }
      cursor = `(${page[page.length - 1]![0]}`;
    }
    expect(seen).toBe(20_000);
    const tail = (await c.call("XREVRANGE", "big", "+", "-", "COUNT", "3")) as [string, string[]][];
    expect(tail.map((e) => e[0])).toEqual(["20000-0", "19999-0", "19998-0"]);
    // Approximate trims stop at the default LIMIT (100 x stream-node-max-entries), as Redis does.
    expect(await c.call("XTRIM", "big", "MAXLEN", "~", "1000")).toBe(10_000);
    expect(await c.call("XTRIM", "big", "MAXLEN", "~", "1000")).toBe(9_000);
    expect(await c.call("XLEN", "big")).toBe(1000);
  });
});

describe("consumer groups and the clock", () => {
  test("XPENDING idle times, XCLAIM min-idle and XINFO CONSUMERS follow the server clock", async () => {
    const h = await start();
    const [c] = await connect(h);
    await c.call("XADD", "s", "1-1", "a", "b");
    await c.call("XADD", "s", "2-1", "a", "b");
    await c.call("XGROUP", "CREATE", "s", "g", "0");
    await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
    now += 5000;
    expect(await c.call("XPENDING", "s", "g", "-", "+", "10")).toEqual([
      ["1-1", "alice", 5000, 1],
      ["2-1", "alice", 5000, 1],
    ]);
    expect(await c.call("XPENDING", "s", "g", "IDLE", "5001", "-", "+", "10")).toEqual([]);
    expect(await c.call("XCLAIM", "s", "g", "bob", "6000", "1-1", "JUSTID")).toEqual([]);
    expect(await c.call("XCLAIM", "s", "g", "bob", "5000", "1-1", "JUSTID")).toEqual(["1-1"]);
    now += 100;
    expect(await c.call("XINFO", "CONSUMERS", "s", "g")).toEqual([
      ["name", "alice", "pending", 1, "idle", 5100],
      ["name", "bob", "pending", 1, "idle", 100],
    ]);
    expect(await c.call("XAUTOCLAIM", "s", "g", "carol", "5100", "0", "JUSTID")).toEqual(["0-0", ["2-1"], []]);
    expect(await c.call("XPENDING", "s", "g")).toEqual([2, "1-1", "2-1", [["bob", "1"], ["carol", "1"]]]);
  });

  test("COPY duplicates groups, consumers and PELs independently", async () => {
    const h = await start();
    const [c] = await connect(h);
    await c.call("XADD", "s", "1-1", "a", "b");
    await c.call("XGROUP", "CREATE", "s", "g", "0");
    await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
    expect(await c.call("COPY", "s", "t")).toBe(1);
    await c.call("XACK", "t", "g", "1-1");
    await c.call("XADD", "t", "2-1", "x", "y");
    expect(await c.call("XPENDING", "s", "g")).toEqual([1, "1-1", "1-1", [["alice", "1"]]]);
    expect(await c.call("XPENDING", "t", "g")).toEqual([0, null, null, null]);
    expect(await c.call("XLEN", "s")).toBe(1);
    expect(await c.call("XLEN", "t")).toBe(2);
  });
});

describe("blocking XREAD / XREADGROUP", () => {
  test("timeouts follow the fake clock; blocked_clients is exact", async () => {
    const h = await start();
    const [a] = await connect(h);
    a.send("XREAD", "BLOCK", "1500", "STREAMS", "s", "$");
    await until(() => h.server.blockedClients === 1, "blocked");
    now += 1499;
    h.server.cron();
    expect(h.server.blockedClients).toBe(1);
    now += 1;
    h.server.cron();
    expect(await a.reply()).toBeNull();
    expect(h.server.blockedClients).toBe(0);
    expect(await a.call("XREAD", "BLOCK", "-1", "STREAMS", "s", "$")).toEqual({ error: "ERR timeout is negative" });
    expect(await a.call("XREAD", "BLOCK", "1.5", "STREAMS", "s", "$")).toEqual({ error: "ERR timeout is not an integer or out of range" });
  });

  test("XREADGROUP waiters are served in FIFO order, one new entry each", async () => {
    const h = await start();
    const [m] = await connect(h);
    await m.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    const waiters: TestClient[] = [];
    for (const name of ["w1", "w2", "w3"]) {
      const [w] = await connect(h);
      w.send("XREADGROUP", "GROUP", "g", name, "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">");
      waiters.push(w);
      await until(() => h.server.blockedClients === waiters.length, `${name} blocked`);
    }
    await m.call("XADD", "s", "1-1", "job", "1");
    expect(await waiters[0]!.reply()).toEqual([["s", [["1-1", ["job", "1"]]]]]);
    expect(h.server.blockedClients).toBe(2);
    await m.call("XADD", "s", "2-1", "job", "2");
    await m.call("XADD", "s", "3-1", "job", "3");
    expect(await waiters[1]!.reply()).toEqual([["s", [["2-1", ["job", "2"]]]]]);
    expect(await waiters[2]!.reply()).toEqual([["s", [["3-1", ["job", "3"]]]]]);
    expect(await m.call("XPENDING", "s", "g")).toEqual([3, "1-1", "3-1", [["w1", "1"], ["w2", "1"], ["w3", "1"]]]);
  });

  test("pipelined commands after a blocked read run once it is served", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [m] = await connect(h);
    a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
    a.send("XLEN", "s");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("XADD", "s", "7-7", "a", "b");
    expect(await a.reply()).toEqual([["s", [["7-7", ["a", "b"]]]]]);
    expect(await a.reply()).toBe(1);
  });

  test("CLIENT UNBLOCK and disconnects release blocked readers", async () => {
    const h = await start();
    const [a, sa] = await connect(h);
    a.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
    expect(await a.reply()).toEqual({ error: "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option" });
    const [m] = await connect(h);
    await m.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    a.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
    await until(() => h.server.blockedClients === 1, "blocked");
    expect(unblockClient(h.server, sa.id, false)).toBe(true);
    expect(await a.reply()).toBeNull();
    a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
    await until(() => h.server.blockedClients === 1, "blocked again");
    expect(unblockClient(h.server, sa.id, true)).toBe(true);
    expect(await a.reply()).toEqual({ error: "UNBLOCKED client unblocked via CLIENT UNBLOCK" });
    const [b] = await connect(h);
    b.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">");
    await until(() => h.server.blockedClients === 1, "b blocked");
    b.close();
    await until(() => h.server.blockedClients === 0, "b gone");
    await m.call("XADD", "s", "1-1", "a", "b");
    expect(await m.call("XPENDING", "s", "g")).toEqual([0, null, null, null]);
  });

  test("a served XREADGROUP propagates its XCLAIMs (MULTI-wrapped when several)", async () => {
    const h = await start();
    const writes = captureWrites(h.server);
    const [m] = await connect(h);
    await m.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    const [w] = await connect(h);
    w.send("XREADGROUP", "GROUP", "g", "w", "BLOCK", "0", "STREAMS", "s", ">");
    await until(() => h.server.blockedClients === 1, "blocked");
    await m.call("MULTI");
    await m.call("XADD", "s", "1-1", "a", "b");
    await m.call("XADD", "s", "1-2", "a", "b");
    await m.call("EXEC");
    await w.reply();
    expect(writes.slice(1)).toEqual([
      "0: MULTI",
      "0: XADD s 1-1 a b",
      "0: XADD s 1-2 a b",
      "0: EXEC",
      "0: MULTI",
      "0: XCLAIM s g w 0 1-1 TIME 1000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
      "0: XCLAIM s g w 0 1-2 TIME 1000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1-2",
      "0: EXEC",
    ]);
  });
});

describe("effects", () => {
  test("keyspace events use Redis's names", async () => {
    const h = await start();
    const events = captureEvents(h.server);
    const [c] = await connect(h);
    await c.call("XADD", "s", "MAXLEN", "1", "1-1", "a", "b");
    await c.call("XADD", "s", "MAXLEN", "1", "2-1", "a", "b");
    await c.call("XDEL", "s", "2-1");
    await c.call("XADD", "s", "3-1", "a", "b");
    await c.call("XTRIM", "s", "MAXLEN", "0");
    await c.call("XSETID", "s", "9-9");
    await c.call("XGROUP", "CREATE", "s", "g", "0");
    await c.call("XGROUP", "SETID", "s", "g", "0");
    await c.call("XGROUP", "CREATECONSUMER", "s", "g", "c1");
    await c.call("XGROUP", "DELCONSUMER", "s", "g", "c1");
    await c.call("XADD", "s", "10-1", "a", "b");
    await c.call("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">");
    await c.call("XGROUP", "DESTROY", "s", "g");
    expect(events.filter((e) => !e.startsWith("keyspace"))).toEqual([
      "xadd:s",
      "xadd:s",
      "xtrim:s",
      "xdel:s",
      "xadd:s",
      "xtrim:s",
      "xsetid:s",
      "xgroup-create:s",
      "xgroup-setid:s",
      "xgroup-createconsumer:s",
      "xgroup-delconsumer:s",
      "xadd:s",
      "xgroup-createconsumer:s",
      "xgroup-destroy:s",
    ]);
  });

  test("XREADGROUP inside MULTI propagates its XCLAIMs within the transaction's MULTI/EXEC", async () => {
    const h = await start();
    const [c] = await connect(h);
    await c.call("XADD", "s", "1-1", "a", "b");
    await c.call("XADD", "s", "2-1", "a", "b");
    await c.call("XGROUP", "CREATE", "s", "g", "0");
    const writes = captureWrites(h.server);
    await c.call("MULTI");
    await c.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
    await c.call("XACK", "s", "g", "1-1");
    await c.call("EXEC");
    expect(writes).toEqual([
      "0: MULTI",
      "0: XCLAIM s g c 0 1-1 TIME 1000000 RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
      "0: XCLAIM s g c 0 2-1 TIME 1000000 RETRYCOUNT 1 FORCE JUSTID LASTID 2-1",
      "0: XACK s g 1-1",
      "0: EXEC",
    ]);
  });

  test("XADD touches WATCHed keys; group bookkeeping (XREADGROUP, XACK, XSETID) does not, as in Redis 7.0", async () => {
    const h = await start();
    const [a] = await connect(h);
    const [b] = await connect(h);
    await a.call("XADD", "s", "1-1", "a", "b");
    await a.call("XGROUP", "CREATE", "s", "g", "0");
    for (const cmd of [["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"], ["XACK", "s", "g", "1-1"], ["XSETID", "s", "5-5"], ["XGROUP", "SETID", "s", "g", "0"]]) {
      await a.call("WATCH", "s");
      await b.call(...cmd);
      await a.call("MULTI");
      await a.call("XLEN", "s");
      expect(await a.call("EXEC")).toEqual([1]);
    }
    await a.call("WATCH", "s");
    await b.call("XADD", "s", "6-1", "a", "b");
    await a.call("MULTI");
    await a.call("XLEN", "s");
    expect(await a.call("EXEC")).toBeNull();
  });
});
