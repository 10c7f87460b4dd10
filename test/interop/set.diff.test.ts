/**
 * Set commands against real redis-server 7.0: scripted edge cases and seeded random sequences,
 * byte for byte. Replies whose order is the hash table's (SMEMBERS & co. on hashtable sets) or
 * random (SPOP, SRANDMEMBER) are compared as sorted element lists, or by shape.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { decode, latin1Encode } from "../helpers/resp.ts";
import { CollectionDiff, rng, type Arg } from "./collection-diff-helpers.ts";

let x: CollectionDiff | null = null;
beforeAll(async () => {
  x = await CollectionDiff.start();
});
afterAll(async () => {
  await x?.stop();
});
beforeEach(async () => {
  await x?.reset();
  await x?.resp(2);
});

function skip(): boolean {
  if (x === null) {
    console.warn("SKIP set.diff: redis-server not installed");
    return true;
  }
  return false;
}

describe("set commands match redis-server 7.0", () => {
  test("errors, wrong types, missing keys and argument checks", async () => {
    if (skip()) return;
    const d = x!;
    await d.same(
      ["SET", "str", "x"],
      ["SADD", "str", "a"],
      ["SREM", "str", "a"],
      ["SCARD", "str"],
      ["SISMEMBER", "str", "a"],
      ["SMISMEMBER", "str", "a"],
      ["SMEMBERS", "str"],
      ["SPOP", "str"],
      ["SPOP", "str", "2"],
      ["SPOP", "str", "0"],
      ["SRANDMEMBER", "str"],
      ["SRANDMEMBER", "str", "2"],
      ["SRANDMEMBER", "str", "0"],
      ["SINTER", "nokey", "str"],
      ["SINTER", "str", "nokey"],
      ["SUNION", "nokey", "str"],
      ["SDIFF", "nokey", "str"],
      ["SDIFF", "str", "nokey"],
      ["SINTERSTORE", "d", "nokey", "str"],
      ["SUNIONSTORE", "d", "str"],
      ["SDIFFSTORE", "d", "str"],
      ["SINTERCARD", "2", "nokey", "str"],
      ["SSCAN", "str", "0"],
      ["SSCAN", "str", "x"],
      ["SMOVE", "str", "nokey", "a"],
      ["SMOVE", "nokey", "str", "a"],
      ["SADD", "s", "a"],
      ["SMOVE", "s", "str", "a"],
      ["SMOVE", "s", "str", "zz"],
      ["SCARD", "s"],
      ["SPOP", "s", "-1"],
      ["SPOP", "s", "a"],
      ["SPOP", "s", "1", "2"],
      ["SPOP", "nokey"],
      ["SPOP", "nokey", "3"],
      ["SPOP", "nokey", "0"],
      ["SPOP", "s", "0"],
      ["SRANDMEMBER", "s", "a"],
      ["SRANDMEMBER", "s", "1", "2"],
      ["SRANDMEMBER", "s", "-9223372036854775808"],
      ["SRANDMEMBER", "s", "9223372036854775807"],
      ["SRANDMEMBER", "s", "9223372036854775808"],
      ["SRANDMEMBER", "nokey", "-5"],
      ["SRANDMEMBER", "nokey"],
      ["SRANDMEMBER", "s", "0"],
      ["SINTERCARD", "0", "s"],
      ["SINTERCARD", "2", "s"],
      ["SINTERCARD", "1", "s", "LIMIT", "-1"],
      ["SINTERCARD", "1", "s", "LIMIT", "a"],
      ["SINTERCARD", "1", "s", "LIMIT"],
      ["SINTERCARD", "1", "s", "FOO", "1"],
      ["SINTERCARD", "a", "s"],
      ["SINTERCARD", "-1", "s"],
      ["SINTERCARD", "1", "s", "str"],
      ["SINTERCARD", "1", "nokey"],
      ["SINTERCARD", "1", "s", "limit", "0"],
      ["SINTERCARD", "1", "s", "LIMIT", "1", "LIMIT", "2"],
      ["SSCAN", "s", "x"],
      ["SSCAN", "s", "0", "COUNT", "0"],
      ["SSCAN", "s", "0", "COUNT", "a"],
      ["SSCAN", "s", "0", "MATCH"],
      ["SSCAN", "s", "0", "FOO", "x"],
      ["SSCAN", "nokey", "0", "COUNT", "0"],
      ["SSCAN", "nokey", "x"],
      ["SADD", "is", "1", "2"],
      ["SSCAN", "is", "-1"],
      ["SSCAN", "is", "+0"],
      ["SSCAN", "is", " 0"],
      ["SSCAN", "is", ""],
      ["SSCAN", "is", "-"],
      ["SSCAN", "is", "18446744073709551615"],
      ["SSCAN", "is", "18446744073709551616"],
      ["SSCAN", "is", "-18446744073709551616"],
      ["SSCAN", "is", "12", "COUNT", "1"],
      ["SMOVE", "s", "s", "a"],
      ["SMOVE", "s", "s", "zz"],
      ["SMISMEMBER", "nokey", "a", "b"],
      ["SCARD", "nokey"],
      ["SISMEMBER", "nokey", "a"],
      ["SREM", "nokey", "a"],
      ["SMEMBERS", "nokey"],
      ["SINTER", "nokey"],
      ["SUNION", "nokey"],
      ["SDIFF", "nokey", "s"],
      ["SUNIONSTORE", "d", "nokey"],
      ["SINTERSTORE", "str", "s"],
      ["GET", "str"],
      ["SCARD", "str"],
    );
  });

  test("intset encoding: canonical integers only, ascending order, conversions at the limit", async () => {
    if (skip()) return;
    const d = x!;
    await d.same(
      ["SADD", "i", "3", "1", "2", "-5", "9223372036854775807", "-9223372036854775808"],
      ["SMEMBERS", "i"],
      ["SSCAN", "i", "0"],
      ["SSCAN", "i", "0", "MATCH", "*2*"],
      ["SADD", "j", "01"],
      ["SADD", "k", "-0"],
      ["SADD", "l", "1", "9223372036854775808"],
      ["SADD", "m", "+1"],
      ["SADD", "n", " 1"],
      ["SADD", "o", "1.5"],
    );
    for (const k of ["i", "j", "k", "l", "m", "n", "o"]) await d.sameEncoding(k);
    await d.same(["SREM", "i", "9223372036854775807", "-9223372036854775808", "x", "00"], ["SMEMBERS", "i"]);
    await d.sameEncoding("i");
    await d.same(["SADD", "i", "a"], ["SREM", "i", "a"], ["SCARD", "i"]);
    await d.sameEncoding("i"); // stays a hashtable
    // set-max-intset-entries boundary.
    const nums = Array.from({ length: 512 }, (_, i) => String(i * 7 - 300));
    await d.same(["SADD", "big", ...nums], ["SCARD", "big"]);
    await d.sameEncoding("big");
    await d.same(["SMEMBERS", "big"], ["SRANDMEMBER", "big", "600"], ["SSCAN", "big", "0", "MATCH", "1*"]);
    await d.same(["SADD", "big", "100000"]);
    await d.sameEncoding("big");
    await d.sameUnordered("SMEMBERS", "big");
    await d.config("set-max-intset-entries", "3");
    await d.same(["SADD", "small", "1", "2", "3"], ["SADD", "small2", "1", "2", "3", "4"]);
    await d.sameEncoding("small");
    await d.sameEncoding("small2");
    await d.config("set-max-intset-entries", "512");
  });

  test("store commands pick the result encoding like Redis and delete empty results", async () => {
    if (skip()) return;
    const d = x!;
    await d.same(
      ["SADD", "h", "a", "1", "2", "3"],
      ["SREM", "h", "a"],
      ["SADD", "i", "2", "3", "4"],
      ["SADD", "t", "x", "y", "2"],
      ["SINTERSTORE", "d1", "h", "h"],
      ["SUNIONSTORE", "d2", "h", "i"],
      ["SDIFFSTORE", "d3", "h", "i"],
      ["SUNIONSTORE", "d4", "h", "t"],
      ["SINTERSTORE", "d5", "t", "h"],
      ["SDIFFSTORE", "d6", "t", "h"],
      ["SMOVE", "h", "d7", "1"],
      ["SMOVE", "t", "d8", "x"],
      ["SMEMBERS", "d1"],
      ["SMEMBERS", "d2"],
      ["SMEMBERS", "d3"],
      ["SMEMBERS", "d5"],
      ["SINTERSTORE", "d1", "h", "nokey"],
      ["SMEMBERS", "d1"],
      ["SDIFFSTORE", "d2", "i", "i"],
      ["SCARD", "d2"],
      ["SUNIONSTORE", "d3", "nokey", "nokey2"],
      ["SCARD", "d3"],
      ["SUNION", "i", "h", "nokey"],
      ["SDIFF", "i", "h", "nokey"],
      ["SDIFF", "i", "i"],
      ["SDIFF", "nokey", "i"],
      ["SINTERCARD", "2", "i", "h"],
      ["SINTERCARD", "2", "i", "h", "LIMIT", "1"],
    );
    for (const k of ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "h", "t"]) await d.sameEncoding(k);
    await d.sameUnordered("SMEMBERS", "d4");
    await d.sameUnordered("SINTER", "i", "h"); // equal sizes: which one Redis iterates is qsort's choice
    await d.sameUnordered("SMEMBERS", "d6");
  });

  test("SPOP and SRANDMEMBER: shapes, counts and membership (contents are random)", async () => {
    if (skip()) return;
    const d = x!;
    for (const resp of [2, 3] as const) {
      await d.resp(resp);
      for (const members of [["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], ["a", "b", "c", "d", "e", "f", "g"]]) {
        await d.reset();
        await d.same(["SADD", "s", ...members]);
        // Whole-set replies are deterministic for intsets, element sets otherwise.
        for (const cmd of [["SRANDMEMBER", "s", "100"], ["SRANDMEMBER", "s", String(members.length)]]) await d.sameUnordered(...cmd);
        for (const n of ["-20", "3", "-1", "1"]) {
          const [k, r] = await d.both("SRANDMEMBER", "s", n);
          const kv = decode(latin1Encode(k))[0] as string[];
          const rv = decode(latin1Encode(r))[0] as string[];
          expect(k[0]).toBe(r[0]);
          expect(kv.length).toBe(rv.length);
          for (const m of kv) expect(members).toContain(m);
          if (!n.startsWith("-")) expect(new Set(kv).size).toBe(kv.length);
        }
        const [k1, r1] = await d.both("SRANDMEMBER", "s");
        expect(k1[0]).toBe(r1[0]);
        const [k2, r2] = await d.both("SPOP", "s", "3");
        expect(k2.slice(0, 4)).toBe(r2.slice(0, 4));
        const popped = decode(latin1Encode(k2))[0] as string[];
        const rest = (await d.d.k.call("SMEMBERS", "s")) as string[];
        expect([...popped, ...rest].sort()).toEqual([...members].sort());
        await d.same(["SCARD", "s"]);
        const [k3, r3] = await d.both("SPOP", "s");
        expect(k3[0]).toBe(r3[0]);
        await d.same(["SCARD", "s"]);
        // Popping at least the rest empties and deletes the key.
        const [k4, r4] = await d.both("SPOP", "s", "100");
        expect(k4.slice(0, 4)).toBe(r4.slice(0, 4));
        await d.same(["SCARD", "s"], ["SPOP", "s"], ["SPOP", "s", "1"]);
        expect(await d.encodings("s")).toEqual([null, null]);
      }
    }
  });

  test("RESP3 reply types", async () => {
    if (skip()) return;
    const d = x!;
    await d.resp(3);
    await d.same(
      ["SADD", "s", "1", "2", "3"],
      ["SMEMBERS", "s"],
      ["SINTER", "s", "s"],
      ["SUNION", "s"],
      ["SDIFF", "s"],
      ["SMISMEMBER", "s", "1", "x"],
      ["SPOP", "nokey"],
      ["SPOP", "nokey", "2"],
      ["SPOP", "s", "0"],
      ["SRANDMEMBER", "nokey"],
      ["SRANDMEMBER", "nokey", "3"],
      ["SRANDMEMBER", "s", "5"],
      ["SMEMBERS", "nokey"],
      ["SINTER", "nokey", "s"],
      ["SSCAN", "s", "0"],
      ["SINTERCARD", "1", "s"],
    );
  });

  test("SSCAN MATCH patterns follow Redis's glob, quirks included", async () => {
    if (skip()) return;
    const d = x!;
    await d.same(["SADD", "g", "", "^", "]", "a", "b", " ", "[", "-", "\\", "ab", "abc", "xay", "\xff", "\x80a"]);
    for (const p of ["*", "", "[a-]", "[^a]", "[", "[a", "[\\]]", "\\]", "a*", "*b*", "?", "??", "[a-c]", "[c-a]", "a\\", "\\", "[\\", "*[", "[\x80-\xff]*", "[^\\]]", "x?y", "a*c*"]) {
      await d.sameUnordered("SSCAN", "g", "0", "MATCH", p, "COUNT", "1000");
    }
  });

  test("seeded random sequences on small and large sets", async () => {
    if (skip()) return;
    const d = x!;
    for (const seed of [1, 2, 3]) {
      await d.reset();
      const r = rng(seed);
      const keys = ["s1", "s2", "s3", "s4"];
      const key = () => keys[Math.floor(r() * keys.length)]!;
      const member = (): string => {
        const v = r();
        if (v < 0.6) return String(Math.floor(r() * (seed === 3 ? 800 : 40)) - 10);
        if (v < 0.7) return "0" + Math.floor(r() * 5);
        return "m" + Math.floor(r() * 40);
      };
      const members = (n: number) => Array.from({ length: n }, member);
      for (let step = 0; step < 250; step++) {
        const v = r();
        let cmd: Arg[];
        let unordered = false;
        if (v < 0.3) cmd = ["SADD", key(), ...members(1 + Math.floor(r() * (seed === 3 ? 60 : 5)))];
        else if (v < 0.45) cmd = ["SREM", key(), ...members(1 + Math.floor(r() * 4))];
        else if (v < 0.5) cmd = ["SMOVE", key(), key(), member()];
        else if (v < 0.6) cmd = ["SISMEMBER", key(), member()];
        else if (v < 0.65) cmd = ["SMISMEMBER", key(), ...members(3)];
        else if (v < 0.7) cmd = ["SCARD", key()];
        else if (v < 0.75) cmd = ["SINTERCARD", "2", key(), key(), "LIMIT", String(Math.floor(r() * 5))];
        else if (v < 0.8) cmd = [["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"][Math.floor(r() * 3)]!, key(), key(), key()];
        else {
          cmd = [["SMEMBERS", "SINTER", "SUNION", "SDIFF"][Math.floor(r() * 4)]!, key(), ...(r() < 0.5 ? [key()] : [])];
          unordered = true;
        }
        if (unordered) await d.sameUnordered(...cmd);
        else await d.same(cmd);
        if (cmd[0] !== "SISMEMBER" && cmd[0] !== "SCARD") for (const k of keys) await d.sameEncoding(k);
      }
      for (const k of keys) await d.sameUnordered("SMEMBERS", k);
    }
  });
});
