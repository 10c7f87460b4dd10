/**
 * Client-side caching: CLIENT TRACKING | CACHING | GETREDIR | TRACKINGINFO and invalidation
 * messages. Expected bytes and texts were taken from redis-server 7.0.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";
import { clientId, hasCommand, rawFrames, useResp3 } from "../helpers/pubsub.ts";
import { latin1Decode } from "../helpers/resp.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

const inval = (...keys: string[]) => `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((x) => `$${x.length}\r\n${x}\r\n`).join("")}`;
const INVAL_NULL = ">2\r\n$10\r\ninvalidate\r\n_\r\n";

async function resp3Client(): Promise<TestClient> {
  const c = await k.client();
  await useResp3(k.server, c);
  return c;
}

/** Frames received before the reply to a PING sentinel (RESP3 +PONG). */
async function framesBeforePong(c: TestClient): Promise<string[]> {
  c.send("PING");
  const out: string[] = [];
  for (;;) {
    const f = latin1Decode(await c.raw());
    if (f === "+PONG\r\n") return out;
    out.push(f);
  }
}

describe("CLIENT TRACKING errors", () => {
  test("option errors are Redis's texts", async () => {
    const c = await k.client();
    const err = async (...args: string[]) => c.callRaw("CLIENT", ...args);
    expect(await err("TRACKING")).toBe("-ERR wrong number of arguments for 'client|tracking' command\r\n");
    expect(await err("TRACKING", "foo")).toBe("-ERR syntax error\r\n");
    expect(await err("TRACKING", "maybe", "optin")).toBe("-ERR syntax error\r\n");
    expect(await err("TRACKING", "on", "redirect")).toBe("-ERR syntax error\r\n");
    expect(await err("TRACKING", "on", "optin", "optout")).toBe("-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n");
    expect(await err("TRACKING", "on", "prefix", "a")).toBe("-ERR PREFIX option requires BCAST mode to be enabled\r\n");
    expect(await err("TRACKING", "on", "bcast", "prefix", "a", "prefix", "ab")).toBe(
      "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.\r\n",
    );
    expect(await err("TRACKING", "on", "redirect", "999999")).toBe("-ERR The client ID you want redirect to does not exist\r\n");
    expect(await err("TRACKING", "off", "redirect", "999999")).toBe("-ERR The client ID you want redirect to does not exist\r\n");
    expect(await err("TRACKING", "on", "redirect", "x")).toBe("-ERR value is not an integer or out of range\r\n");
    const me = String(await clientId(k.server, c));
    expect(await err("TRACKING", "on", "redirect", me, "redirect", me)).toBe("-ERR A client can only redirect to a single other client\r\n");
    expect(await err("TRACKING", "on", "bcast", "optin")).toBe("-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n");
    expect(await err("CACHING", "yes")).toBe(
      "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n",
    );
    expect(await err("CACHING")).toBe("-ERR wrong number of arguments for 'client|caching' command\r\n");
    expect(await err("TRACKING", "on")).toBe("+OK\r\n");
    expect(await err("CACHING", "yes")).toBe("-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n");
    expect(await err("CACHING", "no")).toBe("-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n");
    expect(await err("TRACKING", "on", "bcast")).toBe(
      "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n",
    );
    expect(await err("TRACKING", "on", "optin")).toBe("+OK\r\n");
    expect(await err("CACHING", "maybe")).toBe("-ERR syntax error\r\n");
    expect(await err("TRACKING", "on", "optout")).toBe(
      "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n",
    );
    expect(await err("TRACKING", "off")).toBe("+OK\r\n");
    expect(await err("TRACKING", "on", "bcast", "prefix", "a")).toBe("+OK\r\n");
    expect(await err("TRACKING", "on", "bcast", "prefix", "ab")).toBe(
      "-ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.\r\n",
    );
    expect(await err("TRACKING", "on", "bcast", "prefix", "a")).toBe(
      "-ERR Prefix 'a' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.\r\n",
    );
    expect(await err("TRACKING", "off", "optin", "optout")).toBe("+OK\r\n");
  });
});

