import { describe, expect, test } from "bun:test";
import { compareBytes, LEX_MAX, LEX_MIN, LEX_VALUE, type LexBound } from "../../src/datastructures/skiplist.ts";
import {
  ZADD_IN_GT,
  ZADD_IN_INCR,
  ZADD_IN_LT,
  ZADD_IN_NX,
  ZADD_IN_XX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZsetValue,
} from "../../src/store/types/zset.ts";
import { SetValue } from "../../src/store/types/set.ts";
import { rng } from "./rng.ts";

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);
const key = (m: Uint8Array) => [...m].join(",");

interface Item {
  score: number;
  member: Uint8Array;
}
const cmp = (a: Item, c: Item) => (a.score !== c.score ? (a.score < c.score ? -1 : 1) : compareBytes(a.member, c.member));

function contents(z: ZsetValue): Item[] {
  const out: Item[] = [];
  z.forEach((m, s) => out.push({ score: s, member: m.slice() }));
  return out;
}

function randomMember(r: () => number, long: boolean): Uint8Array {
  const len = long && r() < 0.05 ? 70 : Math.floor(r() * 3) + 1;
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = 97 + Math.floor(r() * 6);
  return out;
}

describe("sorted set value: both encodings against a model", () => {
  test("random ZADD flags, removals, ranks, ranges and rank deletions agree with the model", () => {
    const lim = { maxEntries: 16, maxValue: 64 };
    for (const seed of [11, 12, 13, 14]) {
      const r = rng(seed);
      const z = ZsetValue.createFor(1, lim);
      let model: Item[] = [];
      let sawSkiplist = false;
      for (let step = 0; step < 1500; step++) {
        const m = randomMember(r, true);
        const at = model.findIndex((x) => compareBytes(x.member, m) === 0);
        const op = r();
        const wasPack = z.encoding() === "listpack";
        if (op < 0.5) {
          const flagChoices = [0, ZADD_IN_NX, ZADD_IN_XX, ZADD_IN_GT, ZADD_IN_LT, ZADD_IN_INCR, ZADD_IN_INCR | ZADD_IN_GT];
          const flags = flagChoices[Math.floor(r() * flagChoices.length)]!;
          const score = Math.floor(r() * 7) - 3;
          const out = z.add(score, m, flags, lim);
          // Model of zsetAdd.
          if (at >= 0) {
            const cur = model[at]!.score;
            let ns = score;
            if (flags & ZADD_IN_NX) expect(out).toBe(ZADD_OUT_NOP);
            else {
              if (flags & ZADD_IN_INCR) ns += cur;
              if ((flags & ZADD_IN_LT && ns >= cur) || (flags & ZADD_IN_GT && ns <= cur)) expect(out).toBe(ZADD_OUT_NOP);
              else {
                expect(out).toBe(ns !== cur ? ZADD_OUT_UPDATED : 0);
                expect(z.addScore).toBe(ns);
                model[at]!.score = ns;
              }
            }
          } else if (flags & ZADD_IN_XX) {
            expect(out).toBe(ZADD_OUT_NOP);
          } else {
            expect(out).toBe(ZADD_OUT_ADDED);
            model.push({ score, member: m });
          }
          model.sort(cmp);
        } else if (op < 0.7) {
          expect(z.remove(m)).toBe(at >= 0);
          if (at >= 0) model.splice(at, 1);
        } else if (op < 0.8) {
          const lo = Math.floor(r() * (model.length + 1));
          const hi = lo + Math.floor(r() * 4);
          expect(z.deleteRanks(lo, hi)).toBe(Math.max(0, Math.min(hi, model.length) - lo));
          model = model.filter((_, i) => i < lo || i >= hi);
        } else {
          expect(z.rank(m)).toBe(at);
          expect(z.score(m)).toBe(at >= 0 ? model[at]!.score : undefined);
          const min = Math.floor(r() * 7) - 3;
          const max = min + Math.floor(r() * 4);
          const range = { min, max, minex: r() < 0.5, maxex: r() < 0.5 };
          const [lo, hi] = z.scoreSpan(range);
          const inRange = model.filter((x) => (range.minex ? x.score > min : x.score >= min) && (range.maxex ? x.score < max : x.score <= max));
          expect(hi - lo).toBe(inRange.length);
          const got: string[] = [];
          z.forRanks(lo, hi, r() < 0.5, (mm, s) => got.push(`${s}:${key(mm)}`));
          expect(got.sort()).toEqual(inRange.map((x) => `${x.score}:${key(x.member)}`).sort());
          if (model.length > 0) {
            const k = Math.floor(r() * model.length);
            expect(key(z.memberAt(k))).toBe(key(model[k]!.member));
            expect(z.scoreAt(k)).toBe(model[k]!.score);
          }
        }
        // Conversion rules: only towards skiplist, when limits would be passed.
        if (!wasPack) expect(z.encoding()).toBe("skiplist");
        if (z.encoding() === "skiplist") sawSkiplist = true;
        if (z.encoding() === "listpack") {
          expect(model.length).toBeLessThanOrEqual(lim.maxEntries);
          for (const x of model) expect(x.member.length).toBeLessThanOrEqual(lim.maxValue);
        }
        z.check();
        const c = contents(z);
        expect(c.length).toBe(model.length);
        for (let i = 0; i < c.length; i++) {
          expect(c[i]!.score).toBe(model[i]!.score);
          expect(key(c[i]!.member)).toBe(key(model[i]!.member));
        }
      }
      expect(sawSkiplist).toBe(true);
      const copy = z.clone();
      copy.check();
      expect(contents(copy).map((x) => key(x.member))).toEqual(model.map((x) => key(x.member)));
    }
  });

  test("lex spans agree between encodings when all scores are equal", () => {
    const r = rng(5);
    const pack = ZsetValue.listpack();
    const sl = ZsetValue.skiplist();
    const lim = { maxEntries: 1000, maxValue: 64 };
    for (let k = 0; k < 100; k++) {
      const m = randomMember(r, false);
      pack.add(0, m, 0, lim);
      sl.add(0, m, 0, lim);
    }
    const bound = (): LexBound => {
      const x = r();
      if (x < 0.1) return { kind: LEX_MIN, value: new Uint8Array(0), exclusive: false };
      if (x < 0.2) return { kind: LEX_MAX, value: new Uint8Array(0), exclusive: false };
      return { kind: LEX_VALUE, value: randomMember(r, false), exclusive: r() < 0.5 };
    };
    for (let k = 0; k < 300; k++) {
      const range = { min: bound(), max: bound() };
      const a = pack.lexSpan(range);
      const c = sl.lexSpan(range);
      expect(a[1] - a[0]).toBe(c[1] - c[0]);
      if (a[1] > a[0]) expect(a[0]).toBe(c[0]);
    }
  });

  test("a skiplist converts back to a listpack only when it fits", () => {
    const lim = { maxEntries: 4, maxValue: 3 };
    const z = ZsetValue.skiplist();
    z.add(1, b("a"), 0, lim);
    z.add(2, b("bbbb"), 0, lim);
    z.maybeCompact(lim);
    expect(z.encoding()).toBe("skiplist");
    z.remove(b("bbbb"));
    z.maybeCompact(lim);
    expect(z.encoding()).toBe("listpack");
    z.check();
    expect(z.score(b("a"))).toBe(1);
  });

  test("ZADD's first member decides the new key's encoding (Redis 7.0)", () => {
    expect(ZsetValue.createFor(64, { maxEntries: 128, maxValue: 64 }).encoding()).toBe("listpack");
    expect(ZsetValue.createFor(65, { maxEntries: 128, maxValue: 64 }).encoding()).toBe("skiplist");
    expect(ZsetValue.createFor(1, { maxEntries: 0, maxValue: 64 }).encoding()).toBe("skiplist");
  });
});

