import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { installSortSources, sortSources, type SortSources } from "../../src/commands/generic-sort.ts";
import { commandKeys } from "../../src/commands/spec.ts";
import { OBJ_HASH, OBJ_LIST, type Collection } from "../../src/store/value.ts";
import { latin1Encode } from "../helpers/resp.ts";
import type { TestClient } from "../helpers/client.ts";
import type { KedisHandle } from "../helpers/servers.ts";
import { startHarness, type Taps } from "./collection-harness.ts";

/** Stand-ins for the list and hash types (their families install the real adapters). */
class FakeList implements Collection {
  constructor(readonly items: Uint8Array[]) {}
  get size(): number {
    return this.items.length;
  }
  encoding(): string {
    return "quicklist";
  }
  clone(): FakeList {
    return new FakeList([...this.items]);
  }
}
class FakeHash implements Collection {
  constructor(readonly fields: Map<string, string>) {}
  get size(): number {
    return this.fields.size;
  }
  encoding(): string {
    return "listpack";
  }
  clone(): FakeHash {
    return this;
  }
}

let k: KedisHandle;
let c: TestClient;
let taps: Taps;
let clear: () => void;
let saved: SortSources;
beforeAll(async () => {
  ({ k, c, taps, clear } = await startHarness());
  saved = { ...sortSources };
});
afterAll(async () => {
  installSortSources(saved);
  await k.stop();
});
beforeEach(() => {
  k.server.ks.flushAll();
  installSortSources(saved);
  clear();
});

const db = () => k.server.ks.dbs[0]!;
const str = (b: Uint8Array) => String.fromCharCode(...b);

function wireFakes(): void {
  installSortSources({
    listElements: (v) => (v as FakeList).items,
    hashField: (v, f) => {
      const s = (v as FakeHash).fields.get(str(f));
      return s === undefined ? null : latin1Encode(s);
    },
    makeList: (_c, items) => new FakeList(items),
  });
}

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

  test("BY and GET read strings and hash fields through the adapters", async () => {
    wireFakes();
    await c.call("SADD", "s", "a", "b", "c");
    await c.call("SET", "w_a", "3");
    await c.call("SET", "w_b", "1");
    await c.call("SET", "w_c", "2");
    db().add(latin1Encode("h_a"), OBJ_HASH, new FakeHash(new Map([["name", "Ann"], ["age", "40"]])));
    db().add(latin1Encode("h_b"), OBJ_HASH, new FakeHash(new Map([["name", "Bob"], ["age", "7"]])));
    expect(await c.call("SORT", "s", "BY", "w_*", "GET", "#", "GET", "h_*->name")).toEqual(["b", "Bob", "c", null, "a", "Ann"]);
    expect(await c.call("SORT", "s", "BY", "h_*->age", "GET", "h_*->age")).toEqual([null, "7", "40"]);
  });

  test("sorts lists through the adapter; STORE writes a list, notifies sortstore and propagates", async () => {
    wireFakes();
    db().add(latin1Encode("l"), OBJ_LIST, new FakeList(["3", "1", "2"].map(latin1Encode)));
    expect(await c.call("SORT", "l")).toEqual(["1", "2", "3"]);
    expect(await c.call("SORT", "l", "BY", "nosort", "DESC")).toEqual(["2", "1", "3"]);
    clear();
    expect(await c.call("SORT", "l", "STORE", "dst")).toBe(3);
    const e = db().dict.get(latin1Encode("dst"))!;
    expect(e.type).toBe(OBJ_LIST);
    expect((e.value as FakeList).items.map(str)).toEqual(["1", "2", "3"]);
    expect(taps.events).toEqual(["sortstore dst"]);
    expect(taps.prop).toEqual(["SORT l STORE dst"]);
    clear();
    expect(await c.call("SORT", "l")).toEqual(["1", "2", "3"]);
    expect(taps.prop).toEqual([]);
    expect(await c.call("SORT", "nokey", "STORE", "dst")).toBe(0);
    expect(db().dict.get(latin1Encode("dst"))).toBeNull();
    expect(taps.events).toEqual(["del dst"]);
  });

  test("without a list adapter, sorting a list is an error rather than a wrong answer", async () => {
    db().add(latin1Encode("l"), OBJ_LIST, new FakeList([latin1Encode("1")]));
    const r = (await c.call("SORT", "l")) as { error: string };
    expect(r.error).toContain("list type is not wired");
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
