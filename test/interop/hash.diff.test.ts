/**
 * Hashes against real redis-server 7.0: scripted edge cases (RESP2 and RESP3) and seeded random
 * sequences with small conversion thresholds so both encodings are exercised. Listpack hashes
 * must match byte for byte, order included; hashtable hashes may list fields in another order
 * (Redis's own order depends on its table), so their HGETALL/HKEYS/HVALS/HSCAN replies are
 * compared as sets. HRANDFIELD is random: its replies are checked for shape and membership.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Differ } from "../helpers/diff.ts";
import { decode, latin1Encode, type Reply } from "../helpers/resp.ts";
import { rng } from "../unit/rng.ts";

let d: Differ | null = null;

beforeAll(async () => {
  d = await Differ.start(
    { "hash-max-listpack-entries": "8", "hash-max-listpack-value": "16" },
    ["--hash-max-listpack-entries", "8", "--hash-max-listpack-value", "16"],
  );
  if (d === null) console.warn("SKIP hash interop: redis-server not installed");
});
afterAll(async () => {
  await d?.stop();
});

function kedisEncoding(x: Differ, key: string): string | null {
  const e = x.kedis.server.ks.dbs[0]!.lookup(latin1Encode(key));
  if (e === null || e.value instanceof Uint8Array) return null;
  return (e.value as { encoding(): string }).encoding();
}

/** Pairs of a flat field/value array (or a RESP3 map) as sorted "f=v" strings. */
function pairs(r: Reply): string[] {
  if (r instanceof Map) return [...r].map(([f, v]) => `${f}=${v}`).sort();
  const a = r as string[];
  const out: string[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(`${a[i]}=${a[i + 1]}`);
  return out.sort();
}

/** Every field/value pair through a full HSCAN iteration. */
async function fullScan(c: Differ["k"], key: string, count: string): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let i = 0; i < 10_000; i++) {
    const [next, items] = (await c.call("HSCAN", key, cursor, "COUNT", count)) as [string, string[]];
    for (let j = 0; j < items.length; j += 2) seen.add(`${items[j]}=${items[j + 1]}`);
    cursor = next;
    if (cursor === "0") break;
  }
  return [...seen].sort();
}

