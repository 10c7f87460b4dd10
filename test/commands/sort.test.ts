import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { commandKeys } from "../../src/commands/spec.ts";
import { OBJ_LIST, type Collection } from "../../src/store/value.ts";
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

const db = () => k.server.ks.dbs[0]!;
const str = (b: Uint8Array) => String.fromCharCode(...b);

describe("SORT", () => {
  test("sorts sets and sorted sets numerically, ALPHA, DESC and with LIMIT", async () => {
    await c.call("SADD", "s", "10", "2", "33", "-1");
    expect(await c.call("SORT", "s")).toEqual(["-1", "2", "10", "33"]);
    expect(await c.call("SORT", "s", "DESC", "LIMIT", "1", "2")).toEqual(["10", "2"]);
    expect(await c.call("SORT", "s", "ALPHA")).toEqual(["-1", "10", "2", "33"]);
    await c.call("ZADD", "z", "1", "b", "2", "a", "3", "c");
    expect(await c.call("SORT", "z", "ALPHA")).toEqual(["a", "b", "c"]);
    expect(await c.call("SORT", "z", "BY", "nosort")).toEqual(["b", "a", "c"]);
    expect(await c.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2")).toEqual(["c", "a"]);
    expect(await c.call("SORT", "z")).toEqual({ error: "ERR One or more scores can't be converted into double" });
  });

  test("BY and GET read strings and hash fields", async () => {
    await c.call("SADD", "s", "a", "b", "c");
    await c.call("SET", "w_a", "3");
    await c.call("SET", "w_b", "1");
    await c.call("SET", "w_c", "2");
    await c.call("HSET", "h_a", "name", "Ann", "age", "40");
    await c.call("HSET", "h_b", "name", "Bob", "age", "7");
    expect(await c.call("SORT", "s", "BY", "w_*", "GET", "#", "GET", "h_*->name")).toEqual(["b", "Bob", "c", null, "a", "Ann"]);
    expect(await c.call("SORT", "s", "BY", "h_*->age", "GET", "h_*->age")).toEqual([null, "7", "40"]);
  });

  test("sorts lists; STORE writes a list, notifies sortstore and propagates", async () => {
    await c.call("RPUSH", "l", "3", "1", "2");
    expect(await c.call("SORT", "l")).toEqual(["1", "2", "3"]);
    expect(await c.call("SORT", "l", "BY", "nosort", "DESC")).toEqual(["2", "1", "3"]);
    clear();
    expect(await c.call("SORT", "l", "STORE", "dst")).toBe(3);
    const e = db().dict.get(latin1Encode("dst"))!;
    expect(e.type).toBe(OBJ_LIST);
    expect(await c.call("LRANGE", "dst", "0", "-1")).toEqual(["1", "2", "3"]);
    expect(taps.events).toEqual(["sortstore dst"]);
    expect(taps.prop).toEqual(["SORT l STORE dst"]);
    clear();
    expect(await c.call("SORT", "l")).toEqual(["1", "2", "3"]);
    expect(taps.prop).toEqual([]);
    expect(await c.call("SORT", "nokey", "STORE", "dst")).toBe(0);
    expect(db().dict.get(latin1Encode("dst"))).toBeNull();
    expect(taps.events).toEqual(["del dst"]);
  });

  test("SORT converts a listpack sorted set to skiplist; SORT_RO refuses STORE", async () => {
    await c.call("ZADD", "z", "1", "a");
    await c.call("SORT", "z", "ALPHA");
    expect((db().dict.get(latin1Encode("z"))!.value as Collection).encoding()).toBe("skiplist");
    expect(await c.call("SORT_RO", "z", "STORE", "x")).toEqual({ error: "ERR syntax error" });
  });

  test("key positions: the sorted key and the last STORE destination", () => {
    const keys = (...args: string[]) => commandKeys(k.server.registry.byName(args[0]!.toLowerCase())!, args.map(latin1Encode));
    expect(keys("SORT", "k", "BY", "store", "LIMIT", "0", "1", "STORE", "a", "STORE", "b")).toEqual([1, 10]);
    expect(keys("SORT", "k", "GET", "store", "ALPHA")).toEqual([1]);
    expect(keys("SORT_RO", "k", "BY", "x")).toEqual([1]);
  });
});
