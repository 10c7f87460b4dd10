/**
 * Hash commands over a real socket: replies, encodings and conversion thresholds from config,
 * empty-hash deletion, events, dirty and the propagated form of HINCRBYFLOAT.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HashValue } from "../../src/store/types/hash.ts";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
let c: TestClient;
const events: string[] = [];
const propagated: string[] = [];
const dec = new TextDecoder();

beforeAll(async () => {
  k = await startKedis({ config: { "hash-max-listpack-entries": "4", "hash-max-listpack-value": "8" } });
  k.server.notifyFlags = 0xffff;
  k.server.notifier = (_t, event, key) => {
    if (event !== "new") events.push(`${event}:${dec.decode(key)}`);
  };
  k.server.propagators.push((_db, argv) => propagated.push(argv.map((a) => dec.decode(a)).join(" ")));
  c = await k.client();
});
afterAll(async () => {
  await k.stop();
});

function hashAt(key: string): HashValue | null {
  const e = k.server.ks.dbs[0]!.lookup(new TextEncoder().encode(key));
  return e === null ? null : (e.value as HashValue);
}

describe("hash commands", () => {
  test("small hashes stay listpack in insertion order; more fields or longer strings convert for good", async () => {
    expect(await c.call("HSET", "h1", "a", "1", "b", "2", "c", "3")).toBe(3);
    expect(hashAt("h1")!.encoding()).toBe("listpack");
    expect(await c.call("HKEYS", "h1")).toEqual(["a", "b", "c"]);
    await c.call("HSET", "h1", "d", "4", "e", "5");
    expect(hashAt("h1")!.encoding()).toBe("hashtable");
    await c.call("HDEL", "h1", "a", "b", "c", "d");
    expect(hashAt("h1")!.encoding()).toBe("hashtable");
    await c.call("HSET", "h2", "a", "123456789");
    expect(hashAt("h2")!.encoding()).toBe("hashtable");
    expect(await c.call("HGET", "h2", "a")).toBe("123456789");
  });

  test("HDEL of the last field deletes the key with hdel then del events", async () => {
    await c.call("HSET", "h3", "a", "1");
    events.length = 0;
    expect(await c.call("HDEL", "h3", "a", "b")).toBe(1);
    expect(hashAt("h3")).toBeNull();
    expect(events).toEqual(["hdel:h3", "del:h3"]);
  });

  test("writes emit hset/hincrby/hincrbyfloat and count dirty; HINCRBYFLOAT propagates as HSET", async () => {
    events.length = 0;
    propagated.length = 0;
    const d0 = k.server.dirty;
    await c.call("HSET", "h4", "a", "1", "b", "2");
    await c.call("HSETNX", "h4", "c", "3");
    await c.call("HSETNX", "h4", "c", "4");
    await c.call("HINCRBY", "h4", "a", "5");
    expect(await c.call("HINCRBYFLOAT", "h4", "f", "10.5")).toBe("10.5");
    expect(await c.call("HINCRBYFLOAT", "h4", "f", "0.1")).toBe("10.6");
    expect(events).toEqual(["hset:h4", "hset:h4", "hincrby:h4", "hincrbyfloat:h4", "hincrbyfloat:h4"]);
    expect(k.server.dirty - d0).toBe(2 + 1 + 1 + 1 + 1);
    expect(propagated).toEqual(["HSET h4 a 1 b 2", "HSETNX h4 c 3", "HINCRBY h4 a 5", "HSET h4 f 10.5", "HSET h4 f 10.6"]);
  });

  test("HGETALL is a map in RESP3; HRANDFIELD WITHVALUES pairs are arrays in RESP3", async () => {
    const [sc] = [...k.server.clients.values()];
    await c.call("HSET", "h5", "a", "1", "b", "2");
    sc!.resp = 3;
    expect(await c.callRaw("HGETALL", "h5")).toBe("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
    expect(await c.callRaw("HGETALL", "nokey")).toBe("%0\r\n");
    expect(await c.callRaw("HRANDFIELD", "h5", "5", "WITHVALUES")).toBe("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
    expect(await c.callRaw("HRANDFIELD", "nokey")).toBe("_\r\n");
    sc!.resp = 2;
    expect(await c.callRaw("HRANDFIELD", "h5", "-3", "WITHVALUES")).toMatch(/^\*6\r\n/);
  });

  test("HSCAN walks a hashtable hash completely with a cursor; MATCH filters fields; NOVALUES drops values", async () => {
    const fields = Array.from({ length: 50 }, (_, i) => [`field${i}`, `v${i}`]).flat();
    await c.call("HSET", "h6", ...fields);
    expect(hashAt("h6")!.encoding()).toBe("hashtable");
    const seen = new Map<string, string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, items] = (await c.call("HSCAN", "h6", cursor, "COUNT", "7")) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
      calls++;
    } while (cursor !== "0");
    expect(seen.size).toBe(50);
    expect(seen.get("field7")).toBe("v7");
    expect(calls).toBeGreaterThan(1);
    const [, only] = (await c.call("HSCAN", "h6", "0", "MATCH", "field1?", "COUNT", "1000")) as [string, string[]];
    expect(only.filter((_, i) => i % 2 === 0).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `field1${i}`).sort());
    await c.call("HSET", "h7", "a", "1", "b", "2");
    expect(await c.call("HSCAN", "h7", "0", "NOVALUES")).toEqual(["0", ["a", "b"]]);
  });

  test("HRANDFIELD with a positive count returns distinct fields, also sampling a big table", async () => {
    await c.call("HSET", "h8", ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`]).flat());
    for (const n of [5, 100, 199]) {
      const r = (await c.call("HRANDFIELD", "h8", String(n), "WITHVALUES")) as string[];
      expect(r.length).toBe(n * 2);
      const fields = r.filter((_, i) => i % 2 === 0);
      expect(new Set(fields).size).toBe(n);
      for (let i = 0; i < r.length; i += 2) expect(r[i + 1]).toBe(r[i]!.replace("f", "v"));
    }
    expect(((await c.call("HRANDFIELD", "h8", "-500")) as string[]).length).toBe(500);
  });

  test("every hash command refuses another type with WRONGTYPE", async () => {
    await c.call("SET", "str", "v");
    const wrong = { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };
    const cmds: string[][] = [
      ["HSET", "str", "a", "1"], ["HSETNX", "str", "a", "1"], ["HMSET", "str", "a", "1"], ["HGET", "str", "a"],
      ["HMGET", "str", "a"], ["HDEL", "str", "a"], ["HLEN", "str"], ["HSTRLEN", "str", "a"], ["HEXISTS", "str", "a"],
      ["HKEYS", "str"], ["HVALS", "str"], ["HGETALL", "str"], ["HINCRBY", "str", "a", "1"],
      ["HINCRBYFLOAT", "str", "a", "1"], ["HRANDFIELD", "str"], ["HSCAN", "str", "0"],
    ];
    for (const cmd of cmds) expect([cmd[0], await c.call(...cmd)]).toEqual([cmd[0], wrong]);
  });
});
