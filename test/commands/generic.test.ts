import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { NOTIFY_GENERIC as GENERIC_BIT, parseScanCursor } from "../../src/commands/generic.ts";
import { EXPIRE_SLICE_MAX_CHECKS, NOTIFY_GENERIC } from "../../src/server/server.ts";
import type { Database } from "../../src/store/database.ts";
import { OBJ_LIST, type Collection } from "../../src/store/value.ts";
import type { TestClient } from "../helpers/client.ts";
import { latin1Decode } from "../helpers/resp.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

const T0 = 1_700_000_000_000;
let now = T0;
let k: KedisHandle;
let c: TestClient;
let props: string[][] = [];
let events: string[] = [];
let modified: string[] = [];
let dbChanges: string[] = [];

const text = (b: Uint8Array) => latin1Decode(b);
const enc = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

beforeAll(async () => {
  k = await startKedis({ clock: () => now, cron: false });
  const s = k.server;
  s.propagators.push((db, argv) => props.push([String(db), ...argv.map(text)]));
  s.notifyFlags = 0xffff;
  s.notifier = (_type, event, key, dbid) => {
    if (event !== "new") events.push(`${dbid}:${event}:${text(key)}`);
  };
  s.onKeyModified.push((db, key) => modified.push(`${db.id}:${text(key)}`));
  s.onDbChanged.push((db, other) => dbChanges.push(other < 0 ? `flush:${db}` : `swap:${db}<>${other}`));
  c = await k.client();
});

afterAll(async () => {
  await k.stop();
});

beforeEach(async () => {
  now = T0;
  await c.call("SELECT", 0);
  await c.call("FLUSHALL");
  props = [];
  events = [];
  modified = [];
  dbChanges = [];
});

/** A minimal collection value, to check COPY clones and OBJECT ENCODING asks the value. */
class FakeList implements Collection {
  constructor(public items: string[]) {}
  get size(): number {
    return this.items.length;
  }
  encoding(): string {
    return "listpack";
  }
  clone(): Collection {
    return new FakeList([...this.items]);
  }
}

describe("DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE", () => {
  test("DEL counts keys actually removed; duplicates and missing keys count zero", async () => {
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "1");
    expect(await c.call("DEL", "a", "a", "nokey", "b")).toBe(2);
    expect(await c.call("DBSIZE")).toBe(0);
    expect(events).toEqual(["0:set:a", "0:set:b", "0:del:a", "0:del:b"]);
    expect(props.map((p) => p.join(" "))).toEqual(["0 SET a 1", "0 SET b 1", "0 DEL a a nokey b"]);
    expect(await c.call("UNLINK", "a")).toBe(0);
    expect(props.length).toBe(3); // nothing deleted: not propagated
  });

  test("UNLINK removes like DEL and emits del", async () => {
    await c.call("SET", "u", "1");
    expect(await c.call("UNLINK", "u", "u")).toBe(1);
    expect(events).toEqual(["0:set:u", "0:del:u"]);
  });

  test("EXISTS counts repeated keys; TYPE names types or none", async () => {
    await c.call("SET", "x", "1");
    expect(await c.call("EXISTS", "x", "x", "nokey")).toBe(2);
    expect(await c.callRaw("TYPE", "x")).toBe("+string\r\n");
    expect(await c.callRaw("TYPE", "nokey")).toBe("+none\r\n");
    k.server.ks.dbs[0]!.add(enc("l"), OBJ_LIST, new FakeList(["a"]));
    expect(await c.callRaw("TYPE", "l")).toBe("+list\r\n");
  });

  test("TOUCH counts existing keys", async () => {
    await c.call("SET", "x", "1");
    expect(await c.call("TOUCH", "x", "x", "nokey")).toBe(2);
  });

  test("wrong arity uses Redis's texts", async () => {
    expect(await c.call("DEL")).toEqual({ error: "ERR wrong number of arguments for 'del' command" });
    expect(await c.call("DBSIZE", "x")).toEqual({ error: "ERR wrong number of arguments for 'dbsize' command" });
  });
});

