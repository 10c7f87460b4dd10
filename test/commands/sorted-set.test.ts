import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { commandKeys } from "../../src/commands/spec.ts";
import { NOTIFY_GENERIC, NOTIFY_LIST, NOTIFY_SET, NOTIFY_ZSET } from "../../src/server/server.ts";
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

const entry = (key: string) => k.server.ks.dbs[0]!.dict.get(latin1Encode(key));
const encodingOf = (key: string) => (entry(key)?.value as { encoding(): string } | undefined)?.encoding() ?? null;

describe("sorted-set commands", () => {
  test("ZADD and ZINCRBY notify zadd/zincr and propagate as received; no-ops do not", async () => {
    expect(await c.call("ZADD", "z", "1", "a")).toBe(1);
    expect(await c.call("ZADD", "z", "INCR", "2", "a")).toBe("3");
    expect(await c.call("ZINCRBY", "z", "1.5", "a")).toBe("4.5");
    expect(await c.call("ZADD", "z", "NX", "9", "a")).toBe(0);
    expect(await c.call("ZADD", "z", "4.5", "a")).toBe(0);
    expect(taps.events).toEqual(["zadd z", "zincr z", "zincr z"]);
    expect(taps.prop).toEqual(["ZADD z 1 a", "ZADD z INCR 2 a", "ZINCRBY z 1.5 a"]);
  });

  test("ZADD converts listpack to skiplist past zset-max-listpack-entries and never back", async () => {
    const args: string[] = [];
    for (let i = 0; i < 128; i++) args.push(String(i), `m${i}`);
    await c.call("ZADD", "z", ...args);
    expect(encodingOf("z")).toBe("listpack");
    await c.call("ZADD", "z", "1000", "one-more");
    expect(encodingOf("z")).toBe("skiplist");
    await c.call("ZREMRANGEBYRANK", "z", "0", "-3");
    expect(encodingOf("z")).toBe("skiplist");
    expect(await c.call("ZCARD", "z")).toBe(2);
  });

  test("removals notify with their own event names and del when the key empties", async () => {
    await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    clear();
    await c.call("ZREM", "z", "a");
    await c.call("ZREMRANGEBYSCORE", "z", "2", "2");
    await c.call("ZREMRANGEBYLEX", "z", "[c", "[c");
    await c.call("ZREMRANGEBYRANK", "z", "0", "-1");
    expect(taps.events).toEqual(["zrem z", "zremrangebyscore z", "zremrangebylex z", "zremrangebyrank z", "del z"]);
    expect(entry("z")).toBeNull();
  });

  test("ZMPOP propagates as ZPOPMIN/ZPOPMAX key count; ZPOPMIN as itself", async () => {
    await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
    clear();
    expect(await c.call("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2")).toEqual(["z", [["c", "3"], ["b", "2"]]]);
    expect(taps.prop).toEqual(["ZPOPMAX z 2"]);
    expect(await c.call("ZPOPMIN", "z", "5")).toEqual(["a", "1"]);
    expect(taps.prop).toEqual(["ZPOPMAX z 2", "ZPOPMIN z 5"]);
    expect(taps.events).toEqual(["zpopmax z", "zpopmin z", "del z"]);
  });

  test("BZPOPMIN served at once propagates as ZPOPMIN key", async () => {
    await c.call("ZADD", "z", "1", "a");
    clear();
    expect(await c.call("BZPOPMIN", "nokey", "z", "0")).toEqual(["z", "a", "1"]);
    expect(taps.prop).toEqual(["ZPOPMIN z"]);
  });

  test("BZPOPMAX blocks until a ZADD makes a key ready, then serves it and propagates ZPOPMAX", async () => {
    const b = await k.client();
    b.send("BZPOPMAX", "z1", "z2", "0");
    for (let i = 0; i < 200 && k.server.blockedClients === 0; i++) await Bun.sleep(5);
    expect(k.server.blockedClients).toBe(1);
    clear();
    expect(await c.call("ZADD", "z2", "5", "x", "7", "y", "9", "w")).toBe(3);
    expect(await b.reply()).toEqual(["z2", "w", "9"]);
    expect(k.server.blockedClients).toBe(0);
    expect(taps.prop).toEqual(["ZADD z2 5 x 7 y 9 w", "ZPOPMAX z2"]);
    // Ready at once: BZMPOP serves without blocking.
    expect(await b.call("BZMPOP", "0", "2", "z1", "z2", "MIN", "COUNT", "5")).toEqual(["z2", [["x", "5"], ["y", "7"]]]);
    expect(await c.call("ZCARD", "z2")).toBe(0);
    b.close();
  });

  test("a blocked BZMPOP times out with a null array (fractional seconds)", async () => {
    const b = await k.client();
    expect(await b.callRaw("BZMPOP", "0.05", "1", "nokey", "MIN")).toBe("*-1\r\n");
    b.close();
  });

  test("store commands: ZUNIONSTORE result encoding and events, ZRANGESTORE deletion", async () => {
    await c.call("ZADD", "a", "1", "x", "2", "y");
    await c.call("SADD", "s", "y", "w");
    clear();
    expect(await c.call("ZUNIONSTORE", "dst", "2", "a", "s", "WEIGHTS", "2", "3")).toBe(3);
    expect(await c.call("ZRANGE", "dst", "0", "-1", "WITHSCORES")).toEqual(["x", "2", "w", "3", "y", "7"]);
    expect(encodingOf("dst")).toBe("listpack");
    expect(await c.call("ZRANGESTORE", "dst", "a", "5", "10")).toBe(0);
    expect(entry("dst")).toBeNull();
    expect(taps.events).toEqual(["zunionstore dst", "del dst"]);
  });

  test("scores print as %.17g in RESP2 and as doubles in RESP3", async () => {
    await c.call("ZADD", "z", "0.1", "a", "inf", "b", "-1e-7", "c");
    expect(await c.callRaw("ZSCORE", "z", "a")).toBe("$19\r\n0.10000000000000001\r\n");
    expect(await c.callRaw("ZSCORE", "z", "b")).toBe("$3\r\ninf\r\n");
    for (const cl of k.server.clients.values()) cl.resp = 3;
    expect(await c.callRaw("ZSCORE", "z", "c")).toBe(",-9.9999999999999995e-08\r\n");
    expect(await c.callRaw("ZRANGE", "z", "0", "0", "WITHSCORES")).toBe("*1\r\n*2\r\n$1\r\nc\r\n,-9.9999999999999995e-08\r\n");
    for (const cl of k.server.clients.values()) cl.resp = 2;
  });

  test("key positions of the movable-key commands", () => {
    const keys = (...args: string[]) => commandKeys(k.server.registry.byName(args[0]!.toLowerCase())!, args.map(latin1Encode));
    expect(keys("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")).toEqual([1, 3, 4]);
    expect(keys("ZINTER", "2", "a", "b")).toEqual([2, 3]);
    expect(keys("ZMPOP", "2", "a", "b", "MIN")).toEqual([2, 3]);
    expect(keys("BZMPOP", "0", "1", "a", "MIN")).toEqual([3]);
    expect(keys("BZPOPMIN", "a", "b", "0")).toEqual([1, 2]);
    expect(keys("ZRANGESTORE", "d", "s", "0", "1")).toEqual([1, 2]);
  });
});
