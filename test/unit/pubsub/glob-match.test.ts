import { describe, expect, test } from "bun:test";
import { compileGlob, globMatch, globMatchCompiled } from "../../../src/pubsub/glob-match.ts";

const b = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const m = (p: string, s: string) => globMatch(b(p), b(s));

/**
 * Naive model: a direct recursive reading of Redis's documented rules, exponential but fine on
 * tiny inputs. Classes are parsed the same way (unterminated runs to the end, `\\` escapes,
 * ranges in either order, `^` negates).
 */
function model(p: string, s: string): boolean {
  if (p.length === 0) return s.length === 0;
  const c = p[0]!;
  if (c === "*") return model(p.slice(1), s) || (s.length > 0 && model(p, s.slice(1)));
  if (s.length === 0) return false;
  if (c === "?") return model(p.slice(1), s.slice(1));
  if (c === "\\" && p.length >= 2) return p[1] === s[0] && model(p.slice(2), s.slice(1));
  if (c === "[") {
    let i = 1;
    let neg = false;
    if (p[i] === "^") {
      neg = true;
      i++;
    }
    let hit = false;
    for (;;) {
      if (i >= p.length) break;
      if (p[i] === "\\" && i + 1 < p.length) {
        if (p[i + 1] === s[0]) hit = true;
        i += 2;
      } else if (p[i] === "]") {
        i++;
        break;
      } else if (i + 2 < p.length && p[i + 1] === "-") {
        let lo = p.charCodeAt(i);
        let hi = p.charCodeAt(i + 2);
        if (lo > hi) [lo, hi] = [hi, lo];
        const x = s.charCodeAt(0);
        if (x >= lo && x <= hi) hit = true;
        i += 3;
      } else {
        if (p[i] === s[0]) hit = true;
        i++;
      }
    }
    if (neg) hit = !hit;
    return hit && model(p.slice(i), s.slice(1));
  }
  return c === s[0] && model(p.slice(1), s.slice(1));
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe("glob matching (PSUBSCRIBE, PUBSUB CHANNELS)", () => {
  test("Redis's documented forms", () => {
    expect(m("*", "")).toBe(true);
    expect(m("*", "anything")).toBe(true);
    expect(m("h?llo", "hello")).toBe(true);
    expect(m("h?llo", "hllo")).toBe(false);
    expect(m("h*llo", "heeeello")).toBe(true);
    expect(m("h[ae]llo", "hallo")).toBe(true);
    expect(m("h[ae]llo", "hillo")).toBe(false);
    expect(m("h[^e]llo", "hallo")).toBe(true);
    expect(m("h[^e]llo", "hello")).toBe(false);
    expect(m("h[a-b]llo", "hbllo")).toBe(true);
    expect(m("h[b-a]llo", "hallo")).toBe(true);
    expect(m("h\\*llo", "h*llo")).toBe(true);
    expect(m("h\\*llo", "hello")).toBe(false);
    expect(m("news.*", "news.art")).toBe(true);
    expect(m("news.*", "news")).toBe(false);
  });

  test("quirks: unterminated class, trailing backslash, literal dash, empty class", () => {
    expect(m("[abc", "b")).toBe(true);
    expect(m("[abc", "d")).toBe(false);
    expect(m("a\\", "a\\")).toBe(true);
    expect(m("[a-", "-")).toBe(true);
    expect(m("[]a", "a")).toBe(false);
    expect(m("[^", "z")).toBe(true);
    expect(m("a[", "a")).toBe(false);
    expect(m("[\\]]", "]")).toBe(true);
  });

  test("agrees with a naive model on seeded random patterns and subjects", () => {
    const r = rng(12345);
    const pAlpha = "ab*?[]^-\\";
    const sAlpha = "ab-]^\\";
    for (let n = 0; n < 4000; n++) {
      let p = "";
      let s = "";
      const pl = Math.floor(r() * 7);
      const sl = Math.floor(r() * 6);
      for (let i = 0; i < pl; i++) p += pAlpha[Math.floor(r() * pAlpha.length)];
      for (let i = 0; i < sl; i++) s += sAlpha[Math.floor(r() * sAlpha.length)];
      if (m(p, s) !== model(p, s)) throw new Error(`mismatch on pattern ${JSON.stringify(p)} subject ${JSON.stringify(s)}`);
    }
    expect(true).toBe(true);
  });

  test("pathological patterns run in polynomial time (an exponential matcher never returns)", () => {
    const g = compileGlob(b("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
    expect(globMatchCompiled(g, b("a".repeat(5000)))).toBe(false);
    expect(globMatchCompiled(g, b("a".repeat(5000) + "b"))).toBe(true);
  });
});
