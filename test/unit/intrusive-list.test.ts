import { describe, expect, test } from "bun:test";
import { IntrusiveList, type ListNode } from "../../src/datastructures/intrusive-list.ts";
import { rng } from "./rng.ts";

class N implements ListNode<N> {
  prev: N | null = null;
  next: N | null = null;
  constructor(readonly v: number) {}
}

function check(l: IntrusiveList<N>, model: N[]): void {
  expect(l.length).toBe(model.length);
  expect(l.head).toBe(model[0] ?? null);
  expect(l.tail).toBe(model[model.length - 1] ?? null);
  const fwd: N[] = [];
  let prev: N | null = null;
  for (let n = l.head; n !== null; n = n.next) {
    expect(n.prev).toBe(prev);
    fwd.push(n);
    prev = n;
  }
  expect(fwd).toEqual(model);
}

describe("IntrusiveList", () => {
  test("push, pop, insert and remove by node agree with an array model (seeded random)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const l = new IntrusiveList<N>();
      const model: N[] = [];
      let id = 0;
      for (let step = 0; step < 400; step++) {
        const op = Math.floor(r() * 8);
        const pick = (): number => Math.floor(r() * model.length);
        if (op === 0) {
          const n = new N(id++);
          l.pushBack(n);
          model.push(n);
        } else if (op === 1) {
          const n = new N(id++);
          l.pushFront(n);
          model.unshift(n);
        } else if (op === 2) {
          expect(l.popFront()).toBe(model.shift() ?? null);
        } else if (op === 3) {
          expect(l.popBack()).toBe(model.pop() ?? null);
        } else if (op === 4 && model.length > 0) {
          const i = pick();
          l.remove(model[i]!);
          const [gone] = model.splice(i, 1);
          expect(gone!.prev).toBeNull();
          expect(gone!.next).toBeNull();
        } else if (op === 5 && model.length > 0) {
          const i = pick();
          const n = new N(id++);
          l.insertAfter(model[i]!, n);
          model.splice(i + 1, 0, n);
        } else if (op === 6 && model.length > 0) {
          const i = pick();
          const n = new N(id++);
          l.insertBefore(model[i]!, n);
          model.splice(i, 0, n);
        } else if (op === 7 && model.length > 0) {
          const i = pick();
          expect(l.at(i)).toBe(model[i]!);
          expect(l.at(i - model.length)).toBe(model[i]!);
          l.moveToBack(model[i]!);
          model.push(model.splice(i, 1)[0]!);
        }
        check(l, model);
      }
    }
  });

  test("iteration survives removing the current node", () => {
    const l = new IntrusiveList<N>();
    for (let i = 0; i < 10; i++) l.pushBack(new N(i));
    const seen: number[] = [];
    for (const n of l) {
      seen.push(n.v);
      if (n.v % 2 === 0) l.remove(n);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...l].map((n) => n.v)).toEqual([1, 3, 5, 7, 9]);
    expect(l.at(10)).toBeNull();
    expect(l.at(-6)).toBeNull();
  });
});
