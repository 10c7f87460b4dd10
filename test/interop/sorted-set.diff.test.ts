/**
 * Sorted-set commands against real redis-server 7.0: scripted edge cases (errors, bounds,
 * float parsing and formatting, encodings, RESP3 shapes) and seeded random sequences on small
 * (listpack) and large (skiplist) sets, byte for byte. Only ZRANDMEMBER (random) and ZSCAN of
 * skiplist-encoded sets (hash order) are compared by shape or as sorted element lists.
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
    console.warn("SKIP sorted-set.diff: redis-server not installed");
    return true;
  }
  return false;
}

describe("sorted-set commands match redis-server 7.0", () => {
  test("ZADD options, flag conflicts, float parsing and NaN", async () => {
    if (skip()) return;
    await x!.same(
      ["SET", "str", "x"],
      ["ZADD", "z", "1", "a", "2"],
      ["ZADD", "z", "NX", "XX", "1", "a"],
      ["ZADD", "z", "GT", "LT", "1", "a"],
      ["ZADD", "z", "GT", "NX", "1", "a"],
      ["ZADD", "z", "LT", "NX", "1", "a"],
      ["ZADD", "z", "INCR", "1", "a", "2", "b"],
      ["ZADD", "z", "nan", "a"],
      ["ZADD", "z", "x", "a"],
      ["ZADD", "z", "1", "a", "x", "b"],
      ["ZADD", "z", "NX", "CH"],
      ["ZADD", "str", "1", "a"],
      ["ZADD", "str", "x", "a"],
      ["ZADD", "z", "1", "a"],
      ["ZADD", "z", "INCR", "inf", "a"],
      ["ZADD", "z", "INCR", "-inf", "a"],
      ["ZSCORE", "z", "a"],
      ["ZINCRBY", "z", "-inf", "a"],
      ["ZINCRBY", "z", "nx", "a"],
      ["ZINCRBY", "z", "x", "a"],
      ["ZINCRBY", "z", "1", "a"],
      ["ZADD", "f", "0x10", "hex", "1e400", "big", "1e-400", "tiny", "4e-320", "denorm"],
      ["ZADD", "f", " 1", "sp"],
      ["ZADD", "f", "1 ", "sp"],
      ["ZADD", "f", "", "sp"],
      ["ZADD", "f", "+1.5", "plus", "-0", "negzero", ".5", "half", "5.", "five", "1E2", "e2", "infinity", "inf2", "-INF", "minf", "0x1p-3", "hexp", "0X1.8P1", "hexp2"],
      ["ZADD", "f", "1e", "bad"],
      ["ZADD", "f", "0x", "bad"],
      ["ZADD", "f", "1.2.3", "bad"],
      ["ZADD", "f", "nan(123)", "bad"],
      ["ZADD", "f", "0.1", "tenth", "1.7976931348623157e308", "max", "123456789012345678", "long", "-1.5e-7", "small"],
      ["ZRANGE", "f", "0", "-1", "WITHSCORES"],
      ["ZSCORE", "f", "negzero"],
      ["ZSCORE", "f", "tenth"],
      ["ZSCORE", "f", "nope"],
      ["ZMSCORE", "f", "nope", "tenth", "max"],
      ["ZMSCORE", "nokey", "a", "b"],
      ["ZMSCORE", "str", "a"],
      ["ZSCORE", "str", "a"],
    );
  });

  test("ZADD NX/XX/GT/LT/CH/INCR semantics on both encodings", async () => {
    if (skip()) return;
    for (const members of [["a", "b", "c"], Array.from({ length: 200 }, (_, i) => `m${i}`)]) {
      await x!.reset();
      const init: string[] = [];
      members.forEach((m, i) => init.push(String(i), m));
      const m0 = members[0]!;
      const m1 = members[1]!;
      await x!.same(
        ["ZADD", "z", ...init],
        ["ZADD", "z", "XX", "10", m0, "5", "new"],
        ["ZADD", "z", "NX", "10", m0, "5", "new"],
        ["ZADD", "z", "CH", "11", m0, "1", m1, "6", "new2"],
        ["ZADD", "z", "GT", "CH", "5", m0, "100", m1],
        ["ZADD", "z", "LT", "CH", "5", m0, "200", m1],
        ["ZADD", "z", "XX", "GT", "CH", "1", m0, "300", m1, "9", "absent"],
        ["ZADD", "z", "INCR", "5", m0],
        ["ZADD", "z", "INCR", "NX", "5", m0],
        ["ZADD", "z", "INCR", "XX", "5", "absent"],
        ["ZADD", "z", "INCR", "GT", "-1", m0],
        ["ZADD", "z", "INCR", "LT", "-1", m0],
        ["ZADD", "z", "INCR", "NX", "5", "fresh"],
        ["ZADD", "z", "CH", "INCR", "0", m0],
        ["ZADD", "nokey", "XX", "1", "a"],
        ["ZADD", "nokey", "XX", "INCR", "1", "a"],
        ["ZCARD", "nokey"],
        ["ZADD", "z", "0", m0, "0", m0],
        ["ZRANGE", "z", "0", "10", "WITHSCORES"],
        ["ZRANGE", "z", "-5", "-1", "WITHSCORES"],
        ["ZCARD", "z"],
      );
      await x!.sameEncoding("z");
    }
  });

  test("range commands: bounds, exclusivity, LIMIT, REV and their errors", async () => {
    if (skip()) return;
    const d = x!;
    for (const n of [5, 300]) {
      await d.reset();
      const args: string[] = [];
      for (let i = 0; i < n; i++) args.push(String(i % 7 === 0 ? i : i / 2), `m${String(i).padStart(3, "0")}`);
      await d.same(["ZADD", "z", ...args], ["SET", "str", "x"]);
      const cmds: Arg[][] = [];
      for (const [a, b] of [["0", "-1"], ["1", "3"], ["-3", "-1"], ["5", "2"], ["-100", "100"], ["400", "500"], ["-1", "-400"]]) {
        cmds.push(["ZRANGE", "z", a!, b!], ["ZRANGE", "z", a!, b!, "WITHSCORES"], ["ZREVRANGE", "z", a!, b!, "WITHSCORES"], ["ZRANGE", "z", a!, b!, "REV"]);
      }
      for (const [a, b] of [["-inf", "+inf"], ["(1", "2"], ["1", "(2"], ["(1", "(1"], ["1", "1"], ["2", "1"], ["( 1", "10"], ["(", "3"], ["-inf", "(0"], ["1e400", "inf"], ["-1e400", "0"], ["0x2", "0x3"], ["1", "5\u0000x"]]) {
        cmds.push(
          ["ZRANGEBYSCORE", "z", a!, b!],
          ["ZRANGEBYSCORE", "z", a!, b!, "WITHSCORES", "LIMIT", "1", "2"],
          ["ZREVRANGEBYSCORE", "z", b!, a!, "WITHSCORES"],
          ["ZREVRANGEBYSCORE", "z", b!, a!, "LIMIT", "2", "3"],
          ["ZRANGE", "z", a!, b!, "BYSCORE", "LIMIT", "0", "4"],
          ["ZRANGE", "z", b!, a!, "BYSCORE", "REV", "WITHSCORES"],
          ["ZCOUNT", "z", a!, b!],
        );
      }
      for (const lim of [["-1", "1"], ["1", "-5"], ["0", "0"], ["2", "100"], ["1000", "1"]]) {
        cmds.push(["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", lim[0]!, lim[1]!], ["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", lim[0]!, lim[1]!]);
      }
      cmds.push(
        ["ZRANGEBYSCORE", "z", "a", "b"],
        ["ZRANGEBYSCORE", "z", "(1", "(a"],
        ["ZRANGEBYSCORE", "z", "nan", "1"],
        ["ZRANGEBYSCORE", "z", "1", "nan"],
        ["ZRANGEBYSCORE", "z", "1 ", "2"],
        ["ZCOUNT", "z", "a", "1"],
        ["ZCOUNT", "str", "a", "1"],
        ["ZCOUNT", "str", "0", "1"],
        ["ZCOUNT", "nokey", "0", "1"],
        ["ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"],
        ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
        ["ZRANGE", "z", "0", "-1", "WITHSCORES", "BYLEX"],
        ["ZRANGE", "z", "0", "-1", "REV", "BYLEX"],
        ["ZRANGE", "z", "0", "-1", "REV", "REV"],
        ["ZRANGE", "z", "a", "b"],
        ["ZRANGE", "z", "0", "1", "LIMIT", "0"],
        ["ZRANGE", "z", "0", "1", "LIMIT", "a", "1"],
        ["ZRANGE", "z", "0", "1", "FOO"],
        ["ZRANGE", "str", "0", "1"],
        ["ZRANGE", "str", "a", "1"],
        ["ZRANGE", "nokey", "0", "1"],
        ["ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "0"],
        ["ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"],
        ["ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"],
        ["ZREVRANGE", "z", "0", "1", "REV"],
        ["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"],
        ["ZREVRANGE", "z", "a", "1"],
        ["ZRANK", "z", "m001"],
        ["ZREVRANK", "z", "m001"],
        ["ZRANK", "z", "nope"],
        ["ZRANK", "nokey", "a"],
        ["ZRANK", "str", "a"],
        ["ZRANK", "z", "m001", "WITHSCORE"],
        ["ZCARD", "z"],
        ["ZCARD", "str"],
      );
      await d.same(...cmds);
    }
  });

  test("lex ranges on equal scores, both encodings", async () => {
    if (skip()) return;
    const d = x!;
    const members = ["", "a", "aa", "ab", "b", "ba", "c", "\xff", "\x00", "A", "[", "("];
    for (const pad of [0, 200]) {
      await d.reset();
      const all = [...members, ...Array.from({ length: pad }, (_, i) => `p${i}`)];
      await d.same(["ZADD", "l", ...all.flatMap((m) => ["0", m])]);
      await d.sameEncoding("l");
      const bounds = ["-", "+", "[a", "(a", "[aa", "(ab", "[b", "(c", "[", "(", "[\xff", "[p5", "(p1"];
      const cmds: Arg[][] = [];
      for (const a of bounds) {
        for (const b of bounds) {
          cmds.push(["ZRANGEBYLEX", "l", a, b], ["ZLEXCOUNT", "l", a, b], ["ZREVRANGEBYLEX", "l", b, a, "LIMIT", "1", "3"]);
        }
      }
      cmds.push(
        ["ZRANGEBYLEX", "l", "a", "b"],
        ["ZRANGEBYLEX", "l", "-a", "+"],
        ["ZRANGEBYLEX", "l", "-\x00", "+"],
        ["ZLEXCOUNT", "l", "a", "b"],
        ["ZRANGE", "l", "[a", "[c", "BYLEX", "LIMIT", "1", "2"],
        ["ZRANGE", "l", "[c", "[a", "BYLEX", "REV"],
        ["ZREMRANGEBYLEX", "l", "a", "b"],
        ["ZREMRANGEBYLEX", "l", "[a", "(b"],
        ["ZRANGEBYLEX", "l", "-", "+"],
        ["ZREMRANGEBYLEX", "nokey", "-", "+"],
      );
      await d.same(...cmds);
    }
  });

  test("removal commands delete emptied keys", async () => {
    if (skip()) return;
    await x!.same(
      ["SET", "str", "x"],
      ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
      ["ZREM", "z", "a", "nope", "a"],
      ["ZREM", "nokey", "a"],
      ["ZREM", "str", "a"],
      ["ZREMRANGEBYRANK", "z", "a", "1"],
      ["ZREMRANGEBYRANK", "z", "5", "10"],
      ["ZREMRANGEBYRANK", "z", "2", "1"],
      ["ZREMRANGEBYRANK", "z", "-1", "-1"],
      ["ZREMRANGEBYSCORE", "z", "a", "1"],
      ["ZREMRANGEBYSCORE", "z", "(2", "3"],
      ["ZREMRANGEBYSCORE", "str", "1", "3"],
      ["ZREMRANGEBYSCORE", "str", "x", "3"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZREMRANGEBYRANK", "z", "0", "-1"],
      ["ZCARD", "z"],
      ["ZADD", "z", "1", "a"],
      ["ZREM", "z", "a", "b"],
      ["ZCARD", "z"],
    );
  });

  test("pops: ZPOPMIN/ZPOPMAX/ZMPOP/BZ* (served immediately) and their errors", async () => {
    if (skip()) return;
    for (const resp of [2, 3] as const) {
      await x!.reset();
      await x!.resp(resp);
      await x!.same(
        ["SET", "str", "x"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
        ["ZPOPMIN", "z"],
        ["ZPOPMAX", "z"],
        ["ZPOPMIN", "z", "1"],
        ["ZPOPMAX", "z", "0"],
        ["ZPOPMIN", "str", "0"],
        ["ZPOPMIN", "str", "-1"],
        ["ZPOPMIN", "z", "-1"],
        ["ZPOPMIN", "z", "a"],
        ["ZPOPMIN", "z", "1", "2"],
        ["ZPOPMIN", "nokey"],
        ["ZPOPMIN", "nokey", "0"],
        ["ZPOPMIN", "nokey", "3"],
        ["ZADD", "z2", "1", "x", "2", "y"],
        ["ZMPOP", "1", "z", "MIN"],
        ["ZMPOP", "0", "z", "MIN"],
        ["ZMPOP", "a", "z", "MIN"],
        ["ZMPOP", "2", "z", "MIN"],
        ["ZMPOP", "1", "z", "FOO"],
        ["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
        ["ZMPOP", "1", "z", "MIN", "COUNT", "a"],
        ["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
        ["ZMPOP", "1", "z", "MIN", "FOO"],
        ["ZMPOP", "1", "nokey", "MIN"],
        ["ZMPOP", "2", "nokey", "str", "MIN"],
        ["ZMPOP", "3", "nokey", "z", "z2", "MAX", "COUNT", "10"],
        ["ZMPOP", "2", "z", "z2", "max", "count", "10"],
        ["ZCARD", "z2"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ["BZPOPMIN", "nokey", "z", "0"],
        ["BZPOPMAX", "z", "0.5"],
        ["BZPOPMIN", "z", "x"],
        ["BZPOPMIN", "z", "-1"],
        ["BZPOPMIN", "z", "inf"],
        ["BZPOPMIN", "z", "-inf"],
        ["BZPOPMIN", "z", "1e20"],
        ["BZPOPMIN", "z", "9223372036854776"],
        ["BZPOPMIN", "z", " 1"],
        ["BZPOPMIN", "z", "nan"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
        ["BZPOPMIN", "z", "9223372036854775"],
        ["BZPOPMIN", "z", "-0.0001"],
        ["BZPOPMIN", "z", "1e-400"],
        ["BZPOPMAX", "z", "0x10"],
        ["BZPOPMIN", "str", "z", "0"],
        ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"],
        ["BZMPOP", "x", "1", "z", "MIN"],
        ["BZMPOP", "0", "0", "z", "MIN"],
        ["ZCARD", "z"],
      );
      // Inside MULTI the blocking pops answer at once (null when nothing to pop). MULTI belongs
      // to the transactions family: only checked when it is present.
      if (x!.d.kedis.server.registry.commands.has("multi")) {
        await x!.same(["MULTI"], ["BZPOPMIN", "z", "0"], ["BZMPOP", "0", "1", "z", "MIN"], ["EXEC"]);
      }
    }
  });

  test("ZRANDMEMBER: errors exact, results by shape", async () => {
    if (skip()) return;
    for (const resp of [2, 3] as const) {
      await x!.reset();
      await x!.resp(resp);
      for (const n of [3, 200]) {
        await x!.same(
          ["SET", "str", "x"],
          ["ZADD", "z", ...Array.from({ length: n }, (_, i) => [String(i * 1.5), `m${i}`]).flat()],
          ["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
          ["ZRANDMEMBER", "z", "1", "x"],
          ["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
          ["ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"],
          ["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
          ["ZRANDMEMBER", "z", "-9223372036854775808"],
          ["ZRANDMEMBER", "z", "a"],
          ["ZRANDMEMBER", "str"],
          ["ZRANDMEMBER", "str", "0"],
          ["ZRANDMEMBER", "nokey", "0"],
          ["ZRANDMEMBER", "nokey"],
          ["ZRANDMEMBER", "nokey", "5", "WITHSCORES"],
          ["ZRANDMEMBER", "z", "0"],
          // The whole set comes back in order.
          ["ZRANDMEMBER", "z", String(n), "WITHSCORES"],
          ["ZRANDMEMBER", "z", "1000"],
        );
        for (const args of [["2"], ["-5"], ["-5", "WITHSCORES"], ["2", "WITHSCORES"], ["1", "WITHSCORES"], []]) {
          const [k, r] = await x!.both("ZRANDMEMBER", "z", ...args);
          expect(k[0]).toBe(r[0]);
          const kv = decode(latin1Encode(k))[0];
          const rv = decode(latin1Encode(r))[0];
          if (Array.isArray(kv) && Array.isArray(rv)) {
            expect(kv.length).toBe(rv.length);
            if (resp === 3 && args[1] === "WITHSCORES") for (const p of kv) expect(Array.isArray(p) && p.length === 2).toBe(true);
          }
        }
        await x!.reset();
      }
    }
  });

  test("ZUNION/ZINTER/ZDIFF with weights, aggregates, sets and the store variants' encodings", async () => {
    if (skip()) return;
    const d = x!;
    await d.same(
      ["SET", "str", "x"],
      ["ZADD", "a", "1", "x", "2", "y", "3", "z", "inf", "i", "-inf", "j"],
      ["ZADD", "b", "10", "y", "20", "z", "30", "w", "-inf", "i", "inf", "j"],
      ["SADD", "s", "y", "w", "q"],
      ["SADD", "n", "1", "2", "x"],
    );
    const cmds: Arg[][] = [];
    for (const op of ["ZUNION", "ZINTER"]) {
      for (const extra of [[], ["WEIGHTS", "2", "0.5"], ["WEIGHTS", "0", "-1"], ["AGGREGATE", "MIN"], ["AGGREGATE", "max", "WEIGHTS", "1", "2"], ["WEIGHTS", "inf", "1"], ["WEIGHTS", "-inf", "inf"]]) {
        cmds.push([op, "2", "a", "b", ...extra, "WITHSCORES"], [op, "3", "a", "b", "s", ...extra.filter((e) => e !== "WEIGHTS" && !/^[-0-9i.]/.test(e)), "WITHSCORES"]);
        cmds.push([`${op}STORE`, "dst", "2", "a", "b", ...extra], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
      }
      cmds.push([op, "2", "a", "s"], [op, "1", "s", "WITHSCORES"], [op, "2", "n", "a", "WITHSCORES"], [op, "2", "a", "nokey", "WITHSCORES"], [op, "2", "a", "a", "WITHSCORES"]);
    }
    cmds.push(
      ["ZDIFF", "2", "a", "b", "WITHSCORES"],
      ["ZDIFF", "2", "a", "s"],
      ["ZDIFF", "1", "s", "WITHSCORES"],
      ["ZDIFF", "2", "a", "a"],
      ["ZDIFF", "2", "nokey", "a"],
      ["ZDIFF", "3", "a", "nokey", "b", "WITHSCORES"],
      ["ZDIFFSTORE", "dst", "2", "a", "b"],
      ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
      ["ZDIFFSTORE", "dst", "2", "a", "a"],
      ["ZCARD", "dst"],
      ["ZINTERCARD", "2", "a", "b"],
      ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
      ["ZINTERCARD", "2", "a", "s", "LIMIT", "0"],
      ["ZINTERCARD", "1", "nokey"],
      ["ZUNIONSTORE", "d", "0", "a"],
      ["ZUNIONSTORE", "d", "a", "a"],
      ["ZUNIONSTORE", "d", "2", "a"],
      ["ZUNIONSTORE", "d", "1", "a", "WEIGHTS"],
      ["ZUNIONSTORE", "d", "1", "a", "WEIGHTS", "x"],
      ["ZUNIONSTORE", "d", "1", "a", "WEIGHTS", "1", "2"],
      ["ZUNIONSTORE", "d", "1", "a", "AGGREGATE", "foo"],
      ["ZUNIONSTORE", "d", "1", "a", "AGGREGATE"],
      ["ZUNIONSTORE", "d", "1", "a", "WITHSCORES"],
      ["ZUNION", "0", "a"],
      ["ZINTER", "0", "a"],
      ["ZDIFF", "0", "a"],
      ["ZINTERCARD", "0", "a"],
      ["ZINTERCARD", "1", "a", "LIMIT", "-1"],
      ["ZINTERCARD", "1", "a", "LIMIT", "x"],
      ["ZINTERCARD", "1", "a", "WEIGHTS", "1"],
      ["ZINTERCARD", "1", "a", "WITHSCORES"],
      ["ZDIFF", "1", "a", "WEIGHTS", "1"],
      ["ZDIFF", "1", "a", "AGGREGATE", "SUM"],
      ["ZDIFFSTORE", "d", "0", "a"],
      ["ZUNION", "1", "str"],
      ["ZUNION", "2", "nokey", "str"],
      ["ZINTER", "2", "nokey", "str"],
      ["ZINTERCARD", "2", "a"],
      ["ZINTERCARD", "a", "a"],
      ["ZUNION", "1", "a", "WITHSCORES", "WITHSCORES"],
      ["ZUNIONSTORE", "str", "1", "nokey"],
      ["GET", "str"],
      ["ZUNIONSTORE", "str", "1", "a"],
      ["ZCARD", "str"],
    );
    await d.same(...cmds);
    // Result encodings: small results become listpacks, big or long-member ones skiplists.
    const big = Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat();
    await d.same(["ZADD", "big", ...big], ["ZADD", "long", "1", "x".repeat(70)], ["ZUNIONSTORE", "u1", "1", "big"], ["ZINTERSTORE", "u2", "2", "big", "a"], ["ZUNIONSTORE", "u3", "1", "long"], ["ZDIFFSTORE", "u4", "1", "a"]);
    await d.same(["ZREMRANGEBYRANK", "big", "5", "-1"], ["ZUNIONSTORE", "u5", "1", "big"], ["ZRANGESTORE", "u6", "big", "0", "-1"]);
    for (const k of ["u1", "u2", "u3", "u4", "u5", "u6", "big"]) await d.sameEncoding(k);
  });

  test("ZRANGESTORE and encodings across conversions", async () => {
    if (skip()) return;
    const d = x!;
    const big = Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat();
    await d.same(
      ["SET", "str", "x"],
      ["ZADD", "big", ...big],
      ["ZRANGESTORE", "d1", "big", "0", "9"],
      ["ZRANGESTORE", "d2", "big", "0", "150"],
      ["ZRANGESTORE", "d3", "big", "(10", "20", "BYSCORE", "LIMIT", "2", "5"],
      ["ZRANGESTORE", "d4", "big", "20", "10", "BYSCORE", "REV"],
      ["ZRANGESTORE", "d5", "big", "5", "1"],
      ["ZRANGESTORE", "d1", "nokey", "0", "-1"],
      ["ZRANGESTORE", "d6", "big", "0", "-1", "WITHSCORES"],
      ["ZRANGESTORE", "d6", "str", "0", "-1"],
      ["ZRANGESTORE", "str", "big", "0", "1"],
      ["ZRANGE", "str", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "d3", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "d4", "0", "-1", "WITHSCORES"],
      ["ZCARD", "d1"],
      ["ZCARD", "d2"],
      ["ZADD", "long", "1", "x".repeat(64)],
      ["ZADD", "long2", "1", "x".repeat(65)],
      ["ZADD", "grow", "1", "a"],
      ["ZADD", "grow", "2", "y".repeat(65)],
      ["ZRANGESTORE", "d7", "grow", "0", "-1"],
    );
    for (const k of ["big", "d2", "d3", "d4", "str", "long", "long2", "grow", "d7"]) await d.sameEncoding(k);
    await d.same(["ZREM", "big", ...Array.from({ length: 195 }, (_, i) => `m${i}`)], ["ZCARD", "big"]);
    await d.sameEncoding("big"); // removal never converts back
    await d.config("zset-max-listpack-entries", "0");
    await d.same(["ZADD", "zero", "1", "a"]);
    await d.sameEncoding("zero");
    await d.config("zset-max-listpack-entries", "3");
    await d.config("zset-max-listpack-value", "2");
    await d.same(["ZADD", "t1", "1", "a", "2", "b", "3", "c"], ["ZADD", "t2", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZADD", "t3", "1", "abc"], ["ZADD", "t4", "1", "ab"], ["ZADD", "t4", "1", "abc"], ["ZINCRBY", "t5", "1", "ab"]);
    for (const k of ["t1", "t2", "t3", "t4", "t5"]) await d.sameEncoding(k);
    await d.config("zset-max-listpack-entries", "128");
    await d.config("zset-max-listpack-value", "64");
  });

  test("ZSCAN: listpack exact, skiplist by content", async () => {
    if (skip()) return;
    const d = x!;
    await d.same(
      ["SET", "str", "x"],
      ["ZADD", "z", "1", "a", "2.5", "b", "inf", "c", "-0", "d", "0.1", "ab"],
      ["ZSCAN", "z", "0"],
      ["ZSCAN", "z", "0", "MATCH", "a*"],
      ["ZSCAN", "z", "0", "COUNT", "1"],
      ["ZSCAN", "z", "x"],
      ["ZSCAN", "z", "0", "COUNT", "0"],
      ["ZSCAN", "z", "0", "NOPE"],
      ["ZSCAN", "nokey", "0"],
      ["ZSCAN", "str", "0"],
    );
    await d.same(["ZADD", "big", ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `m${i}`]).flat()]);
    for (const extra of [[], ["MATCH", "m1*"]]) {
      // Full iteration: the union of all pages equals Redis's.
      const collect = async (cl: typeof d.d.k) => {
        let cursor = "0";
        const seen: string[] = [];
        do {
          const r = (await cl.call("ZSCAN", "big", cursor, "COUNT", "20", ...extra)) as [string, string[]];
          cursor = r[0];
          for (let i = 0; i < r[1].length; i += 2) seen.push(`${r[1][i]}=${r[1][i + 1]}`);
        } while (cursor !== "0");
        return [...new Set(seen)].sort();
      };
      expect(await collect(d.d.k)).toEqual(await collect(d.d.r));
    }
  });

  test("RESP3 shapes of score replies", async () => {
    if (skip()) return;
    await x!.resp(3);
    await x!.same(
      ["ZADD", "z", "1", "a", "2", "b", "3.5", "c"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "z", "0", "-1"],
      ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"],
      ["ZREVRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZSCORE", "z", "c"],
      ["ZSCORE", "z", "nope"],
      ["ZMSCORE", "z", "c", "x"],
      ["ZINCRBY", "z", "1", "c"],
      ["ZADD", "z", "INCR", "1", "c"],
      ["ZADD", "z", "XX", "INCR", "1", "nope"],
      ["ZRANK", "z", "nope"],
      ["ZUNION", "1", "z", "WITHSCORES"],
      ["ZINTER", "1", "z", "WITHSCORES"],
      ["ZDIFF", "1", "z", "WITHSCORES"],
      ["ZSCAN", "z", "0"],
      ["ZRANDMEMBER", "z", "5", "WITHSCORES"],
      ["ZRANDMEMBER", "nokey"],
      ["ZRANDMEMBER", "nokey", "2"],
      ["ZPOPMIN", "z"],
      ["ZPOPMIN", "z", "1"],
      ["ZPOPMAX", "z", "5"],
      ["ZPOPMIN", "nokey"],
      ["ZMPOP", "1", "nokey", "MIN"],
      ["ZADD", "z", "1", "a"],
      ["ZMPOP", "1", "z", "MIN"],
    );
  });

  test("seeded random sequences on small and large sorted sets", async () => {
    if (skip()) return;
    const d = x!;
    for (const seed of [1, 2, 3, 4]) {
      await d.reset();
      const r = rng(seed);
      const large = seed >= 3;
      const keys = ["z1", "z2", "z3"];
      const key = () => keys[Math.floor(r() * keys.length)]!;
      const member = () => (r() < 0.05 ? "L" + "x".repeat(64) : "m" + Math.floor(r() * (large ? 400 : 25)));
      const score = () => {
        const v = r();
        if (v < 0.05) return r() < 0.5 ? "-inf" : "+inf";
        if (v < 0.5) return String(Math.floor(r() * 20) - 5);
        return (r() * 10 - 3).toFixed(3);
      };
      const bound = () => {
        const v = r();
        if (v < 0.1) return "-inf";
        if (v < 0.2) return "+inf";
        return (r() < 0.3 ? "(" : "") + String(Math.floor(r() * 20) - 5);
      };
      const idx = () => String(Math.floor(r() * 30) - 15);
      for (let step = 0; step < 300; step++) {
        const v = r();
        let cmd: Arg[];
        if (v < 0.25) {
          const flags = [[], ["NX"], ["XX"], ["GT"], ["LT"], ["CH"], ["XX", "GT", "CH"]][Math.floor(r() * 7)]!;
          const pairs = Array.from({ length: 1 + Math.floor(r() * (large ? 40 : 4)) }, () => [score(), member()]).flat();
          cmd = ["ZADD", key(), ...flags, ...pairs];
        } else if (v < 0.3) cmd = ["ZINCRBY", key(), score(), member()];
        else if (v < 0.35) cmd = ["ZADD", key(), "INCR", ...(r() < 0.5 ? ["GT"] : []), score(), member()];
        else if (v < 0.42) cmd = ["ZREM", key(), member(), member()];
        else if (v < 0.5) cmd = ["ZRANGE", key(), idx(), idx(), ...(r() < 0.5 ? ["WITHSCORES"] : []), ...(r() < 0.3 ? ["REV"] : [])];
        else if (v < 0.58) cmd = ["ZRANGE", key(), bound(), bound(), "BYSCORE", ...(r() < 0.5 ? ["REV"] : []), ...(r() < 0.5 ? ["LIMIT", String(Math.floor(r() * 5)), String(Math.floor(r() * 8) - 1)] : []), "WITHSCORES"];
        else if (v < 0.62) cmd = ["ZCOUNT", key(), bound(), bound()];
        else if (v < 0.66) cmd = [r() < 0.5 ? "ZRANK" : "ZREVRANK", key(), member()];
        else if (v < 0.7) cmd = ["ZSCORE", key(), member()];
        else if (v < 0.72) cmd = ["ZMSCORE", key(), member(), member()];
        else if (v < 0.75) cmd = ["ZREMRANGEBYSCORE", key(), bound(), bound()];
        else if (v < 0.77) cmd = ["ZREMRANGEBYRANK", key(), idx(), idx()];
        else if (v < 0.8) cmd = [r() < 0.5 ? "ZPOPMIN" : "ZPOPMAX", key(), ...(r() < 0.5 ? [String(Math.floor(r() * 4))] : [])];
        else if (v < 0.82) cmd = ["ZMPOP", "2", key(), key(), r() < 0.5 ? "MIN" : "MAX", "COUNT", String(1 + Math.floor(r() * 3))];
        else if (v < 0.88) {
          const op = ["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"][Math.floor(r() * 3)]!;
          const extra = op === "ZDIFFSTORE" ? [] : r() < 0.5 ? ["WEIGHTS", String(Math.floor(r() * 3)), "0.5", "AGGREGATE", ["SUM", "MIN", "MAX"][Math.floor(r() * 3)]!] : [];
          cmd = [op, key(), "2", key(), key(), ...extra];
        } else if (v < 0.92) cmd = [["ZUNION", "ZINTER", "ZDIFF"][Math.floor(r() * 3)]!, "2", key(), key(), "WITHSCORES"];
        else if (v < 0.95) cmd = ["ZRANGESTORE", key(), key(), idx(), idx()];
        else if (v < 0.97) cmd = ["ZINTERCARD", "2", key(), key(), "LIMIT", String(Math.floor(r() * 4))];
        else cmd = ["ZCARD", key()];
        await d.same(cmd);
        for (const k of keys) await d.sameEncoding(k);
      }
      for (const k of keys) await d.same(["ZRANGE", k, "0", "-1", "WITHSCORES"]);
    }
  });
});
