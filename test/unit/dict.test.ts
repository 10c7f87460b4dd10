import { describe, expect, test } from "bun:test";
import { Dict, INLINE_KEY_MAX, PackedKeyDict, hashBytes, packEntryKey, type DictEntry, type PackedKeyEntry } from "../../src/datastructures/dict.ts";

interface Ent extends DictEntry {
  val: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string) => enc.encode(s);
const ent = (s: string, val = 0): Ent => {
  const key = k(s);
  return { key, hash: hashBytes(key), next: null, val };
};

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

function checkAgainst(d: Dict<Ent>, model: Map<string, number>): void {
  expect(d.size).toBe(model.size);
  for (const [key, val] of model) {
    const e = d.get(k(key));
    if (e === null || e.val !== val) expect({ key, found: e?.val ?? null }).toEqual({ key, found: val });
  }
}

/** Run a full SCAN, calling `between` after every step; returns every key seen and the steps. */
function fullScan(d: Dict<Ent>, between: (step: number) => void): { seen: Set<string>; steps: number } {
  const seen = new Set<string>();
  let cursor = 0;
  let steps = 0;
  do {
    cursor = d.scan(cursor, (e) => {
      seen.add(dec.decode(e.key));
    });
    steps++;
    if (steps > 1_000_000) throw new Error("scan did not terminate");
    between(steps);
  } while (cursor !== 0);
  return { seen, steps };
}

describe("Dict against a Map model", () => {
  test("random inserts, deletes, lookups, rehash steps and shrinks agree after every operation", () => {
    const r = rng(42);
    const d = new Dict<Ent>();
    const model = new Map<string, number>();
    let nextVal = 1;
    for (let op = 0; op < 20000; op++) {
      const x = r();
      // Key space that grows then shrinks so the table resizes both ways.
      const phase = Math.floor(op / 5000) % 2;
      const keyRange = phase === 0 ? 3000 : 300;
      const key = `k${Math.floor(r() * keyRange)}`;
      if (x < 0.45) {
        if (!model.has(key)) {
          const v = nextVal++;
          d.insert(ent(key, v));
          model.set(key, v);
        }
      } else if (x < 0.8 + (phase === 1 ? 0.1 : 0)) {
        const removed = d.delete(k(key));
        expect(removed !== null).toBe(model.has(key));
        if (removed !== null) expect(dec.decode(removed.key)).toBe(key);
        model.delete(key);
      } else if (x < 0.93) {
        const e = d.get(k(key));
        expect(e === null ? null : e.val).toBe(model.get(key) ?? null);
      } else if (x < 0.97) {
        d.maybeShrink();
      } else {
        d.rehash(1 + Math.floor(r() * 5));
      }
      expect(d.size).toBe(model.size);
      if (op % 500 === 0) {
        checkAgainst(d, model);
        const all = new Set<string>();
        d.forEach((e) => all.add(dec.decode(e.key)));
        expect(all.size).toBe(model.size);
        const rnd = d.random();
        if (model.size === 0) expect(rnd).toBeNull();
        else expect(model.has(dec.decode(rnd!.key))).toBe(true);
      }
    }
    checkAgainst(d, model);
  });

  test("clear empties the table", () => {
    const d = new Dict<Ent>();
    for (let i = 0; i < 100; i++) d.insert(ent(`x${i}`));
    d.clear();
    expect(d.size).toBe(0);
    expect(d.get(k("x1"))).toBeNull();
    expect(d.scan(0, () => {})).toBe(0);
  });
});