describe("EXPIRE family, TTL family, PERSIST (fake clock)", () => {
  test("EXPIRE sets a TTL; TTL rounds to the nearest second; the key is gone once the time passes", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("EXPIRE", "k", 10)).toBe(1);
    expect(await c.call("TTL", "k")).toBe(10);
    expect(await c.call("PTTL", "k")).toBe(10000);
    expect(await c.call("EXPIRETIME", "k")).toBe((T0 + 10000) / 1000);
    expect(await c.call("PEXPIRETIME", "k")).toBe(T0 + 10000);
    now = T0 + 1499;
    expect(await c.call("TTL", "k")).toBe(9);
    now = T0 + 1500;
    expect(await c.call("TTL", "k")).toBe(9);
    now = T0 + 1501;
    expect(await c.call("TTL", "k")).toBe(8);
    now = T0 + 9999;
    expect(await c.call("PTTL", "k")).toBe(1);
    expect(await c.call("GET", "k")).toBe("v");
    now = T0 + 10000;
    expect(await c.call("GET", "k")).toBeNull();
    expect(await c.call("TTL", "k")).toBe(-2);
    expect(events).toEqual(["0:set:k", "0:expire:k", "0:expired:k"]);
    // The lazy expiry is propagated as DEL.
    expect(props.at(-1)).toEqual(["0", "DEL", "k"]);
  });

  test("TTL is -2 for a missing key and -1 without expiry", async () => {
    expect(await c.call("TTL", "nokey")).toBe(-2);
    expect(await c.call("PTTL", "nokey")).toBe(-2);
    expect(await c.call("EXPIRETIME", "nokey")).toBe(-2);
    expect(await c.call("PEXPIRETIME", "nokey")).toBe(-2);
    await c.call("SET", "p", "v");
    for (const cmd of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) expect(await c.call(cmd, "p")).toBe(-1);
  });

  test("EXPIRE on a missing key replies 0 and propagates nothing", async () => {
    expect(await c.call("EXPIRE", "nokey", 100)).toBe(0);
    expect(props).toEqual([]);
  });

  test("EXPIRE, PEXPIRE and EXPIREAT propagate as PEXPIREAT with the absolute time, flags kept", async () => {
    await c.call("SET", "a", "1");
    expect(await c.call("EXPIRE", "a", 100, "NX")).toBe(1);
    expect(await c.call("PEXPIRE", "a", 200000, "gt")).toBe(1);
    expect(await c.call("EXPIREAT", "a", 1999999999)).toBe(1);
    expect(await c.call("PEXPIREAT", "a", 2999999999999)).toBe(1);
    expect(props.slice(1)).toEqual([
      ["0", "PEXPIREAT", "a", String(T0 + 100000), "NX"],
      ["0", "PEXPIREAT", "a", String(T0 + 200000), "gt"],
      ["0", "PEXPIREAT", "a", "1999999999000"],
      ["0", "PEXPIREAT", "a", "2999999999999"],
    ]);
    expect(modified.filter((m) => m === "0:a").length).toBeGreaterThanOrEqual(5);
  });

  test("an expire time in the past deletes the key, propagates DEL and notifies del", async () => {
    const expiredBefore = k.server.ks.stats.expired;
    for (const args of [["EXPIRE", "d", -5], ["EXPIREAT", "d", 5], ["PEXPIRE", "d", 0, "NX"], ["PEXPIREAT", "d", T0]] as const) {
      await c.call("SET", "d", "1");
      props = [];
      events = [];
      expect(await c.call(...args)).toBe(1);
      expect(await c.call("EXISTS", "d")).toBe(0);
      expect(props).toEqual([["0", "DEL", "d"]]);
      expect(events).toEqual(["0:del:d"]);
    }
    expect(k.server.ks.stats.expired).toBe(expiredBefore); // a deletion, not an expiry
  });

  test("NX, XX, GT, LT semantics (no TTL counts as infinite)", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("EXPIRE", "k", 100, "XX")).toBe(0);
    expect(await c.call("EXPIRE", "k", 100, "GT")).toBe(0);
    expect(await c.call("EXPIRE", "k", 100, "LT")).toBe(1);
    expect(await c.call("EXPIRE", "k", 50, "GT")).toBe(0);
    expect(await c.call("EXPIRE", "k", 100, "GT")).toBe(0);
    expect(await c.call("EXPIRE", "k", 200, "GT")).toBe(1);
    expect(await c.call("EXPIRE", "k", 200, "LT")).toBe(0);
    expect(await c.call("EXPIRE", "k", 150, "LT")).toBe(1);
    expect(await c.call("EXPIRE", "k", 150, "NX")).toBe(0);
    expect(await c.call("EXPIRE", "k", 120, "XX", "LT")).toBe(1);
    expect(await c.call("TTL", "k")).toBe(120);
    expect(await c.call("PERSIST", "k")).toBe(1);
    expect(await c.call("EXPIRE", "k", 150, "NX")).toBe(1);
    expect(await c.call("PEXPIRE", "k", 0, "GT")).toBe(0);
  });

  test("option errors come before the number is parsed, with Redis's texts", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("EXPIRE", "k", "abc", "NX", "XX")).toEqual({ error: "ERR NX and XX, GT or LT options at the same time are not compatible" });
    expect(await c.call("EXPIRE", "k", 10, "NX", "GT")).toEqual({ error: "ERR NX and XX, GT or LT options at the same time are not compatible" });
    expect(await c.call("EXPIRE", "k", 10, "GT", "LT")).toEqual({ error: "ERR GT and LT options at the same time are not compatible" });
    expect(await c.call("EXPIRE", "k", 10, "FOO")).toEqual({ error: "ERR Unsupported option FOO" });
    expect(await c.call("EXPIRE", "k", 10, "nx", "nx")).toBe(1);
    expect(await c.call("EXPIRE", "k", "abc")).toEqual({ error: "ERR value is not an integer or out of range" });
    expect(await c.call("EXPIRE", "k", "+1")).toEqual({ error: "ERR value is not an integer or out of range" });
  });

  test("invalid expire time: overflow of seconds×1000 or of now+ttl", async () => {
    await c.call("SET", "k", "v");
    const bad = (cmd: string) => ({ error: `ERR invalid expire time in '${cmd}' command` });
    expect(await c.call("EXPIRE", "k", "9223372036854775807")).toEqual(bad("expire"));
    expect(await c.call("EXPIRE", "k", "9223372036854775")).toEqual(bad("expire"));
    expect(await c.call("EXPIRE", "k", "-9223372036854776")).toEqual(bad("expire"));
    expect(await c.call("PEXPIRE", "k", "9223372036854775000")).toEqual(bad("pexpire"));
    expect(await c.call("EXPIREAT", "k", "9223372036854776")).toEqual(bad("expireat"));
    expect(await c.call("EXPIREAT", "k", "9223372036854775")).toBe(1);
    expect(await c.call("PEXPIRETIME", "k")).toBe(9223372036854775000n);
    expect(await c.call("EXISTS", "k")).toBe(1);
  });

  test("PEXPIREAT at INT64_MAX is kept exactly (PEXPIRETIME, PTTL, EXPIRETIME)", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("PEXPIREAT", "k", "9223372036854775807")).toBe(1);
    expect(await c.call("PEXPIRETIME", "k")).toBe(9223372036854775807n);
    expect(await c.call("PTTL", "k")).toBe(9223372036854775807n - BigInt(T0));
    expect(await c.call("EXPIRETIME", "k")).toBe(9223372036854776n);
    expect(await c.call("RENAME", "k", "k2")).toBe("OK");
    expect(await c.call("PEXPIRETIME", "k2")).toBe(9223372036854775807n);
  });

  test("PERSIST removes the TTL once, notifies persist, propagates only when it did", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("PERSIST", "k")).toBe(0);
    expect(await c.call("PERSIST", "nokey")).toBe(0);
    await c.call("EXPIRE", "k", 100);
    props = [];
    expect(await c.call("PERSIST", "k")).toBe(1);
    expect(await c.call("TTL", "k")).toBe(-1);
    expect(events.at(-1)).toBe("0:persist:k");
    expect(props).toEqual([["0", "PERSIST", "k"]]);
  });

  test("expiry deletions do not count as changes made by the command", async () => {
    await c.call("SET", "x", "1");
    await c.call("PEXPIRE", "x", 10);
    now += 20;
    const dirty = k.server.dirty;
    props = [];
    expect(await c.call("DEL", "x")).toBe(0);
    expect(k.server.dirty).toBe(dirty);
    expect(props).toEqual([["0", "DEL", "x"]]); // the expiry's DEL only, not the command
  });
});

