import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { commandKeys } from "../../src/commands/spec.ts";
import { latin1Encode } from "../helpers/resp.ts";
import type { TestClient } from "../helpers/client.ts";
import type { KedisHandle } from "../helpers/servers.ts";
import { startHarness, type Taps } from "./collection-harness.ts";

let k: KedisHandle;
let c: TestClient;
let taps: Taps;
let clear: () => void;
beforeAll(async () => {
  ({ k, c, taps, clear } = await startHarness());
});
afterAll(async () => {
  await k.stop();
});
beforeEach(() => {
  k.server.ks.flushAll();
  clear();
});

const enc = (key: string) => k.server.ks.dbs[0]!.dict.get(latin1Encode(key));

describe("set commands", () => {
  test("SADD creates the key, counts new members, notifies and propagates only changes", async () => {
    expect(await c.call("SADD", "s", "1", "2", "2")).toBe(2);
    expect(await c.call("SADD", "s", "1")).toBe(0);
    expect(taps.events).toEqual(["sadd s"]);
    expect(taps.prop).toEqual(["SADD s 1 2 2"]);
    expect(k.server.dirty).toBeGreaterThanOrEqual(2);
    expect(enc("s")?.value).toBeDefined();
  });

  test("SREM of the last member deletes the key with srem and del events", async () => {
    await c.call("SADD", "s", "a", "b");
    clear();
    expect(await c.call("SREM", "s", "a", "b", "c")).toBe(2);
    expect(enc("s")).toBeNull();
    expect(taps.events).toEqual(["srem s", "del s"]);
    expect(taps.modified).toContain("s");
    expect(await c.call("SREM", "s", "a")).toBe(0);
  });

  test("SPOP propagates as SREM of the popped member, and as DEL when a count empties the set", async () => {
    await c.call("SADD", "s", "a", "b", "c");
    clear();
    const m = (await c.call("SPOP", "s")) as string;
    expect(["a", "b", "c"]).toContain(m);
    expect(taps.prop).toEqual([`SREM s ${m}`]);
    expect(taps.events).toEqual(["spop s"]);
    clear();
    const two = (await c.call("SPOP", "s", "1")) as string[];
    expect(taps.prop).toEqual([`SREM s ${two[0]}`]);
    clear();
    await c.call("SPOP", "s", "5");
    expect(taps.prop).toEqual(["DEL s"]);
    expect(taps.events).toEqual(["spop s", "del s"]);
    expect(enc("s")).toBeNull();
  });

  test("SRANDMEMBER never propagates or changes the set", async () => {
    await c.call("SADD", "s", "a", "b", "c");
    clear();
    const dirty = k.server.dirty;
    await c.call("SRANDMEMBER", "s");
    await c.call("SRANDMEMBER", "s", "-10");
    expect(taps.prop).toEqual([]);
    expect(k.server.dirty).toBe(dirty);
    expect(await c.call("SCARD", "s")).toBe(3);
  });

  test("SRANDMEMBER with a negative count may repeat, a positive count never does", async () => {
    await c.call("SADD", "s", "a", "b", "c", "d");
    const many = (await c.call("SRANDMEMBER", "s", "-50")) as string[];
    expect(many.length).toBe(50);
    const few = (await c.call("SRANDMEMBER", "s", "3")) as string[];
    expect(new Set(few).size).toBe(3);
  });

  test("SMOVE moves with srem/sadd events and deletes an emptied source", async () => {
    await c.call("SADD", "a", "x");
    clear();
    expect(await c.call("SMOVE", "a", "b", "x")).toBe(1);
    expect(taps.events).toEqual(["srem a", "del a", "sadd b"]);
    expect(await c.call("SMEMBERS", "b")).toEqual(["x"]);
  });

  test("store commands notify, replace the destination (dropping its TTL) or delete it", async () => {
    await c.call("SADD", "a", "1", "2");
    await c.call("SADD", "b", "2", "3");
    await c.call("SET", "dst", "old");
    k.server.ks.dbs[0]!.setExpire(enc("dst")!, Date.now() + 100000);
    clear();
    expect(await c.call("SINTERSTORE", "dst", "a", "b")).toBe(1);
    expect(enc("dst")!.expireAt).toBe(-1);
    expect(enc("dst")!.value.constructor.name).toBe("SetValue");
    expect(await c.call("SUNIONSTORE", "dst", "a", "b")).toBe(3);
    expect(await c.call("SDIFFSTORE", "dst", "a", "a")).toBe(0);
    expect(enc("dst")).toBeNull();
    expect(taps.events).toEqual(["sinterstore dst", "sunionstore dst", "del dst"]);
  });

  test("intset members come back in ascending order; a non-integer converts to hashtable", async () => {
    await c.call("SADD", "s", "10", "-2", "3");
    expect(await c.call("SMEMBERS", "s")).toEqual(["-2", "3", "10"]);
    expect((enc("s")!.value as { encoding(): string }).encoding()).toBe("intset");
    await c.call("SADD", "s", "x");
    expect((enc("s")!.value as { encoding(): string }).encoding()).toBe("hashtable");
  });

  test("SSCAN iterates a large hashtable set completely with cursors", async () => {
    const members = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    await c.call("SADD", "s", ...members);
    const seen = new Set<string>();
    let cursor = "0";
    let rounds = 0;
    do {
      const [next, items] = (await c.call("SSCAN", "s", cursor, "COUNT", "50")) as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      rounds++;
    } while (cursor !== "0");
    expect(seen.size).toBe(1000);
    expect(rounds).toBeGreaterThan(5);
    const [, matched] = (await c.call("SSCAN", "s", "0", "MATCH", "m99*", "COUNT", "100000")) as [string, string[]];
    expect(matched.sort()).toEqual(["m99", "m990", "m991", "m992", "m993", "m994", "m995", "m996", "m997", "m998", "m999"]);
  });

  test("RESP3: SMEMBERS is a set type, SMISMEMBER an array", async () => {
    for (const cl of k.server.clients.values()) cl.resp = 3;
    await c.call("SADD", "s", "a");
    expect(await c.callRaw("SMEMBERS", "s")).toBe("~1\r\n$1\r\na\r\n");
    expect(await c.callRaw("SMISMEMBER", "s", "a", "b")).toBe("*2\r\n:1\r\n:0\r\n");
    for (const cl of k.server.clients.values()) cl.resp = 2;
  });

  test("key positions: SINTERCARD's keys come from numkeys", () => {
    const spec = k.server.registry.byName("sintercard")!;
    const argv = ["SINTERCARD", "2", "a", "b", "LIMIT", "1"].map(latin1Encode);
    expect(commandKeys(spec, argv)).toEqual([2, 3]);
    expect(commandKeys(k.server.registry.byName("smove")!, ["SMOVE", "a", "b", "m"].map(latin1Encode))).toEqual([1, 2]);
  });
});
