/**
 * Quicklist against a plain JS array of Uint8Array: pushes and pops at both ends, index access,
 * and a range walk. `bun bench/list.bench.ts`
 */
import { bench, group, run } from "mitata";
import { QuickList } from "../src/datastructures/quicklist.ts";

const N = 10_000;
const item = new TextEncoder().encode("some-list-element");

function filledQuick(): QuickList {
  const q = new QuickList(-2);
  for (let i = 0; i < N; i++) q.pushBack(item);
  return q;
}
function filledArray(): Uint8Array[] {
  const a: Uint8Array[] = [];
  for (let i = 0; i < N; i++) a.push(item.slice());
  return a;
}

group("push 10k at the tail, then pop them from the head", () => {
  bench("quicklist", () => {
    const q = new QuickList(-2);
    for (let i = 0; i < N; i++) q.pushBack(item);
    while (q.popFront() !== null);
  });
  bench("array (push + shift)", () => {
    const a: Uint8Array[] = [];
    for (let i = 0; i < N; i++) a.push(item.slice());
    while (a.shift() !== undefined);
  });
});

group("push 10k at the head", () => {
  bench("quicklist", () => {
    const q = new QuickList(-2);
    for (let i = 0; i < N; i++) q.pushFront(item);
  });
  bench("array (unshift)", () => {
    const a: Uint8Array[] = [];
    for (let i = 0; i < N; i++) a.unshift(item.slice());
  });
});

const q = filledQuick();
const arr = filledArray();
let x = 0;
group("1000 random index reads in a 10k list", () => {
  bench("quicklist get", () => {
    for (let i = 0; i < 1000; i++) x += q.get((i * 7919) % N)!.length;
  });
  bench("array index", () => {
    for (let i = 0; i < 1000; i++) x += arr[(i * 7919) % N]!.length;
  });
});

group("walk 100 elements from the middle (LRANGE)", () => {
  bench("quicklist forEachFrom", () => {
    q.forEachFrom(N / 2, (_b, _o, len, i) => {
      x += len;
      return i < N / 2 + 99;
    });
  });
  bench("array slice", () => {
    for (const v of arr.slice(N / 2, N / 2 + 100)) x += v.length;
  });
});

await run();
if (x === -1) console.log(x);
