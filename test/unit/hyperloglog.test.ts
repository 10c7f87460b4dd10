/**
 * The HLL encoding (datastructures/hyperloglog.ts) against values taken from Redis 7.0, and its
 * internal consistency: sparse and dense representations fed the same elements hold the same
 * registers and give the same estimate; promotion at hll-sparse-max-bytes and at values > 32;
 * corrupt runs are detected. (Byte-exactness of longer sparse histories is the differential
 * test's job.)
 */
import { describe, expect, test } from "bun:test";
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  cachedCard,
  createHll,
  denseGet,
  hllAdd,
  hllCount,
  hllInvalidate,
  hllMergeInto,
  hllPatLen,
  hllToDense,
  isHll,
  murmurHash64A,
  rawCount,
  sparseSet,
  sparseToDense,
  type HllRef,
} from "../../src/datastructures/hyperloglog.ts";

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("HLL format vs values from Redis 7.0", () => {
  test("an empty HLL, and PFADD a b c, byte for byte", () => {
    const ref: HllRef = { b: createHll() };
    expect(hex(ref.b)).toBe("48594c4c0100000000000000000000007fff");
    for (const e of ["a", "b", "c"]) expect(hllAdd(ref, enc.encode(e), 3000)).toBe(1);
    hllInvalidate(ref.b);
    // GET after `PFADD hx a b c` on redis-server 7.0.15:
    expect(hex(ref.b)).toBe("48594c4c01000000000000000000008060f38050b1844bfb80425a");
    expect(cachedCard(ref.b)).toBe(-1);
    expect(hllCount(ref.b)).toBe(3);
  });

  test("1,000 elements stay sparse and estimate 1008, as Redis does", () => {
    const ref: HllRef = { b: createHll() };
    for (let i = 1; i <= 1000; i++) hllAdd(ref, enc.encode(`e${i}`), 3000);
    expect(ref.b[4]).toBe(HLL_SPARSE);
    expect(hllCount(ref.b)).toBe(1008);
    expect(hex(ref.b.subarray(16, 36))).toBe("0584058409848110800681008414880b80198006");
  });

  test("MurmurHash64A with Redis's seed is deterministic and spreads register indexes", () => {
    expect(murmurHash64A(enc.encode(""))).toBe(murmurHash64A(new Uint8Array(0)));
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const [idx, count] = hllPatLen(enc.encode(`k${i}`));
      expect(idx).toBeGreaterThanOrEqual(0);
      expect(idx).toBeLessThan(HLL_REGISTERS);
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(51);
      seen.add(idx);
    }
    expect(seen.size).toBeGreaterThan(4000);
  });
});

describe("sparse and dense agree", () => {
  test("the same elements give the same registers and estimates through promotion", () => {
    const sparse: HllRef = { b: createHll() };
    const dense: HllRef = { b: sparseToDense(createHll())! };
    expect(dense.b.length).toBe(HLL_DENSE_SIZE);
    let promotedAt = -1;
    for (let i = 0; i < 20000; i++) {
      const e = enc.encode(`element:${i}`);
      const a = hllAdd(sparse, e, 3000);
      const b = hllAdd(dense, e, 3000);
      expect(a).toBe(b);
      if (promotedAt < 0 && sparse.b[4] === HLL_DENSE) promotedAt = i;
      if (sparse.b[4] === HLL_SPARSE) expect(sparse.b.length).toBeLessThanOrEqual(3000);
      if (i % 997 === 0) {
        expect(hllCount(sparse.b)).toBe(hllCount(dense.b));
        const viaDense = sparse.b[4] === HLL_SPARSE ? sparseToDense(sparse.b)! : sparse.b;
        for (let r = 0; r < HLL_REGISTERS; r += 61) expect(denseGet(viaDense, r)).toBe(denseGet(dense.b, r));
      }
    }
    expect(promotedAt).toBeGreaterThan(100);
    expect(hex(sparse.b.subarray(16))).toBe(hex(dense.b.subarray(16)));
    const est = hllCount(dense.b);
    expect(Math.abs(est - 20000) / 20000).toBeLessThan(0.03);
  });

  test("a register above 32 forces dense; merging into raw registers matches", () => {
    const ref: HllRef = { b: createHll() };
    expect(sparseSet(ref, 5, 32, 3000)).toBe(1);
    expect(ref.b[4]).toBe(HLL_SPARSE);
    expect(sparseSet(ref, 7, 33, 3000)).toBe(1);
    expect(ref.b[4]).toBe(HLL_DENSE);
    expect(denseGet(ref.b, 5)).toBe(32);
    expect(denseGet(ref.b, 7)).toBe(33);
    const max = new Uint8Array(HLL_REGISTERS);
    expect(hllMergeInto(max, ref.b)).toBe(true);
    expect(max[5]).toBe(32);
    expect(max[7]).toBe(33);
    expect(rawCount(max)).toBe(hllCount(ref.b));
  });

  test("hll-sparse-max-bytes 0 promotes on the first growing update", () => {
    const ref: HllRef = { b: createHll() };
    hllAdd(ref, enc.encode("x"), 0);
    expect(ref.b[4]).toBe(HLL_DENSE);
  });

  test("structural checks and corrupt runs", () => {
    expect(isHll(createHll())).toBe(true);
    expect(isHll(enc.encode("HYLL"))).toBe(false);
    const bad = createHll().slice();
    bad[17] = 0; // XZERO run of 16129: registers no longer covered
    expect(hllCount(bad)).toBe(-1);
    expect(hllToDense({ b: bad })).toBeNull();
    expect(hllMergeInto(new Uint8Array(HLL_REGISTERS), bad)).toBe(false);
    const wrongDense = new Uint8Array(100);
    wrongDense.set(enc.encode("HYLL"));
    expect(isHll(wrongDense)).toBe(false);
  });
});