const SCRIPT: (string | number)[][] = [
  ["HSET", "h", "a", "1", "b", "2", "c", "3"],
  ["HSET", "h", "a", "10", "d", "4"],
  ["HSET", "h", "a"],
  ["HSET", "h", "a", "1", "b"],
  ["HMSET", "h", "e", "5"],
  ["HMSET", "h", "e"],
  ["HSETNX", "h", "a", "x"],
  ["HSETNX", "h", "z", "26"],
  ["HGET", "h", "a"],
  ["HGET", "h", "nope"],
  ["HGET", "nokey", "a"],
  ["HMGET", "h", "a", "nope", "b"],
  ["HMGET", "nokey", "a", "b"],
  ["HLEN", "h"],
  ["HLEN", "nokey"],
  ["HSTRLEN", "h", "a"],
  ["HSTRLEN", "h", "nope"],
  ["HSTRLEN", "nokey", "a"],
  ["HEXISTS", "h", "a"],
  ["HEXISTS", "h", "nope"],
  ["HEXISTS", "nokey", "a"],
  ["HKEYS", "h"],
  ["HVALS", "h"],
  ["HGETALL", "h"],
  ["HKEYS", "nokey"],
  ["HVALS", "nokey"],
  ["HGETALL", "nokey"],
  ["HSCAN", "h", "0"],
  ["HSCAN", "h", "0", "MATCH", "[a-c]"],
  ["HSCAN", "h", "0", "MATCH", "*"],
  ["HSCAN", "h", "0", "COUNT", "1"],
  ["HSCAN", "h", "5"],
  ["HSCAN", "h", "-1"],
  ["HSCAN", "h", "+0"],
  ["HSCAN", "h", "18446744073709551616"],
  ["HSCAN", "h", "abc"],
  ["HSCAN", "h", "0", "COUNT", "0"],
  ["HSCAN", "h", "0", "COUNT", "x"],
  ["HSCAN", "h", "0", "MATCH"],
  ["HSCAN", "h", "0", "TYPE", "string"],
  ["HSCAN", "nokey", "0"],
  ["HSCAN", "nokey", "x"],
  ["HDEL", "h", "a", "a", "nope"],
  ["HDEL", "nokey", "a"],
  ["HINCRBY", "h", "n", "5"],
  ["HINCRBY", "h", "n", "-10"],
  ["HINCRBY", "h", "n", "x"],
  ["HINCRBY", "h", "b", "9223372036854775806"],
  ["HINCRBY", "h", "b", "1"],
  ["HINCRBY", "h", "m", "-9223372036854775808"],
  ["HINCRBY", "h", "m", "-1"],
  ["HSET", "h", "s", "str"],
  ["HINCRBY", "h", "s", "1"],
  ["HINCRBYFLOAT", "h", "s", "1"],
  ["HINCRBYFLOAT", "h", "f", "10.5"],
  ["HINCRBYFLOAT", "h", "f", "0.1"],
  ["HINCRBYFLOAT", "h", "f", "-0.6"],
  ["HINCRBYFLOAT", "h", "g", "1e-10"],
  ["HINCRBYFLOAT", "h", "g", "3e3"],
  ["HINCRBYFLOAT", "h", "x", "abc"],
  ["HINCRBYFLOAT", "h", "x", "inf"],
  ["HINCRBYFLOAT", "h", "x", " 1"],
  ["HINCRBYFLOAT", "h", "x", "0x10"],
  ["HINCRBYFLOAT", "h", "y", "1e400"],
  ["HINCRBYFLOAT", "h", "y", "1"],
  ["HINCRBYFLOAT", "h", "i", "1.5"],
  ["HINCRBY", "h", "i", "1"],
  ["HRANDFIELD", "nokey"],
  ["HRANDFIELD", "nokey", "3"],
  ["HRANDFIELD", "nokey", "-3", "WITHVALUES"],
  ["HRANDFIELD", "h", "0"],
  ["HRANDFIELD", "h", "0", "WITHVALUES"],
  ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
  ["HRANDFIELD", "h", "1", "FOO"],
  ["HRANDFIELD", "h", "x"],
  ["HRANDFIELD", "h", "-9223372036854775808"],
  ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
  ["SET", "str", "v"],
  ["HSET", "str", "a", "1"],
  ["HSETNX", "str", "a", "1"],
  ["HMSET", "str", "a", "1"],
  ["HGET", "str", "a"],
  ["HMGET", "str", "a"],
  ["HDEL", "str", "a"],
  ["HLEN", "str"],
  ["HSTRLEN", "str", "a"],
  ["HEXISTS", "str", "a"],
  ["HKEYS", "str"],
  ["HVALS", "str"],
  ["HGETALL", "str"],
  ["HINCRBY", "str", "a", "1"],
  ["HINCRBY", "str", "a", "x"],
  ["HINCRBYFLOAT", "str", "a", "1"],
  ["HINCRBYFLOAT", "str", "a", "x"],
  ["HRANDFIELD", "str"],
  ["HRANDFIELD", "str", "2"],
  ["HSCAN", "str", "0"],
  ["HSET", "bin", "\x00\r\n", "\xff", "", ""],
  ["HGETALL", "bin"],
  ["HDEL", "bin", "\x00\r\n", ""],
  ["HLEN", "bin"],
];

