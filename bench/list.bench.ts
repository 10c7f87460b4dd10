/**
 * Quicklist against a plain JS array of Uint8Array: pushes and pops at both ends, index access,
 * and a range walk. `bun bench/list.bench.ts`
 */
import { QuickList } from "../src/datastructures/quicklist.ts";
import { add, runAll } from "./harness.ts";

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

const G1 = "push 10k at the tail, then pop them from the head";
add(G1, "quicklist", () => {
  const q = new QuickList(-2);
  for (let i = 0; i < N; i++) q.pushBack(item);
  while (q.popFront() !== null);
});
add(G1, "array (push + shift)", () => {
  const a: Uint8Array[] = [];
  for (let i = 0; i < N; i++) a.push(item.slice());
  while (a.shift() !== undefined);
});

const G2 = "push 10k at the head";
add(G2, "quicklist", () => {
  const q = new QuickList(-2);
  for (let i = 0; i < N; i++) q.pushFront(item);
});
add(G2, "array (unshift)", () => {
  const a: Uint8Array[] = [];
  for (let i = 0; i < N; i++) a.unshift(item.slice());
});

const q = filledQuick();
const arr = filledArray();
let x = 0;
const G3 = "1000 random index reads in a 10k list";
add(G3, "quicklist get", () => {
  for (let i = 0; i < 1000; i++) x += q.get((i * 7919) % N)!.length;
});
add(G3, "array index", () => {
  for (let i = 0; i < 1000; i++) x += arr[(i * 7919) % N]!.length;
});

const G4 = "walk 100 elements from the middle (LRANGE)";
add(G4, "quicklist forEachFrom", () => {
  q.forEachFrom(N / 2, (_b, _o, len, i) => {
    x += len;
    return i < N / 2 + 99;
  });
});
add(G4, "array slice", () => {
  for (const v of arr.slice(N / 2, N / 2 + 100)) x += v.length;
});

if (import.meta.main) {
  await runAll();
  if (x === -1) console.log(x);
}
