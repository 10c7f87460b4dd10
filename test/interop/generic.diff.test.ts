/**
 * Keyspace commands against real redis-server 7.0: scripted edge cases compared byte for byte,
 * glob patterns compared through KEYS, and seeded random command sequences. Replies whose order
 * is the hash table's (KEYS, SCAN) are compared as sets; TTLs with a ±1 tolerance (the two
 * servers read their clocks a few ms apart).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { genericFamily } from "../../src/commands/generic.ts";
import { Registry } from "../../src/commands/registry.ts";
import { FLAG_NAMES, aclCategories, type CommandSpec } from "../../src/commands/spec.ts";
import { Differ } from "../helpers/diff.ts";
import { decode, latin1Encode, type Reply } from "../helpers/resp.ts";

let d: Differ | null = null;

beforeAll(async () => {
  d = await Differ.start();
  if (d === null) console.warn("SKIP generic interop tests: redis-server not found");
});

afterAll(async () => {
  await d?.stop();
});

type Arg = string | number;

/** Seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const decodeText = (raw: string): Reply => decode(latin1Encode(raw))[0];

/** Byte-identical replies for every command. */
async function expectSame(...commands: Arg[][]): Promise<void> {
  const mismatches = await d!.run(...commands);
  expect(mismatches).toEqual([]);
}

