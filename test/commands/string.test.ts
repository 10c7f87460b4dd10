import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { TestClient } from "../helpers/client.ts";
import { captureEvents, captureWrites, encodingOf, expireTimeOf, lastClientResp, putList } from "../helpers/inspect.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

const T0 = 1_700_000_000_000;
let now = T0;
let k: KedisHandle;
let c: TestClient;
let writes: string[];
let events: string[];

const WRONGTYPE = { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };
const SYNTAX = { error: "ERR syntax error" };
const NOT_INT = { error: "ERR value is not an integer or out of range" };
const NOT_FLOAT = { error: "ERR value is not a valid float" };
const TOO_BIG = { error: "ERR string exceeds maximum allowed size (proto-max-bulk-len)" };
const invalidExpire = (cmd: string) => ({ error: `ERR invalid expire time in '${cmd}' command` });

beforeAll(async () => {
  k = await startKedis({ clock: () => now, cron: false, config: { "proto-max-bulk-len": "1048576" } });
  c = await k.client();
  writes = captureWrites(k.server);
  events = captureEvents(k.server);
});
afterAll(async () => {
  await k.stop();
});
beforeEach(() => {
  now = T0;
  k.server.ks.flushAll();
  writes.length = 0;
  events.length = 0;
});

const enc = (key: string) => encodingOf(k.server, key);
const expireAt = (key: string) => expireTimeOf(k.server, key);

