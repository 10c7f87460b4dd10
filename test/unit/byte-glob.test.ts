import { describe, expect, test } from "bun:test";
import { Glob } from "../../src/datastructures/byte-glob.ts";

const b = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const m = (p: string, s: string) => new Glob(b(p)).match(b(s));

describe("byte glob (Redis rules)", () => {
  test("stars, question marks, classes, escapes", () => {
    expect(m("*", "")).toBe(true);
    expect(m("h?llo", "hello")).toBe(true);
    expect(m("h*llo", "heeeello")).toBe(true);
    expect(m("h[ae]llo", "hallo")).toBe(true);
    expect(m("h[^e]llo", "hello")).toBe(false);
    expect(m("h[a-b]llo", "hbllo")).toBe(true);
    expect(m("h[b-a]llo", "hallo")).toBe(true);
    expect(m("\\*", "*")).toBe(true);
    expect(m("\\*", "a")).toBe(false);
    expect(m("a\\", "a\\")).toBe(true);
  });

  test("quirks: [a-] is a range to ']', an unterminated class ends the pattern", () => {
    expect(m("[a-]", "^")).toBe(true);
    expect(m("[a-]", "-")).toBe(false);
    expect(m("[a", "a")).toBe(true);
    expect(m("[", "[")).toBe(false);
    expect(m("[\x80-\xff]", "\x90")).toBe(true);
  });

  test("pathological patterns finish (polynomial time: exponential backtracking would hang)", () => {
    const s = "a".repeat(5000);
    expect(m("a*a*a*a*a*a*a*a*a*a*b", s)).toBe(false);
    expect(m("a*a*a*a*a*a*a*a*a*a*a", s)).toBe(true);
  });
});
