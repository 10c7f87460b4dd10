import { describe, expect, test } from "bun:test";
import { globMatch } from "../../src/datastructures/byte-glob.ts";

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
const m = (p: string, s: string, nocase = false): boolean => globMatch(b(p), b(s), nocase);

describe("byte glob (Redis pattern syntax)", () => {
  test("stars, question marks, classes, ranges, negation and escapes", () => {
    const cases: [string, string, boolean][] = [
      ["*", "", true],
      ["*", "anything", true],
      ["h?llo", "hello", true],
      ["h?llo", "hllo", false],
      ["h*llo", "heeeello", true],
      ["h[ae]llo", "hallo", true],
      ["h[ae]llo", "hillo", false],
      ["h[^e]llo", "hallo", true],
      ["h[^e]llo", "hello", false],
      ["h[a-b]llo", "hbllo", true],
      ["h[b-a]llo", "hallo", true],
      ["h[a-b]llo", "hcllo", false],
      ["h\\*llo", "h*llo", true],
      ["h\\*llo", "hallo", false],
      ["[\\]]", "]", true],
      ["a*b*c", "aXXbYYc", true],
      ["a*b*c", "aXXbYY", false],
      ["*.txt", "notes.txt", true],
      ["field1?", "field12", true],
      ["field1?", "field1", false],
      ["abc\\", "abc\\", true],
      ["[abc", "a", true],
    ];
    for (const [p, s, want] of cases) expect(`${p} ~ ${s}: ${m(p, s)}`).toBe(`${p} ~ ${s}: ${want}`);
    expect(m("HELLO", "hello", true)).toBe(true);
    expect(m("[A-C]x", "bx", true)).toBe(true);
  });

  test("patterns with many stars finish (polynomial time; an exponential matcher would hang here)", () => {
    const subject = "a".repeat(5000);
    expect(m("a*a*a*a*a*a*a*a*a*a*a*b", subject)).toBe(false);
    expect(m("a*a*a*a*a*a*a*a*a*a*a*a", subject)).toBe(true);
  });
});
