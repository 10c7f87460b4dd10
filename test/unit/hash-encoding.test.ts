import { describe, expect, test } from "bun:test";
import { HashValue, type HashLimits } from "../../src/store/types/hash.ts";
import { PackedMap } from "../../src/datastructures/packed-map.ts";
import { hex, randomBytes, rng } from "./rng.ts";

function contents(h: HashValue): Map<string, string> {
  const m = new Map<string, string>();
  h.forEachField((f, v) => {
    expect(m.has(hex(f)!)).toBe(false);
    m.set(hex(f)!, hex(v)!);
  });
  return m;
}

describe("hash encodings", () => {
  test("HashValue agrees with a Map model, converts one way at Redis's thresholds (seeded random)", () => {
    for (let seed = 1; seed <= 15; seed++) {
      const r = rng(seed);
      const lim: HashLimits = { maxEntries: 1 + Math.floor(r() * 20), maxValue: 5 + Math.floor(r() * 60) };
      const h = new HashValue();
      const model = new Map<string, string>();
      let mustBeTable = false;
      for (let step = 0; step < 300; step++) {
        const field = randomBytes(r, 70, 6);
        const value = randomBytes(r, 70, 3);
        const op = Math.floor(r() * 6);
        if (op <= 2) {
          const argv = [field, value];
          h.convertForArgs(argv, 0, 2, lim);
          if (field.length > lim.maxValue || value.length > lim.maxValue) mustBeTable = true;
          const isNew = h.set(field, value);
          expect(isNew).toBe(!model.has(hex(field)!));
          model.set(hex(field)!, hex(value)!);
          h.convertIfMany(lim);
          if (model.size > lim.maxEntries) mustBeTable = true;
        } else if (op === 3) {
          expect(h.delete(field)).toBe(model.delete(hex(field)!));
          // Deleting an existing field, picked from the model.
          const first = model.keys().next();
          if (!first.done) {
            const f = new Uint8Array(Buffer.from(first.value, "latin1"));
            expect(h.delete(f)).toBe(true);
            model.delete(first.value);
          }
        } else if (op === 4) {
          expect(hex(h.get(field))).toBe(model.get(hex(field)!) ?? null);
          expect(h.has(field)).toBe(model.has(hex(field)!));
        } else {
          const c = h.clone();
          expect(c.encoding()).toBe(h.encoding());
          expect(contents(c)).toEqual(model);
        }
        expect(h.encoding()).toBe(mustBeTable ? "hashtable" : "listpack");
        expect(h.size).toBe(model.size);
        expect(contents(h)).toEqual(model);
        if (h.ht === null) expect(h.checkPacked()).toBeNull();
      }
    }
  });

  test("listpack order is insertion order; updates keep their place; deletes close the gap", () => {
    const h = new HashValue();
    const e = (s: string) => new TextEncoder().encode(s);
    h.set(e("a"), e("1"));
    h.set(e("b"), e("2"));
    h.set(e("c"), e("3"));
    h.set(e("a"), e("a much longer value than before"));
    h.set(e("b"), e("x"));
    h.delete(e("b"));
    expect([...contents(h)]).toEqual([
      ["a", "a much longer value than before"],
      ["c", "3"],
    ]);
    expect(h.checkPacked()).toBeNull();
  });

  test("packed map handles empty strings and multi-byte lengths", () => {
    const m = new PackedMap();
    const big = new Uint8Array(20000).fill(7);
    m.set(new Uint8Array(0), new Uint8Array(0));
    m.set(big, new Uint8Array(200));
    m.set(new Uint8Array([1]), big);
    expect(m.count).toBe(3);
    expect(m.get(new Uint8Array(0))!.length).toBe(0);
    expect(m.get(big)!.length).toBe(200);
    expect(m.get(new Uint8Array([1]))!.length).toBe(20000);
    expect(m.checkPacked()).toBeNull();
    expect(m.offsets().length).toBe(12);
    m.delete(big);
    expect(m.count).toBe(2);
    expect(m.checkPacked()).toBeNull();
  });
});
