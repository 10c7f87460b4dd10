import { describe, expect, test } from "bun:test";
import { QuickList } from "../../src/datastructures/quicklist.ts";
import { hex, randomBytes, rng } from "./rng.ts";

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

function same(q: QuickList, model: Uint8Array[]): void {
  const err = q.check();
  if (err !== null) throw new Error(err);
  expect(q.length).toBe(model.length);
  expect(q.toArray().map(hex)).toEqual(model.map(hex));
}

function eq(a: Uint8Array, x: Uint8Array): boolean {
  return a.length === x.length && a.every((v, i) => v === x[i]);
}

describe("QuickList", () => {
  test("every operation agrees with an array model and keeps the chunk invariants (seeded random, several fills)", () => {
    for (const fill of [-2, -1, 1, 2, 4, 7, 128]) {
      for (let seed = 1; seed <= 6; seed++) {
        const r = rng(seed * 1000 + fill + 17);
        const q = new QuickList(fill);
        let model: Uint8Array[] = [];
        for (let step = 0; step < 500; step++) {
          const op = Math.floor(r() * 12);
          const v = randomBytes(r, 200);
          const idx = (): number => Math.floor(r() * (model.length + 1)) - (r() < 0.3 ? model.length : 0);
          switch (op) {
            case 0:
            case 1:
              q.pushBack(v);
              model.push(v);
              break;
            case 2:
            case 3:
              q.pushFront(v);
              model.unshift(v);
              break;
            case 4:
              expect(hex(q.popFront())).toBe(hex(model.shift() ?? null));
              break;
            case 5:
              expect(hex(q.popBack())).toBe(hex(model.pop() ?? null));
              break;
            case 6: {
              const i = idx();
              const norm = i < 0 ? i + model.length : i;
              expect(hex(q.get(i))).toBe(hex(model[norm] ?? null));
              break;
            }
            case 7: {
              const i = idx();
              const norm = i < 0 ? i + model.length : i;
              const ok = q.set(i, v);
              expect(ok).toBe(norm >= 0 && norm < model.length);
              if (ok) model[norm] = v;
              break;
            }
            case 8: {
              const i = Math.floor(r() * (model.length + 1));
              q.insertAt(i, v);
              model.splice(i, 0, v);
              break;
            }
            case 9: {
              const i = idx();
              const norm = i < 0 ? i + model.length : i;
              const ok = q.removeAt(i);
              expect(ok).toBe(norm >= 0 && norm < model.length);
              if (ok) model.splice(norm, 1);
              break;
            }
            case 10: {
              // LREM-like removal of a value that may occur several times.
              const target = model.length > 0 && r() < 0.8 ? model[Math.floor(r() * model.length)]! : v;
              const count = Math.floor(r() * 7) - 3;
              const removed = q.removeValue(target, count);
              let left = count === 0 ? Infinity : Math.abs(count);
              let n = 0;
              if (count >= 0) {
                model = model.filter((x) => (left > 0 && eq(x, target) ? (left--, n++, false) : true));
              } else {
                const keep: Uint8Array[] = [];
                for (let i = model.length - 1; i >= 0; i--) {
                  if (left > 0 && eq(model[i]!, target)) {
                    left--;
                    n++;
                  } else keep.unshift(model[i]!);
                }
                model = keep;
              }
              expect(removed).toBe(n);
              break;
            }
            case 11: {
              if (r() < 0.2 && model.length > 0) {
                const s = Math.floor(r() * model.length);
                const e = s + Math.floor(r() * (model.length - s));
                q.trim(s, e);
                model = model.slice(s, e + 1);
              } else {
                const s = Math.floor(r() * (model.length + 1));
                const n = Math.floor(r() * 30);
                q.removeRange(s, n);
                model.splice(s, n);
              }
              break;
            }
          }
          same(q, model);
        }
        // Walks in both directions from every index agree with the model.
        for (let from = 0; from < model.length; from += Math.max(1, Math.floor(model.length / 7))) {
          const fwd: string[] = [];
          q.forEachFrom(from, (buf, off, len, i) => {
            expect(i).toBe(from + fwd.length);
            fwd.push(hex(buf.subarray(off, off + len))!);
            return true;
          });
          expect(fwd).toEqual(model.slice(from).map((x) => hex(x)!));
          const back: string[] = [];
          q.forEachBackFrom(from, (buf, off, len) => {
            back.push(hex(buf.subarray(off, off + len))!);
            return true;
          });
          expect(back).toEqual(model.slice(0, from + 1).reverse().map((x) => hex(x)!));
        }
        const copy = new QuickList(fill);
        q.copyInto(copy);
        same(copy, model);
      }
    }
  });

  test("respects list-max-listpack-size: count fills cap entries per chunk, byte fills cap bytes", () => {
    const q = new QuickList(4);
    for (let i = 0; i < 20; i++) q.pushBack(b(`v${i}`));
    expect(q.chunks.length).toBe(5);
    for (const c of q.chunks) expect(c.count).toBeLessThanOrEqual(4);
    const big = new QuickList(-2);
    for (let i = 0; i < 2000; i++) big.pushFront(new Uint8Array(100).fill(120));
    for (const c of big.chunks) expect(c.bytes).toBeLessThanOrEqual(8192);
    expect(big.chunks.length).toBeGreaterThan(20);
    expect(big.check()).toBeNull();
  });

  test("an element larger than the chunk budget gets a chunk of its own", () => {
    const q = new QuickList(-1);
    q.pushBack(b("a"));
    q.pushBack(new Uint8Array(10000));
    q.pushBack(b("b"));
    expect(q.chunks.length).toBe(3);
    expect(q.check()).toBeNull();
    expect(q.get(1)!.length).toBe(10000);
  });

  test("lengths that need multi-byte headers round-trip at both ends", () => {
    const q = new QuickList(-5);
    const sizes = [0, 1, 127, 128, 16383, 16384, 70000];
    for (const n of sizes) q.pushBack(new Uint8Array(n).fill(n % 251));
    for (const n of sizes) q.pushFront(new Uint8Array(n).fill(n % 251));
    expect(q.check()).toBeNull();
    for (const n of [...sizes].reverse()) expect(q.popFront()!.length).toBe(n);
    for (const n of [...sizes].reverse()) expect(q.popBack()!.length).toBe(n);
    expect(q.length).toBe(0);
    expect(q.chunks.length).toBe(0);
  });
});
