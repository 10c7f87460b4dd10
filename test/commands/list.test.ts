/**
 * List commands over a real socket: replies, empty-list deletion, keyspace notifications,
 * `dirty`, WATCH signals (keyModified) and the chunk size taken from list-max-listpack-size.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ListValue } from "../../src/store/types/list.ts";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
let c: TestClient;
const events: string[] = [];
const modified: string[] = [];
const dec = new TextDecoder();

beforeAll(async () => {
  k = await startKedis({ config: { "list-max-listpack-size": "3" } });
  k.server.notifyFlags = 0xffff;
  k.server.notifier = (_t, event, key) => {
    if (event !== "new") events.push(`${event}:${dec.decode(key)}`);
  };
  k.server.onKeyModified.push((_db, key) => modified.push(dec.decode(key)));
  c = await k.client();
});
afterAll(async () => {
  await k.stop();
});

function listAt(key: string): ListValue | null {
  const e = k.server.ks.dbs[0]!.lookup(new TextEncoder().encode(key));
  return e === null ? null : (e.value as ListValue);
}

describe("list commands", () => {
  test("LPUSH/RPUSH build the list in Redis's order and report the length", async () => {
    expect(await c.call("LPUSH", "l1", "a", "b", "c")).toBe(3);
    expect(await c.call("RPUSH", "l1", "d", "e")).toBe(5);
    expect(await c.call("LRANGE", "l1", "0", "-1")).toEqual(["c", "b", "a", "d", "e"]);
    expect(listAt("l1")!.encoding()).toBe("quicklist");
    // list-max-listpack-size 3: five entries span two chunks.
    expect(listAt("l1")!.chunks.length).toBe(2);
  });

  test("popping the last element deletes the key with lpop/rpop then del events", async () => {
    await c.call("RPUSH", "l2", "x", "y");
    events.length = 0;
    expect(await c.call("LPOP", "l2")).toBe("x");
    expect(await c.call("RPOP", "l2", "5")).toEqual(["y"]);
    expect(listAt("l2")).toBeNull();
    expect(events).toEqual(["lpop:l2", "rpop:l2", "del:l2"]);
    expect(await c.call("LLEN", "l2")).toBe(0);
  });

  test("every write emits Redis's event names, counts dirty and signals the key as modified", async () => {
    events.length = 0;
    modified.length = 0;
    const dirty0 = k.server.dirty;
    await c.call("RPUSH", "l3", "a", "b", "c", "a");
    await c.call("LSET", "l3", "0", "z");
    await c.call("LINSERT", "l3", "BEFORE", "b", "q");
    await c.call("LREM", "l3", "0", "a");
    await c.call("LTRIM", "l3", "0", "1");
    await c.call("LMOVE", "l3", "l4", "LEFT", "RIGHT");
    await c.call("LMPOP", "1", "l3", "LEFT");
    expect(events).toEqual([
      "rpush:l3",
      "lset:l3",
      "linsert:l3",
      "lrem:l3",
      "ltrim:l3",
      "rpush:l4",
      "lpop:l3",
      "lpop:l3",
      "del:l3",
    ]);
    // Pushes and removals count per element, as in Redis (LTRIM removed two).
    expect(k.server.dirty - dirty0).toBe(4 + 1 + 1 + 1 + 2 + 1 + 1);
    expect(new Set(modified)).toEqual(new Set(["l3", "l4"]));
  });

  test("commands that change nothing emit nothing and leave dirty alone", async () => {
    await c.call("RPUSH", "l5", "a");
    events.length = 0;
    const dirty0 = k.server.dirty;
    expect(await c.call("LREM", "l5", "0", "zz")).toBe(0);
    expect(await c.call("LPUSHX", "nokey", "a")).toBe(0);
    expect(await c.call("LINSERT", "l5", "AFTER", "zz", "a")).toBe(-1);
    expect(await c.call("LPOP", "nokey")).toBeNull();
    expect(await c.call("LPOP", "l5", "0")).toEqual([]);
    expect(events).toEqual([]);
    expect(k.server.dirty).toBe(dirty0);
  });

  test("every list command refuses another type with WRONGTYPE", async () => {
    await c.call("SET", "str", "v");
    const wrong = { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };
    const cmds: string[][] = [
      ["LPUSH", "str", "a"], ["RPUSH", "str", "a"], ["LPUSHX", "str", "a"], ["RPUSHX", "str", "a"],
      ["LPOP", "str"], ["RPOP", "str"], ["LLEN", "str"], ["LRANGE", "str", "0", "1"], ["LINDEX", "str", "0"],
      ["LSET", "str", "0", "a"], ["LINSERT", "str", "BEFORE", "a", "b"], ["LREM", "str", "0", "a"],
      ["LTRIM", "str", "0", "1"], ["LPOS", "str", "a"], ["LMOVE", "str", "l9", "LEFT", "LEFT"],
      ["RPOPLPUSH", "str", "l9"], ["LMPOP", "1", "str", "LEFT"], ["BLPOP", "str", "0"], ["BRPOP", "str", "0"],
      ["BLMOVE", "str", "l9", "LEFT", "LEFT", "0"], ["BRPOPLPUSH", "str", "l9", "0"], ["BLMPOP", "0", "1", "str", "LEFT"],
    ];
    for (const cmd of cmds) expect([cmd[0], await c.call(...cmd)]).toEqual([cmd[0], wrong]);
    expect(await c.call("GET", "str")).toBe("v");
  });

  test("large lists: index access and LRANGE from both ends across many chunks", async () => {
    const n = 1000;
    for (let i = 0; i < n; i += 100) await c.call("RPUSH", "big", ...Array.from({ length: 100 }, (_, j) => `e${i + j}`));
    expect(await c.call("LINDEX", "big", "0")).toBe("e0");
    expect(await c.call("LINDEX", "big", "777")).toBe("e777");
    expect(await c.call("LINDEX", "big", "-1")).toBe("e999");
    expect(await c.call("LRANGE", "big", "-3", "-1")).toEqual(["e997", "e998", "e999"]);
    expect(await c.call("LPOS", "big", "e500")).toBe(500);
    expect(await c.call("LPOS", "big", "e500", "MAXLEN", "100")).toBeNull();
    expect(listAt("big")!.check()).toBeNull();
  });
});
