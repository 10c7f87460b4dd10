/**
 * Redis-exact number handling: parseInt64/parseBigInt64 follow string2ll (checked against
 * redis-server 7.0: SET n <v>; INCRBY n 0), parseDouble follows strtod as Redis uses it (checked
 * with ZADD), formatDouble17 matches C's printf("%.17g") (reference values generated once with
 * Python's '%.17g', which rounds exact ties half to even as glibc does).
 */
import { describe, expect, test } from "bun:test";
import {
  formatDouble17,
  formatG,
  intBytes,
  isInt64String,
  parseBigInt64,
  parseDouble,
  parseInt64,
} from "../../src/util/numbers.ts";
import fixture from "./fixtures/format-double17.json";

const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

describe("parseInt64 follows string2ll", () => {
  const valid: [string, bigint][] = [
    ["0", 0n],
    ["1", 1n],
    ["-1", -1n],
    ["10", 10n],
    ["123456789", 123456789n],
    ["9007199254740991", 9007199254740991n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["1000000000000000000", 1000000000000000000n],
    ["-999999999999999999", -999999999999999999n],
  ];
  for (const [s, v] of valid) {
    test(`"${s}" is ${v}`, () => {
      expect(parseBigInt64(bytes(s))).toBe(v);
      expect(parseInt64(bytes(s))).toBe(Number(v));
      expect(isInt64String(bytes(s))).toBe(true);
    });
  }

  const invalid = [
    "",
    "-",
    "-0",
    "01",
    "00",
    "-01",
    "+1",
    " 1",
    "1 ",
    "1\0",
    "1a",
    "0x10",
    "1e3",
    "1.0",
    "--1",
    "9223372036854775808",
    "-9223372036854775809",
    "10000000000000000000",
    "99999999999999999999",
    "123456789012345678901",
    "-99999999999999999999",
  ];
  for (const s of invalid) {
    test(`${JSON.stringify(s)} is not an integer`, () => {
      expect(parseInt64(bytes(s))).toBeNaN();
      expect(parseBigInt64(bytes(s))).toBeNull();
      expect(isInt64String(bytes(s))).toBe(false);
    });
  }

  test("all 19-digit values around INT64_MAX are range-checked exactly", () => {
    for (let d = -5n; d <= 5n; d++) {
      const v = 9223372036854775807n + d;
      const s = v.toString();
      expect(parseBigInt64(bytes(s))).toBe(v <= 9223372036854775807n ? v : null);
      const n = -9223372036854775808n - d;
      expect(parseBigInt64(bytes(n.toString()))).toBe(n >= -9223372036854775808n ? n : null);
    }
  });

  test("intBytes writes decimal digits", () => {
    expect(Array.from(intBytes(-42))).toEqual(Array.from(bytes("-42")));
    expect(Array.from(intBytes(9223372036854775807n))).toEqual(Array.from(bytes("9223372036854775807")));
  });
});

describe("parseDouble follows strtod as Redis uses it", () => {
  const valid: [string, number][] = [
    ["1", 1],
    ["-1.5", -1.5],
    ["+1.5", 1.5],
    [".5", 0.5],
    ["5.", 5],
    ["1e5", 1e5],
    ["1.5e+3", 1500],
    ["1E-3", 0.001],
    ["0", 0],
    ["-0", -0],
    ["inf", Infinity],
    ["+inf", Infinity],
    ["-inf", -Infinity],
    ["INF", Infinity],
    ["infinity", Infinity],
    ["-Infinity", -Infinity],
    ["0x10", 16],
    ["0X1p3", 8],
    ["0x.8", 0.5],
    ["-0x1.8p1", -3],
    ["0x1P-1074", 5e-324],
    ["1e-310", 1e-310],
    ["1.7976931348623157e308", 1.7976931348623157e308],
    ["00012", 12],
  ];
  for (const [s, v] of valid) {
    test(`"${s}" is ${v}`, () => {
      expect(Object.is(parseDouble(bytes(s)), v)).toBe(true);
    });
  }

  const invalid = ["", " 1", "1 ", "\t1", "nan", "NaN", "-nan", "1e", "e5", "--1", "1_0", "0x", "0x1p", "1e400", "-1e400", "1e-400", "0x1p2000", "0x1p-1080", "infinit", "1,5", "abc", "1.5.5"];
  for (const s of invalid) {
    test(`${JSON.stringify(s)} is not a valid float`, () => {
      expect(parseDouble(bytes(s))).toBeNaN();
    });
  }
});

describe("formatDouble17 matches C's %.17g", () => {
  test("special values use Redis's spelling", () => {
    expect(formatDouble17(Infinity)).toBe("inf");
    expect(formatDouble17(-Infinity)).toBe("-inf");
    expect(formatDouble17(0)).toBe("0");
    expect(formatDouble17(-0)).toBe("-0");
  });

  test("exact ties at 17 digits round half to even (2^-25 = 2.98023223876953125e-08)", () => {
    expect(formatDouble17(2 ** -25)).toBe("2.9802322387695312e-08");
    expect(formatDouble17(-(2 ** -25))).toBe("-2.9802322387695312e-08");
    expect(formatDouble17(3 * 2 ** -26)).toBe("4.4703483581542969e-08");
  });

  test(`${fixture.values.length} reference values from printf("%.17g")`, () => {
    const view = new DataView(new ArrayBuffer(8));
    const wrong: string[] = [];
    for (const [hex, want] of fixture.values as [string, string][]) {
      view.setBigUint64(0, BigInt("0x" + hex));
      const d = view.getFloat64(0);
      const got = formatDouble17(d);
      if (got !== want) wrong.push(`${hex}: want ${want} got ${got}`);
    }
    expect(wrong).toEqual([]);
  });

  test("formatG with fewer digits (%.5g, %.15g)", () => {
    expect(formatG(123456, 5)).toBe("1.2346e+05");
    expect(formatG(0.000012345, 5)).toBe("1.2345e-05");
    expect(formatG(0.0001, 5)).toBe("0.0001");
    expect(formatG(2.5, 1)).toBe("2");
    expect(formatG(3.5, 1)).toBe("4");
    expect(formatG(0.1, 15)).toBe("0.1");
    expect(formatG(1 / 3, 15)).toBe("0.333333333333333");
  });

  test("round trip: parseDouble(formatDouble17(x)) === x for the reference values", () => {
    const view = new DataView(new ArrayBuffer(8));
    for (const [hex] of fixture.values as [string, string][]) {
      view.setBigUint64(0, BigInt("0x" + hex));
      const d = view.getFloat64(0);
      expect(parseDouble(bytes(formatDouble17(d)))).toBe(d);
    }
  });
});
