import { describe, expect, test } from "bun:test";
import { Backlog } from "../../src/replication/backlog.ts";

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

describe("replication backlog", () => {
  test("matches a naive model of the stream's last `size` bytes after every append", () => {
    const r = rng(5);
    for (const size of [1, 7, 64, 1000]) {
      const b = new Backlog(size, 100);
      let stream: number[] = [];
      for (let op = 0; op < 300; op++) {
        const n = Math.floor(r() * size * 1.5);
        const chunk = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
        b.append(chunk);
        stream = stream.concat(Array.from(chunk));
        expect(b.offset).toBe(100 + stream.length);
        const held = Math.min(size, stream.length);
        expect(b.histlen).toBe(held);
        const from = b.offset + 1 - Math.floor(r() * (held + 1));
        expect(b.canServe(from)).toBe(true);
        expect(Array.from(b.readFrom(from))).toEqual(stream.slice(stream.length - (b.offset + 1 - from)));
        if (stream.length > size) expect(b.canServe(b.firstOffset - 1)).toBe(false);
        expect(b.canServe(b.offset + 2)).toBe(false);
      }
    }
  });

  test("resize keeps the newest bytes", () => {
    const b = new Backlog(10);
    b.append(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    b.resize(4);
    expect(Array.from(b.readFrom(b.firstOffset))).toEqual([9, 10, 11, 12]);
    b.resize(8);
    b.append(Uint8Array.from([13, 14]));
    expect(Array.from(b.readFrom(b.firstOffset))).toEqual([9, 10, 11, 12, 13, 14]);
  });
});