describe("generic commands vs real Redis: scripted", () => {
  test("DEL/EXISTS/TYPE/TOUCH/DBSIZE/UNLINK and arity errors", async () => {
    if (d === null) return;
    await d.reset();
    await expectSame(
      ["SET", "x", "1"],
      ["TYPE", "x"],
      ["TYPE", "nokey"],
      ["EXISTS", "x", "x", "nokey"],
      ["TOUCH", "x", "x", "nokey"],
      ["DBSIZE"],
      ["DEL", "x", "x", "nokey"],
      ["UNLINK", "x"],
      ["DEL"],
      ["EXISTS"],
      ["TYPE"],
      ["TYPE", "a", "b"],
      ["DBSIZE", "x"],
      ["RANDOMKEY"],
      ["RANDOMKEY", "x"],
      ["SET", "only", "1"],
      ["RANDOMKEY"],
    );
  });

  test("EXPIRE family: options, errors, overflow, past times, TTL family", async () => {
    if (d === null) return;
    await d.reset();
    await expectSame(
      ["SET", "k", "v"],
      ["EXPIRE", "k", "abc", "NX", "XX"],
      ["EXPIRE", "k", "10", "NX", "XX"],
      ["EXPIRE", "k", "10", "GT", "LT"],
      ["EXPIRE", "k", "10", "NX", "GT"],
      ["EXPIRE", "k", "10", "XX", "GT"],
      ["EXPIRE", "k", "10", "FOO"],
      ["EXPIRE", "k", "10", "nx", "nx"],
      ["EXPIRE", "k", "9223372036854775807"],
      ["EXPIRE", "k", "9223372036854775"],
      ["EXPIRE", "k", "9223372036853775"],
      ["TTL", "k"],
      ["EXPIRE", "k", "-9223372036854775808"],
      ["EXPIRE", "k", "-9223372036854776"],
      ["PEXPIRE", "k", "9223372036854775807"],
      ["PEXPIRE", "k", "9223372036854775000"],
      ["PEXPIREAT", "k", "9223372036854775807"],
      ["EXPIRETIME", "k"],
      ["PEXPIRETIME", "k"],
      ["EXPIREAT", "k", "9223372036854775"],
      ["PEXPIRETIME", "k"],
      ["EXPIREAT", "k", "9223372036854776"],
      ["EXPIREAT", "k", "-9223372036854775"],
      ["EXISTS", "k"],
      ["SET", "k", "v"],
      ["EXPIRE", "k", "100", "GT"],
      ["EXPIRE", "k", "100", "LT"],
      ["TTL", "k"],
      ["EXPIRE", "k", "50", "GT"],
      ["EXPIRE", "k", "200", "GT"],
      ["EXPIRE", "k", "200", "LT"],
      ["EXPIRE", "k", "150", "LT"],
      ["EXPIRE", "k", "150", "NX"],
      ["EXPIRE", "k", "150", "XX"],
      ["PERSIST", "k"],
      ["PERSIST", "k"],
      ["EXPIRE", "k", "150", "XX"],
      ["EXPIRE", "k", "150", "NX"],
      ["EXPIRE", "k", "150", "LT", "XX"],
      ["EXPIRE", "k", "100", "XX", "LT"],
      ["TTL", "k"],
      ["EXPIRE", "nokey", "100"],
      ["EXPIRE", "nokey", "100", "FOO"],
      ["EXPIRE", "nokey", "abc"],
      ["TTL", "nokey"],
      ["PTTL", "nokey"],
      ["EXPIRETIME", "nokey"],
      ["PEXPIRETIME", "nokey"],
      ["PERSIST", "nokey"],
      ["SET", "p", "v"],
      ["TTL", "p"],
      ["PTTL", "p"],
      ["EXPIRETIME", "p"],
      ["PEXPIRETIME", "p"],
      ["EXPIREAT", "p", "1000000000000", "GT"],
      ["EXPIREAT", "p", "1000000000000", "LT"],
      ["EXPIRETIME", "p"],
      ["PEXPIREAT", "p", "1999999999999"],
      ["EXPIRETIME", "p"],
      ["PEXPIREAT", "p", "1999999999500"],
      ["EXPIRETIME", "p"],
      ["PEXPIREAT", "p", "1999999999499"],
      ["EXPIRETIME", "p"],
      ["EXPIRE", "p", "1", "2"],
      ["EXPIRE", "p"],
      ["EXPIRE", "p", "+1"],
      ["EXPIRE", "p", " 1"],
      ["EXPIRE", "p", "1.5"],
      ["EXPIRE", "p", "100", "gt", "lt"],
      ["PEXPIRE", "p", "0", "GT"],
      ["PEXPIRE", "p", "0", "NX"],
      ["EXPIRE", "p", "0"],
      ["EXISTS", "p"],
      ["SET", "q", "v"],
      ["EXPIRE", "q", "-1"],
      ["EXISTS", "q"],
    );
  });

  test("RENAME, RENAMENX, COPY, MOVE, SWAPDB, FLUSHDB, FLUSHALL", async () => {
    if (d === null) return;
    await d.reset();
    await expectSame(
      ["RENAME", "a", "b"],
      ["RENAME", "a", "a"],
      ["RENAMENX", "a", "a"],
      ["SET", "a", "1"],
      ["RENAME", "a", "a"],
      ["RENAMENX", "a", "a"],
      ["SET", "b", "2"],
      ["RENAMENX", "a", "b"],
      ["EXPIREAT", "a", "4000000000"],
      ["RENAME", "a", "c"],
      ["EXPIRETIME", "c"],
      ["RENAME", "c", "b"],
      ["EXPIRETIME", "b"],
      ["GET", "b"],
      ["COPY", "b", "d"],
      ["EXPIRETIME", "d"],
      ["COPY", "b", "d"],
      ["COPY", "b", "d", "REPLACE"],
      ["COPY", "b", "b"],
      ["COPY", "b", "b", "DB", "0"],
      ["COPY", "b", "b", "DB", "1"],
      ["COPY", "b", "b", "DB", "16"],
      ["COPY", "b", "b", "DB", "-1"],
      ["COPY", "b", "b", "DB", "abc"],
      ["COPY", "b", "b", "DB"],
      ["COPY", "b", "b", "FOO"],
      ["COPY", "nokey", "b"],
      ["COPY", "nokey", "nokey"],
      ["COPY", "nokey", "x", "DB", "99"],
      ["COPY", "b", "x", "REPLACE", "REPLACE", "DB", "2", "DB", "3"],
      ["COPY", "b", "x", "DB", "9999999999"],
      ["COPY", "b"],
      ["MOVE", "b", "1"],
      ["MOVE", "b", "0"],
      ["MOVE", "b", "16"],
      ["MOVE", "b", "-1"],
      ["MOVE", "b", "abc"],
      ["MOVE", "b", "9999999999"],
      ["MOVE", "nokey", "1"],
      ["MOVE", "nokey", "0"],
      ["MOVE", "nokey", "99"],
      ["SET", "z", "z"],
      ["MOVE", "z", "1"],
      ["MOVE", "z", "1"],
      ["SELECT", "1"],
      ["GET", "z"],
      ["EXPIRETIME", "b"],
      ["SELECT", "0"],
      ["SWAPDB", "0", "1"],
      ["GET", "z"],
      ["SWAPDB", "0", "16"],
      ["SWAPDB", "a", "1"],
      ["SWAPDB", "0", "b"],
      ["SWAPDB", "-1", "0"],
      ["SWAPDB", "0", "-1"],
      ["SWAPDB", "0", "0"],
      ["SWAPDB", "9999999999", "0"],
      ["DBSIZE"],
      ["FLUSHDB", "FOO"],
      ["FLUSHDB", "ASYNC", "SYNC"],
      ["FLUSHDB", "sync"],
      ["DBSIZE"],
      ["SELECT", "3"],
      ["DBSIZE"],
      ["FLUSHALL", "async"],
      ["DBSIZE"],
      ["FLUSHALL", "x"],
      ["SELECT", "9999999999"],
      ["SELECT", "-1"],
      ["SELECT", "16"],
      ["SELECT", "0"],
    );
  });

  test("OBJECT subcommands, HELP and errors", async () => {
    if (d === null) return;
    await d.reset();
    await expectSame(
      ["OBJECT"],
      ["OBJECT", "HELP"],
      ["OBJECT", "help"],
      ["OBJECT", "HELP", "x"],
      ["OBJECT", "FOO"],
      ["OBJECT", "FOO", "x"],
      ["OBJECT", "ENCODING"],
      ["OBJECT", "ENCODING", "nokey"],
      ["OBJECT", "REFCOUNT", "nokey"],
      ["OBJECT", "IDLETIME", "nokey"],
      ["OBJECT", "FREQ", "nokey"],
      ["SET", "i", "100"],
      ["SET", "j", "10000"],
      ["SET", "k", "-1"],
      ["SET", "l", "abc"],
      ["SET", "m", "a".repeat(44)],
      ["SET", "n", "a".repeat(45)],
      ["SET", "o", "12345678901234567890"],
      ["SET", "p", "1234567890123456789"],
      ["SET", "q", "0"],
      ["SET", "r", "9999"],
      ["SET", "s", "007"],
      ...["i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s"].flatMap((key) => [
        ["OBJECT", "ENCODING", key],
        ["OBJECT", "REFCOUNT", key],
      ]),
      ["OBJECT", "FREQ", "i"],
      ["OBJECT", "IDLETIME", "l"],
      ["COPY", "i", "i2"],
      ["OBJECT", "REFCOUNT", "i2"],
      ["OBJECT", "ENCODING", "i2"],
      ["RENAME", "i", "i3"],
      ["OBJECT", "REFCOUNT", "i3"],
    );
  });

  test("SCAN argument parsing and errors", async () => {
    if (d === null) return;
    await d.reset();
    await expectSame(
      ["SCAN", "0"],
      ["SCAN", ""],
      ["SCAN", "+0"],
      ["SCAN", "-0"],
      ["SCAN", " 0"],
      ["SCAN", "0 "],
      ["SCAN", "abc"],
      ["SCAN", "18446744073709551615"],
      ["SCAN", "18446744073709551616"],
      ["SCAN", "-1"],
      ["SCAN", "-18446744073709551616"],
      ["SCAN", "00012"],
      ["SCAN", "1.5"],
      ["SCAN", "0", "COUNT", "0"],
      ["SCAN", "0", "COUNT", "-1"],
      ["SCAN", "0", "COUNT", "abc"],
      ["SCAN", "0", "COUNT"],
      ["SCAN", "0", "MATCH"],
      ["SCAN", "0", "TYPE"],
      ["SCAN", "0", "FOO", "bar"],
      ["SCAN", "0", "FOO"],
      ["SCAN", "0", "TYPE", "foo"],
      ["SET", "a", "1"],
      ["SCAN", "0", "TYPE", "foo"],
      ["SCAN", "0", "TYPE", "string", "MATCH", "a"],
      ["SCAN", "0", "MATCH", "a", "MATCH", "b"],
      ["SCAN", "0", "MATCH", "a", "MATCH", "a"],
      ["SCAN", "0", "COUNT", "1", "COUNT", "0"],
      ["SCAN", "abc", "COUNT", "0"],
      ["SCAN", "0", "COUNT", "0", "TYPE"],
      ["SET", "", "empty"],
      ["SCAN", "0", "MATCH", "**"],
      ["SCAN", "0", "MATCH", ""],
      ["KEYS", ""],
      ["KEYS", "**"],
      ["KEYS", "["],
      ["KEYS", "[]"],
      ["KEYS"],
    );
  });

  test("KEYS agrees with Redis on random glob patterns (sets compared)", async () => {
    if (d === null) return;
    await d.reset();
    const subjects = ["a", "b", "ab", "ba", "aa", "]", "^", "-", "\\", "*", "?", "[", "A", "abc", "a]", "[a", "a-", "x", "aab", "a\\b", "]a", "\\a", "", "a\x00b", "\xff"];
    for (const s of subjects) await d.both("SET", s, "1");
    const r = rng(2024);
    const alphabet = "ab*?[]^-\\A";
    const bad: string[] = [];
    for (let t = 0; t < 1500; t++) {
      const n = 1 + Math.floor(r() * 7);
      let p = "";
      for (let i = 0; i < n; i++) p += alphabet[Math.floor(r() * alphabet.length)];
      const [kr, rr] = await d.both("KEYS", p);
      const ks = (decodeText(kr) as string[]).sort();
      const rs = (decodeText(rr) as string[]).sort();
      if (JSON.stringify(ks) !== JSON.stringify(rs)) bad.push(`${JSON.stringify(p)}: kedis ${JSON.stringify(ks)} redis ${JSON.stringify(rs)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe("generic command table vs real Redis's COMMAND INFO", () => {
  test("arity, flags, key positions and ACL categories of every generic command and subcommand", async () => {
    if (d === null) return;
    const reg = new Registry([genericFamily]);
    const ours = (spec: CommandSpec) => ({
      name: spec.name,
      arity: spec.arity,
      flags: FLAG_NAMES.filter(([bit]) => spec.flags & bit).map(([, n]) => n).sort(),
      keys: [spec.firstKey, spec.lastKey, spec.step],
      acl: aclCategories(spec).sort(),
    });
    const theirs = (info: Reply[]) => ({
      name: info[0] as string,
      arity: info[1] as number,
      flags: (info[2] as string[]).slice().sort(),
      keys: [info[3] as number, info[4] as number, info[5] as number],
      acl: (info[6] as string[]).slice().sort(),
    });
    for (const spec of reg.commands.values()) {
      const info = ((await d.r.call("COMMAND", "INFO", spec.name)) as Reply[][])[0]!;
      expect(ours(spec)).toEqual(theirs(info));
      const subs = (info[9] as Reply[][]) ?? [];
      expect([...(spec.subcommands?.keys() ?? [])].sort()).toEqual(subs.map((x) => (x[0] as string).split("|")[1]!).sort());
      for (const sub of subs) expect(ours(spec.subcommands!.get((sub[0] as string).split("|")[1]!)!)).toEqual(theirs(sub));
    }
  });
});

describe("generic commands vs real Redis: seeded random sequences", () => {
  const keys = ["k1", "k2", "k3", "k4", "int", "x"];
  const values = ["1", "100", "10000", "abc", "a".repeat(50), "-5"];

  function randomCommand(r: () => number, base: number): Arg[] {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const key = () => pick(keys);
    const absS = () => pick([base + 1000, base + 2000, base + 5000, 1, 0]);
    switch (Math.floor(r() * 24)) {
      case 0:
      case 1:
      case 2:
        return ["SET", key(), pick(values)];
      case 3:
        return [pick(["DEL", "UNLINK"]), key(), ...(r() < 0.5 ? [key()] : [])];
      case 4:
        return ["EXISTS", key(), key()];
      case 5:
        return ["TYPE", key()];
      case 6:
        return [pick(["RENAME", "RENAMENX"]), key(), key()];
      case 7: {
        const cmd: Arg[] = ["COPY", key(), key()];
        if (r() < 0.4) cmd.push("DB", pick(["0", "1", "2"]));
        if (r() < 0.4) cmd.push("REPLACE");
        return cmd;
      }
      case 8:
        return ["MOVE", key(), pick(["0", "1", "2"])];
      case 9:
        return ["SWAPDB", pick(["0", "1", "2"]), pick(["0", "1", "2"])];
      case 10:
        return ["SELECT", pick(["0", "1", "2"])];
      case 11:
        return ["DBSIZE"];
      case 12:
        // Relative expiries never with GT/LT: two servers can read the clock a ms apart.
        return ["EXPIRE", key(), pick(["100", "200", "300", "-1"]), ...(r() < 0.3 ? [pick(["NX", "XX"])] : [])];
      case 13:
        return ["PEXPIRE", key(), pick(["150000", "250000", "0"]), ...(r() < 0.3 ? [pick(["NX", "XX"])] : [])];
      case 14:
        return ["EXPIREAT", key(), absS(), ...(r() < 0.5 ? [pick(["NX", "XX", "GT", "LT"])] : [])];
      case 15:
        return ["PEXPIREAT", key(), absS() * 1000, ...(r() < 0.5 ? [pick(["NX", "XX", "GT", "LT"])] : [])];
      case 16:
        return ["PERSIST", key()];
      case 17:
        return [pick(["TTL", "PTTL"]), key()];
      case 18:
        return [pick(["EXPIRETIME", "PEXPIRETIME"]), key()];
      case 19:
        return ["OBJECT", pick(["ENCODING", "REFCOUNT"]), key()];
      case 20:
        return ["KEYS", pick(["*", "k?", "k[1-2]", "*t", "[^k]*"])];
      case 21:
        return ["SCAN", "0", "COUNT", "1000", ...(r() < 0.5 ? ["MATCH", pick(["k*", "*x*", "?"])] : [])];
      case 22:
        return ["GET", key()];
      default:
        return r() < 0.1 ? ["FLUSHDB"] : ["TOUCH", key(), key()];
    }
  }

  /** Compare one reply pair, with set semantics or tolerance where the reply is not unique. */
  function agrees(cmd: Arg[], k: string, r: string): boolean {
    if (k === r) return true;
    const name = String(cmd[0]);
    if (name === "KEYS") return JSON.stringify((decodeText(k) as string[]).sort()) === JSON.stringify((decodeText(r) as string[]).sort());
    if (name === "SCAN") {
      const [kc, kk] = decodeText(k) as [string, string[]];
      const [rc, rk] = decodeText(r) as [string, string[]];
      return kc === "0" && rc === "0" && JSON.stringify(kk.sort()) === JSON.stringify(rk.sort());
    }
    if (name === "TTL" || name === "PTTL") {
      const a = decodeText(k) as number;
      const b = decodeText(r) as number;
      return a >= 0 && b >= 0 && Math.abs(a - b) <= (name === "TTL" ? 1 : 1000);
    }
    if (name === "PEXPIRETIME" || name === "EXPIRETIME") {
      const a = decodeText(k) as number;
      const b = decodeText(r) as number;
      return a >= 0 && b >= 0 && Math.abs(a - b) <= (name === "EXPIRETIME" ? 1 : 1000);
    }
    return false;
  }

  for (const seed of [11, 22, 33]) {
    test(`random keyspace sequence (seed ${seed})`, async () => {
      if (d === null) return;
      await d.reset();
      await d.both("SELECT", "0");
      const r = rng(seed);
      const base = Math.floor(Date.now() / 1000);
      const mismatches: string[] = [];
      for (let i = 0; i < 400 && mismatches.length < 5; i++) {
        const cmd = randomCommand(r, base);
        const [k, rr] = await d.both(...cmd);
        if (!agrees(cmd, k, rr)) mismatches.push(`#${i} ${cmd.join(" ")}: kedis ${JSON.stringify(k)} redis ${JSON.stringify(rr)}`);
      }
      // Final state of every database agrees.
      for (const db of ["0", "1", "2"]) {
        await d.both("SELECT", db);
        const [k, rr] = await d.both("KEYS", "*");
        if (!agrees(["KEYS"], k, rr)) mismatches.push(`final db ${db}: kedis ${k} redis ${rr}`);
      }
      await d.both("SELECT", "0");
      expect(mismatches).toEqual([]);
    });
  }
});
