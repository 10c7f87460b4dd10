/**
 * Lists against real redis-server 7.0: scripted edge cases and seeded random sequences over small
 * and large lists (several chunks), compared byte for byte, RESP2 and RESP3, plus the encoding
 * name (read in-process on Kedis, since OBJECT lives in another family).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hashFamily } from "../../src/commands/hash.ts";
import { listFamily } from "../../src/commands/list.ts";
import { Differ } from "../helpers/diff.ts";
import { rng } from "../unit/rng.ts";

let d: Differ | null = null;

beforeAll(async () => {
  // A small chunk size on Kedis makes even short lists span many chunks (splits and merges).
  d = await Differ.start({ "list-max-listpack-size": "4" }, ["--list-max-listpack-size", "4"]);
  if (d === null) console.warn("SKIP list interop: redis-server not installed");
});
afterAll(async () => {
  await d?.stop();
});

async function expectSame(x: Differ, cmds: (string | number)[][]): Promise<void> {
  const mismatches = await x.run(...cmds);
  expect(mismatches).toEqual([]);
}

const E: (string | number)[][] = [
  ["RPUSH", "l", "a", "b", "c", "a", "b", "a"],
  ["LPUSH", "l", "x"],
  ["LPUSHX", "nokey", "a"],
  ["RPUSHX", "nokey", "a"],
  ["RPUSHX", "l", "z", "y"],
  ["LLEN", "l"],
  ["LLEN", "nokey"],
  ["LRANGE", "l", "0", "-1"],
  ["LRANGE", "l", "-100", "100"],
  ["LRANGE", "l", "5", "2"],
  ["LRANGE", "l", "100", "200"],
  ["LRANGE", "l", "-3", "-1"],
  ["LRANGE", "l", "a", "1"],
  ["LRANGE", "l", "0", "9223372036854775808"],
  ["LRANGE", "nokey", "0", "-1"],
  ["LINDEX", "l", "0"],
  ["LINDEX", "l", "-1"],
  ["LINDEX", "l", "100"],
  ["LINDEX", "l", "x"],
  ["LINDEX", "nokey", "x"],
  ["LSET", "l", "1", "set"],
  ["LSET", "l", "-1", "last"],
  ["LSET", "l", "100", "x"],
  ["LSET", "nokey", "0", "x"],
  ["LSET", "l", "x", "x"],
  ["LINSERT", "l", "BEFORE", "a", "ins"],
  ["LINSERT", "l", "after", "last", "end"],
  ["LINSERT", "l", "after", "zz", "q"],
  ["LINSERT", "l", "middle", "a", "q"],
  ["LINSERT", "nokey", "before", "a", "q"],
  ["LRANGE", "l", "0", "-1"],
  ["LPOS", "l", "a"],
  ["LPOS", "l", "a", "RANK", "2"],
  ["LPOS", "l", "a", "RANK", "-1"],
  ["LPOS", "l", "a", "RANK", "-9223372036854775808"],
  ["LPOS", "l", "a", "COUNT", "0"],
  ["LPOS", "l", "a", "COUNT", "2", "RANK", "-1"],
  ["LPOS", "l", "a", "COUNT", "0", "MAXLEN", "3"],
  ["LPOS", "l", "zz", "COUNT", "2"],
  ["LPOS", "l", "zz"],
  ["LPOS", "l", "a", "RANK", "0"],
  ["LPOS", "l", "a", "RANK", "x"],
  ["LPOS", "l", "a", "COUNT", "-1"],
  ["LPOS", "l", "a", "COUNT", "x"],
  ["LPOS", "l", "a", "MAXLEN", "-1"],
  ["LPOS", "l", "a", "RANK"],
  ["LPOS", "l", "a", "FOO", "1"],
  ["LPOS", "nokey", "a"],
  ["LPOS", "nokey", "a", "COUNT", "1"],
  ["LREM", "l", "1", "a"],
  ["LREM", "l", "-1", "a"],
  ["LREM", "l", "0", "b"],
  ["LREM", "l", "x", "b"],
  ["LREM", "nokey", "0", "b"],
  ["LRANGE", "l", "0", "-1"],
  ["LPOP", "l"],
  ["RPOP", "l"],
  ["LPOP", "l", "0"],
  ["LPOP", "l", "2"],
  ["RPOP", "l", "1"],
  ["LPOP", "l", "-1"],
  ["LPOP", "l", "x"],
  ["LPOP", "l", "1", "2"],
  ["LPOP", "nokey"],
  ["LPOP", "nokey", "0"],
  ["LPOP", "nokey", "3"],
  ["RPOP", "l", "100"],
  ["LLEN", "l"],
  ["LRANGE", "l", "0", "-1"],
  ["RPUSH", "t", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
  ["LTRIM", "t", "2", "-3"],
  ["LRANGE", "t", "0", "-1"],
  ["LTRIM", "t", "-100", "100"],
  ["LTRIM", "t", "x", "1"],
  ["LTRIM", "nokey", "0", "1"],
  ["LTRIM", "t", "5", "1"],
  ["LLEN", "t"],
  ["RPUSH", "m", "a", "b", "c"],
  ["LMOVE", "m", "m", "LEFT", "RIGHT"],
  ["LRANGE", "m", "0", "-1"],
  ["LMOVE", "m", "n", "right", "left"],
  ["LMOVE", "m", "n", "up", "left"],
  ["LMOVE", "nokey", "n", "left", "left"],
  ["RPOPLPUSH", "m", "n"],
  ["RPOPLPUSH", "m", "n"],
  ["RPOPLPUSH", "m", "n"],
  ["LRANGE", "n", "0", "-1"],
  ["LMPOP", "2", "nokey", "n", "LEFT"],
  ["LMPOP", "2", "nokey", "n", "RIGHT", "COUNT", "10"],
  ["LMPOP", "1", "nokey", "LEFT"],
  ["LMPOP", "0", "n", "LEFT"],
  ["LMPOP", "-1", "n", "LEFT"],
  ["LMPOP", "x", "n", "LEFT"],
  ["LMPOP", "2", "n", "LEFT"],
  ["LMPOP", "1", "n", "MIDDLE"],
  ["LMPOP", "1", "n", "LEFT", "COUNT", "0"],
  ["LMPOP", "1", "n", "LEFT", "COUNT", "-1"],
  ["LMPOP", "1", "n", "LEFT", "COUNT"],
  ["LMPOP", "1", "n", "LEFT", "COUNT", "1", "COUNT", "1"],
  ["LMPOP", "1", "n", "LEFT", "FOO"],
  ["LMPOP", "1", "n", "LEFT", "COUNT", "9223372036854775808"],
  ["BLPOP", "nokey", "-1"],
  ["BLPOP", "nokey", "abc"],
  ["BLPOP", "nokey", "inf"],
  ["BLPOP", "nokey", "nan"],
  ["BLPOP", "nokey", "1e300"],
  ["BLPOP", "nokey", "9223372036854775807"],
  ["BLMPOP", "0", "0", "l", "LEFT"],
  ["BLMPOP", "x", "1", "l", "LEFT"],
  ["BLMPOP", "x", "1", "l", "FOO"],
  ["BLMPOP", "x", "0", "l", "LEFT"],
  ["BLMOVE", "a", "b", "left", "foo", "x"],
  ["BLMOVE", "a", "b", "left", "left", "x"],
  ["BRPOPLPUSH", "a", "b", "-1"],
  ["BLPOP", "nokey", "0.01"],
  ["BRPOP", "nokey", "nokey2", "0.01"],
  ["BLMOVE", "nokey", "x", "LEFT", "LEFT", "0.01"],
  ["BRPOPLPUSH", "nokey", "x", "0.01"],
  ["BLMPOP", "0.01", "1", "nokey", "LEFT"],
  ["RPUSH", "b1", "x", "y"],
  ["BLPOP", "nokey", "b1", "0"],
  ["BRPOP", "b1", "0"],
  ["RPUSH", "b1", "x", "y", "z"],
  ["BLMPOP", "0", "2", "nokey", "b1", "RIGHT", "COUNT", "2"],
  ["BLMOVE", "b1", "b2", "LEFT", "RIGHT", "0"],
  ["RPUSH", "b1", "x"],
  ["BRPOPLPUSH", "b1", "b2", "0"],
  ["LRANGE", "b2", "0", "-1"],
  ["SET", "s", "string"],
  ["LPUSH", "s", "a"],
  ["RPUSH", "s", "a"],
  ["LPUSHX", "s", "a"],
  ["RPUSHX", "s", "a"],
  ["LPOP", "s"],
  ["RPOP", "s", "2"],
  ["LLEN", "s"],
  ["LRANGE", "s", "0", "-1"],
  ["LINDEX", "s", "0"],
  ["LSET", "s", "0", "a"],
  ["LSET", "s", "x", "a"],
  ["LINSERT", "s", "before", "a", "b"],
  ["LREM", "s", "0", "a"],
  ["LTRIM", "s", "0", "1"],
  ["LPOS", "s", "a"],
  ["LPOS", "s", "a", "RANK", "0"],
  ["LMOVE", "s", "b2", "left", "left"],
  ["LMOVE", "b2", "s", "left", "left"],
  ["RPOPLPUSH", "nokey", "s"],
  ["LMPOP", "2", "nokey", "s", "LEFT"],
  ["BLPOP", "nokey", "s", "0"],
  ["BLMPOP", "0", "2", "s", "b2", "LEFT"],
  ["BLMOVE", "s", "b2", "left", "left", "0"],
  ["BLMOVE", "b2", "s", "left", "left", "0"],
  ["LRANGE", "b2", "0", "-1"],
  ["LPUSH", "bin", "\x00\r\n\xff", ""],
  ["LRANGE", "bin", "0", "-1"],
  ["LPOS", "bin", ""],
  ["LPUSH", "l"],
  ["LRANGE", "l", "0"],
  ["LINSERT", "l", "before", "a"],
];

describe("lists: byte-for-byte with redis-server 7.0", () => {
  test("list and hash spec lines equal COMMAND INFO (arity, flags, key positions)", async () => {
    if (d === null) return;
    for (const fam of [listFamily, hashFamily]) {
      for (const [name, arity, flags, keys] of fam.commands) {
        const info = (await d.r.call("COMMAND", "INFO", name)) as [string, number, string[], number, number, number][];
        const [, ar, fl, fk, lk, st] = info[0]!;
        const theirs = fl.filter((f) => f !== "movablekeys").sort().join(" ");
        expect(`${name} ${arity} ${flags.split(" ").sort().join(" ")} ${keys.join(",")}`).toBe(`${name} ${ar} ${theirs} ${fk},${lk},${st}`);
      }
    }
  });

  test("scripted edge cases: every reply identical (RESP2 and RESP3)", async () => {
    if (d === null) return;
    await d.reset();
    await expectSame(d, E);
    await d.reset();
    await d.resp(3);
    await expectSame(d, E);
    await d.resp(2);
  });

  test("served blocking commands reply the same bytes as Redis (RESP2 and RESP3), FIFO included", async () => {
    if (d === null) return;
    await d.reset();
    const x = d;
    const blockedOnRedis = async (): Promise<number> => Number(/blocked_clients:(\d+)/.exec((await x.r.call("INFO", "clients")) as string)![1]);
    const scenarios: { block: string[][]; push: string[] }[] = [
      { block: [["BLPOP", "q1", "q2", "0"], ["BRPOP", "q2", "0"]], push: ["RPUSH", "q2", "a", "b", "c"] },
      { block: [["BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2"], ["BLMPOP", "0", "1", "m2", "LEFT"]], push: ["RPUSH", "m2", "a", "b", "c"] },
      { block: [["BLMOVE", "s1", "d1", "LEFT", "RIGHT", "0"], ["BRPOPLPUSH", "d1", "d2", "0"]], push: ["LPUSH", "s1", "v"] },
      { block: [["BLMOVE", "s2", "str", "LEFT", "RIGHT", "0"]], push: ["RPUSH", "s2", "v"] },
      { block: [["BLPOP", "w", "0"], ["BLPOP", "w", "0"]], push: ["LPUSH", "w", "1", "2", "3"] },
    ];
    await x.both("SET", "str", "x");
    for (const resp of [2, 3]) {
      for (const sc of scenarios) {
        const replies: string[][] = [[], []];
        for (const [side, server] of [[0, x.kedis], [1, x.redis]] as const) {
          const waiters = [];
          for (const cmd of sc.block) {
            const c = await server.client();
            await c.call("PING"); // registered server-side before we look it up
            if (resp === 3) {
              if (side === 0) [...x.kedis.server.clients.values()].at(-1)!.resp = 3;
              else await c.call("HELLO", "3");
            }
            c.send(...cmd);
            waiters.push(c);
            const n = waiters.length;
            for (let i = 0; i < 2000; i++) {
              if ((side === 0 ? x.kedis.server.blockedClients : await blockedOnRedis()) === n) break;
              await new Promise((r) => setTimeout(r, 1));
            }
          }
          await (side === 0 ? x.k : x.r).call(...sc.push);
          for (const c of waiters) {
            replies[side]!.push(new TextDecoder("latin1").decode(await c.raw()));
            c.close();
          }
        }
        expect(replies[0]).toEqual(replies[1]!);
      }
      expect(await x.run(["LRANGE", "q2", "0", "-1"], ["LRANGE", "m2", "0", "-1"], ["LRANGE", "d2", "0", "-1"], ["LRANGE", "s2", "0", "-1"], ["LRANGE", "w", "0", "-1"])).toEqual([]);
      await x.reset();
      await x.both("SET", "str", "x");
    }
  });

  test("lists spanning many chunks: LINSERT/LSET/LREM/LTRIM in the middle agree", async () => {
    if (d === null) return;
    await d.reset();
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 200; i++) cmds.push([i % 2 ? "RPUSH" : "LPUSH", "big", `e${i % 13}`, `v${i}`]);
    cmds.push(["LRANGE", "big", "0", "-1"]);
    for (let i = 0; i < 40; i++) {
      cmds.push(["LINSERT", "big", i % 2 ? "BEFORE" : "AFTER", `e${i % 13}`, `ins${i}`]);
      cmds.push(["LSET", "big", String((i * 37) % 400 - 200), `set${i}`]);
      cmds.push(["LINDEX", "big", String((i * 53) % 450 - 225)]);
      cmds.push(["LPOS", "big", `e${i % 13}`, "RANK", String((i % 5) - 2 || 1), "COUNT", String(i % 4)]);
    }
    cmds.push(["LREM", "big", "3", "e1"], ["LREM", "big", "-4", "e2"], ["LREM", "big", "0", "e3"]);
    cmds.push(["LRANGE", "big", "0", "-1"], ["LTRIM", "big", "17", "-23"], ["LRANGE", "big", "0", "-1"], ["LLEN", "big"]);
    cmds.push(["LRANGE", "big", "100", "150"], ["LRANGE", "big", "-150", "-100"]);
    await expectSame(d, cmds);
  });

  test("seeded random sequences over small and large lists agree reply by reply", async () => {
    if (d === null) return;
    for (let seed = 1; seed <= 4; seed++) {
      await d.reset();
      const r = rng(seed);
      const keys = ["k1", "k2", "k3"];
      const val = (): string => (r() < 0.1 ? "x".repeat(Math.floor(r() * 300)) : `v${Math.floor(r() * 8)}`);
      const idx = (): string => String(Math.floor(r() * 60) - 30);
      const cmds: (string | number)[][] = [];
      for (let step = 0; step < 300; step++) {
        const k = keys[Math.floor(r() * keys.length)]!;
        const k2 = keys[Math.floor(r() * keys.length)]!;
        const side = (): string => (r() < 0.5 ? "LEFT" : "RIGHT");
        const op = Math.floor(r() * 16);
        switch (op) {
          case 0:
          case 1: {
            const n = 1 + Math.floor(r() * (r() < 0.2 ? 40 : 4));
            cmds.push([r() < 0.5 ? "LPUSH" : "RPUSH", k, ...Array.from({ length: n }, val)]);
            break;
          }
          case 2:
            cmds.push([r() < 0.5 ? "LPOP" : "RPOP", k, ...(r() < 0.5 ? [String(Math.floor(r() * 5))] : [])]);
            break;
          case 3:
            cmds.push(["LRANGE", k, idx(), idx()]);
            break;
          case 4:
            cmds.push(["LINDEX", k, idx()]);
            break;
          case 5:
            cmds.push(["LSET", k, idx(), val()]);
            break;
          case 6:
            cmds.push(["LINSERT", k, r() < 0.5 ? "BEFORE" : "AFTER", val(), val()]);
            break;
          case 7:
            cmds.push(["LREM", k, String(Math.floor(r() * 7) - 3), val()]);
            break;
          case 8:
            cmds.push(["LTRIM", k, idx(), idx()]);
            break;
          case 9:
            cmds.push(["LPOS", k, val(), "RANK", String((Math.floor(r() * 5) - 2) || 1), "COUNT", String(Math.floor(r() * 3)), "MAXLEN", String(Math.floor(r() * 20))]);
            break;
          case 10:
            cmds.push(["LMOVE", k, k2, side(), side()]);
            break;
          case 11:
            cmds.push(["RPOPLPUSH", k, k2]);
            break;
          case 12:
            cmds.push(["LMPOP", "2", k, k2, side(), "COUNT", String(1 + Math.floor(r() * 5))]);
            break;
          case 13:
            cmds.push([r() < 0.5 ? "BLPOP" : "BRPOP", k, k2, "0.001"]);
            break;
          case 14:
            cmds.push(["LLEN", k]);
            break;
          default:
            cmds.push(["LRANGE", k, "0", "-1"]);
        }
      }
      for (const k of keys) cmds.push(["LRANGE", k, "0", "-1"]);
      await expectSame(d, cmds);
      // Encoding names agree (Redis 7.0: every list is a quicklist).
      for (const k of keys) {
        const e = d.kedis.server.ks.dbs[0]!.lookup(new TextEncoder().encode(k));
        const redisEnc = await d.r.call("OBJECT", "ENCODING", k);
        expect(e === null ? null : e.value instanceof Uint8Array ? null : (e.value as { encoding(): string }).encoding()).toBe(redisEnc as string | null);
      }
    }
  });
});
