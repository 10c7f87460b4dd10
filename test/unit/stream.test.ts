/**
 * The stream structure (datastructures/stream.ts) against a naive model: random XADD / XDEL /
 * XTRIM (exact and approximate, MAXLEN and MINID, with limits) under several node limits, with
 * every invariant checked after every operation (node listpacks re-validated, counters, order)
 * and ranges read forward and backward compared with the model. Also: IdMap against a sorted
 * array, listpack element encoding round trips, ID parsing (Redis's string2ull) and the rax
 * node count.
 */
import { describe, expect, test } from "bun:test";
import { IdMap } from "../../src/datastructures/id-map.ts";
import { LpElement, lpIntSize, lpPrev, lpSkip, lpStrSize, lpStringToInt, lpWriteInt, lpWriteStr } from "../../src/datastructures/listpack.ts";
import { raxNodesFor, Stream, StreamFormatError, validateNode } from "../../src/datastructures/stream.ts";
import { cmpId, encodeId128, idBytes, idDecr, idIncr, parseStreamId, U64_MAX, type StreamId, type U64 } from "../../src/datastructures/stream-id.ts";
import { rng } from "../interop/families.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface ModelEntry {
  ms: U64;
  seq: U64;
  fields: string[];
}

function readAll(s: Stream, rev: boolean, start: StreamId = { ms: 0, seq: 0 }, end: StreamId = { ms: U64_MAX, seq: U64_MAX }): ModelEntry[] {
  const it = s.iterate(start, end, rev);
  const out: ModelEntry[] = [];
  while (it.next()) {
    const e = it.entry;
    const fields: string[] = [];
    for (let i = 0; i < e.numFields; i++) fields.push(dec.decode(e.field(i)), dec.decode(e.value(i)));
    out.push({ ms: e.ms, seq: e.seq, fields });
  }
  return out;
}

function inRange(e: ModelEntry, a: StreamId, b: StreamId): boolean {
  return cmpId(e.ms, e.seq, a.ms, a.seq) >= 0 && cmpId(e.ms, e.seq, b.ms, b.seq) <= 0;
}