describe("RENAME, RENAMENX, COPY, MOVE, SWAPDB", () => {
  test("RENAME moves value and TTL; errors and same-key cases like Redis", async () => {
    expect(await c.call("RENAME", "a", "b")).toEqual({ error: "ERR no such key" });
    expect(await c.call("RENAME", "a", "a")).toEqual({ error: "ERR no such key" });
    expect(await c.call("RENAMENX", "a", "a")).toEqual({ error: "ERR no such key" });
    await c.call("SET", "a", "1");
    props = [];
    expect(await c.call("RENAME", "a", "a")).toBe("OK");
    expect(await c.call("RENAMENX", "a", "a")).toBe(0);
    expect(props).toEqual([]);
    await c.call("EXPIRE", "a", 100);
    events = [];
    expect(await c.call("RENAME", "a", "c")).toBe("OK");
    expect(await c.call("EXISTS", "a")).toBe(0);
    expect(await c.call("GET", "c")).toBe("1");
    expect(await c.call("TTL", "c")).toBe(100);
    expect(events).toEqual(["0:rename_from:a", "0:rename_to:c"]);
    await c.call("SET", "b", "2");
    expect(await c.call("RENAMENX", "c", "b")).toBe(0);
    expect(await c.call("RENAME", "c", "b")).toBe("OK");
    expect(await c.call("GET", "b")).toBe("1");
    expect(await c.call("TTL", "b")).toBe(100);
    expect(await c.call("RENAMENX", "b", "z")).toBe(1);
  });

  test("RENAME keeps the value's idle time (the object moves)", async () => {
    await c.call("SET", "a", "1");
    now += 50_000;
    await c.call("RENAME", "a", "b");
    now += 10_000;
    expect(await c.call("OBJECT", "IDLETIME", "b")).toBe(10); // touched by RENAME's lookup
  });

  test("COPY: TTL kept, REPLACE, DB, independent clone, errors in Redis's order", async () => {
    await c.call("SET", "b", "2");
    await c.call("EXPIRE", "b", 100);
    expect(await c.call("COPY", "b", "d")).toBe(1);
    expect(await c.call("TTL", "d")).toBe(100);
    expect(await c.call("COPY", "b", "d")).toBe(0);
    expect(await c.call("COPY", "b", "d", "REPLACE")).toBe(1);
    expect(await c.call("COPY", "b", "b")).toEqual({ error: "ERR source and destination objects are the same" });
    expect(await c.call("COPY", "nokey", "nokey")).toEqual({ error: "ERR source and destination objects are the same" });
    expect(await c.call("COPY", "b", "b", "DB", 0)).toEqual({ error: "ERR source and destination objects are the same" });
    expect(await c.call("COPY", "b", "b", "DB", 16)).toEqual({ error: "ERR DB index is out of range" });
    expect(await c.call("COPY", "b", "b", "DB", -1)).toEqual({ error: "ERR DB index is out of range" });
    expect(await c.call("COPY", "b", "b", "DB", "abc")).toEqual({ error: "ERR value is not an integer or out of range" });
    expect(await c.call("COPY", "b", "b", "DB", "9999999999")).toEqual({ error: "ERR value is out of range, value must between -2147483648 and 2147483647" });
    expect(await c.call("COPY", "b", "b", "DB")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("COPY", "b", "b", "FOO")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("COPY", "nokey", "x")).toBe(0);
    events = [];
    expect(await c.call("COPY", "b", "b", "DB", 1)).toBe(1);
    expect(events).toEqual(["1:copy_to:b"]);
    await c.call("SELECT", 1);
    expect(await c.call("GET", "b")).toBe("2");
    expect(await c.call("TTL", "b")).toBe(100);
    await c.call("SELECT", 0);
    // Collections are cloned, not shared.
    const db0 = k.server.ks.dbs[0]!;
    const orig = new FakeList(["x", "y"]);
    db0.add(enc("list"), OBJ_LIST, orig);
    expect(await c.call("COPY", "list", "list2")).toBe(1);
    const copy = db0.lookup(enc("list2"))!.value as FakeList;
    expect(copy).not.toBe(orig);
    expect(copy.items).toEqual(["x", "y"]);
    expect(await c.call("OBJECT", "ENCODING", "list2")).toBe("listpack");
  });

  test("MOVE: TTL kept, refuses when the target has the key, errors like Redis", async () => {
    await c.call("SET", "m", "1");
    await c.call("EXPIRE", "m", 100);
    expect(await c.call("MOVE", "m", 0)).toEqual({ error: "ERR source and destination objects are the same" });
    expect(await c.call("MOVE", "m", 16)).toEqual({ error: "ERR DB index is out of range" });
    expect(await c.call("MOVE", "m", -1)).toEqual({ error: "ERR DB index is out of range" });
    expect(await c.call("MOVE", "m", "abc")).toEqual({ error: "ERR value is not an integer or out of range" });
    expect(await c.call("MOVE", "m", "9999999999")).toEqual({ error: "ERR value is out of range, value must between -2147483648 and 2147483647" });
    expect(await c.call("MOVE", "nokey", 1)).toBe(0);
    events = [];
    expect(await c.call("MOVE", "m", 1)).toBe(1);
    expect(events).toEqual(["0:move_from:m", "1:move_to:m"]);
    expect(await c.call("EXISTS", "m")).toBe(0);
    await c.call("SET", "m", "2");
    expect(await c.call("MOVE", "m", 1)).toBe(0);
    await c.call("SELECT", 1);
    expect(await c.call("GET", "m")).toBe("1");
    expect(await c.call("TTL", "m")).toBe(100);
  });

  test("SWAPDB exchanges contents (expiries too), tells onDbChanged first, errors like Redis", async () => {
    await c.call("SET", "in0", "a");
    await c.call("EXPIRE", "in0", 50);
    expect(await c.call("SWAPDB", 0, 1)).toBe("OK");
    expect(dbChanges).toEqual(["swap:0<>1"]);
    expect(await c.call("EXISTS", "in0")).toBe(0);
    await c.call("SELECT", 1);
    expect(await c.call("TTL", "in0")).toBe(50);
    now += 50_000;
    expect(await c.call("EXISTS", "in0")).toBe(0);
    expect(await c.call("SWAPDB", 0, 16)).toEqual({ error: "ERR DB index is out of range" });
    expect(await c.call("SWAPDB", "a", 1)).toEqual({ error: "ERR invalid first DB index" });
    expect(await c.call("SWAPDB", 0, "b")).toEqual({ error: "ERR invalid second DB index" });
    expect(await c.call("SWAPDB", "9999999999", 0)).toEqual({ error: "ERR invalid first DB index" });
    expect(await c.call("SWAPDB", -1, 0)).toEqual({ error: "ERR DB index is out of range" });
    props = [];
    expect(await c.call("SWAPDB", 0, 0)).toBe("OK");
    expect(props).toEqual([["1", "SWAPDB", "0", "0"]]);
  });
});

