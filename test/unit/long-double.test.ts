import { describe, expect, test } from "bun:test";
import {
  addLongDouble,
  formatFixed17,
  formatLongDoubleHuman,
  incrLongDouble,
  longDoubleFromInt,
  parseLongDouble,
} from "../../src/util/long-double.ts";
import cases from "./fixtures/long-double-redis.json";

const enc = new TextEncoder();
const ld = (s: string) => parseLongDouble(enc.encode(s));

/** What Redis's INCRBYFLOAT replies for a stored value and an increment. */
function incrbyfloat(value: string, incr: string): string {
  const a = ld(value);
  const b = ld(incr);
  if (a === null || b === null) return "ERR:ERR value is not a valid float";
  return incrLongDouble(a, b) ?? "ERR:ERR increment would produce NaN or Infinity";
}

describe("long double emulation", () => {
  test(`matches ${(cases as string[][]).length} INCRBYFLOAT replies recorded from real Redis 7.0`, () => {
    const wrong: string[] = [];
    for (const [value, incr, reply] of cases as [string, string, string][]) {
      const got = incrbyfloat(value, incr);
      if (got !== reply) wrong.push(`${value.slice(0, 60)} + ${incr.slice(0, 60)}: got ${got.slice(0, 80)}, Redis ${reply.slice(0, 80)}`);
    }
    expect(wrong).toEqual([]);
  });

  test("10.5 + 0.1 prints 10.6 (extended precision, %.17Lf, zeros stripped)", () => {
    expect(incrbyfloat("10.5", "0.1")).toBe("10.6");
    expect(incrbyfloat("0.1", "0.2")).toBe("0.3");
  });

  test("printing rounds half to even and never prints -0", () => {
    // 2^-18 = 0.000003814697265625 has 18 decimals: the 17th rounds to even.
    expect(incrbyfloat("0", "0.000003814697265625")).toBe("0.00000381469726562");
    expect(incrbyfloat("0", "-1e-30")).toBe("0");
    expect(formatFixed17(ld("-1e-30")!)).toBe("-0.00000000000000000");
  });

  test("strtold's grammar: hex floats, inf, and rejected forms", () => {
    expect(incrbyfloat("0", "0x1p3")).toBe("8");
    expect(incrbyfloat("0", "0x.8")).toBe("0.5");
    expect(ld("inf")?.inf).toBe(true);
    expect(ld("-INFINITY")?.neg).toBe(true);
    for (const bad of ["", " 1", "1 ", "nan", "-nan", "0x", "0x1p", "1e", ".", "+", "1_0", "infx", "1e5000", "1e-5000"]) {
      expect(ld(bad)).toBeNull();
    }
  });

  test("denormals: the smallest unit 2^-16445 and rounding below it", () => {
    const tiny = ld("0x1p-16445")!;
    expect(tiny.mant).toBe(1n);
    expect(tiny.exp).toBe(-16445);
    expect(ld("0x1p-16446")).toBeNull(); // exactly half: ties to even (zero), an underflow
    expect(ld("0x1.8p-16446")!.mant).toBe(1n);
  });

  test("integers up to 64 bits are exact; sums round to 64 bits", () => {
    expect(formatLongDoubleHuman(longDoubleFromInt(9223372036854775807n))).toBe("9223372036854775807");
    expect(formatLongDoubleHuman(longDoubleFromInt(-9223372036854775808n))).toBe("-9223372036854775808");
    const big = addLongDouble(longDoubleFromInt(18446744073709551615n), longDoubleFromInt(1n));
    expect(formatLongDoubleHuman(big)).toBe("18446744073709551616");
    expect(incrbyfloat("18446744073709551615", "0")).toBe("18446744073709551615");
    expect(incrbyfloat("36893488147419103231", "0")).toBe("36893488147419103232");
  });

  test("overflow to infinity is reported as NaN or Infinity", () => {
    expect(incrbyfloat("1e4932", "1e4932")).toBe("ERR:ERR increment would produce NaN or Infinity");
    expect(incrbyfloat("-inf", "1")).toBe("ERR:ERR increment would produce NaN or Infinity");
  });
});