describe("hashes: byte-for-byte with redis-server 7.0", () => {
  test("scripted edge cases: every reply identical (RESP2 and RESP3)", async () => {
    if (d === null) return;
    for (const resp of [2, 3] as const) {
      await d.reset();
      await d.resp(resp);
      expect(await d.run(...SCRIPT)).toEqual([]);
    }
    await d.resp(2);
  });

  test("encodings convert where Redis converts (entries, field and value lengths, HINCRBY*, HSETNX)", async () => {
    if (d === null) return;
    await d.reset();
    const long = "x".repeat(17);
    const cases: [string, (string | number)[][]][] = [
      ["many", Array.from({ length: 9 }, (_, i) => ["HSET", "many", `f${i}`, "v"])],
      ["eight", Array.from({ length: 8 }, (_, i) => ["HSET", "eight", `f${i}`, "v"])],
      ["longval", [["HSET", "longval", "a", long]]],
      ["longfield", [["HSET", "longfield", long, "1"]]],
      ["multi", [["HSET", "multi", "a", "1", "b", long]]],
      ["nxlong", [["HSET", "nxlong", "a", "1"], ["HSETNX", "nxlong", "a", long]]],
      ["nxnew", [["HSET", "nxnew", "a", "1"], ["HSETNX", "nxnew", long, "1"]]],
      ["incr", [["HINCRBY", "incr", long, "1"]]],
      ["incrf", [["HINCRBYFLOAT", "incrf", "a", "1e20"]]],
      ["incrf2", [["HINCRBYFLOAT", "incrf2", "a", "1e10"]]],
      ["back", [...Array.from({ length: 9 }, (_, i) => ["HSET", "back", `f${i}`, "v"]), ["HDEL", "back", "f0", "f1", "f2", "f3", "f4"]]],
    ];
    for (const [key, cmds] of cases) {
      expect(await d.run(...cmds)).toEqual([]);
      const redisEnc = await d.r.call("OBJECT", "ENCODING", key);
      expect(`${key}:${kedisEncoding(d, key)}`).toBe(`${key}:${redisEnc}`);
    }
  });

  test("seeded random sequences over both encodings agree (sets where the order is the table's)", async () => {
    if (d === null) return;
    const keys = ["h1", "h2", "h3"];
    for (let seed = 1; seed <= 4; seed++) {
      await d.reset();
      const r = rng(seed);
      const field = (): string => (r() < 0.05 ? "F".repeat(17 + Math.floor(r() * 5)) : `f${Math.floor(r() * 14)}`);
      const value = (): string => (r() < 0.05 ? "V".repeat(17) : r() < 0.3 ? String(Math.floor(r() * 100) - 50) : `v${Math.floor(r() * 5)}`);
      for (let step = 0; step < 250; step++) {
        const k = keys[Math.floor(r() * keys.length)]!;
        const op = Math.floor(r() * 14);
        let cmd: string[];
        switch (op) {
          case 0:
          case 1:
          case 2:
            cmd = ["HSET", k, ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => [field(), value()]).flat()];
            break;
          case 3:
            cmd = ["HSETNX", k, field(), value()];
            break;
          case 4:
            cmd = ["HDEL", k, field(), field()];
            break;
          case 5:
            cmd = ["HGET", k, field()];
            break;
          case 6:
            cmd = ["HMGET", k, field(), field()];
            break;
          case 7:
            cmd = ["HINCRBY", k, field(), String(Math.floor(r() * 20) - 10)];
            break;
          case 8:
            cmd = ["HINCRBYFLOAT", k, field(), (r() * 10 - 5).toFixed(Math.floor(r() * 4))];
            break;
          case 9:
            cmd = [["HLEN", "HSTRLEN", "HEXISTS"][Math.floor(r() * 3)]!, k, field()].slice(0, op === 9 && r() < 0.3 ? 2 : 3);
            if (cmd[0] === "HLEN") cmd = ["HLEN", k];
            break;
          case 10:
            cmd = [["HGETALL", "HKEYS", "HVALS"][Math.floor(r() * 3)]!, k];
            break;
          case 11: {
            const count = Math.floor(r() * 24) - 12;
            cmd = ["HRANDFIELD", k, String(count), ...(r() < 0.5 ? ["WITHVALUES"] : [])];
            break;
          }
          case 12:
            cmd = ["HSCAN", k, "0", "COUNT", String(1 + Math.floor(r() * 5))];
            break;
          default:
            cmd = ["HGETALL", k];
        }
        const [kr, rr] = await d.both(...cmd);
        const enc = (await d.r.call("OBJECT", "ENCODING", k)) as string | null;
        expect(`${k}:${kedisEncoding(d, k)}`).toBe(`${k}:${enc}`);
        const name = cmd[0]!;
        const ordered = enc !== "hashtable";
        if (name === "HRANDFIELD") {
          const a = decode(latin1Encode(kr))[0] as string[];
          const b = decode(latin1Encode(rr))[0] as string[];
          expect(a.length).toBe(b.length);
          const all = new Map<string, string>();
          const flat = (await d.r.call("HGETALL", k)) as string[];
          for (let i = 0; i < flat.length; i += 2) all.set(flat[i]!, flat[i + 1]!);
          const withValues = cmd.length === 4;
          const step = withValues ? 2 : 1;
          const fields: string[] = [];
          for (let i = 0; i < a.length; i += step) {
            expect(all.has(a[i]!)).toBe(true);
            if (withValues) expect(a[i + 1]).toBe(all.get(a[i]!)!);
            fields.push(a[i]!);
          }
          if (Number(cmd[2]) > 0) expect(new Set(fields).size).toBe(fields.length);
        } else if (name === "HSCAN" && !ordered) {
          expect(await fullScan(d.k, k, cmd[4]!)).toEqual(await fullScan(d.r, k, cmd[4]!));
        } else if (!ordered && (name === "HGETALL" || name === "HKEYS" || name === "HVALS")) {
          const a = decode(latin1Encode(kr))[0] as string[];
          const b = decode(latin1Encode(rr))[0] as string[];
          if (name === "HGETALL") expect(pairs(a)).toEqual(pairs(b));
          else expect([...a].sort()).toEqual([...b].sort());
        } else {
          expect(`${cmd.join(" ")} -> ${kr}`).toBe(`${cmd.join(" ")} -> ${rr}`);
        }
      }
    }
  });
});
