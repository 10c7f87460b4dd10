import { describe, expect, test } from "bun:test";
import { parseRdb, type ParsedKey } from "../../../src/persistence/rdb/parse.ts";
import { ListpackWriter, decodeListpack } from "../../../src/persistence/rdb/packed.ts";
import { RdbFormatError } from "../../../src/persistence/rdb/reader.ts";

const dec = new TextDecoder();
const enc = new TextEncoder();
const fixture = new Uint8Array(await Bun.file(new URL("../../fixtures/redis-7.0-all-types.rdb", import.meta.url)).arrayBuffer());

function load(b: Uint8Array): Map<string, ParsedKey> {
  const keys = new Map<string, ParsedKey>();
  parseRdb(b, { onKey: (k) => keys.set(`${k.db}:${dec.decode(k.key)}`, k) });
  return keys;
}

describe("RDB parsing of a file written by real Redis 7.0 (test/fixtures/*.fill.sh made it)", () => {
  const keys = load(fixture);

  test("every key of every type and encoding is read", () => {
    expect([...keys.keys()].sort()).toEqual(
      ["0:big", "0:h1", "0:h2", "0:l1", "0:l2", "0:n1", "0:n2", "0:s1", "0:sbig", "0:si", "0:ss", "0:st", "0:ttl1", "0:z1", "0:z2", "3:indb3"].sort(),
    );
  });

  test("strings: plain, integer-encoded, LZF-compressed, with expiry", () => {
    const s = (k: string) => {
      const v = keys.get(k)!.value;
      if (v.type !== "string") throw new Error("not a string");
      return dec.decode(v.value);
    };
    expect(s("0:s1")).toBe("hello");
    expect(s("0:n1")).toBe("12345");
    expect(s("0:n2")).toBe("-7");
    expect(s("0:big")).toBe("x".repeat(3000));
    expect(keys.get("0:ttl1")!.expireAt).toBeGreaterThan(1_700_000_000_000);
    expect(keys.get("0:s1")!.expireAt).toBe(-1);
  });

  test("lists (listpack-packed quicklist nodes), sets (intset, hashtable), zsets, hashes", () => {
    const l1 = keys.get("0:l1")!.value;
    expect(l1.type === "list" && l1.elements.map((e) => dec.decode(e))).toEqual(["a", "b", "1", "2", "300000", "-5"]);
    const l2 = keys.get("0:l2")!.value;
    expect(l2.type === "list" && l2.elements.length).toBe(300);
    const si = keys.get("0:si")!.value;
    expect(si.type === "set" && si.members.map((e) => dec.decode(e)).sort()).toEqual(["-100", "1", "2", "3"]);
    const sbig = keys.get("0:sbig")!.value;
    expect(sbig.type === "set" && sbig.members.length).toBe(600);
    const z1 = keys.get("0:z1")!.value;
    expect(z1.type === "zset" && z1.pairs.map(([m, s]) => [dec.decode(m), s])).toEqual([["c", -Infinity], ["a", 1], ["b", 2.5], ["d", 1e300]]);
    const z2 = keys.get("0:z2")!.value;
    expect(z2.type === "zset" && z2.pairs.length).toBe(200);
    const h1 = keys.get("0:h1")!.value;
    expect(h1.type === "hash" && h1.pairs.map(([f, v]) => [dec.decode(f), dec.decode(v)])).toEqual([["f1", "v1"], ["f2", "22"]]);
    const h2 = keys.get("0:h2")!.value;
    expect(h2.type === "hash" && h2.pairs.length).toBe(200);
  });

  test("streams: nodes, IDs and consumer groups", () => {
    const st = keys.get("0:st")!.value;
    if (st.type !== "stream") throw new Error("not a stream");
    expect(st.raw.length).toBe(2);
    expect(st.raw.lastId).toEqual([2, 0]);
    expect(st.raw.groups.length).toBe(1);
    expect(dec.decode(st.raw.groups[0]!.name)).toBe("g1");
    expect(st.raw.groups[0]!.pel.length).toBe(1);
  });

  test("a corrupted byte fails the checksum; truncation fails with an offset", () => {
    const bad = fixture.slice();
    bad[200] = bad[200]! ^ 0xff;
    expect(() => load(bad)).toThrow(RdbFormatError);
    expect(() => load(fixture.subarray(0, 500))).toThrow(/offset|end of file|checksum/);
  });
});

describe("listpack codec", () => {
  test("round-trips strings of every length class and integers of every width", () => {
    const items = [
      enc.encode(""),
      enc.encode("a"),
      enc.encode("x".repeat(63)),
      enc.encode("y".repeat(64)),
      enc.encode("z".repeat(5000)),
      0,
      127,
      128,
      -1,
      -4096,
      4095,
      32767,
      -32768,
      8388607,
      -8388608,
      2147483647,
      -2147483648,
      2 ** 40,
      -(2 ** 40),
      9223372036854775807n,
    ];
    const w = new ListpackWriter();
    for (const i of items) w.add(i);
    const back = decodeListpack(w.finish());
    expect(back.map((e) => (e instanceof Uint8Array ? dec.decode(e) : String(e)))).toEqual(items.map((e) => (e instanceof Uint8Array ? dec.decode(e) : String(e))));
  });
  test("canonical integer strings are stored as integers, others as strings", () => {
    const w = new ListpackWriter();
    w.add(enc.encode("123")).add(enc.encode("0123")).add(enc.encode("-0"));
    expect(decodeListpack(w.finish())).toEqual([123, enc.encode("0123"), enc.encode("-0")]);
  });
});