describe("FLUSHDB, FLUSHALL, RANDOMKEY", () => {
  test("FLUSHDB empties the selected db, fires onDbChanged, and propagates even when empty", async () => {
    await c.call("SET", "a", "1");
    await c.call("SELECT", 2);
    await c.call("SET", "b", "1");
    dbChanges = [];
    props = [];
    expect(await c.call("FLUSHDB")).toBe("OK");
    expect(await c.call("DBSIZE")).toBe(0);
    expect(dbChanges).toEqual(["flush:2"]);
    expect(await c.call("FLUSHDB", "ASYNC")).toBe("OK");
    expect(await c.call("FLUSHDB", "sync")).toBe("OK");
    expect(props).toEqual([["2", "FLUSHDB"], ["2", "FLUSHDB", "ASYNC"], ["2", "FLUSHDB", "sync"]]);
    expect(await c.call("FLUSHDB", "FOO")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("FLUSHDB", "ASYNC", "SYNC")).toEqual({ error: "ERR syntax error" });
    await c.call("SELECT", 0);
    expect(await c.call("DBSIZE")).toBe(1);
  });

  test("FLUSHALL empties every db and always propagates", async () => {
    await c.call("SET", "a", "1");
    await c.call("SELECT", 3);
    await c.call("SET", "b", "1");
    dbChanges = [];
    props = [];
    expect(await c.call("FLUSHALL")).toBe("OK");
    expect(k.server.ks.totalKeys()).toBe(0);
    expect(dbChanges).toEqual(["flush:-1"]);
    expect(await c.call("FLUSHALL", "x")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("FLUSHALL", "ASYNC")).toBe("OK");
    expect(props).toEqual([["3", "FLUSHALL"], ["3", "FLUSHALL", "ASYNC"]]);
  });

  test("RANDOMKEY: null when empty, never an expired key (expired picks are deleted)", async () => {
    expect(await c.callRaw("RANDOMKEY")).toBe("$-1\r\n");
    for (let i = 0; i < 50; i++) {
      await c.call("SET", `e${i}`, "1");
      await c.call("PEXPIRE", `e${i}`, 10);
    }
    await c.call("SET", "live", "1");
    now += 20;
    for (let i = 0; i < 20; i++) expect(await c.call("RANDOMKEY")).toBe("live");
    now += 1;
    await c.call("PEXPIRE", "live", 1);
    now += 5;
    expect(await c.callRaw("RANDOMKEY")).toBe("$-1\r\n");
    expect(await c.call("DBSIZE")).toBe(0);
  });
});

