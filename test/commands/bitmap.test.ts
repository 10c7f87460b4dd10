import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { TestClient } from "../helpers/client.ts";
import { captureEvents, captureWrites, encodingOf, putList } from "../helpers/inspect.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
let c: TestClient;
let writes: string[];
let events: string[];

const WRONGTYPE = { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };
const SYNTAX = { error: "ERR syntax error" };
const NOT_INT = { error: "ERR value is not an integer or out of range" };
const BIT_OFFSET = { error: "ERR bit offset is not an integer or out of range" };
const BAD_TYPE = { error: "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is." };

beforeAll(async () => {
  k = await startKedis({ cron: false, config: { "proto-max-bulk-len": "1048576" } });
  c = await k.client();
  writes = captureWrites(k.server);
  events = captureEvents(k.server);
});
afterAll(async () => {
  await k.stop();
});
beforeEach(() => {
  k.server.ks.flushAll();
  writes.length = 0;
  events.length = 0;
});

describe("SETBIT and GETBIT", () => {
  test("SETBIT returns the old bit, grows with zero bytes, and makes the value raw", async () => {
    expect(await c.call("SETBIT", "k", "7", "1")).toBe(0);
    expect(await c.call("SETBIT", "k", "7", "1")).toBe(1);
    expect(await c.call("SETBIT", "k", "20", "1")).toBe(0);
    expect(await c.call("GET", "k")).toBe("\x01\x00\x08");
    expect(await c.call("GETBIT", "k", "20")).toBe(1);
    expect(await c.call("GETBIT", "k", "21")).toBe(0);
    expect(await c.call("GETBIT", "k", "8388607")).toBe(0);
    expect(await c.call("GETBIT", "missing", "3")).toBe(0);
    await c.call("SET", "n", "7");
    expect(await c.call("SETBIT", "n", "0", "0")).toBe(0);
    expect(encodingOf(k.server, "n")).toBe("raw");
    expect(await c.call("GET", "n")).toBe("7");
  });

  test("SETBIT argument errors come before WRONGTYPE, offset before value", async () => {
    putList(k.server, "l");
    expect(await c.call("SETBIT", "l", "-1", "2")).toEqual(BIT_OFFSET);
    expect(await c.call("SETBIT", "l", "0", "2")).toEqual({ error: "ERR bit is not an integer or out of range" });
    expect(await c.call("SETBIT", "l", "0", "01")).toEqual({ error: "ERR bit is not an integer or out of range" });
    expect(await c.call("SETBIT", "l", "0", "1")).toEqual(WRONGTYPE);
    expect(await c.call("SETBIT", "k", "8388608", "1")).toEqual(BIT_OFFSET);
    expect(await c.call("GETBIT", "l", "abc")).toEqual(BIT_OFFSET);
    expect(await c.call("GETBIT", "l", "0")).toEqual(WRONGTYPE);
  });

  test("SETBIT counts as a change only when it grows the string or flips the bit", async () => {
    await c.call("SETBIT", "k", "100", "0"); // creates: a change
    await c.call("SETBIT", "k", "100", "0"); // nothing
    await c.call("SETBIT", "k", "100", "1");
    await c.call("SETBIT", "k", "100", "1"); // nothing
    expect(writes).toEqual(["0: SETBIT k 100 0", "0: SETBIT k 100 1"]);
    expect(events).toEqual(["setbit:k", "setbit:k"]);
  });

  test("many SETBITs at rising offsets build the expected bitmap", async () => {
    for (let i = 0; i < 2000; i += 3) await c.call("SETBIT", "b", String(i), "1");
    expect(await c.call("BITCOUNT", "b")).toBe(667);
    expect(await c.call("STRLEN", "b")).toBe(250);
    expect(await c.call("BITPOS", "b", "1", "100", "-1", "BIT")).toBe(102);
  });
});

