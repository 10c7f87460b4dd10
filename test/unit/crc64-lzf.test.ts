import { describe, expect, test } from "bun:test";
import { Crc64, crc64 } from "../../src/datastructures/crc64.ts";
import { lzfCompress, lzfDecompress } from "../../src/datastructures/lzf.ts";

const enc = new TextEncoder();

/** Bitwise reference CRC-64/Jones (reflected) with BigInt. */
function crcRef(b: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const x of b) {
    crc ^= BigInt(x);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

describe("crc64 (Redis's Jones polynomial)", () => {
  test("check value of '123456789' is 0xe9c6d914c4b8d9ca", () => {
    expect(crc64(enc.encode("123456789"))).toBe(0xe9c6d914c4b8d9can);
  });
  test("table-driven halves equal the bitwise reference, and chaining equals one pass", () => {
    const r = rng(7);
    for (let t = 0; t < 50; t++) {
      const b = new Uint8Array(Math.floor(r() * 300));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
      expect(crc64(b)).toBe(crcRef(b));
      const cut = Math.floor(r() * b.length);
      expect(new Crc64().update(b.subarray(0, cut)).update(b.subarray(cut)).value()).toBe(crcRef(b));
    }
  });
});

describe("lzf", () => {
  test("round-trips random, repetitive and text inputs", () => {
    const r = rng(11);
    const inputs: Uint8Array[] = [
      enc.encode("a".repeat(1000)),
      enc.encode("hello world ".repeat(100)),
      enc.encode("abcabcabcabd".repeat(700)),
    ];
    for (let t = 0; t < 200; t++) {
      const n = Math.floor(r() * 2000) + 4;
      const alphabet = Math.floor(r() * 6) + 1; // small alphabets compress
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(r() * alphabet);
      inputs.push(b);
    }
    let compressedSome = 0;
    for (const input of inputs) {
      const c = lzfCompress(input);
      if (c === null) continue;
      compressedSome++;
      expect(c.length).toBeLessThan(input.length);
      expect(lzfDecompress(c.slice(), input.length)).toEqual(input);
    }
    expect(compressedSome).toBeGreaterThan(50);
  });
  test("incompressible data is reported as such", () => {
    const r = rng(3);
    const b = new Uint8Array(64);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    expect(lzfCompress(b)).toBeNull();
  });
  test("corrupt input is detected", () => {
    expect(lzfDecompress(new Uint8Array([0x05, 1, 2]), 6)).toBeNull();
    expect(lzfDecompress(new Uint8Array([0x00, 1, 0x20, 0x05]), 4)).toBeNull();
  });
});