describe("GET and SET", () => {
  test("SET and GET are binary safe in keys and values", async () => {
    const key = "k\x00\r\n\xff";
    const val = "\x00\x01\r\n\xfe\xff value";
    expect(await c.call("SET", key, val)).toBe("OK");
    expect(await c.call("GET", key)).toBe(val);
    expect(await c.call("GET", "missing")).toBeNull();
    expect(await c.call("STRLEN", key)).toBe(val.length);
  });

  test("SET NX and XX set only when the key is missing or present", async () => {
    expect(await c.call("SET", "k", "1", "XX")).toBeNull();
    expect(await c.call("SET", "k", "1", "NX")).toBe("OK");
    expect(await c.call("SET", "k", "2", "NX")).toBeNull();
    expect(await c.call("SET", "k", "3", "xx")).toBe("OK");
    expect(await c.call("GET", "k")).toBe("3");
  });

  test("SET GET returns the old value, with NX too (Redis 7.0), and nil when missing", async () => {
    expect(await c.call("SET", "k", "a", "GET")).toBeNull();
    expect(await c.call("SET", "k", "b", "GET")).toBe("a");
    expect(await c.call("SET", "k", "c", "NX", "GET")).toBe("b");
    expect(await c.call("GET", "k")).toBe("b");
    expect(await c.call("SET", "k", "d", "GET", "GET")).toBe("b");
  });

  test("SET option errors: conflicts, unknown words, missing or invalid expire values", async () => {
    for (const opts of [["NX", "XX"], ["EX", "1", "PX", "1"], ["KEEPTTL", "EX", "1"], ["EX"], ["FOO"], ["PERSIST"], ["EXAT", "1", "PXAT", "1"]]) {
      expect(await c.call("SET", "k", "v", ...opts)).toEqual(SYNTAX);
    }
    expect(await c.call("SET", "k", "v", "EX", "0")).toEqual(invalidExpire("set"));
    expect(await c.call("SET", "k", "v", "PX", "-1")).toEqual(invalidExpire("set"));
    expect(await c.call("SET", "k", "v", "EX", "9223372036854775807")).toEqual(invalidExpire("set"));
    expect(await c.call("SET", "k", "v", "PX", "9223372036854775000")).toEqual(invalidExpire("set"));
    expect(await c.call("SET", "k", "v", "EX", "1.5")).toEqual(NOT_INT);
    expect(await c.call("SET", "k", "v", "EXAT", "9223372036854775")).toBe("OK");
    expect(await c.call("SET", "k", "v", "EXAT", "9223372036854776")).toEqual(invalidExpire("set"));
    expect(writes).toEqual(["0: SET k v PXAT 9223372036854775000"]);
  });

  test("SET GET on a non-string replies WRONGTYPE, after the expire is validated", async () => {
    putList(k.server, "l");
    expect(await c.call("SET", "l", "v", "GET")).toEqual(WRONGTYPE);
    expect(await c.call("SET", "l", "v", "GET", "EX", "0")).toEqual(invalidExpire("set"));
    expect(await c.call("SET", "l", "v", "NX")).toBeNull();
    expect(await c.call("SET", "l", "v")).toBe("OK");
    expect(await c.call("GET", "l")).toBe("v");
  });

  test("SET EX/PX/EXAT/PXAT set the expiry and propagate as SET ... PXAT <absolute ms>", async () => {
    await c.call("SET", "a", "1", "EX", "10");
    await c.call("SET", "b", "1", "PX", "1500");
    await c.call("SET", "c", "1", "EXAT", String(T0 / 1000 + 20));
    await c.call("SET", "d", "1", "PXAT", String(T0 + 30));
    expect([expireAt("a"), expireAt("b"), expireAt("c"), expireAt("d")]).toEqual([T0 + 10_000, T0 + 1500, T0 + 20_000, T0 + 30]);
    expect(writes).toEqual([
      `0: SET a 1 PXAT ${T0 + 10_000}`,
      `0: SET b 1 PXAT ${T0 + 1500}`,
      `0: SET c 1 PXAT ${T0 + 20_000}`,
      `0: SET d 1 PXAT ${T0 + 30}`,
    ]);
    expect(events).toEqual(["set:a", "expire:a", "set:b", "expire:b", "set:c", "expire:c", "set:d", "expire:d"]);
    now = T0 + 1500;
    expect(await c.call("GET", "b")).toBeNull();
    expect(await c.call("GET", "a")).toBe("1");
  });

  test("plain SET clears the TTL, KEEPTTL keeps it", async () => {
    await c.call("SET", "k", "1", "EX", "100");
    await c.call("SET", "k", "2", "KEEPTTL");
    expect(expireAt("k")).toBe(T0 + 100_000);
    await c.call("SET", "k", "3");
    expect(expireAt("k")).toBe(-1);
    expect(writes[1]).toBe("0: SET k 2 KEEPTTL");
  });

  test("SET with an EXAT in the past stores a key that is already expired", async () => {
    expect(await c.call("SET", "k", "v", "EXAT", "1")).toBe("OK");
    expect(await c.call("GET", "k")).toBeNull();
    expect(writes).toEqual(["0: SET k v PXAT 1000", "0: DEL k"]);
  });

  test("SETNX, SETEX and PSETEX", async () => {
    expect(await c.call("SETNX", "k", "1")).toBe(1);
    expect(await c.call("SETNX", "k", "2")).toBe(0);
    expect(await c.call("SETEX", "k", "0", "v")).toEqual(invalidExpire("setex"));
    expect(await c.call("SETEX", "k", "x", "v")).toEqual(NOT_INT);
    expect(await c.call("PSETEX", "k", "-5", "v")).toEqual(invalidExpire("psetex"));
    expect(await c.call("SETEX", "k", "10", "v")).toBe("OK");
    expect(expireAt("k")).toBe(T0 + 10_000);
    expect(await c.call("PSETEX", "p", "250", "w")).toBe("OK");
    expect(expireAt("p")).toBe(T0 + 250);
    expect(writes).toEqual(["0: SETNX k 1", `0: SET k v PXAT ${T0 + 10_000}`, `0: SET p w PXAT ${T0 + 250}`]);
  });

  test("GETSET returns the old value, clears the TTL and propagates as SET", async () => {
    putList(k.server, "l");
    expect(await c.call("GETSET", "l", "x")).toEqual(WRONGTYPE);
    expect(await c.call("GETSET", "k", "1")).toBeNull();
    await c.call("SET", "k", "1", "PX", "5000");
    expect(await c.call("GETSET", "k", "2")).toBe("1");
    expect(expireAt("k")).toBe(-1);
    expect(writes).toEqual(["0: SET k 1", `0: SET k 1 PXAT ${T0 + 5000}`, "0: SET k 2"]);
    expect(events).toEqual(["set:k", "set:k", "expire:k", "set:k"]);
  });

  test("GETDEL returns the value, deletes the key and propagates DEL", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("GETDEL", "k")).toBe("v");
    expect(await c.call("GETDEL", "k")).toBeNull();
    expect(enc("k")).toBeNull();
    expect(writes).toEqual(["0: SET k v", "0: DEL k"]);
    expect(events).toEqual(["set:k", "del:k"]);
  });

  test("GETEX sets, changes or removes the expiry and propagates PEXPIREAT/PERSIST/DEL", async () => {
    await c.call("SET", "k", "v");
    expect(await c.call("GETEX", "k")).toBe("v");
    expect(await c.call("GETEX", "k", "PERSIST")).toBe("v"); // no TTL: nothing changes
    expect(await c.call("GETEX", "k", "EX", "100")).toBe("v");
    expect(expireAt("k")).toBe(T0 + 100_000);
    expect(await c.call("GETEX", "k", "PXAT", String(T0 + 7))).toBe("v");
    expect(await c.call("GETEX", "k", "PERSIST")).toBe("v");
    expect(expireAt("k")).toBe(-1);
    expect(await c.call("GETEX", "k", "EXAT", "1")).toBe("v");
    expect(enc("k")).toBeNull();
    expect(writes).toEqual([
      "0: SET k v",
      `0: PEXPIREAT k ${T0 + 100_000}`,
      `0: PEXPIREAT k ${T0 + 7}`,
      "0: PERSIST k",
      "0: DEL k",
    ]);
    expect(events).toEqual(["set:k", "expire:k", "expire:k", "persist:k", "del:k"]);
  });

  test("GETEX checks syntax first, answers nil for a missing key before validating the expire", async () => {
    putList(k.server, "l");
    expect(await c.call("GETEX", "missing", "EX", "0")).toBeNull();
    expect(await c.call("GETEX", "missing", "EX", "abc")).toBeNull();
    expect(await c.call("GETEX", "l", "EX", "0")).toEqual(WRONGTYPE);
    expect(await c.call("GETEX", "l", "PERSIST", "EX", "1")).toEqual(SYNTAX);
    for (const bad of [["KEEPTTL"], ["NX"], ["GET"], ["EX"], ["FOO"]]) expect(await c.call("GETEX", "l", ...bad)).toEqual(SYNTAX);
    await c.call("SET", "k", "v");
    expect(await c.call("GETEX", "k", "EX", "0")).toEqual(invalidExpire("getex"));
    expect(await c.call("GETEX", "k", "EXAT", "9223372036854776")).toEqual(invalidExpire("getex"));
    expect(await c.call("GETEX", "k", "PERSIST", "PERSIST")).toBe("v");
  });
});