describe("KEYS and SCAN", () => {
  test("KEYS matches glob patterns, includes the empty key only for '*', hides expired keys", async () => {
    for (const key of ["hello", "hallo", "hxllo", "hllo", "heeello", "", "a*b"]) await c.call("SET", key, "1");
    const keys = async (p: string) => ((await c.call("KEYS", p)) as string[]).sort();
    expect(await keys("h?llo")).toEqual(["hallo", "hello", "hxllo"]);
    expect(await keys("h*llo")).toEqual(["hallo", "heeello", "hello", "hllo", "hxllo"]);
    expect(await keys("h[ae]llo")).toEqual(["hallo", "hello"]);
    expect(await keys("h[^e]llo")).toEqual(["hallo", "hxllo"]);
    expect(await keys("a\\*b")).toEqual(["a*b"]);
    expect(await keys("*")).toContain("");
    expect(await keys("**")).not.toContain("");
    await c.call("PEXPIRE", "hello", 5);
    now += 10;
    expect(await keys("h?llo")).toEqual(["hallo", "hxllo"]);
  });

  test("SCAN iterates everything with COUNT, MATCH and TYPE", async () => {
    for (let i = 0; i < 300; i++) await c.call("SET", `key:${i}`, "v");
    k.server.ks.dbs[0]!.add(enc("alist"), OBJ_LIST, new FakeList(["1"]));
    const scanAll = async (...opts: (string | number)[]) => {
      const seen: string[] = [];
      let cursor = "0";
      let calls = 0;
      do {
        const r = (await c.call("SCAN", cursor, ...opts)) as [string, string[]];
        cursor = r[0];
        seen.push(...r[1]);
        calls++;
      } while (cursor !== "0");
      return { keys: new Set(seen), calls };
    };
    const all = await scanAll();
    expect(all.keys.size).toBe(301);
    expect(all.calls).toBeGreaterThan(5);
    const big = await scanAll("COUNT", 1000);
    expect(big.keys.size).toBe(301);
    expect(big.calls).toBe(1);
    const m = await scanAll("MATCH", "key:1?", "COUNT", 50);
    expect([...m.keys].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `key:1${i}`).sort());
    expect([...(await scanAll("TYPE", "LIST")).keys]).toEqual(["alist"]);
    expect((await scanAll("TYPE", "string")).keys.size).toBe(300);
    expect((await scanAll("TYPE", "nosuchtype")).keys.size).toBe(0);
  });

  test("SCAN skips and deletes expired keys", async () => {
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "1");
    await c.call("PEXPIRE", "a", 5);
    now += 10;
    const r = (await c.call("SCAN", 0, "COUNT", 100)) as [string, string[]];
    expect(r).toEqual(["0", ["b"]]);
    expect(k.server.ks.dbs[0]!.dict.size).toBe(1);
  });

  test("SCAN argument errors like Redis", async () => {
    expect(await c.call("SCAN", "abc")).toEqual({ error: "ERR invalid cursor" });
    expect(await c.call("SCAN", " 0")).toEqual({ error: "ERR invalid cursor" });
    expect(await c.call("SCAN", "18446744073709551616")).toEqual({ error: "ERR invalid cursor" });
    expect(await c.call("SCAN", "abc", "COUNT", 0)).toEqual({ error: "ERR invalid cursor" });
    expect(await c.call("SCAN", 0, "COUNT", 0)).toEqual({ error: "ERR syntax error" });
    expect(await c.call("SCAN", 0, "COUNT", -1)).toEqual({ error: "ERR syntax error" });
    expect(await c.call("SCAN", 0, "COUNT", "x")).toEqual({ error: "ERR value is not an integer or out of range" });
    expect(await c.call("SCAN", 0, "COUNT")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("SCAN", 0, "FOO", "bar")).toEqual({ error: "ERR syntax error" });
    expect(await c.callRaw("SCAN", "")).toBe("*2\r\n$1\r\n0\r\n*0\r\n");
    expect(await c.callRaw("SCAN", "-1")).toBe("*2\r\n$1\r\n0\r\n*0\r\n");
  });

  test("parseScanCursor follows strtoul: sign, wrap modulo 2^64, low 32 bits", () => {
    expect(parseScanCursor(enc(""))).toBe(0);
    expect(parseScanCursor(enc("+5"))).toBe(5);
    expect(parseScanCursor(enc("-0"))).toBe(0);
    expect(parseScanCursor(enc("00012"))).toBe(12);
    expect(parseScanCursor(enc("-1"))).toBe(0xffffffff);
    expect(parseScanCursor(enc("4294967297"))).toBe(1);
    expect(parseScanCursor(enc("18446744073709551615"))).toBe(0xffffffff);
    expect(parseScanCursor(enc("18446744073709551616"))).toBe(-1);
    expect(parseScanCursor(enc("-18446744073709551615"))).toBe(1);
    expect(parseScanCursor(enc("+"))).toBe(-1);
    expect(parseScanCursor(enc("1.5"))).toBe(-1);
    expect(parseScanCursor(enc("0 "))).toBe(-1);
    expect(parseScanCursor(Uint8Array.from([0x37, 0, 0x78]))).toBe(7);
  });

  test("SCAN returns every key present for the whole iteration while keys come and go and the table resizes", async () => {
    const db = k.server.ks.dbs[0]!;
    for (let i = 0; i < 400; i++) await c.call("SET", `stay:${i}`, "v");
    let cursor = "0";
    const seen = new Set<string>();
    let step = 0;
    const bucketsSeen = new Set<number>();
    do {
      const r = (await c.call("SCAN", cursor, "COUNT", 20)) as [string, string[]];
      cursor = r[0];
      for (const key of r[1]) seen.add(key);
      step++;
      if (step <= 4) {
        for (let i = 0; i < 500; i++) c.send("SET", `tmp:${step}:${i}`, "v"); // growth
        for (let i = 0; i < 500; i++) await c.reply();
      } else if (step === 5) {
        for (let s = 1; s <= 4; s++) for (let i = 0; i < 500; i++) c.send("DEL", `tmp:${s}:${i}`); // shrink
        for (let i = 0; i < 2000; i++) await c.reply();
      }
      k.server.cron(); // rehash steps and shrink checks between calls
      bucketsSeen.add(db.dict.buckets);
    } while (cursor !== "0" && step < 10000);
    expect(cursor).toBe("0");
    expect(bucketsSeen.size).toBeGreaterThan(2);
    const missing = Array.from({ length: 400 }, (_, i) => `stay:${i}`).filter((key) => !seen.has(key));
    expect(missing).toEqual([]);
  });
});