describe("stream structure vs a naive model", () => {
  for (const [maxBytes, maxEntries] of [
    [4096, 100],
    [120, 5],
    [0, 3],
    [60, 0],
  ] as const) {
    test(`random XADD/XDEL/XTRIM with node limits ${maxBytes} bytes / ${maxEntries} entries`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const r = rng(seed * 7919 + maxEntries);
        const s = new Stream();
        let model: ModelEntry[] = [];
        let ms = 0;
        let seq = 0;
        const vocab = ["f", "g", "name", "1", "-7", "12345678901", "9223372036854775807", "", "long".repeat(10)];
        for (let op = 0; op < 400; op++) {
          const x = r();
          if (x < 0.55) {
            if (r() < 0.5) ms += 1 + Math.floor(r() * 1000);
            else seq++;
            const n = 1 + Math.floor(r() * 3);
            const args: Uint8Array[] = [];
            const fields: string[] = [];
            const same = r() < 0.6;
            for (let i = 0; i < n; i++) {
              const f = same ? ["f", "g", "name"][i]! : vocab[Math.floor(r() * vocab.length)]!;
              const v = vocab[Math.floor(r() * vocab.length)]!;
              args.push(enc.encode(f), enc.encode(v));
              fields.push(f, v);
            }
            s.append(ms, seq, args, 0, n, maxBytes, maxEntries);
            model.push({ ms, seq, fields });
          } else if (x < 0.8) {
            if (model.length === 0) continue;
            const victim = model[Math.floor(r() * model.length)]!;
            expect(s.delete(victim.ms, victim.seq)).toBe(true);
            expect(s.delete(victim.ms, victim.seq)).toBe(false);
            model = model.filter((e) => e !== victim);
          } else if (x < 0.9) {
            const maxlen = Math.floor(r() * (model.length + 2));
            const approx = r() < 0.5;
            const limit = approx && r() < 0.3 ? Math.floor(r() * 20) : 0;
            const before = model.length;
            const removed = s.trim({ strategy: "maxlen", maxlen, minid: { ms: 0, seq: 0 }, approx, limit });
            if (!approx) {
              expect(removed).toBe(Math.max(0, before - maxlen));
            } else expect(model.length - removed).toBeGreaterThanOrEqual(Math.min(before, maxlen));
            model = model.slice(removed);
          } else {
            const pick = model.length > 0 && r() < 0.8 ? model[Math.floor(r() * model.length)]! : { ms: Math.floor(r() * (ms + 2)), seq: 0 };
            const minid = { ms: pick.ms, seq: pick.seq };
            const approx = r() < 0.5;
            const removed = s.trim({ strategy: "minid", maxlen: 0, minid, approx, limit: 0 });
            const below = model.filter((e) => cmpId(e.ms, e.seq, minid.ms, minid.seq) < 0).length;
            if (!approx) expect(removed).toBe(below);
            else expect(removed).toBeLessThanOrEqual(below);
            model = model.slice(removed);
          }
          // Invariants after every operation.
          const live = s.check();
          expect(live.length).toBe(model.length);
          expect(s.length).toBe(model.length);
          if (op % 10 === 0 || op > 390) {
            expect(readAll(s, false)).toEqual(model);
            expect(readAll(s, true)).toEqual([...model].reverse());
            if (model.length > 2) {
              const a = model[Math.floor(r() * model.length)]!;
              const b = model[Math.floor(r() * model.length)]!;
              const lo = cmpId(a.ms, a.seq, b.ms, b.seq) <= 0 ? a : b;
              const hi = lo === a ? b : a;
              const want = model.filter((e) => inRange(e, lo, hi));
              expect(readAll(s, false, lo, hi)).toEqual(want);
              expect(readAll(s, true, lo, hi)).toEqual([...want].reverse());
            }
          }
          const first = model[0];
          expect(s.firstValidId()).toEqual(first === undefined ? { ms: 0, seq: 0 } : { ms: first.ms, seq: first.seq });
          const last = model[model.length - 1];
          expect(s.lastValidId()).toEqual(last === undefined ? { ms: 0, seq: 0 } : { ms: last.ms, seq: last.seq });
        }
      }
    });
  }

  test("approximate trimming removes whole nodes only", () => {
    const s = new Stream();
    for (let i = 1; i <= 25; i++) s.append(i, 0, [enc.encode("f"), enc.encode("v")], 0, 1, 4096, 10);
    expect(s.nodeCount).toBe(3);
    expect(s.trim({ strategy: "maxlen", maxlen: 12, minid: { ms: 0, seq: 0 }, approx: true, limit: 0 })).toBe(10);
    expect(s.length).toBe(15);
    expect(s.trim({ strategy: "maxlen", maxlen: 12, minid: { ms: 0, seq: 0 }, approx: true, limit: 0 })).toBe(0);
    expect(s.trim({ strategy: "maxlen", maxlen: 12, minid: { ms: 0, seq: 0 }, approx: false, limit: 0 })).toBe(3);
    expect(s.length).toBe(12);
    expect(s.firstMs).toBe(14);
  });

  test("adopted node listpacks are validated", () => {
    const s = new Stream();
    s.append(5, 0, [enc.encode("a"), enc.encode("b")], 0, 1, 4096, 100);
    const node = s.nodes.value(s.nodes.first()!);
    const lp = node.listpack().slice();
    expect(validateNode(5, 0, lp).live).toBe(1);
    const bad = lp.slice();
    bad[bad.length - 3] = 9; // lp-count
    expect(() => validateNode(5, 0, bad)).toThrow(StreamFormatError);
    const badBacklen = lp.slice();
    badBacklen[badBacklen.length - 2] = 7;
    expect(() => validateNode(5, 0, badBacklen)).toThrow(StreamFormatError);
    expect(() => validateNode(5, 0, lp.subarray(0, lp.length - 1))).toThrow(StreamFormatError);
    const s2 = new Stream();
    expect(s2.loadNode(5, 0, lp)).toBe(1);
    expect(() => s2.loadNode(5, 0, lp)).toThrow(StreamFormatError); // node keys must increase
  });
});

describe("IdMap vs a sorted array", () => {
  test("random inserts, deletes, seeks and walks", () => {
    const r = rng(42);
    const m = new IdMap<number>();
    let model: [number, number, number][] = [];
    const find = (ms: number, seq: number) => model.findIndex(([a, b]) => a === ms && b === seq);
    for (let op = 0; op < 6000; op++) {
      const ms = Math.floor(r() * 600);
      const seq = Math.floor(r() * 3);
      const x = r();
      if (x < 0.5 || model.length < 10) {
        const v = op;
        const isNew = find(ms, seq) < 0;
        expect(m.set(ms, seq, v)).toBe(isNew);
        if (isNew) model.push([ms, seq, v]);
        else model[find(ms, seq)]![2] = v;
        model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      } else if (x < 0.8) {
        const i = find(ms, seq);
        expect(m.delete(ms, seq)).toBe(i < 0 ? undefined : model[i]![2]);
        if (i >= 0) model.splice(i, 1);
      } else {
        const ge = m.seekGE(ms, seq);
        const gi = model.findIndex(([a, b]) => cmpId(a, b, ms, seq) >= 0);
        if (gi < 0) expect(ge).toBeNull();
        else expect([m.ms(ge!), m.seq(ge!)]).toEqual([model[gi]![0], model[gi]![1]]);
        const le = m.seekLE(ms, seq);
        let li = -1;
        for (let i = 0; i < model.length; i++) if (cmpId(model[i]![0], model[i]![1], ms, seq) <= 0) li = i;
        if (li < 0) expect(le).toBeNull();
        else expect([m.ms(le!), m.seq(le!)]).toEqual([model[li]![0], model[li]![1]]);
      }
      m.check();
      expect(m.size).toBe(model.length);
      if (op % 500 === 0) {
        const all: [U64, U64, number][] = [];
        m.forEach((a, b, v) => {
          all.push([a, b, v]);
        });
        expect(all).toEqual(model);
        const back: number[] = [];
        const cur = m.last();
        if (cur !== null) do back.push(m.value(cur)); while (m.prev(cur));
        expect(back).toEqual(model.map((e) => e[2]).reverse());
      }
    }
  });
});

