/**
 * SORT / SORT_RO against real redis-server 7.0 on lists, sets and sorted sets, with BY/GET
 * patterns reading strings and hash fields.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { CollectionDiff, type Arg } from "./collection-diff-helpers.ts";


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
    console.warn("SKIP sort.diff: redis-server not installed");
    return true;
  }
  return false;
}

async function rpush(key: string, ...items: string[]): Promise<void> {
  await x!.d.both("RPUSH", key, ...items);
}

async function hset(key: string, ...kv: string[]): Promise<void> {
  await x!.d.both("HSET", key, ...kv);
}

/** The list stored at key on both servers. */
async function storedList(key: string): Promise<[string[], string[]]> {
  const r = (await x!.d.r.call("LRANGE", key, "0", "-1")) as string[];
  const k = (await x!.d.k.call("LRANGE", key, "0", "-1")) as string[];
  return [k, r];
}

describe("SORT matches redis-server 7.0", () => {
  test("numeric and ALPHA sorts, LIMIT, DESC, errors", async () => {
    if (skip()) return;
    await rpush("l", "3", "1", "2", "10", "-inf", "-0", "+5", ".5", "1e1", "0x10", " 7", "2.50", "inf");
    await rpush("w", "b", "a", "c", "B", "", "ab", "a\x00z", "a\x00b", "\xff");
    await rpush("bad", "1", "x");
    await rpush("trail", "5 ");
    const cmds: Arg[][] = [
      ["SET", "str", "x"],
      ["SADD", "is", "5", "-3", "10", "0"],
      ["SADD", "hs", "pear", "apple", "fig", "10", "9"],
      ["ZADD", "z", "3", "c", "1", "a", "2", "b", "2", "bb"],
      ["SORT", "l"],
      ["SORT", "l", "DESC"],
      ["SORT", "l", "LIMIT", "2", "3"],
      ["SORT", "l", "LIMIT", "-5", "2"],
      ["SORT", "l", "LIMIT", "20", "2"],
      ["SORT", "l", "LIMIT", "2", "-1"],
      ["SORT", "l", "LIMIT", "2", "0"],
      ["SORT", "l", "DESC", "LIMIT", "0", "3", "ASC"],
      ["SORT", "l", "ALPHA"],
      ["SORT", "w", "ALPHA"],
      ["SORT", "w", "ALPHA", "DESC"],
      ["SORT_RO", "w", "ALPHA", "LIMIT", "1", "4"],
      ["SORT", "w"],
      ["SORT", "bad"],
      ["SORT", "trail"],
      ["SORT", "is"],
      ["SORT", "is", "DESC", "LIMIT", "1", "2"],
      ["SORT", "hs", "ALPHA"],
      ["SORT", "hs"],
      ["SORT", "z"],
      ["SORT", "z", "ALPHA", "DESC"],
      ["SORT", "nokey"],
      ["SORT", "nokey", "ALPHA", "LIMIT", "0", "5"],
      ["SORT", "str"],
      ["SORT_RO", "str"],
      ["SORT", "l", "LIMIT", "1"],
      ["SORT", "l", "LIMIT", "a", "b"],
      ["SORT", "l", "FOO"],
      ["SORT_RO", "l", "STORE", "x"],
      ["SORT", "l", "STORE"],
      ["SORT", "l", "BY"],
      ["SORT", "l", "GET"],
      ["SORT", "str", "FOO"],
    ];
    await x!.same(...cmds);
  });

  test("BY and GET patterns, nosort, hash fields", async () => {
    if (skip()) return;
    await rpush("l", "a", "b", "c", "d", "e");
    await hset("h_a", "f", "5", "g", "x");
    await hset("h_b", "f", "1");
    await hset("h_c", "f", "3", "g", "y");
    await x!.same(
      ["SET", "w_a", "3"],
      ["SET", "w_b", "1"],
      ["SET", "w_c", "2"],
      ["SET", "w_d", "-1"],
      ["SET", "w_e", "10"],
      ["SET", "o_a", "apple"],
      ["SET", "o_c", "cherry"],
      ["SADD", "s", "a", "b", "c", "d"],
      ["ZADD", "z", "5", "a", "4", "b", "3", "c", "2", "d", "1", "e"],
      ["SET", "bad_a", "x"],
    );
    const cmds: Arg[][] = [];
    const unordered: Arg[][] = [];
    for (const key of ["l", "s", "z"]) {
      // Ties (equal or missing BY values with ALPHA) keep the load order, which for sets and
      // sorted sets is Redis's hash-table order: those are compared as element sets.
      const tieProne: Arg[][] = [
        ["SORT", key, "BY", "o_*", "ALPHA", "DESC"],
        ["SORT", key, "BY", "bad_*", "ALPHA"],
        ["SORT", key, "BY", "#"],
      ];
      if (key === "l") cmds.push(...tieProne);
      else unordered.push(...tieProne);
      cmds.push(
        ["SORT", key, "BY", "w_*"],
        ["SORT", key, "BY", "w_*", "DESC", "LIMIT", "1", "2"],
        ["SORT", key, "BY", "w_*", "GET", "#", "GET", "o_*", "GET", "w_*", "GET", "nostar", "GET", "h_*->f"],
        ["SORT", key, "BY", "o_*", "ALPHA", "GET", "o_*"],
        ["SORT", key, "BY", "h_*->f"],
        ["SORT", key, "BY", "h_*->f", "GET", "h_*->g", "GET", "h_*->"],
        ["SORT", key, "BY", "h_*->", "GET", "#"],
        ["SORT", key, "BY", "w_*->f"],
        ["SORT", key, "BY", "bad_*"],
        ["SORT", key, "BY", "w_*", "ALPHA"],
        ["SORT", key, "ALPHA", "GET", "#", "GET", "#"],
        ["SORT", key, "BY", "nosort", "ALPHA", "STORE", "dst"],
        ["SORT", key, "BY", "w_*", "STORE", "dst", "GET", "#", "GET", "o_*"],
        ["SORT", key, "BY", "w_*", "GET", "o_*", "STORE", "dst", "STORE", "dst2"],
      );
      if (key !== "s") {
        cmds.push(
          ["SORT", key, "BY", "nosort"],
          ["SORT", key, "BY", "nosort", "DESC"],
          ["SORT", key, "BY", "nosort", "LIMIT", "1", "2"],
          ["SORT", key, "BY", "nosort", "DESC", "LIMIT", "1", "3", "GET", "w_*"],
          ["SORT", key, "BY", "nosort", "LIMIT", "10", "3"],
          ["SORT", key, "BY", "nosort", "LIMIT", "4", "10"],
        );
      }
    }
    for (const u of unordered) await x!.sameUnordered(...u);
    await x!.same(...cmds);
  });

  test("STORE writes a list, deletes the destination when empty, and SORT converts zsets", async () => {
    if (skip()) return;
    await rpush("l", "3", "1", "2");
    await x!.same(["SADD", "s", "b", "a", "c"], ["ZADD", "z", "1", "x", "2", "y"], ["SET", "str", "v"]);
    await x!.same(["SORT", "l", "STORE", "dst"], ["SORT", "s", "BY", "nosort", "STORE", "dst2"], ["SORT", "s", "ALPHA", "STORE", "str"], ["SORT", "l", "GET", "nope_*", "STORE", "dst3"]);
    for (const k of ["dst", "dst2", "str", "dst3"]) {
      const [kk, rr] = await storedList(k);
      expect(kk).toEqual(rr);
    }
    await x!.same(["SORT", "nokey", "STORE", "dst"], ["SORT", "l", "LIMIT", "5", "5", "STORE", "dst2"], ["GET", "dst"], ["GET", "dst2"]);
    expect(await x!.encodings("dst")).toEqual([null, null]);
    await x!.sameEncoding("z");
    await x!.same(["SORT_RO", "z", "BY", "nosort"]);
    await x!.sameEncoding("z"); // SORT converts a listpack sorted set to a skiplist
  });

  test("hashtable sets sorted BY nosort come back in table order: compared as element sets", async () => {
    if (skip()) return;
    await x!.same(["SADD", "s", "x", "y", "z", "w"]);
    await x!.sameUnordered("SORT", "s", "BY", "nosort");
    await x!.sameUnordered("SORT", "s", "BY", "nosort", "GET", "#");
  });
});