describe("multi-key strings", () => {
  test("MSET and MGET, with nil for missing and non-string keys", async () => {
    putList(k.server, "l");
    expect(await c.call("MSET", "a", "1", "b")).toEqual({ error: "ERR wrong number of arguments for 'mset' command" });
    expect(await c.call("MSET", "a", "1", "b", "2", "a", "3")).toBe("OK");
    expect(await c.call("MGET", "a", "b", "l", "missing")).toEqual(["3", "2", null, null]);
    expect(events).toEqual(["set:a", "set:b", "set:a"]);
  });

  test("MSETNX sets all keys or none", async () => {
    expect(await c.call("MSETNX", "a", "1")).toBe(1);
    expect(await c.call("MSETNX", "a", "2", "b", "2")).toBe(0);
    expect(await c.call("MGET", "a", "b")).toEqual(["1", null]);
    expect(await c.call("MSETNX", "q", "1", "q", "2")).toBe(1);
    expect(await c.call("GET", "q")).toBe("2");
    expect(await c.call("MSETNX", "a")).toEqual({ error: "ERR wrong number of arguments for 'msetnx' command" });
    expect(writes).toEqual(["0: MSETNX a 1", "0: MSETNX q 1 q 2"]);
  });
});

describe("APPEND, SETRANGE, GETRANGE, STRLEN", () => {
  test("APPEND creates, extends and makes the value raw", async () => {
    expect(await c.call("APPEND", "k", "12")).toBe(2);
    expect(enc("k")).toBe("int");
    expect(await c.call("APPEND", "k", "3")).toBe(3);
    expect(enc("k")).toBe("raw");
    expect(await c.call("GET", "k")).toBe("123");
    for (let i = 0; i < 200; i++) await c.call("APPEND", "k", "xyz");
    expect(await c.call("STRLEN", "k")).toBe(603);
    expect(await c.call("GETRANGE", "k", "-4", "-1")).toBe("zxyz");
    expect(await c.call("APPEND", "e", "")).toBe(0);
    expect(enc("e")).toBe("embstr");
    putList(k.server, "l");
    expect(await c.call("APPEND", "l", "x")).toEqual(WRONGTYPE);
  });

  test("APPEND and SETRANGE refuse strings past proto-max-bulk-len", async () => {
    expect(await c.call("SETRANGE", "k", "1048575", "x")).toBe(1048576);
    expect(await c.call("APPEND", "k", "y")).toEqual(TOO_BIG);
    expect(await c.call("SETRANGE", "k", "1048575", "xy")).toEqual(TOO_BIG);
    expect(await c.call("SETRANGE", "k", "9223372036854775807", "x")).toEqual(TOO_BIG);
    expect(await c.call("SETRANGE", "n", "1048576", "x")).toEqual(TOO_BIG);
    expect(await c.call("STRLEN", "k")).toBe(1048576);
  });

  test("SETRANGE pads with zero bytes; an empty value changes nothing", async () => {
    expect(await c.call("SETRANGE", "k", "-1", "x")).toEqual({ error: "ERR offset is out of range" });
    expect(await c.call("SETRANGE", "k", "abc", "x")).toEqual(NOT_INT);
    expect(await c.call("SETRANGE", "k", "0", "")).toBe(0);
    expect(enc("k")).toBeNull();
    expect(await c.call("SETRANGE", "k", "3", "ab")).toBe(5);
    expect(await c.call("GET", "k")).toBe("\x00\x00\x00ab");
    expect(enc("k")).toBe("raw");
    await c.call("SET", "s", "hello");
    expect(await c.call("SETRANGE", "s", "9223372036854775807", "")).toBe(5);
    expect(await c.call("SETRANGE", "s", "1", "EL")).toBe(5);
    expect(await c.call("SETRANGE", "s", "7", "!")).toBe(8);
    expect(await c.call("GET", "s")).toBe("hELlo\x00\x00!");
    expect(writes).toEqual(["0: SETRANGE k 3 ab", "0: SET s hello", "0: SETRANGE s 1 EL", "0: SETRANGE s 7 !"]);
  });

  test("GETRANGE and SUBSTR clamp ranges like Redis", async () => {
    expect(await c.call("GETRANGE", "missing", "a", "b")).toEqual(NOT_INT);
    expect(await c.call("GETRANGE", "missing", "0", "1")).toBe("");
    await c.call("SET", "s", "hello");
    const cases: [string, string, string][] = [
      ["0", "-1", "hello"], ["-3", "-1", "llo"], ["-1", "-3", ""], ["0", "-100", "h"], ["-100", "-100", "h"],
      ["5", "10", ""], ["4", "9223372036854775807", "o"], ["-9223372036854775807", "-9223372036854775808", ""],
      ["-9223372036854775808", "-9223372036854775807", "h"], ["2", "1", ""],
    ];
    for (const [s, e, want] of cases) expect(await c.call("GETRANGE", "s", s, e)).toBe(want);
    expect(await c.call("SUBSTR", "s", "1", "2")).toBe("el");
    await c.call("SET", "n", "12345");
    expect(await c.call("GETRANGE", "n", "1", "2")).toBe("23");
    putList(k.server, "l");
    expect(await c.call("GETRANGE", "l", "0", "1")).toEqual(WRONGTYPE);
    expect(await c.call("STRLEN", "l")).toEqual(WRONGTYPE);
  });
});

