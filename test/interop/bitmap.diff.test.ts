/**
 * Bitmap commands, byte for byte against real redis-server 7.0: scripted edge cases for every
 * command and option, then seeded random sequences mixing bitmap and string writes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { bitmapFamily } from "../../src/commands/bitmap.ts";
import { Differ } from "../helpers/diff.ts";
import { redisServerPath } from "../helpers/servers.ts";
import { compareKeyState, compareSpecs, flushBoth, Gen, makeList, parseLines, rng, runAll, runCounting, type Arg } from "./families.ts";

const HAVE_REDIS = redisServerPath() !== null;
let d: Differ;

describe.skipIf(!HAVE_REDIS)("bitmap commands vs redis-server", () => {
  beforeAll(async () => {
    d = (await Differ.start({ "proto-max-bulk-len": "1048576" }, ["--proto-max-bulk-len", "1048576"]))!;
  });
  afterAll(async () => {
    await d.stop();
  });
  beforeEach(async () => {
    await flushBoth(d);
    await makeList(d, "l");
  });

  test("arity, flags and key positions equal COMMAND INFO", async () => {
    const specs = bitmapFamily.commands.map((line) => d.kedis.server.registry.byName(line[0])!);
    expect(await compareSpecs(d, specs)).toEqual([]);
  });

  test("SETBIT and GETBIT", async () => {
    const cmds = parseLines(`
      setbit l 0 1
      setbit l -1 1
      setbit l 0 2
      setbit k abc 1
      setbit k 0 abc
      setbit k 8388608 1
      setbit k 9223372036854775807 1
      setbit k -1 2
      setbit k 0 2
      setbit k 0 -1
      setbit k 0 01
      setbit k 0 -0
      getbit l 0
      getbit l -1
      getbit k -1
      getbit k 8388608
      getbit k 8388607
      getbit k 0
      setbit k 7 1
      setbit k 7 1
      get k
      getbit k 7
      getbit k 8
      getbit k 100
      setbit k 20 1
      setbit k 20 0
      get k
      setbit big 8388607 1
      strlen big
      getbit big 8388607
      set n 7
      setbit n 0 0
      get n
      set m 123
      setbit m 6 0
      get m
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["k", "big", "n", "m"])).toEqual([]);
  });

  test("BITCOUNT ranges in bytes and bits", async () => {
    const cmds = parseLines(`
      bitcount l
      bitcount l 0 1
      bitcount l a b
      bitcount l 0 1 foo
      bitcount missing
      bitcount missing 0 1 foo
      bitcount missing a b
      bitcount missing 0
      ["set","k","\\u00ff\\u00f0\\u0001\\u0080"]
      bitcount k
      bitcount k 0
      bitcount k 0 1 2
      bitcount k 0 1 bit
      bitcount k 0 1 byte
      bitcount k 0 1 BIT
      bitcount k 0 1 foo
      bitcount k 0 1 bit 3
      bitcount k a b
      bitcount k 0 a
      bitcount k -1 -1
      bitcount k 0 -1 bit
      bitcount k 7 20 bit
      bitcount k 8 19 bit
      bitcount k -5 -1 bit
      bitcount k -1 -5 bit
      bitcount k 5 3 bit
      bitcount k -100 100 bit
      bitcount k 1 0
      bitcount k -100 -200
      bitcount k -200 -100
      bitcount k -100 -200 bit
      bitcount k -9223372036854775808 -9223372036854775807 bit
      bitcount k -9223372036854775807 -9223372036854775808 bit
      bitcount k 0 9223372036854775807 bit
      bitcount k -9223372036854775808 9223372036854775807 byte
      bitcount k 9223372036854775807 9223372036854775807
      bitcount k 31 31 bit
      bitcount k 24 24 bit
      ["set","e",""]
      bitcount e
      bitcount e 0 -1
      bitcount e 0 -1 bit
      set n 12345
      bitcount n
    `);
    expect(await runAll(d, cmds)).toEqual([]);
  });

  test("BITPOS with and without ranges", async () => {
    const cmds = parseLines(`
      bitpos l 1
      bitpos l 2
      bitpos l a
      bitpos missing 2
      bitpos missing 1
      bitpos missing 0
      bitpos missing 0 a b c d
      bitpos missing 1 a
      bitpos l 1 a
      ["set","k","\\u0000\\u00ff\\u00f0"]
      bitpos k 1
      bitpos k 0
      bitpos k 1 a
      bitpos k 1 0 a
      bitpos k 1 0 1 foo
      bitpos k 1 0 1 bit 5
      bitpos k 1 0 a foo
      bitpos k 1 a 0 foo
      bitpos k 1 0 1 2 3
      bitpos k 0 1
      bitpos k 0 1 -1
      bitpos k 0 1 1
      bitpos k 1 2
      bitpos k 0 2
      bitpos k 0 2 -1
      bitpos k 0 3
      bitpos k 1 3
      bitpos k 0 -1
      bitpos k 0 -1 -1
      bitpos k 0 5 3
      bitpos k 0 10 bit
      bitpos k 0 7 12 bit
      bitpos k 0 8 15 bit
      bitpos k 0 8 19 bit
      bitpos k 0 8 20 bit
      bitpos k 1 0 7 bit
      bitpos k 1 9 7 bit
      bitpos k 1 -3 -1 bit
      bitpos k 0 -3 -1 bit
      bitpos k 0 20 23 bit
      bitpos k 0 20 100 bit
      bitpos k 1 0 -1 byte
      bitpos k 0 1 2 byte
      bitpos k 0 1 2 BYTE
      ["set","e",""]
      bitpos e 0
      bitpos e 1
      bitpos e 0 0
      bitpos e 0 0 -1
      ["set","f","\\u00ff\\u00ff"]
      bitpos f 0
      bitpos f 0 0 -1
      bitpos f 0 0 -1 bit
      bitpos f 0 3 bit
      bitpos f 0 3 -1 bit
      bitpos f 1 -9223372036854775808 9223372036854775807 bit
      bitpos f 1 9223372036854775807 bit
      bitpos f 1 -9223372036854775807 -9223372036854775808
      set n 12345
      bitpos n 0
      bitpos n 1 2
    `);
    expect(await runAll(d, cmds)).toEqual([]);
  });

  test("BITOP", async () => {
    const cmds = parseLines(`
      bitop and
      bitop and d
      bitop foo d k
      bitop not d k k
      bitop not d
      bitop not d l
      ["set","g","\\u00ff\\u00ff\\u00ff"]
      bitop and d g l
      bitop and d missing missing2
      get d
      set d x
      bitop and d missing missing2
      get d
      bitop or d g missing
      get d
      ["set","a","\\u00f0\\u000f\\u00aa"]
      ["set","b","\\u0033"]
      bitop and d a b
      get d
      bitop or d a b
      get d
      bitop xor d a b
      get d
      bitop not d a
      get d
      bitop and d a
      get d
      bitop AnD d a b a
      get d
      bitop Or d d d
      get d
      bitop xor a a b
      get a
      ["set","e",""]
      bitop not d e
      get d
      set t v ex 100
      bitop or t g
      bitop and l g
      get l
      set n 12345
      bitop not n n
      get n
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["d", "a", "t", "l", "n"])).toEqual([]);
  });

  test("BITFIELD and BITFIELD_RO", async () => {
    const cmds = parseLines(`
      bitfield l
      bitfield l get u8 0
      bitfield missing
      bitfield missing get u8 0
      bitfield missing get u8
      bitfield missing foo
      bitfield missing get u64 0
      bitfield missing get i65 0
      bitfield missing get i0 0
      bitfield missing get u0 0
      bitfield missing get x8 0
      bitfield missing get U8 0
      bitfield missing get I8 0
      bitfield missing get i08 0
      bitfield missing get u8 -1
      bitfield missing get u8 #-1
      bitfield missing get u8 #1
      bitfield missing get u8 #
      bitfield missing get u8 +1
      bitfield missing get u8 01
      bitfield missing get u8 8388607
      bitfield missing get u8 8388608
      bitfield missing get u8 #1048576
      bitfield missing get u8 #1048575
      bitfield missing get i64 #131071
      bitfield missing get i64 #131072
      bitfield missing get i64 #144115188075855871
      bitfield missing set u8 0 abc
      bitfield missing overflow foo
      bitfield missing overflow
      bitfield missing OVERFLOW sat
      bitfield missing incrby u8 0
      bitfield missing get u8 0 set u8 0 1 foo
      bitfield missing get u8 0 incrby u8 0 1 get
      bitfield missing overflow foo get u64 0
      bitfield missing get u64 0 overflow foo
      bitfield l overflow sat
      bitfield l set u8 0 1
      bitfield l set u8 0 abc
      bitfield l get u8 a
      bitfield_ro l get u8 0
      bitfield_ro l set u8 0 1
      bitfield_ro missing set u8 0 1
      bitfield_ro missing incrby u8 0 1
      bitfield_ro missing overflow wrap
      bitfield_ro missing get u8 0 overflow wrap
      bitfield_ro missing foo
      bitfield_ro missing get u8 a
      bitfield_ro missing get u64 0
      bitfield_ro missing
      bitfield_ro missing get u8 0 get i64 3
      bitfield_ro missing set u8
      bitfield_ro missing set u64 0 1
      bitfield_ro missing set u8 a 1
      bitfield_ro missing set u8 0 abc
      bitfield_ro missing set u8 0 1 get u64 0
      bitfield_ro missing incrby u8 0 1 get u8 a
      bitfield k set u8 0 255 get u8 0 set i8 0 -1 get u8 0 get i8 0
      bitfield k set u8 0 256 get u8 0
      bitfield k overflow sat set u8 0 256 get u8 0 set u8 0 -1 get u8 0
      bitfield k overflow fail set u8 0 256 get u8 0 set u8 0 -1 get u8 0 set u8 0 7
      bitfield k overflow wrap set i8 0 128 get i8 0 set i8 0 -129 get i8 0
      bitfield k overflow sat set i8 0 128 get i8 0 set i8 0 -129 get i8 0
      bitfield k overflow fail set i8 0 128 get i8 0 set i8 0 -129 get i8 0
      bitfield k set u8 0 100 incrby u8 0 200 overflow sat incrby u8 0 200 incrby u8 0 -1000 overflow fail incrby u8 0 300 incrby u8 0 -1
      bitfield k set i64 0 9223372036854775807 incrby i64 0 1 overflow sat incrby i64 0 1 incrby i64 0 -9223372036854775808 incrby i64 0 -9223372036854775808 incrby i64 0 -1 overflow fail incrby i64 0 -1
      bitfield k set u63 0 9223372036854775807 get u63 0 incrby u63 0 1 overflow sat incrby u63 0 -1 incrby u63 0 -9223372036854775808 overflow wrap incrby u63 0 -1 get i64 0
      bitfield k set u63 0 -1 get u63 0 overflow sat set u63 0 -1 get u63 0 overflow fail set u63 0 -1
      bitfield k set i64 3 -9223372036854775808 get i64 3 get u63 3 get u63 4 get i1 3 get u1 3
      bitfield k overflow sat incrby i1 70 1 incrby i1 70 -5 overflow wrap incrby i1 70 1 incrby u1 80 3
      get k
      bitfield k2 overflow fail incrby u2 100 10
      get k2
      bitfield k3 overflow fail set u2 10 10 get u8 0
      get k3
      bitfield k4 get u8 0 set u4 #3 15 get u16 0
      get k4
      bitfield k5 set i64 1 -1 get u63 1 get u63 2 get i5 62 get u1 64
      get k5
      bitfield k6 set i17 3 -5000 get i17 3 get u17 3 incrby i17 3 70000 get u33 0 set u33 5 8589934591 get u40 0
      get k6
      set n 7
      bitfield n get u8 0
      bitfield n set u8 0 55
      get n
      bitfield n incrby u8 0 1
      get n
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["k", "k2", "k3", "k4", "k5", "k6", "n"])).toEqual([]);
  });

  test("seeded random bitmap command sequences", async () => {
    const g = new Gen(rng(0xb17));
    const keys = ["b0", "b1", "b2", "l"];
    const key = () => g.pick(keys);
    const off = () => g.pick([String(g.int(64)), String(g.int(300)), "-1", "abc", "8388608", "8388607"]);
    const range = () => g.pick([String(g.int(20) - 10), String(g.int(200) - 100), "-9223372036854775808", "9223372036854775807", "x"]);
    const ftype = () => g.pick(["u1", "i1", "u7", "i8", "u8", "i13", "u16", "i32", "u33", "i63", "u63", "i64", "u64", "i0", "x8"]);
    const foff = () => g.pick([String(g.int(100)), `#${g.int(8)}`, "-1", "#-1"]);
    const fval = () => g.pick([String(g.int(512) - 256), "9223372036854775807", "-9223372036854775808", String(g.int(1 << 30)), "abc"]);
    const fop = (): Arg[] => g.pick([["GET", ftype(), foff()], ["SET", ftype(), foff(), fval()], ["INCRBY", ftype(), foff(), fval()], ["OVERFLOW", g.pick(["WRAP", "SAT", "FAIL", "BAD"])]]);
    const gens: (() => Arg[])[] = [
      () => ["SETBIT", key(), off(), g.pick(["0", "1", "1", "2"])],
      () => ["GETBIT", key(), off()],
      () => ["BITCOUNT", key()],
      () => ["BITCOUNT", key(), range(), range()],
      () => ["BITCOUNT", key(), range(), range(), g.pick(["BIT", "BYTE", "bit", "nope"])],
      () => ["BITPOS", key(), g.pick(["0", "1", "1", "2"])],
      () => ["BITPOS", key(), g.pick(["0", "1"]), range()],
      () => ["BITPOS", key(), g.pick(["0", "1"]), range(), range()],
      () => ["BITPOS", key(), g.pick(["0", "1"]), range(), range(), g.pick(["BIT", "BYTE", "nope"])],
      () => ["BITOP", g.pick(["AND", "OR", "XOR", "NOT", "and", "bad"]), key(), key(), ...(g.chance(0.5) ? [key()] : [])],
      () => ["BITFIELD", key(), ...fop(), ...(g.chance(0.6) ? fop() : []), ...(g.chance(0.3) ? fop() : [])],
      () => ["BITFIELD_RO", key(), ...fop(), ...(g.chance(0.5) ? fop() : [])],
      () => ["SET", key(), g.bytes(12)],
      () => ["APPEND", key(), g.bytes(4)],
      () => ["GET", key()],
    ];
    const cmds: Arg[][] = [];
    for (let i = 0; i < 2000; i++) cmds.push(g.pick(gens)());
    const { mismatches, errors } = await runCounting(d, cmds);
    expect(mismatches.slice(0, 5)).toEqual([]);
    console.log(`bitmap random: ${cmds.length} commands, ${errors} error replies`);
    expect(errors).toBeLessThan(cmds.length / 2);
    expect(await runAll(d, keys.map((k) => ["GET", k]))).toEqual([]);
    expect(await compareKeyState(d, keys)).toEqual([]);
  });
});
