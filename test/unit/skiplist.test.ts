import { describe, expect, test } from "bun:test";
import { compareBytes, LEX_MAX, LEX_MIN, LEX_VALUE, Skiplist, type LexBound } from "../../src/datastructures/skiplist.ts";
import { rng } from "./rng.ts";

interface Item {
  score: number;
  member: Uint8Array;
}

const enc = new TextEncoder();
const cmp = (a: Item, b: Item) => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : compareBytes(a.member, b.member));

function randomMember(r: () => number): Uint8Array {
  const len = Math.floor(r() * 4);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = 97 + Math.floor(r() * 4);
  return b;
}

function expectSame(zsl: Skiplist, model: Item[]): void {
  zsl.check();
  expect(zsl.length).toBe(model.length);
  let i = 0;
  for (const n of zsl) {
    expect(n.score).toBe(model[i]!.score);
    expect(compareBytes(n.key, model[i]!.member)).toBe(0);
    i++;
  }
}

describe("skiplist against a sorted-array model", () => {
  test("random inserts, deletes, score updates and rank queries keep every invariant", () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const zsl = new Skiplist();
      let model: Item[] = [];
      const find = (m: Uint8Array) => model.findIndex((x) => compareBytes(x.member, m) === 0);
      for (let step = 0; step < 1500; step++) {
        const op = r();
        const m = randomMember(r);
        const score = Math.floor(r() * 5) - 2;
        const at = find(m);
        if (op < 0.45) {
          if (at < 0) {
            zsl.insert(score, m);
            model.push({ score, member: m });
            model.sort(cmp);
          }
        } else if (op < 0.65) {
          const s = at >= 0 ? model[at]!.score : score;
          const n = zsl.delete(s, m);
          expect(n !== null).toBe(at >= 0);
          if (at >= 0) model.splice(at, 1);
        } else if (op < 0.8) {
          if (at >= 0) {
            const node = zsl.getByRank(at + 1)!;
            expect(compareBytes(node.key, m)).toBe(0);
            const ns = score + (r() < 0.5 ? 0.5 : 0);
            const back = zsl.updateScore(node, ns);
            expect(back).toBe(node);
            model[at]!.score = ns;
            model.sort(cmp);
          }
        } else if (op < 0.95) {
          // Ranks both ways.
          const rank = zsl.getRank(at >= 0 ? model[at]!.score : score, m);
          expect(rank).toBe(at >= 0 ? at + 1 : 0);
          const k = Math.floor(r() * (model.length + 2));
          const n = zsl.getByRank(k);
          if (k < 1 || k > model.length) expect(n).toBeNull();
          else expect(n!.score).toBe(model[k - 1]!.score);
          const s = Math.floor(r() * 5) - 2;
          expect(zsl.countBelowScore(s, false)).toBe(model.filter((x) => x.score < s).length);
          expect(zsl.countBelowScore(s, true)).toBe(model.filter((x) => x.score <= s).length);
        } else {
          const from = Math.floor(r() * (model.length + 1));
          const to = from + Math.floor(r() * 4);
          const removed: Uint8Array[] = [];
          const count = zsl.deleteRankRange(from, to, (n) => removed.push(n.key));
          const gone = model.slice(from, to);
          expect(count).toBe(gone.length);
          expect(removed.map((b) => [...b].join(","))).toEqual(gone.map((x) => [...x.member].join(",")));
          model = model.filter((_, i) => i < from || i >= to);
        }
        expectSame(zsl, model);
        // Backward walk from the tail mirrors the model reversed.
        let i = model.length - 1;
        for (let n = zsl.tail; n !== null; n = n.backward) expect(n.score).toBe(model[i--]!.score);
        expect(i).toBe(-1);
      }
    }
  });

  test("lex counts match the model when all scores are equal", () => {
    const r = rng(7);
    const zsl = new Skiplist();
    const model: Item[] = [];
    for (let k = 0; k < 300; k++) {
      const m = randomMember(r);
      if (model.some((x) => compareBytes(x.member, m) === 0)) continue;
      zsl.insert(0, m);
      model.push({ score: 0, member: m });
    }
    model.sort(cmp);
    zsl.check();
    const bounds: LexBound[] = [
      { kind: LEX_MIN, value: new Uint8Array(0), exclusive: false },
      { kind: LEX_MAX, value: new Uint8Array(0), exclusive: false },
    ];
    for (let k = 0; k < 50; k++) bounds.push({ kind: LEX_VALUE, value: randomMember(r), exclusive: r() < 0.5 });
    for (const b of bounds) {
      for (const inclusive of [false, true]) {
        const expected =
          b.kind === LEX_MIN ? 0 : b.kind === LEX_MAX ? model.length : model.filter((x) => {
            const c = compareBytes(x.member, b.value);
            return c < 0 || (inclusive && c === 0);
          }).length;
        expect(zsl.countBelowLex(b, inclusive)).toBe(expected);
      }
    }
  });

  test("updating a score in place keeps the node when the order does not change", () => {
    const zsl = new Skiplist();
    const a = zsl.insert(1, enc.encode("a"));
    zsl.insert(3, enc.encode("c"));
    expect(zsl.updateScore(a, 2)).toBe(a);
    expect(a.score).toBe(2);
    expect(zsl.first).toBe(a);
    zsl.updateScore(a, 4);
    expect(zsl.tail).toBe(a);
    zsl.check();
  });
});