describe("counters", () => {
  test("INCR/DECR/INCRBY/DECRBY at the 64-bit limits", async () => {
    await c.call("SET", "k", "9223372036854775806");
    expect(await c.call("INCR", "k")).toBe(9223372036854775807n);
    expect(await c.call("INCR", "k")).toEqual({ error: "ERR increment or decrement would overflow" });
    expect(await c.call("INCRBY", "k", "-9223372036854775807")).toBe(0);
    expect(await c.call("DECRBY", "k", "9223372036854775807")).toBe(-9223372036854775807n);
    expect(await c.call("DECR", "k")).toBe(-9223372036854775808n);
    expect(await c.call("DECR", "k")).toEqual({ error: "ERR increment or decrement would overflow" });
    expect(await c.call("DECRBY", "k", "-9223372036854775808")).toEqual({ error: "ERR decrement would overflow" });
    expect(await c.call("INCRBY", "k", "9223372036854775808")).toEqual(NOT_INT);
    expect(await c.call("GET", "k")).toBe("-9223372036854775808");
  });

  test("counters stay exact past 2^53", async () => {
    expect(await c.call("INCRBY", "k", "9007199254740993")).toBe(9007199254740993n);
    expect(await c.call("INCRBY", "k", "9007199254740993")).toBe(18014398509481986n);
    expect(await c.call("DECR", "k")).toBe(18014398509481985n);
    expect(await c.call("GET", "k")).toBe("18014398509481985");
  });

  test("counters refuse values that are not canonical integers", async () => {
    for (const v of ["1.0", "+1", "01", "-0", " 1", "1 ", "", "12345678901234567890", "1\x002", "abc"]) {
      await c.call("SET", "k", v);
      expect(await c.call("INCR", "k")).toEqual(NOT_INT);
    }
    putList(k.server, "l");
    expect(await c.call("INCRBY", "l", "abc")).toEqual(NOT_INT);
    expect(await c.call("INCR", "l")).toEqual(WRONGTYPE);
  });

  test("a counter changed by any other write is read again from its bytes", async () => {
    expect(await c.call("INCR", "n")).toBe(1);
    expect(await c.call("APPEND", "n", "9")).toBe(2);
    expect(await c.call("INCR", "n")).toBe(20);
    expect(await c.call("SETRANGE", "n", "0", "3")).toBe(2);
    expect(await c.call("INCR", "n")).toBe(31);
    expect(await c.call("SETBIT", "n", "7", "0")).toBe(1); // "31" -> "21"
    expect(await c.call("INCR", "n")).toBe(22);
    expect(await c.call("SETBIT", "n", "1", "1")).toBe(0); // "22" -> "r2"
    expect(await c.call("INCR", "n")).toEqual(NOT_INT);
    await c.call("SET", "n", "41");
    expect(await c.call("INCRBY", "n", "2")).toBe(43);
    await c.call("SET", "n", "7", "GET");
    expect(await c.call("DECR", "n")).toBe(6);
    expect(await c.call("INCRBYFLOAT", "n", "0.5")).toBe("6.5");
    expect(await c.call("INCR", "n")).toEqual(NOT_INT);
    await c.call("MSET", "n", "100");
    expect(await c.call("INCR", "n")).toBe(101);
    expect(await c.call("COPY", "n", "m")).toBe(1);
    expect(await c.call("INCR", "m")).toBe(102);
    expect(await c.call("RENAME", "m", "r")).toBe("OK");
    expect(await c.call("INCR", "r")).toBe(103);
    expect(await c.call("GETSET", "r", "5")).toBe("103");
    expect(await c.call("INCR", "r")).toBe(6);
  });

  test("counters keep the TTL, store the int encoding and emit incrby", async () => {
    await c.call("SET", "k", "10", "EX", "100");
    expect(await c.call("INCRBY", "k", "5")).toBe(15);
    expect(expireAt("k")).toBe(T0 + 100_000);
    expect(enc("k")).toBe("int");
    await c.call("DECR", "new");
    expect(events).toEqual(["set:k", "expire:k", "incrby:k", "incrby:new"]);
  });

  test("INCRBYFLOAT computes in extended precision and propagates SET ... KEEPTTL", async () => {
    await c.call("SET", "k", "10.5", "PX", "5000");
    expect(await c.call("INCRBYFLOAT", "k", "0.1")).toBe("10.6");
    expect(await c.call("INCRBYFLOAT", "k", "-0.6")).toBe("10");
    expect(enc("k")).toBe("embstr");
    expect(expireAt("k")).toBe(T0 + 5000);
    expect(await c.call("INCRBYFLOAT", "n", "1e17")).toBe("100000000000000000");
    expect(await c.call("INCRBYFLOAT", "n", "0.5")).toBe("100000000000000000.5");
    expect(await c.call("INCRBYFLOAT", "n", "abc")).toEqual(NOT_FLOAT);
    expect(await c.call("INCRBYFLOAT", "n", "inf")).toEqual({ error: "ERR increment would produce NaN or Infinity" });
    await c.call("SET", "s", "abc");
    expect(await c.call("INCRBYFLOAT", "s", "1")).toEqual(NOT_FLOAT);
    putList(k.server, "l");
    expect(await c.call("INCRBYFLOAT", "l", "abc")).toEqual(WRONGTYPE);
    expect(writes).toEqual([
      `0: SET k 10.5 PXAT ${T0 + 5000}`,
      "0: SET k 10.6 KEEPTTL",
      "0: SET k 10 KEEPTTL",
      "0: SET n 100000000000000000 KEEPTTL",
      "0: SET n 100000000000000000.5 KEEPTTL",
      "0: SET s abc",
    ]);
  });

  test("RESP3: INCRBYFLOAT is still a bulk string; nulls are _; LCS IDX is a map", async () => {
    lastClientResp(k.server, 3);
    try {
      expect(await c.callRaw("INCRBYFLOAT", "k", "1.5")).toBe("$3\r\n1.5\r\n");
      expect(await c.callRaw("SET", "k", "v", "NX")).toBe("_\r\n");
      await c.call("MSET", "a", "ab", "b", "b");
      expect(await c.callRaw("LCS", "a", "b", "IDX")).toBe("%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n");
      expect(await c.callRaw("MGET", "a", "missing")).toBe("*2\r\n$2\r\nab\r\n_\r\n");
    } finally {
      lastClientResp(k.server, 2);
    }
  });
});