describe("Dict.scan guarantee (reverse-binary cursor)", () => {
  test("a stable table is scanned exactly once per key", () => {
    const d = new Dict<Ent>();
    for (let i = 0; i < 1000; i++) d.insert(ent(`s${i}`));
    while (d.isRehashing) d.rehash(100);
    const counts = new Map<string, number>();
    let cursor = 0;
    do {
      cursor = d.scan(cursor, (e) => {
        const key = dec.decode(e.key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    } while (cursor !== 0);
    expect(counts.size).toBe(1000);
    for (const n of counts.values()) expect(n).toBe(1);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`every key present for the whole scan is returned while the table grows and shrinks (seed ${seed})`, () => {
      const r = rng(seed);
      const d = new Dict<Ent>();
      const live = new Set<string>();
      for (let i = 0; i < 500; i++) {
        d.insert(ent(`base${i}`));
        live.add(`base${i}`);
      }
      // Keys that stay for the whole iteration: never deleted below.
      const stable = new Set<string>();
      for (let i = 0; i < 500; i += 3) stable.add(`base${i}`);
      let extra = 0;
      let grew = false;
      let shrank = false;
      const sizesSeen = new Set<number>();
      const { seen } = fullScan(d, (step) => {
        // Early: grow a lot (several doublings mid-scan). Later: delete most, then shrink.
        if (step < 6) {
          for (let i = 0; i < 400; i++) {
            const key = `new${extra++}`;
            d.insert(ent(key));
            live.add(key);
          }
          grew = true;
        } else if (step < 12) {
          for (const key of [...live]) {
            if (stable.has(key) || r() < 0.2) continue;
            d.delete(k(key));
            live.delete(key);
          }
          d.maybeShrink();
          shrank = shrank || d.isRehashing;
        } else if (r() < 0.5) {
          const key = `late${extra++}`;
          d.insert(ent(key));
          live.add(key);
        }
        if (r() < 0.5) d.rehash(1 + Math.floor(r() * 20));
        sizesSeen.add(d.buckets);
      });
      expect(grew).toBe(true);
      expect(shrank).toBe(true);
      expect(sizesSeen.size).toBeGreaterThan(2);
      const missing = [...stable].filter((key) => !seen.has(key));
      expect(missing).toEqual([]);
    });
  }

  test("scan during a rehash visits both tables and still terminates", () => {
    const d = new Dict<Ent>();
    for (let i = 0; i < 64; i++) d.insert(ent(`r${i}`));
    // The last insert may have started a resize; make sure one is in progress.
    for (let i = 64; i < 200 && !d.isRehashing; i++) d.insert(ent(`r${i}`));
    expect(d.isRehashing).toBe(true);
    const seen = new Set<string>();
    let cursor = 0;
    let steps = 0;
    do {
      cursor = d.scan(cursor, (e) => {
        seen.add(dec.decode(e.key));
      });
      steps++;
    } while (cursor !== 0 && steps < 100000);
    expect(cursor).toBe(0);
    expect(seen.size).toBe(d.size);
  });
});

describe("PackedKeyDict (keys compared by packed words)", () => {
  interface PEnt extends PackedKeyEntry {
    val: number;
  }
  const pent = (key: Uint8Array, val: number): PEnt => {
    const e: PEnt = { key, hash: hashBytes(key), next: null, k0: 0, k1: 0, k2: 0, k3: 0, val };
    packEntryKey(e);
    return e;
  };
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

  test("keys that differ only in length, trailing zero bytes, high bytes or past the inline limit stay distinct", () => {
    const keys: Uint8Array[] = [new Uint8Array(0)];
    for (let n = 1; n <= INLINE_KEY_MAX + 6; n++) {
      keys.push(new Uint8Array(n)); // all zeros: only the length tells them apart
      keys.push(new Uint8Array(n).fill(0xff));
      const a = new Uint8Array(n).fill(0x61);
      keys.push(a);
      for (let i = 0; i < n; i++) {
        const b = a.slice();
        b[i] = 0x62; // one byte differs, in each word position
        keys.push(b);
      }
    }
    const d = new PackedKeyDict<PEnt>();
    const model = new Map<string, number>();
    keys.forEach((key, i) => {
      if (model.has(hex(key))) return;
      model.set(hex(key), i);
      d.insert(pent(key.slice(), i));
    });
    expect(d.size).toBe(model.size);
    for (const key of keys) expect(d.get(key.slice())?.val).toBe(model.get(hex(key))!);
    // Absent keys: one byte more or less than a present key, or a different byte.
    for (const key of keys) {
      const longer = new Uint8Array(key.length + 1);
      longer.set(key);
      longer[key.length] = 0x7a;
      expect(d.get(longer)).toBeNull();
    }
  });

  test("random keys against a Map model, through growth, rehash and deletes", () => {
    const r = rng(7);
    const d = new PackedKeyDict<PEnt>();
    const model = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const n = Math.floor(r() * 30);
      const key = new Uint8Array(n);
      for (let j = 0; j < n; j++) key[j] = r() < 0.5 ? Math.floor(r() * 4) : Math.floor(r() * 256);
      const h = hex(key);
      if (r() < 0.3 && model.has(h)) {
        expect(d.delete(key)).not.toBeNull();
        model.delete(h);
      } else if (!model.has(h)) {
        d.insert(pent(key, i));
        model.set(h, i);
      } else expect(d.get(key)?.val).toBe(model.get(h)!);
    }
    expect(d.size).toBe(model.size);
    for (const [h, val] of model) {
      const key = new Uint8Array(h.length / 2);
      for (let j = 0; j < key.length; j++) key[j] = parseInt(h.slice(2 * j, 2 * j + 2), 16);
      expect(d.get(key)?.val).toBe(val);
    }
  });
});
