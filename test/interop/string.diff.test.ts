/**
 * String commands, byte for byte against real redis-server 7.0: scripted edge cases per command
 * and option, then seeded random sequences; encodings and expiry times compared afterwards.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { stringFamily } from "../../src/commands/string.ts";
import { Differ } from "../helpers/diff.ts";
import { redisServerPath } from "../helpers/servers.ts";
import { compareKeyState, compareSpecs, flushBoth, Gen, makeList, parseLines, rng, runAll, runCounting, type Arg } from "./families.ts";

const HAVE_REDIS = redisServerPath() !== null;
let d: Differ;

describe.skipIf(!HAVE_REDIS)("string commands vs redis-server", () => {
  beforeAll(async () => {
    // A 1 MB proto-max-bulk-len on both keeps the size-limit cases cheap.
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
    const specs = stringFamily.commands.map((line) => d.kedis.server.registry.byName(line[0])!);
    expect(await compareSpecs(d, specs)).toEqual([]);
  });

  test("SET options, errors and replies", async () => {
    const cmds = parseLines(`
      set k v ex 0
      set k v ex -1
      set k v ex abc
      set k v ex 9223372036854775807
      set k v ex 9223372036854
      set k v px 9223372036854775807
      set k v px 9223372036854775000
      set k v exat 9223372036854775
      set k v exat 9223372036854776
      set k v pxat 9223372036854775807
      set k v pxat 0
      set k v nx xx
      set k v xx nx
      set k v ex 1 px 1
      set k v px 1 ex 1
      set k v exat 1 pxat 1
      set k v keepttl ex 1
      set k v ex 1 keepttl
      set k v persist
      set k v get get
      set k v ex
      set k v foo
      set k v EX 100 EX 200
      set k v nx get
      set k2 v nx get
      set k v2 nx get
      get k
      set k v3 xx get
      set k4 v xx get
      set k4 v xx
      set k v exat 1
      get k
      set l v get
      set l v get ex 0
      set l v get ex abc
      set l v nx get
      set l v nx
      set l v xx get
      set l v xx
      get l
      set Ke VaL NX EX 100
      set Ke VaL2 KEEPTTL GET
      set Ke VaL3 keepttl
      ["set","bin\\u0000key","\\u0000\\r\\n\\u00ff"]
      ["get","bin\\u0000key"]
      ["set","empty",""]
      get empty
      set ints 123 px 100000
      set ints -9223372036854775808
      setnx k x
      setnx k9 y
      setnx l y
      setex k 0 v
      setex k -1 v
      setex k abc v
      setex k 9223372036854775807 v
      setex sx 100 v
      psetex k 0 v
      psetex k 9223372036854775807 v
      psetex px 100000 v
      getset l x
      getset gs 123
      getset gs 456
      getset gs ""
      get gs
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["k", "k2", "k4", "k9", "Ke", "empty", "ints", "sx", "px", "gs"])).toEqual([]);
  });

  test("GET, GETDEL, GETEX", async () => {
    const cmds = parseLines(`
      get missing
      get l
      getdel missing
      getdel l
      set k v
      getdel k
      getdel k
      getex missing
      getex missing ex 0
      getex missing ex abc
      getex missing foo
      getex l
      getex l ex 10
      getex l ex 0
      getex l ex abc
      getex l foo
      getex l persist ex 10
      getex l persist persist
      getex l ex 10 ex 10
      getex l ex
      getex l keepttl
      getex l nx
      getex l get
      set k v
      getex k
      getex k persist
      getex k ex 0
      getex k ex -5
      getex k ex abc
      getex k px 9223372036854775807
      getex k ex 9223372036854775
      getex k exat 9223372036854776
      getex k pxat 9223372036854775807
      getex k exat 9223372036854775
      getex k ex 1000
      getex k persist
      getex k PX 500000
      getex k exat 1
      get k
      set k2 v
      getex k2 pxat 1
      get k2
      set k3 v
      getex k3 EXAT 4102444800
      getex k3 PXAT 4102444800123
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["k", "k2", "k3"])).toEqual([]);
  });

  test("MGET, MSET, MSETNX", async () => {
    const cmds = parseLines(`
      mset a
      mset a 1 b
      mset a 1 b 2
      mset a 1 a 2 c 3
      mget a b c l missing
      mget missing
      msetnx a 1 zz 2
      msetnx zz 1 yy 2
      msetnx zz
      msetnx q 1 q 2
      get q
      msetnx l 1
      mset l v
      get l
      ["mset","x","12345678901234567890","y","1234567890123456789","z","-9223372036854775808","w","01","v"," 12","u","-0","t","aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","s","aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
      mget x y z w v u t s
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["a", "b", "c", "q", "zz", "yy", "x", "y", "z", "w", "v", "u", "t", "s"])).toEqual([]);
  });

  test("APPEND, SETRANGE, GETRANGE, SUBSTR, STRLEN", async () => {
    const cmds = parseLines(`
      append l x
      append new 123
      append new 4
      append new2 abc
      ["append","new3",""]
      set n3 5
      ["append","n3",""]
      getrange missing a b
      getrange l a b
      getrange l 0 1
      getrange missing 0 1
      set s hello
      getrange s -3 -1
      getrange s -1 -3
      getrange s 0 -100
      getrange s -100 -100
      getrange s 5 10
      getrange s 4 9223372036854775807
      getrange s -9223372036854775807 -9223372036854775808
      getrange s -9223372036854775808 -9223372036854775807
      getrange s 0 0
      getrange s 1 0
      substr s 1 2
      substr s -2 -1
      ["set","e",""]
      getrange e 0 -1
      getrange e -1 0
      strlen l
      strlen missing
      strlen s
      set n 12345
      strlen n
      getrange n 1 2
      setrange l -1 x
      setrange l 1 x
      setrange s -1 x
      setrange s abc x
      ["setrange","missing","0",""]
      ["setrange","missing","9223372036854775807",""]
      ["setrange","missing","-1",""]
      setrange missing 9223372036854775807 x
      setrange missing 1048576 x
      ["setrange","s","9223372036854775807",""]
      ["setrange","s","1",""]
      setrange s 7 XY
      get s
      setrange s 1048575 x
      setrange s 1048576 x
      setrange s 9223372036854775806 xy
      strlen s
      append s x
      ["append","s",""]
      setrange n 0 9
      get n
      setrange gap 10 x
      get gap
      append big 0123456789
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["new", "new2", "new3", "n3", "s", "e", "n", "gap", "big"])).toEqual([]);
  });

  test("INCR, DECR, INCRBY, DECRBY at the limits", async () => {
    const cmds = parseLines(`
      incr l
      incrby l abc
      decrby l abc
      incrby k abc
      set k 9223372036854775807
      incr k
      incrby k 0
      decr k
      set k -9223372036854775808
      decr k
      incrby k -1
      decrby k 1
      incrby k 9223372036854775807
      decrby k -9223372036854775808
      decrby x -9223372036854775808
      decrby x 9223372036854775807
      decrby x -9223372036854775807
      incrby x 9223372036854775808
      incrby x -9223372036854775809
      incrby x 1.5
      incrby y 9007199254740993
      incrby y 9007199254740993
      decrby y 18014398509481986
      incrby y -9007199254740993
      decrby y -9223372036854775807
      incr y
      incr y
      set s 1.0
      incr s
      set s +1
      incr s
      set s 01
      incr s
      set s -0
      incr s
      set s 12345678901234567890
      incr s
      ["set","s"," 1"]
      incr s
      ["set","s",""]
      incr s
      ["set","s","1\\u00002"]
      incr s
      set t 10 ex 1000
      incr t
      decrby t 100
      get t
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["k", "x", "y", "s", "t"])).toEqual([]);
  });

  test("INCRBYFLOAT prints like Redis's long double", async () => {
    const cmds = parseLines(`
      set k 10.5
      incrbyfloat k 0.1
      incrbyfloat k 1e400
      incrbyfloat k inf
      incrbyfloat k nan
      incrbyfloat k +1
      ["incrbyfloat","k","1\\u00002"]
      ["incrbyfloat","k"," 1"]
      ["incrbyfloat","k","1 "]
      get k
      set z 0
      incrbyfloat z -0.0
      incrbyfloat z -1e-30
      incrbyfloat z 1e-4940
      incrbyfloat z 1e-5000
      set z 0
      incrbyfloat z 0.000003814697265625
      set z 1.5 ex 1000
      incrbyfloat z 0.5
      set w abc
      incrbyfloat w 1
      incrbyfloat l 1
      incrbyfloat l abc
      incrbyfloat nokey 3
      incrbyfloat nokey 1e17
      incrbyfloat nokey 0.5
      incrbyfloat zz .5
      incrbyfloat zz 5.
      incrbyfloat zz .
      incrbyfloat zz 0x1p3
      incrbyfloat zz infinity
      ["incrbyfloat","zz",""]
      incrbyfloat a 1e4932
      incrbyfloat a 1e4932
      set big 9223372036854775807
      incrbyfloat big 1
      incrbyfloat big -9223372036854775808
      set f 0.1
      incrbyfloat f 0.2
      incrbyfloat f 1.7976931348623157e308
    `);
    expect(await runAll(d, cmds)).toEqual([]);
    expect(await compareKeyState(d, ["k", "z", "w", "nokey", "zz", "a", "big", "f"])).toEqual([]);
  });

  test("LCS options, tie-breaking and limits", async () => {
    const cmds = parseLines(`
      mset a ohmytext b mynewtext
      lcs a b
      lcs a b len
      lcs a b idx
      lcs a b idx minmatchlen 4
      lcs a b idx minmatchlen 4 withmatchlen
      lcs a b idx withmatchlen
      lcs a b IDX WITHMATCHLEN MINMATCHLEN 2
      lcs a b len idx
      lcs a b idx len
      lcs a b len withmatchlen
      lcs a b len minmatchlen 2
      lcs a b minmatchlen
      lcs a b minmatchlen abc
      lcs a b minmatchlen -5 idx
      lcs a b len idx minmatchlen x
      lcs a b foo
      lcs a l
      lcs l a
      lcs l a foo
      lcs a missing
      lcs missing missing2 idx
      lcs missing missing2 len
      lcs a a idx withmatchlen
      mset c abcabcabc d cbacbacba
      lcs c d idx withmatchlen
      lcs d c idx withmatchlen
      lcs c d
      lcs d c
      mset e aaaa f aa
      lcs e f idx
      lcs f e idx
      setrange big1 510 x
      setrange big2 510 x
      setrange big3 511 x
      lcs big1 big2 len
      lcs big1 big3 len
      lcs big3 big1 foo
      lcs big3 big1 len idx
    `);
    expect(await runAll(d, cmds)).toEqual([]);
  });

  test("seeded random string command sequences", async () => {
    const g = new Gen(rng(0x57a1));
    const keys = ["k0", "k1", "k2", "k3", "l"];
    const key = () => g.pick(keys);
    // Relative expiries are either invalid or far beyond the test's run time (no timing races).
    const badOrLongTtl = () => g.pick(["0", "-3", "abc", "1.5", "100000", "9223372036854775807", "9223372036854"]);
    const gens: (() => Arg[])[] = [
      () => ["SET", key(), g.chance(0.5) ? g.intText() : g.bytes(50), ...g.pick([[], ["NX"], ["XX"], ["GET"], ["NX", "GET"], ["XX", "GET"], ["KEEPTTL"], ["EX", "1000"], ["PX", "900000"], ["EXAT", "4102444800"], ["PXAT", "1"], ["EX", badOrLongTtl()], ["XX", "EX"], ["FOO"]])],
      () => ["GET", key()],
      () => ["GETDEL", key()],
      () => ["GETEX", key(), ...g.pick([[], ["PERSIST"], ["EX", "500"], ["PXAT", "2"], ["EXAT", g.intText()], ["PX"], ["KEEPTTL"]])],
      () => ["GETSET", key(), g.intText()],
      () => ["SETNX", key(), g.bytes(5)],
      () => ["SETEX", key(), badOrLongTtl(), g.bytes(5)],
      () => ["PSETEX", key(), badOrLongTtl(), g.intText()],
      () => ["MSET", key(), g.intText(), key(), g.bytes(10)],
      () => ["MSETNX", key(), g.bytes(3), key(), g.bytes(3)],
      () => ["MGET", key(), key(), key()],
      () => ["APPEND", key(), g.bytes(8)],
      () => ["SETRANGE", key(), g.pick(["0", "3", "17", "-1", "abc", String(g.int(40))]), g.bytes(6)],
      () => ["GETRANGE", key(), g.intText(), g.intText()],
      () => ["GETRANGE", key(), String(g.int(30) - 15), String(g.int(30) - 15)],
      () => ["SUBSTR", key(), String(g.int(10) - 5), String(g.int(10))],
      () => ["STRLEN", key()],
      () => ["INCR", key()],
      () => ["DECR", key()],
      () => ["INCRBY", key(), g.intText()],
      () => ["DECRBY", key(), g.intText()],
      () => ["INCRBYFLOAT", key(), g.floatText()],
      () => ["SET", key(), g.floatText()],
      () => ["LCS", key(), key(), ...g.pick([[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", String(g.int(4))], ["LEN", "IDX"], ["BAD"]])],
    ];
    const cmds: Arg[][] = [];
    for (let i = 0; i < 2500; i++) cmds.push(g.pick(gens)());
    const { mismatches, errors } = await runCounting(d, cmds);
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The mix must mostly exercise success paths, not just errors.
    console.log(`string random: ${cmds.length} commands, ${errors} error replies`);
    expect(errors).toBeLessThan(cmds.length / 2);
    expect(await runAll(d, keys.map((k) => ["GET", k]))).toEqual([]);
    expect(await compareKeyState(d, keys)).toEqual([]);
  });
});