describe("BITCOUNT and BITPOS", () => {
  test("BITCOUNT over byte and bit ranges", async () => {
    await c.call("SET", "k", "\xff\xf0\x00");
    expect(await c.call("BITCOUNT", "k")).toBe(12);
    expect(await c.call("BITCOUNT", "k", "1", "1")).toBe(4);
    expect(await c.call("BITCOUNT", "k", "5", "10", "BIT")).toBe(6);
    expect(await c.call("BITCOUNT", "k", "-100", "-200")).toBe(0);
    expect(await c.call("BITCOUNT", "k", "-200", "-100")).toBe(8);
    expect(await c.call("BITCOUNT", "k", "0")).toEqual(SYNTAX);
    expect(await c.call("BITCOUNT", "k", "0", "1", "foo")).toEqual(SYNTAX);
    expect(await c.call("BITCOUNT", "k", "a", "0")).toEqual(NOT_INT);
    expect(await c.call("BITCOUNT", "missing", "a", "b", "c")).toBe(0);
    putList(k.server, "l");
    expect(await c.call("BITCOUNT", "l", "a")).toEqual(WRONGTYPE);
  });

  test("BITPOS finds set and clear bits; a missing end pads with zeros", async () => {
    await c.call("SET", "k", "\x00\xff\xf0");
    expect(await c.call("BITPOS", "k", "1")).toBe(8);
    expect(await c.call("BITPOS", "k", "0", "1")).toBe(20);
    expect(await c.call("BITPOS", "k", "0", "8", "15", "BIT")).toBe(-1);
    expect(await c.call("BITPOS", "k", "0", "-3", "-1", "BIT")).toBe(21);
    await c.call("SET", "f", "\xff\xff");
    expect(await c.call("BITPOS", "f", "0")).toBe(16);
    expect(await c.call("BITPOS", "f", "0", "0", "-1")).toBe(-1);
    expect(await c.call("BITPOS", "missing", "0")).toBe(0);
    expect(await c.call("BITPOS", "missing", "1")).toBe(-1);
    expect(await c.call("BITPOS", "k", "2")).toEqual({ error: "ERR The bit argument must be 1 or 0." });
    expect(await c.call("BITPOS", "k", "1", "0", "a", "foo")).toEqual(SYNTAX);
    expect(await c.call("BITPOS", "k", "1", "0", "10", "BIT", "x")).toEqual(SYNTAX);
    await c.call("SET", "e", "");
    expect(await c.call("BITPOS", "e", "0")).toBe(-1);
  });
});

describe("BITOP", () => {
  test("AND, OR, XOR, NOT with shorter sources padded by zeros", async () => {
    await c.call("SET", "a", "\xf0\x0f\xaa");
    await c.call("SET", "b", "\x33");
    expect(await c.call("BITOP", "AND", "d", "a", "b")).toBe(3);
    expect(await c.call("GET", "d")).toBe("\x30\x00\x00");
    expect(await c.call("BITOP", "or", "d", "a", "b")).toBe(3);
    expect(await c.call("GET", "d")).toBe("\xf3\x0f\xaa");
    expect(await c.call("BITOP", "XOR", "d", "a", "b", "missing")).toBe(3);
    expect(await c.call("GET", "d")).toBe("\xc3\x0f\xaa");
    expect(await c.call("BITOP", "NOT", "d", "a")).toBe(3);
    expect(await c.call("GET", "d")).toBe("\x0f\xf0\x55");
    expect(encodingOf(k.server, "d")).toBe("raw");
  });

  test("BITOP errors, and an empty result deletes the destination", async () => {
    putList(k.server, "l");
    expect(await c.call("BITOP", "FOO", "d", "a")).toEqual(SYNTAX);
    expect(await c.call("BITOP", "NOT", "d", "a", "b")).toEqual({ error: "ERR BITOP NOT must be called with a single source key." });
    expect(await c.call("BITOP", "AND", "d", "a", "l")).toEqual(WRONGTYPE);
    expect(await c.call("BITOP", "AND", "d", "missing")).toBe(0);
    await c.call("SET", "d", "x", "EX", "100");
    expect(await c.call("BITOP", "OR", "d", "missing")).toBe(0);
    expect(await c.call("GET", "d")).toBeNull();
    expect(await c.call("BITOP", "OR", "l", "missing")).toBe(0);
    expect(encodingOf(k.server, "l")).toBeNull();
    expect(events.filter((e) => e.startsWith("del"))).toEqual(["del:d", "del:l"]);
  });
});