describe("CLIENT TRACKINGINFO and GETREDIR", () => {
  test("RESP2 and RESP3 shapes", async () => {
    const c = await k.client();
    expect(await c.callRaw("CLIENT", "GETREDIR")).toBe(":-1\r\n");
    expect(await c.callRaw("CLIENT", "TRACKINGINFO")).toBe("*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
    await c.call("CLIENT", "TRACKING", "on", "optout", "noloop");
    await c.call("CLIENT", "CACHING", "no");
    expect(await c.callRaw("CLIENT", "TRACKINGINFO")).toBe(
      "*6\r\n$5\r\nflags\r\n*4\r\n$2\r\non\r\n$6\r\noptout\r\n$10\r\ncaching-no\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    expect(await c.callRaw("CLIENT", "GETREDIR")).toBe(":0\r\n");
    const r = await resp3Client();
    const rid = await clientId(k.server, r);
    await r.call("CLIENT", "TRACKING", "on", "bcast", "prefix", "b", "prefix", "a", "redirect", String(rid));
    expect(await r.callRaw("CLIENT", "TRACKINGINFO")).toBe(
      `%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:${rid}\r\n$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n`,
    );
    expect(await r.callRaw("CLIENT", "GETREDIR")).toBe(`:${rid}\r\n`);
  });
});

describe("invalidation (default mode)", () => {
  test("a key read by a RESP3 client is invalidated once when another client changes it", async () => {
    const t = await resp3Client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on");
    expect(await t.call("GET", "k1")).toBeNull();
    await w.call("SET", "k1", "x");
    expect(latin1Decode(await t.raw())).toBe(inval("k1"));
    // Forgotten after one invalidation until read again.
    await w.call("SET", "k1", "y");
    expect(await framesBeforePong(t)).toEqual([]);
    // Keys are tracked by name across databases, as in Redis.
    await t.call("GET", "k1");
    await w.call("SELECT", "6");
    await w.call("SET", "k1", "z");
    expect(latin1Decode(await t.raw())).toBe(inval("k1"));
  });

  test("the client's own write: invalidation after the reply; NOLOOP: none", async () => {
    const t = await resp3Client();
    await t.call("CLIENT", "TRACKING", "on");
    await t.call("GET", "k2");
    t.send("SET", "k2", "1");
    expect(await rawFrames(t, 2)).toEqual(["+OK\r\n", inval("k2")]);
    // Inside MULTI/EXEC: after the whole EXEC reply.
    await t.call("GET", "k2");
    await t.call("MULTI");
    await t.call("GET", "k2");
    await t.call("SET", "k2", "2");
    t.send("EXEC");
    expect(await rawFrames(t, 2)).toEqual(["*2\r\n$1\r\n1\r\n+OK\r\n", inval("k2")]);
    // The write inside EXEC did not re-track the key: a later change sends nothing.
    const w = await k.client();
    await w.call("SET", "k2", "later");
    expect(await framesBeforePong(t)).toEqual([]);
    await t.call("CLIENT", "TRACKING", "on", "noloop");
    await t.call("GET", "k2");
    await t.call("SET", "k2", "3");
    expect(await framesBeforePong(t)).toEqual([]);
  });

  test("RESP2 without redirect receives nothing", async () => {
    const t = await k.client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on");
    await t.call("GET", "k3");
    await w.call("SET", "k3", "1");
    expect(await t.callRaw("PING")).toBe("+PONG\r\n");
    expect(k.server.tracking.isTracked(new TextEncoder().encode("k3"), await clientId(k.server, t))).toBe(false);
  });

  test("a flush sends a null invalidation to every tracking client and forgets all keys", async () => {
    const t = await resp3Client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on");
    await t.call("GET", "k4");
    k.server.signalDbChanged(0);
    k.server.flushPending();
    expect(latin1Decode(await t.raw())).toBe(INVAL_NULL);
    await w.call("SET", "k4", "1");
    expect(await framesBeforePong(t)).toEqual([]);
    // SWAPDB does not invalidate.
    await t.call("GET", "k4");
    k.server.signalDbChanged(0, 1);
    k.server.flushPending();
    expect(await framesBeforePong(t)).toEqual([]);
    if (hasCommand(k.server, "flushall")) {
      await w.call("FLUSHALL");
      expect(latin1Decode(await t.raw())).toBe(INVAL_NULL);
    }
  });

  test("OPTIN tracks only after CLIENT CACHING yes, for the next command", async () => {
    const t = await resp3Client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on", "optin");
    await t.call("GET", "o1");
    await w.call("SET", "o1", "1");
    expect(await framesBeforePong(t)).toEqual([]);
    await t.call("CLIENT", "CACHING", "yes");
    await t.call("GET", "o1");
    await t.call("GET", "o2"); // the window is over
    await w.call("SET", "o1", "2");
    await w.call("SET", "o2", "2");
    expect(await framesBeforePong(t)).toEqual([inval("o1")]);
  });

  test("OPTOUT tracks everything except after CLIENT CACHING no", async () => {
    const t = await resp3Client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on", "optout");
    await t.call("GET", "x1");
    await t.call("CLIENT", "CACHING", "no");
    await t.call("GET", "y1");
    await w.call("SET", "x1", "1");
    await w.call("SET", "y1", "1");
    expect(await framesBeforePong(t)).toEqual([inval("x1")]);
  });

  test("tracking-table-max-keys evicts keys, invalidating them after the reply", async () => {
    const k2 = await startKedis({ config: { "tracking-table-max-keys": "2" } });
    try {
      const t = await k2.client();
      await useResp3(k2.server, t);
      await t.call("CLIENT", "TRACKING", "on");
      t.write(["a", "b", "c", "d", "e"].map((x) => `GET ${x}\r\n`).join(""));
      const frames = await rawFrames(t, 8);
      expect(frames.slice(0, 5)).toEqual(["_\r\n", "_\r\n", "_\r\n", "_\r\n", "_\r\n"]);
      for (const f of frames.slice(5)) expect(f).toMatch(/^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$1\r\n[a-e]\r\n$/);
      expect(k2.server.tracking.totalKeys).toBe(2);
    } finally {
      await k2.stop();
    }
  });
});

describe("REDIRECT", () => {
  test("to a RESP2 subscriber of __redis__:invalidate: message frames, null as $-1", async () => {
    const r = await k.client();
    r.send("SUBSCRIBE", "__redis__:invalidate");
    await r.reply();
    const t = await k.client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on", "redirect", String(await clientId(k.server, r)));
    await t.call("GET", "rd1");
    await w.call("SET", "rd1", "1");
    expect(latin1Decode(await r.raw())).toBe("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$3\r\nrd1\r\n");
    k.server.signalDbChanged(-1);
    k.server.flushPending();
    expect(latin1Decode(await r.raw())).toBe("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  });

  test("to a RESP3 client: pushes there, before its own reply when it made the change", async () => {
    const r = await resp3Client();
    const t = await k.client();
    await t.call("CLIENT", "TRACKING", "on", "redirect", String(await clientId(k.server, r)));
    await t.call("GET", "rd2");
    r.send("SET", "rd2", "1");
    expect(await rawFrames(r, 2)).toEqual([inval("rd2"), "+OK\r\n"]);
  });

  test("a vanished redirect target is reported as tracking-redir-broken on each lost message (RESP3)", async () => {
    const r = await k.client();
    const t = await resp3Client();
    const w = await k.client();
    const rid = await clientId(k.server, r);
    await t.call("CLIENT", "TRACKING", "on", "redirect", String(rid));
    r.close();
    await r.waitClosed().catch(() => {});
    for (let i = 0; i < 200 && k.server.clients.has(rid); i++) await Bun.sleep(2);
    await t.call("GET", "rb1");
    await w.call("SET", "rb1", "1");
    expect(latin1Decode(await t.raw())).toBe(`>2\r\n$21\r\ntracking-redir-broken\r\n:${rid}\r\n`);
    await t.call("GET", "rb1");
    await w.call("SET", "rb1", "2");
    expect(await framesBeforePong(t)).toEqual([`>2\r\n$21\r\ntracking-redir-broken\r\n:${rid}\r\n`]);
    expect(((await t.call("CLIENT", "TRACKINGINFO")) as Map<string, unknown>).get("flags")).toEqual(["on", "broken_redirect"]);
  });
});

describe("BCAST", () => {
  test("prefix subscribers get the sorted changed keys once per event; NOLOOP drops their own", async () => {
    const t = await resp3Client();
    const n = await resp3Client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on", "bcast", "prefix", "user:", "prefix", "item:");
    await n.call("CLIENT", "TRACKING", "on", "bcast", "noloop", "prefix", "user:");
    w.write("SET user:2 a\r\nSET item:9 b\r\nSET other c\r\nSET user:1 d\r\n");
    for (let i = 0; i < 4; i++) await w.reply();
    // One message per prefix, prefixes and keys in byte order.
    expect(await framesBeforePong(t)).toEqual([inval("item:9"), inval("user:1", "user:2")]);
    expect(await framesBeforePong(n)).toEqual([inval("user:1", "user:2")]);
    // Own writes: sent after the reply without NOLOOP, not at all with it.
    t.send("SET", "user:3", "x");
    expect(await rawFrames(t, 2)).toEqual(["+OK\r\n", inval("user:3")]);
    expect(await framesBeforePong(n)).toEqual([inval("user:3")]);
    await n.call("SET", "user:4", "y");
    expect(await framesBeforePong(n)).toEqual([]);
    expect(await framesBeforePong(t)).toEqual([inval("user:4")]);
  });

  test("BCAST without prefixes covers every key", async () => {
    const t = await resp3Client();
    const w = await k.client();
    await t.call("CLIENT", "TRACKING", "on", "bcast");
    await w.call("SET", "anything", "1");
    expect(await framesBeforePong(t)).toEqual([inval("anything")]);
    await t.call("CLIENT", "TRACKING", "off");
    await w.call("SET", "anything", "2");
    expect(await framesBeforePong(t)).toEqual([]);
  });
});