describe("OBJECT", () => {
  test("OBJECT HELP, unknown subcommands and arity errors are Redis's", async () => {
    const help = await c.callRaw("OBJECT", "HELP");
    expect(help).toBe(
      "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n",
    );
    expect(await c.call("OBJECT")).toEqual({ error: "ERR wrong number of arguments for 'object' command" });
    expect(await c.call("OBJECT", "FOO")).toEqual({ error: "ERR unknown subcommand 'FOO'. Try OBJECT HELP." });
    expect(await c.call("OBJECT", "HELP", "x")).toEqual({ error: "ERR wrong number of arguments for 'object|help' command" });
    expect(await c.call("OBJECT", "ENCODING")).toEqual({ error: "ERR wrong number of arguments for 'object|encoding' command" });
    for (const sub of ["ENCODING", "REFCOUNT", "IDLETIME", "FREQ"]) expect(await c.callRaw("OBJECT", sub, "nokey")).toBe("$-1\r\n");
  });

  test("OBJECT ENCODING and REFCOUNT for strings (shared integers report INT_MAX)", async () => {
    await c.call("SET", "i", "100");
    await c.call("SET", "j", "10000");
    await c.call("SET", "n", "-1");
    await c.call("SET", "s", "abc");
    await c.call("SET", "r", "a".repeat(45));
    expect(await c.call("OBJECT", "ENCODING", "i")).toBe("int");
    expect(await c.call("OBJECT", "ENCODING", "s")).toBe("embstr");
    expect(await c.call("OBJECT", "ENCODING", "r")).toBe("raw");
    expect(await c.call("OBJECT", "REFCOUNT", "i")).toBe(2147483647);
    expect(await c.call("OBJECT", "REFCOUNT", "j")).toBe(1);
    expect(await c.call("OBJECT", "REFCOUNT", "n")).toBe(1);
    expect(await c.call("OBJECT", "REFCOUNT", "s")).toBe(1);
    await c.call("COPY", "i", "i2");
    expect(await c.call("OBJECT", "REFCOUNT", "i2")).toBe(1);
    expect(await c.call("OBJECT", "ENCODING", "i2")).toBe("int");
  });

  test("IDLETIME: TTL/TYPE/EXISTS/OBJECT do not touch the key; TOUCH and GET do", async () => {
    await c.call("SET", "k", "v");
    now += 30_000;
    for (const cmd of ["TTL", "PTTL", "TYPE", "EXISTS", "EXPIRETIME"]) await c.call(cmd, "k");
    await c.call("OBJECT", "ENCODING", "k");
    expect(await c.call("OBJECT", "IDLETIME", "k")).toBe(30);
    expect(await c.call("TOUCH", "k")).toBe(1);
    expect(await c.call("OBJECT", "IDLETIME", "k")).toBe(0);
    now += 7_000;
    expect(await c.call("OBJECT", "IDLETIME", "k")).toBe(7);
    await c.call("GET", "k");
    expect(await c.call("OBJECT", "IDLETIME", "k")).toBe(0);
    expect(await c.call("OBJECT", "FREQ", "k")).toEqual({
      error:
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    });
  });

  test("TTL, TYPE and EXISTS count keyspace hits and misses; DEL and EXPIRE do not", async () => {
    await c.call("SET", "k", "v");
    const st = k.server.ks.stats;
    const before = { hits: st.hits, misses: st.misses };
    await c.call("TTL", "k");
    await c.call("EXISTS", "k", "nokey");
    await c.call("EXPIRE", "k", 100);
    await c.call("DEL", "nokey");
    expect({ hits: st.hits - before.hits, misses: st.misses - before.misses }).toEqual({ hits: 2, misses: 1 });
  });
});