describe("BITFIELD", () => {
  test("GET/SET/INCRBY on signed and unsigned fields, with # offsets", async () => {
    expect(await c.call("BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0", "SET", "i8", "0", "-1", "GET", "i8", "0")).toEqual([0, 255, -1, -1]);
    expect(await c.call("BITFIELD", "k", "SET", "u4", "#3", "15", "GET", "u16", "0")).toEqual([0, 65295]);
    expect(await c.call("BITFIELD", "k", "INCRBY", "i5", "100", "1", "GET", "i5", "100")).toEqual([1, 1]);
    expect(await c.call("BITFIELD_RO", "k", "GET", "u8", "0")).toEqual([255]);
  });

  test("OVERFLOW WRAP, SAT and FAIL", async () => {
    expect(
      await c.call("BITFIELD", "k", "SET", "u8", "0", "100", "INCRBY", "u8", "0", "200", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "200", "INCRBY", "u8", "0", "-1000", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300", "INCRBY", "u8", "0", "-1"),
    ).toEqual([0, 44, 244, 0, null, null]);
    expect(await c.call("BITFIELD", "k", "OVERFLOW", "WRAP", "SET", "i8", "0", "128", "GET", "i8", "0", "OVERFLOW", "SAT", "SET", "i8", "0", "-129", "GET", "i8", "0")).toEqual([0, -128, -128, -128]);
    expect(await c.call("BITFIELD", "k", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "GET", "u8", "0")).toEqual([128, 255]);
  });

  test("i64 and u63 limits", async () => {
    expect(
      await c.call("BITFIELD", "k", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-9223372036854775808", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"),
    ).toEqual([0, -9223372036854775808n, -9223372036854775808n, null]);
    expect(await c.call("BITFIELD", "k", "SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "-1", "GET", "i64", "0")).toEqual([
      4611686018427387904n,
      0,
      0,
      0,
    ]);
  });

  test("BITFIELD errors in Redis's order", async () => {
    putList(k.server, "l");
    expect(await c.call("BITFIELD", "k", "GET", "u64", "0")).toEqual(BAD_TYPE);
    expect(await c.call("BITFIELD", "k", "GET", "U8", "0")).toEqual(BAD_TYPE);
    expect(await c.call("BITFIELD", "k", "GET", "i65", "0")).toEqual(BAD_TYPE);
    expect(await c.call("BITFIELD", "k", "GET", "u8", "#-1")).toEqual(BIT_OFFSET);
    expect(await c.call("BITFIELD", "k", "GET", "u8", "8388608")).toEqual(BIT_OFFSET);
    expect(await c.call("BITFIELD", "k", "GET", "u8", "#1048576")).toEqual(BIT_OFFSET);
    expect(await c.call("BITFIELD", "k", "OVERFLOW", "foo")).toEqual({ error: "ERR Invalid OVERFLOW type specified" });
    expect(await c.call("BITFIELD", "k", "GET", "u8")).toEqual(SYNTAX);
    expect(await c.call("BITFIELD", "l", "SET", "u8", "0", "abc")).toEqual(NOT_INT);
    expect(await c.call("BITFIELD", "l", "GET", "u8", "0")).toEqual(WRONGTYPE);
    expect(await c.call("BITFIELD", "l")).toEqual(WRONGTYPE);
    expect(await c.call("BITFIELD_RO", "l", "SET", "u8", "0", "1")).toEqual({ error: "ERR BITFIELD_RO only supports the GET subcommand" });
    expect(await c.call("BITFIELD_RO", "k", "SET", "u8", "0", "abc")).toEqual(NOT_INT);
    expect(await c.call("BITFIELD", "missing")).toEqual([]);
    expect(encodingOf(k.server, "missing")).toBeNull();
  });

  test("BITFIELD counts changes per written field; FAIL-only calls are not propagated", async () => {
    expect(await c.call("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10")).toEqual([null]);
    expect(await c.call("STRLEN", "k")).toBe(13);
    await c.call("BITFIELD", "k", "SET", "u8", "0", "0"); // same value, no growth
    await c.call("BITFIELD", "k", "SET", "u8", "0", "5", "SET", "u8", "8", "0");
    expect(writes).toEqual(["0: BITFIELD k SET u8 0 5 SET u8 8 0"]);
    expect(events).toEqual(["setbit:k"]);
    expect(k.server.dirty).toBeGreaterThan(0);
  });
});
