import { describe, expect, test } from "bun:test";
import { GlobPattern, globMatch } from "../../src/datastructures/glob.ts";

const b = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const lower = (c: number) => (c >= 65 && c <= 90 ? c | 0x20 : c);

/**
 * Reference: Redis's pattern language read straight off the raw pattern, recursing at every
 * star (exponential in the worst case; fine for the short random inputs used here).
 */
function reference(p: Uint8Array, s: Uint8Array, nocase: boolean): boolean {
  if (s.length === 0) return p.length === 0;
  const eq = (x: number, y: number) => (nocase ? lower(x) === lower(y) : x === y);
  const go = (i: number, j: number): boolean => {
    while (i < p.length && j < s.length) {
      const c = p[i]!;
      if (c === 42) {
        while (i + 1 < p.length && p[i + 1] === 42) i++;
        if (i === p.length - 1) return true;
        for (let k = j; k < s.length; k++) if (go(i + 1, k)) return true;
        return false;
      } else if (c === 63) {
        i++;
      } else if (c === 91) {
        i++;
        const neg = p[i] === 94;
        if (neg) i++;
        let hit = false;
        const x = s[j]!;
        for (;;) {
          if (i >= p.length) break;
          if (p[i] === 92 && i + 1 < p.length) {
            if (p[i + 1] === x) hit = true;
            i += 2;
          } else if (p[i] === 93) {
            i++;
            break;
          } else if (i + 2 < p.length && p[i + 1] === 45) {
            let lo = p[i]!;
            let hi = p[i + 2]!;
            if (lo > hi) [lo, hi] = [hi, lo];
            const xx = nocase ? lower(x) : x;
            if (nocase) {
              lo = lower(lo);
              hi = lower(hi);
            }
            if (xx >= lo && xx <= hi) hit = true;
            i += 3;
          } else {
            if (eq(p[i]!, x)) hit = true;
            i++;
          }
        }
        if (hit === neg) return false;
      } else {
        let lit = c;
        if (c === 92 && i + 1 < p.length) lit = p[++i]!;
        if (!eq(lit, s[j]!)) return false;
        i++;
      }
      j++;
      if (j === s.length) {
        while (i < p.length && p[i] === 42) i++;
        break;
      }
    }
    return i === p.length && j === s.length;
  };
  return go(0, 0);
}

/** Small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("glob (Redis stringmatchlen semantics)", () => {
  test("basic wildcards, sets, ranges and escapes", () => {
    const cases: [string, string, boolean][] = [
      ["*", "anything", true],
      ["h?llo", "hello", true],
      ["h?llo", "hllo", false],
      ["h*llo", "hllo", true],
      ["h*llo", "heeeello", true],
      ["h[ae]llo", "hallo", true],
      ["h[ae]llo", "hillo", false],
      ["h[^e]llo", "hallo", true],
      ["h[^e]llo", "hello", false],
      ["h[a-b]llo", "hbllo", true],
      ["h[b-a]llo", "hbllo", true],
      ["h[a-b]llo", "hcllo", false],
      ["h\\*llo", "h*llo", true],
      ["h\\*llo", "hello", false],
      ["[\\]]", "]", true],
      ["[]]", "]", false],
      ["[]", "a", false],
      ["[", "[", false],
      ["[^", "x", true],
      ["[^]", "x", true],
      ["[abc", "b", true],
      ["[abc", "bc", false],
      ["[a-]", "]", true],
      ["[a-]", "^", true],
      ["[a-]x", "x", true],
      ["[a-]x", "bx", false],
      ["a\\", "a\\", true],
      ["[\\", "\\", true],
      ["a*", "a", true],
      ["a*?", "a", false],
      ["**", "", false],
      ["*", "", false],
      ["", "", true],
      ["", "a", false],
      ["a**b", "ab", true],
      ["*a", "ba", true],
    ];
    for (const [p, s, want] of cases) {
      expect([p, s, globMatch(b(p), b(s))]).toEqual([p, s, want]);
      expect([p, s, reference(b(p), b(s), false)]).toEqual([p, s, want]);
    }
  });

  test("nocase: literals and ranges fold ASCII case, escaped bytes in sets do not", () => {
    expect(globMatch(b("HeLLo"), b("hello"), true)).toBe(true);
    expect(globMatch(b("HeLLo"), b("hello"), false)).toBe(false);
    expect(globMatch(b("[A-C]x"), b("bX"), true)).toBe(true);
    expect(globMatch(b("[\\A]"), b("a"), true)).toBe(false);
    expect(globMatch(b("[\\A]"), b("A"), true)).toBe(true);
    expect(globMatch(b("[Z-a]"), b("_"), true)).toBe(false); // folds to z..a: empty
    expect(globMatch(b("[Z-a]"), b("_"), false)).toBe(true);
  });

  test("matches bytes, not characters (non-UTF-8 and high bytes)", () => {
    const p = Uint8Array.from([0xff, 0x2a, 0x00]);
    expect(globMatch(p, Uint8Array.from([0xff, 1, 2, 0x00]))).toBe(true);
    expect(globMatch(Uint8Array.from([0x5b, 0x80, 0x2d, 0xff, 0x5d]), Uint8Array.from([0x90]))).toBe(true);
  });

  test("agrees with the reference on random patterns and subjects (seeded)", () => {
    const r = rng(12345);
    const alphabet = "ab*?[]^-\\Ac";
    const subjAlphabet = "abcA]^-\\*?[";
    let agreements = 0;
    for (let t = 0; t < 20000; t++) {
      const plen = Math.floor(r() * 8);
      let p = "";
      for (let i = 0; i < plen; i++) p += alphabet[Math.floor(r() * alphabet.length)];
      const slen = Math.floor(r() * 7);
      let s = "";
      for (let i = 0; i < slen; i++) s += subjAlphabet[Math.floor(r() * subjAlphabet.length)];
      const nocase = r() < 0.3;
      const got = globMatch(b(p), b(s), nocase);
      const want = reference(b(p), b(s), nocase);
      if (got !== want) expect({ p, s, nocase, got }).toEqual({ p, s, nocase, got: want });
      agreements++;
    }
    expect(agreements).toBe(20000);
  });

  test("pathological a*a*...*b against a long run of a stays polynomial (step bound, not time)", () => {
    const pat = new GlobPattern(b("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
    const subject = b("a".repeat(5000));
    expect(pat.match(subject)).toBe(false);
    const bound = (subject.length + 1) * (pat.tokenCount + 1);
    expect(pat.lastSteps).toBeLessThanOrEqual(bound);
    expect(pat.lastSteps).toBeGreaterThan(0);
    // The same with a match at the very end.
    expect(pat.match(b("a".repeat(5000) + "b"))).toBe(true);
    expect(pat.lastSteps).toBeLessThanOrEqual((5002) * (pat.tokenCount + 1));
  });

  test("the step bound holds on random inputs", () => {
    const r = rng(7);
    for (let t = 0; t < 2000; t++) {
      let p = "";
      const plen = 1 + Math.floor(r() * 20);
      for (let i = 0; i < plen; i++) p += "a*?b"[Math.floor(r() * 4)];
      let s = "";
      const slen = 1 + Math.floor(r() * 60);
      for (let i = 0; i < slen; i++) s += "ab"[Math.floor(r() * 2)];
      const g = new GlobPattern(b(p));
      g.match(b(s));
      expect(g.lastSteps).toBeLessThanOrEqual((s.length + 1) * (g.tokenCount + 1));
    }
  });
});
