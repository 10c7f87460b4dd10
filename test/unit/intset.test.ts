import { describe, expect, test } from "bun:test";
import { Intset } from "../../src/datastructures/intset.ts";
import { rng } from "./rng.ts";

function expectSame(s: Intset, model: Set<bigint>): void {
  s.check();
  const sorted = [...model].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  expect(s.size).toBe(sorted.length);
  for (let i = 0; i < sorted.length; i++) expect(s.get(i)).toBe(sorted[i]!);
}

describe("intset against a Set<bigint> model", () => {
  test("random adds and removes across 16/32/64-bit widths keep order and width", () => {
    const pools: bigint[][] = [
      [0n, 1n, -1n, 5n, 100n, -32768n, 32767n],
      [40000n, -40000n, 2147483647n, -2147483648n],
      [9223372036854775807n, -9223372036854775808n, 4611686018427387904n, -9007199254740993n],
    ];
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const s = new Intset();
      const model = new Set<bigint>();
      let widest = 16;
      for (let step = 0; step < 2000; step++) {
        const pool = pools[r() < 0.7 ? 0 : r() < 0.7 ? 1 : 2]!;
        const v = r() < 0.5 ? pool[Math.floor(r() * pool.length)]! : BigInt(Math.floor(r() * 200) - 100);
        if (r() < 0.6) {
          expect(s.add(v)).toBe(!model.has(v));
          model.add(v);
          const w = v >= -32768n && v <= 32767n ? 16 : v >= -2147483648n && v <= 2147483647n ? 32 : 64;
          widest = Math.max(widest, w);
        } else {
          expect(s.remove(v)).toBe(model.has(v));
          model.delete(v);
        }
        expect(s.width as number).toBe(widest);
        expect(s.has(v)).toBe(model.has(v));
        expectSame(s, model);
      }
      const c = s.clone();
      expectSame(c, model);
      c.add(12345n);
      expect(s.has(12345n)).toBe(model.has(12345n));
    }
  });

  test("an upgrade puts the new value at the right end", () => {
    const s = new Intset();
    s.add(5n);
    s.add(-5n);
    s.add(-100000n);
    expect([s.get(0), s.get(1), s.get(2)]).toEqual([-100000n, -5n, 5n]);
    expect(s.width).toBe(32);
    s.add(1n << 40n);
    expect(s.get(3)).toBe(1n << 40n);
    expect(s.width).toBe(64);
    s.check();
  });
});
