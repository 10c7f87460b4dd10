import { describe, expect, test } from "bun:test";
import { parseRangeBound, parseScore, parseSortScore, strtod } from "../../src/util/strtod.ts";

const b = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

describe("strtod emulation", () => {
  test("longest valid prefix like glibc", () => {
    expect(strtod(b("  12.5xyz"))).toEqual({ value: 12.5, end: 6, erange: false });
    expect(strtod(b("0x1p4"))).toEqual({ value: 16, end: 5, erange: false });
    expect(strtod(b("0x"))).toEqual({ value: 0, end: 1, erange: false });
    expect(strtod(b("1e"))).toEqual({ value: 1, end: 1, erange: false });
    expect(strtod(b("-Infinity")).value).toBe(-Infinity);
    expect(strtod(b("infinit")).end).toBe(3);
    expect(strtod(b("nan(0x1)")).end).toBe(8);
    expect(strtod(b("abc")).end).toBe(0);
    expect(strtod(b("1e400")).erange).toBe(true);
    expect(strtod(b("1e-400")).erange).toBe(true);
    expect(strtod(b("0.000")).erange).toBe(false);
  });

  test("ZADD scores, range bounds and SORT apply Redis's three rules", () => {
    expect(parseScore(b("0x10"))).toBe(16);
    expect(Number.isNaN(parseScore(b(" 1")))).toBe(true);
    expect(Number.isNaN(parseScore(b("1e400")))).toBe(true);
    expect(Number.isNaN(parseScore(b("1e-400")))).toBe(true);
    expect(parseScore(b("4e-320"))).toBeGreaterThan(0);
    expect(Number.isNaN(parseScore(b("")))).toBe(true);
    expect(parseRangeBound(b(" 1"), 0)).toBe(1);
    expect(parseRangeBound(b("("), 1)).toBe(0);
    expect(parseRangeBound(b("5\x00junk"), 0)).toBe(5);
    expect(parseRangeBound(b("1e400"), 0)).toBe(Infinity);
    expect(Number.isNaN(parseSortScore(b("1e400")))).toBe(true);
    expect(parseSortScore(b(""))).toBe(0);
    expect(Number.isNaN(parseSortScore(b("5 ")))).toBe(true);
  });
});