describe("listpack elements", () => {
  test("integers and strings round-trip with the smallest encoding, backward walks agree", () => {
    const values: (string | number | bigint)[] = [0, 1, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 32768, -8388608, 8388607, -2147483648, 2147483647, 2147483648, 9007199254740993n, -9223372036854775808n, 9223372036854775807n];
    const strs = ["", "a", "x".repeat(63), "x".repeat(64), "y".repeat(4095), "z".repeat(4096), "01", "-0", "+1", "9223372036854775808", "12345"];
    const buf = new Uint8Array(1 << 16);
    let p = 0;
    const starts: number[] = [];
    for (const v of values) {
      starts.push(p);
      const end = lpWriteInt(buf, p, v as number | bigint);
      expect(end - p).toBe(lpIntSize(v as number | bigint));
      p = end;
    }
    for (const s of strs) {
      starts.push(p);
      const b = enc.encode(s);
      const end = lpWriteStr(buf, p, b);
      expect(end - p).toBe(lpStrSize(b));
      p = end;
    }
    const el = new LpElement();
    let q = 0;
    for (let i = 0; i < starts.length; i++) {
      expect(q).toBe(starts[i]!);
      el.read(buf, q);
      if (i < values.length) {
        expect(el.isInt).toBe(true);
        expect(BigInt(el.int)).toBe(BigInt(values[i]!));
      } else {
        const s = strs[i - values.length]!;
        expect(dec.decode(el.bytes(buf))).toBe(s);
        expect(el.isInt).toBe(lpStringToInt(enc.encode(s)) !== null);
      }
      expect(lpSkip(buf, q)).toBe(el.next);
      q = el.next;
    }
    for (let i = starts.length - 1; i > 0; i--) expect(lpPrev(buf, starts[i]!)).toBe(starts[i - 1]!);
  });
});

describe("stream IDs", () => {
  const parse = (s: string, strict = false, star = false) => {
    const p = parseStreamId(enc.encode(s), 0, strict, star);
    return p === null ? null : `${p.ms}-${p.seq}${p.seqGiven ? "" : "*"}`;
  };
  test("parsing follows string2ull (strtoull fallbacks included)", () => {
    expect(parse("1-2")).toBe("1-2");
    expect(parse("5")).toBe("5-0");
    expect(parse("-")).toBe("0-0");
    expect(parse("+")).toBe("18446744073709551615-18446744073709551615");
    expect(parse("-", true)).toBeNull();
    expect(parse("007-3")).toBe("7-3");
    expect(parse(" 9-1")).toBe("9-1");
    expect(parse("9-1 ")).toBeNull();
    expect(parse("+10-+1")).toBe("10-1");
    expect(parse("-0-1")).toBeNull();
    expect(parse("5-*")).toBeNull();
    expect(parse("5-*", false, true)).toBe("5-0*");
    expect(parse("18446744073709551615-18446744073709551615")).toBe("18446744073709551615-18446744073709551615");
    expect(parse("18446744073709551616-0")).toBeNull();
    expect(parse("x".repeat(130))).toBeNull();
    expect(parse("1-2\u0000junk")).toBe("1-2");
  });
  test("increment, decrement and text at the 64-bit edges", () => {
    expect(idIncr({ ms: 5, seq: U64_MAX })).toEqual({ ms: 6, seq: 0 });
    expect(idIncr({ ms: U64_MAX, seq: U64_MAX })).toBeNull();
    expect(idDecr({ ms: 6, seq: 0 })).toEqual({ ms: 5, seq: U64_MAX });
    expect(idDecr({ ms: 0, seq: 0 })).toBeNull();
    expect(idIncr({ ms: 0, seq: Number.MAX_SAFE_INTEGER })).toEqual({ ms: 0, seq: 9007199254740992n });
    expect(dec.decode(idBytes(U64_MAX, 12))).toBe("18446744073709551615-12");
    expect(dec.decode(idBytes(1526919030474, 55))).toBe("1526919030474-55");
  });
});

describe("rax node count", () => {
  test("small cases", () => {
    expect(raxNodesFor([])).toBe(1);
    expect(raxNodesFor([encodeId128(1, 1)])).toBe(2);
    // Two keys differing in the last byte: root chain, branching node, two leaves.
    expect(raxNodesFor([encodeId128(1, 1), encodeId128(1, 2)])).toBe(4);
    // Differing in the first byte: the root branches; each leaf hangs below a 15-byte chain.
    expect(raxNodesFor([encodeId128(0, 1), encodeId128(2n ** 63n, 1)])).toBe(5);
  });
});
