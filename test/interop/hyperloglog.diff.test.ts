/**
 * HyperLogLog, byte for byte against real redis-server 7.0: the command table vs COMMAND INFO,
 * scripted errors and PFDEBUG, then seeded random PFADD batches (sparse, the sparse→dense
 * promotion, dense) compared by PFCOUNT (one key and unions), by GET of the raw value after every
 * batch, by OBJECT ENCODING, and by DUMP/RESTORE both ways. Corruption through SETRANGE gives
 * Redis's errors, and different hll-sparse-max-bytes limits promote at the same points.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { hyperloglogFamily } from "../../src/commands/hyperloglog.ts";
import { Differ } from "../helpers/diff.ts";
import { redisServerPath } from "../helpers/servers.ts";
import { compareSpecs, Gen, parseLines, rng, runAll, type Arg } from "./families.ts";

const HAVE_REDIS = redisServerPath() !== null;
if (!HAVE_REDIS) console.warn("SKIP hyperloglog interop: redis-server not found");
let d: Differ;

async function flush(): Promise<void> {
  await d.r.call("FLUSHALL");
  d.kedis.server.ks.flushAll();
}

async function setBoth(name: string, value: string): Promise<void> {
  await d.r.call("CONFIG", "SET", name, value);
  const err = d.kedis.server.config.set(name, value);
  if (err !== null) throw new Error(err);
}

describe.skipIf(!HAVE_REDIS)("HyperLogLog vs redis-server", () => {
  beforeAll(async () => {
    d = (await Differ.start())!;
  });
  afterAll(async () => {
    await d.stop();
  });
  beforeEach(async () => {
    await setBoth("hll-sparse-max-bytes", "3000");
    await flush();
  });

  test("arity, flags and key positions equal COMMAND INFO", async () => {
    const specs = hyperloglogFamily.commands.map((line) => d.kedis.server.registry.byName(line[0])!);
    expect(await compareSpecs(d, specs)).toEqual([]);
  });

  test("scripted: creation, caches, unions, merges, PFDEBUG and errors", async () => {
    const cmds = parseLines(`
      PFADD h a b c
      GET h
      PFCOUNT h
      GET h
      PFADD h a
      OBJECT ENCODING h
      PFADD h d e f g h i j k l m n o p
      GET h
      PFCOUNT h
      PFADD empty
      GET empty
      PFCOUNT empty
      GET empty
      PFCOUNT h empty nokey
      PFCOUNT nokey
      PFMERGE m h empty
      GET m
      PFCOUNT m
      PFMERGE m
      PFMERGE fresh
      GET fresh
      PFDEBUG ENCODING h
      PFDEBUG DECODE h
      PFDEBUG TODENSE m
      PFDEBUG TODENSE m
      PFDEBUG DECODE m
      PFDEBUG ENCODING m
      PFDEBUG foo m
      PFDEBUG GETREG nokey
      PFDEBUG ENCODING nokey
      PFCOUNT m
      PFMERGE m2 m h
      PFDEBUG ENCODING m2
      PFCOUNT m2
      SET s hello
      PFADD s a
      PFCOUNT s
      PFCOUNT h s
      PFMERGE s h
      PFMERGE h s
      PFDEBUG ENCODING s
      SET i 12345
      PFADD i x
      ["SET", "short", "HYLL"]
      PFADD short x
      ["SET", "badenc", "HYLL\\u0002\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u007f\\u00ff"]
      PFADD badenc x
      ["SET", "baddense", "HYLL\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"]
      PFCOUNT baddense
      LPUSH l a
      PFADD l a
      PFCOUNT l
      PFCOUNT h l
      PFMERGE l h
      PFDEBUG ENCODING l
      PFSELFTEST
    `);
    expect(await runAll(d, cmds)).toEqual([]);
  });

  test("corrupted values: SETRANGE into the registers and runs", async () => {
    const cmds: Arg[][] = [];
    cmds.push(["PFADD", "sp", "a", "b", "c", "d"]);
    // Break the sparse runs so they no longer cover 16384 registers.
    cmds.push(["SETRANGE", "sp", "16", "\x00\x00\x00\x00"], ["PFCOUNT", "sp"], ["PFADD", "sp", "zz"], ["PFCOUNT", "sp", "sp"], ["PFMERGE", "dst", "sp"], ["PFDEBUG", "GETREG", "sp"], ["PFDEBUG", "TODENSE", "sp"]);
    cmds.push(["PFADD", "sp2", "a"], ["SETRANGE", "sp2", "18", "\xff\xff\xff"], ["PFCOUNT", "sp2"], ["PFADD", "sp2", "q"], ["GET", "sp2"]);
    const many: string[] = [];
    for (let i = 0; i < 3000; i++) many.push(`e${i}`);
    cmds.push(["PFADD", "dn", ...many], ["PFDEBUG", "ENCODING", "dn"], ["PFCOUNT", "dn"]);
    // Dense registers can hold any 6-bit pattern: a poked byte changes the estimate, not validity.
    cmds.push(["SETRANGE", "dn", "100", "\xff\xff"], ["PFCOUNT", "dn"], ["PFADD", "dn", "new"], ["PFCOUNT", "dn"], ["GET", "dn"]);
    cmds.push(["APPEND", "dn", "x"], ["PFCOUNT", "dn"], ["PFADD", "dn", "a"]);
    // A stale cache marker poked in: PFCOUNT recomputes and rewrites the cache.
    cmds.push(["PFADD", "c1", "x", "y"], ["PFCOUNT", "c1"], ["SETRANGE", "c1", "8", "\x05\x00\x00\x00\x00\x00\x00\x00"], ["PFCOUNT", "c1"], ["SETRANGE", "c1", "15", "\x80"], ["PFCOUNT", "c1"], ["GET", "c1"]);
    expect(await runAll(d, cmds)).toEqual([]);
  });

  test("seeded random PFADD batches: same bytes (GET), counts, unions and encodings", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const g = new Gen(rng(seed));
      if (seed === 3) await setBoth("hll-sparse-max-bytes", "200");
      if (seed === 4) await setBoth("hll-sparse-max-bytes", "0");
      await flush();
      const cmds: Arg[][] = [];
      const keys = ["h1", "h2", "h3"];
      let n = 0;
      for (let round = 0; round < 40; round++) {
        const key = g.pick(keys);
        const size = g.pick([1, 3, 10, 50, 200, 800]);
        const batch: string[] = [];
        for (let i = 0; i < size; i++) batch.push(g.chance(0.1) ? `dup${g.int(20)}` : g.chance(0.05) ? String(g.int(100000)) : `el-${seed}-${n++}`);
        cmds.push(["PFADD", key, ...batch], ["GET", key], ["PFCOUNT", key], ["GET", key], ["OBJECT", "ENCODING", key]);
        if (g.chance(0.3)) cmds.push(["PFCOUNT", ...keys, "missing"]);
        if (g.chance(0.15)) cmds.push(["PFMERGE", g.pick(["m", ...keys]), ...keys.filter(() => g.chance(0.6))], ["GET", "m"]);
        if (g.chance(0.05)) cmds.push(["PFDEBUG", "TODENSE", key]);
      }
      for (const k of [...keys, "m"]) cmds.push(["GET", k], ["PFCOUNT", k], ["PFDEBUG", "ENCODING", k]);
      expect({ seed, bad: (await runAll(d, cmds)).slice(0, 2) }).toEqual({ seed, bad: [] });
    }
  });

  test("PFCOUNT stays within Redis's standard error (0.81%) and equals Redis's estimate at large cardinalities", async () => {
    const sizes = [1000, 10000, 100000];
    let added = 0;
    for (const target of sizes) {
      const batch: string[] = [];
      while (added < target) batch.push(`u${added++}`);
      for (let i = 0; i < batch.length; i += 5000) {
        const part = batch.slice(i, i + 5000);
        await d.both("PFADD", "big", ...part);
      }
      const [k, r] = await d.both("PFCOUNT", "big");
      expect(k).toBe(r);
      const est = Number(k.slice(1));
      expect(Math.abs(est - target) / target).toBeLessThan(0.0081 * 3);
    }
    const [gk, gr] = await d.both("GET", "big");
    expect(gk === gr).toBe(true);
  });

  test("DUMP/RESTORE move HLLs both ways and keep counting identically", async () => {
    const many: string[] = [];
    for (let i = 0; i < 2000; i++) many.push(`x${i}`);
    for (const [key, els] of [["small", ["a", "b", "c"]], ["large", many]] as const) {
      await d.both("PFADD", key, ...els);
      const fromRedis = (await d.r.call("DUMP", key)) as string;
      const fromKedis = (await d.k.call("DUMP", key)) as string;
      expect(await d.k.call("RESTORE", `${key}:r`, 0, fromRedis)).toBe("OK");
      expect(await d.r.call("RESTORE", `${key}:k`, 0, fromKedis)).toBe("OK");
      expect(await d.k.callRaw("GET", `${key}:r`)).toBe(await d.r.callRaw("GET", key));
      expect(await d.r.callRaw("GET", `${key}:k`)).toBe(await d.k.callRaw("GET", key));
      expect(await d.k.call("PFADD", `${key}:r`, "new1", "new2")).toEqual(await d.r.call("PFADD", key, "new1", "new2"));
      expect(await d.k.callRaw("PFCOUNT", `${key}:r`)).toBe(await d.r.callRaw("PFCOUNT", key));
      expect(await d.k.callRaw("GET", `${key}:r`)).toBe(await d.r.callRaw("GET", key));
    }
  });
});