describe("LCS", () => {
  test("LCS string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN", async () => {
    await c.call("MSET", "a", "ohmytext", "b", "mynewtext");
    expect(await c.call("LCS", "a", "b")).toBe("mytext");
    expect(await c.call("LCS", "a", "b", "LEN")).toBe(6);
    expect(await c.call("LCS", "a", "b", "IDX")).toEqual(["matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], "len", 6]);
    expect(await c.call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).toEqual(["matches", [[[4, 7], [5, 8], 4]], "len", 6]);
    expect(await c.call("LCS", "a", "b", "LEN", "IDX")).toEqual({ error: "ERR If you want both the length and indexes, please just use IDX." });
    expect(await c.call("LCS", "a", "b", "MINMATCHLEN")).toEqual(SYNTAX);
    expect(await c.call("LCS", "a", "missing")).toBe("");
  });

  test("LCS picks Redis's LCS among equal-length ones", async () => {
    await c.call("MSET", "c", "abcabcabc", "d", "cbacbacba");
    expect(await c.call("LCS", "c", "d")).toBe("cbabc");
    expect(await c.call("LCS", "d", "c")).toBe("abcba");
  });

  test("LCS refuses non-strings and tables past proto-max-bulk-len", async () => {
    putList(k.server, "l");
    await c.call("SET", "a", "x");
    expect(await c.call("LCS", "a", "l", "FOO")).toEqual({ error: "ERR The specified keys must contain string values" });
    await c.call("SETRANGE", "big1", "600", "x");
    await c.call("SETRANGE", "big2", "600", "x");
    expect(await c.call("LCS", "big1", "big2", "FOO")).toEqual(SYNTAX);
    expect(await c.call("LCS", "big1", "big2")).toEqual({ error: "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len" });
  });
});

describe("encodings, dirty and events", () => {
  test("OBJECT ENCODING tags follow Redis", async () => {
    await c.call("MSET", "i", "-9223372036854775808", "big", "12345678901234567890", "z", "01", "e44", "a".repeat(44), "r45", "a".repeat(45));
    expect([enc("i"), enc("big"), enc("z"), enc("e44"), enc("r45")]).toEqual(["int", "embstr", "embstr", "embstr", "raw"]);
    await c.call("SET", "n", "7");
    await c.call("SETRANGE", "n", "0", "8");
    expect(enc("n")).toBe("raw");
    await c.call("SET", "m", "7");
    await c.call("INCR", "m");
    expect(enc("m")).toBe("int");
    await c.call("SETEX", "x", "100", "5");
    expect(enc("x")).toBe("int");
    await c.call("INCRBYFLOAT", "f", "3");
    expect(enc("f")).toBe("embstr");
  });

  test("no-op writes are not propagated; real ones are", async () => {
    await c.call("SET", "k", "abc");
    await c.call("SETRANGE", "k", "1", "");
    await c.call("SETRANGE", "nokey", "1", "");
    await c.call("APPEND", "k", "");
    await c.call("SET", "k", "x", "NX");
    await c.call("MSETNX", "k", "1", "j", "2");
    await c.call("GETEX", "k", "PERSIST");
    await c.call("GETDEL", "nokey");
    await c.call("INCRBY", "n", "0");
    expect(writes).toEqual(["0: SET k abc", "0: APPEND k ", "0: INCRBY n 0"]);
  });
});