describe("set value: intset and hashtable against a model", () => {
  test("random adds and removes convert like Redis 7.0 and keep contents", () => {
    for (const seed of [21, 22, 23]) {
      const r = rng(seed);
      const s = SetValue.createFor(b("1"));
      const model = new Set<string>();
      let converted = false;
      for (let step = 0; step < 1500; step++) {
        const x = r();
        const m = x < 0.02 ? "x" + Math.floor(r() * 5) : x < 0.05 ? "0" + Math.floor(r() * 5) : String(Math.floor(r() * 40) - 20);
        if (r() < 0.6) {
          expect(s.add(b(m), 30)).toBe(!model.has(m));
          model.add(m);
        } else {
          expect(s.remove(b(m))).toBe(model.has(m));
          model.delete(m);
        }
        expect(s.has(b(m))).toBe(model.has(m));
        if (s.encoding() === "hashtable") converted = true;
        else {
          expect(converted).toBe(false);
          expect(model.size).toBeLessThanOrEqual(30);
          s.is!.check();
        }
        expect(s.size).toBe(model.size);
        const got = s.members().map((mm) => new TextDecoder().decode(mm));
        expect(new Set(got)).toEqual(model);
        if (s.encoding() === "intset") {
          const nums = got.map(Number);
          expect(nums).toEqual([...nums].sort((p, q) => p - q));
        }
      }
      expect(converted).toBe(true);
    }
  });

  test("non-canonical integers are not intset members", () => {
    for (const m of ["01", "-0", "+1", " 1", "1.0", "9223372036854775808", ""]) {
      const s = SetValue.createFor(b(m));
      expect(s.encoding()).toBe("hashtable");
    }
    const s = SetValue.createFor(b("-9223372036854775808"));
    expect(s.encoding()).toBe("intset");
    s.add(b("-9223372036854775808"), 512);
    s.add(b("9223372036854775807"), 512);
    expect(s.members().map((m) => new TextDecoder().decode(m))).toEqual(["-9223372036854775808", "9223372036854775807"]);
    expect(s.pop().length).toBeGreaterThan(0);
    expect(s.size).toBe(1);
  });
});