describe("OBJECT FREQ under an LFU policy", () => {
  let lk: KedisHandle;
  let lc: TestClient;
  beforeAll(async () => {
    lk = await startKedis({ clock: () => now, cron: false, config: { "maxmemory-policy": "allkeys-lfu" } });
    lc = await lk.client();
  });
  afterAll(async () => {
    await lk.stop();
  });

  test("a new key starts at 5, the first access makes it 6, counters decay by minutes idle", async () => {
    await lc.call("SET", "n", "x");
    expect(await lc.call("OBJECT", "FREQ", "n")).toBe(5);
    await lc.call("GET", "n");
    expect(await lc.call("OBJECT", "FREQ", "n")).toBe(6);
    expect(await lc.call("OBJECT", "FREQ", "n")).toBe(6); // OBJECT does not count as an access
    now += 3 * 60_000;
    expect(await lc.call("OBJECT", "FREQ", "n")).toBe(3);
    expect(await lc.call("OBJECT", "IDLETIME", "n")).toEqual({
      error:
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    });
  });
});

describe("active expiry (fake clock, cron driven by the test)", () => {
  afterEach(() => {
    now = T0;
  });

  test("10,000 volatile keys are reclaimed by cron() alone, each slice within its budget", async () => {
    const s = k.server;
    const db: Database = s.ks.dbs[0]!;
    s.ks.now = now;
    for (let i = 0; i < 10_000; i++) {
      const e = db.add(enc(`v:${i}`), 0, enc("x"));
      db.setExpire(e, now + 1000 + (i % 100));
    }
    for (let i = 0; i < 100; i++) db.add(enc(`p:${i}`), 0, enc("x"));
    const stats0 = { ...s.expireStats };
    events = [];
    props = [];
    s.cron();
    expect(db.expires).toBe(10_000); // nothing due yet
    now += 2000;
    let crons = 0;
    while (db.expires > 0 && crons < 10_000) {
      s.cron();
      crons++;
      await new Promise<void>((r) => setImmediate(r)); // let chained slices run
    }
    expect(db.expires).toBe(0);
    expect(db.size).toBe(100);
    expect(s.expireStats.expired - stats0.expired).toBe(10_000);
    expect(s.expireStats.maxSliceChecked).toBeLessThanOrEqual(EXPIRE_SLICE_MAX_CHECKS);
    expect(events.filter((e) => e.includes(":expired:")).length).toBe(10_000);
    expect(props.length).toBe(10_000);
    expect(props[0]![1]).toBe("DEL");
  });

  test("keys not yet due survive the cycle, and few-expired databases are left after one step", async () => {
    const s = k.server;
    const db = s.ks.dbs[0]!;
    s.ks.now = now;
    for (let i = 0; i < 1000; i++) db.setExpire(db.add(enc(`f:${i}`), 0, enc("x")), now + 100_000);
    for (let i = 0; i < 10; i++) db.setExpire(db.add(enc(`d:${i}`), 0, enc("x")), now + 10);
    now += 50;
    const before = s.expireStats.checked;
    s.cron();
    expect(db.size).toBeGreaterThanOrEqual(1000);
    expect(s.expireStats.checked - before).toBeLessThan(1010); // not a full walk per cron
    for (let i = 0; i < 200; i++) s.cron();
    expect(db.size).toBe(1000); // the ring walk reaches the 10 due keys eventually
  });
});

describe("constants", () => {
  test("the generic family's notification bit is the server's NOTIFY_GENERIC", () => {
    expect(GENERIC_BIT).toBe(NOTIFY_GENERIC);
  });
});
