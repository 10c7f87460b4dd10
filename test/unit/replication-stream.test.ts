/**
 * The replication stream encoder against the AOF's (both must produce Redis's multibulk bytes):
 * seeded random argument lists, empty arguments and lengths around powers of ten.
 */
import { describe, expect, test } from "bun:test";
import { encodeCommand } from "../../src/persistence/aof.ts";
import { encodeStreamCommand } from "../../src/replication/stream.ts";

describe("replication stream encoding", () => {
  test("matches the AOF encoder on random and boundary argument lists", () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const lens = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345];
    for (let i = 0; i < 500; i++) {
      const n = 1 + Math.floor(rnd() * 12);
      const argv: Uint8Array[] = [];
      for (let j = 0; j < n; j++) {
        const len = rnd() < 0.5 ? lens[Math.floor(rnd() * lens.length)]! : Math.floor(rnd() * 40);
        argv.push(Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)));
      }
      expect(encodeStreamCommand(argv)).toEqual(encodeCommand(argv));
    }
    const te = new TextEncoder();
    expect(new TextDecoder().decode(encodeStreamCommand([te.encode("SET"), te.encode("k"), te.encode("")]))).toBe("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  });
});
