/**
 * Reply writer golden bytes, RESP2 and RESP3, for every method; deferred lengths that need more
 * digits than their placeholder; buffer growth.
 */
import { describe, expect, test } from "bun:test";
import { AGG_ARRAY, AGG_MAP, AGG_PUSH, AGG_SET, ReplyWriter } from "../../src/protocol/resp/writer.ts";

const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** Bytes written by `f` under RESP `resp`. */
function out(resp: 2 | 3, f: (w: ReplyWriter) => void, initial?: number): string {
  const w = new ReplyWriter(initial);
  w.resp = resp;
  f(w);
  return latin1(w.take());
}

/** [name, writer call, RESP2 bytes, RESP3 bytes] */
const GOLDEN: [string, (w: ReplyWriter) => void, string, string][] = [
  ["ok", (w) => w.ok(), "+OK\r\n", "+OK\r\n"],
  ["simple", (w) => w.simple("PONG"), "+PONG\r\n", "+PONG\r\n"],
  ["simple latin1 byte", (w) => w.simple("caf\xe9"), "+caf\xe9\r\n", "+caf\xe9\r\n"],
  ["error", (w) => w.error("ERR syntax error"), "-ERR syntax error\r\n", "-ERR syntax error\r\n"],
  ["error with CR/LF", (w) => w.error("ERR a\r\nb\nc"), "-ERR a  b c\r\n", "-ERR a  b c\r\n"],
  ["integer 0", (w) => w.integer(0), ":0\r\n", ":0\r\n"],
  ["integer 1", (w) => w.integer(1), ":1\r\n", ":1\r\n"],
  ["integer 7", (w) => w.integer(7), ":7\r\n", ":7\r\n"],
  ["integer -1", (w) => w.integer(-1), ":-1\r\n", ":-1\r\n"],
  ["integer 10", (w) => w.integer(10), ":10\r\n", ":10\r\n"],
  ["integer 1234567890", (w) => w.integer(1234567890), ":1234567890\r\n", ":1234567890\r\n"],
  ["integer -98765", (w) => w.integer(-98765), ":-98765\r\n", ":-98765\r\n"],
  ["integer 2^53-1", (w) => w.integer(2 ** 53 - 1), ":9007199254740991\r\n", ":9007199254740991\r\n"],
  ["integer 2^60 (number)", (w) => w.integer(2 ** 60), ":1152921504606846976\r\n", ":1152921504606846976\r\n"],
  ["integer INT64_MAX (bigint)", (w) => w.integer(9223372036854775807n), ":9223372036854775807\r\n", ":9223372036854775807\r\n"],
  ["integer INT64_MIN (bigint)", (w) => w.integer(-9223372036854775808n), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"],
  ["integer 0n", (w) => w.integer(0n), ":0\r\n", ":0\r\n"],
  ["bulk", (w) => w.bulk(bytes("hello")), "$5\r\nhello\r\n", "$5\r\nhello\r\n"],
  ["bulk empty", (w) => w.bulk(new Uint8Array(0)), "$0\r\n\r\n", "$0\r\n\r\n"],
  ["bulk binary", (w) => w.bulk(bytes("a\r\n\0\xff")), "$5\r\na\r\n\0\xff\r\n", "$5\r\na\r\n\0\xff\r\n"],
  ["bulk 10 bytes", (w) => w.bulk(bytes("0123456789")), "$10\r\n0123456789\r\n", "$10\r\n0123456789\r\n"],
  ["bulk 33 bytes (copied with set)", (w) => w.bulk(bytes("x".repeat(33))), `$33\r\n${"x".repeat(33)}\r\n`, `$33\r\n${"x".repeat(33)}\r\n`],
  ["bulkRange", (w) => w.bulkRange(bytes("..hello.."), 2, 5), "$5\r\nhello\r\n", "$5\r\nhello\r\n"],
  ["bulkRange empty", (w) => w.bulkRange(bytes("ab"), 1, 0), "$0\r\n\r\n", "$0\r\n\r\n"],
  ["bulkRange 40 bytes", (w) => w.bulkRange(bytes(`-${"y".repeat(40)}-`), 1, 40), `$40\r\n${"y".repeat(40)}\r\n`, `$40\r\n${"y".repeat(40)}\r\n`],
  ["bulkString UTF-8", (w) => w.bulkString("é€"), "$5\r\n\xc3\xa9\xe2\x82\xac\r\n", "$5\r\n\xc3\xa9\xe2\x82\xac\r\n"],
  ["bulkInt", (w) => w.bulkInt(-123), "$4\r\n-123\r\n", "$4\r\n-123\r\n"],
  ["bulkInt bigint", (w) => w.bulkInt(9223372036854775807n), "$19\r\n9223372036854775807\r\n", "$19\r\n9223372036854775807\r\n"],
  ["nullBulk", (w) => w.nullBulk(), "$-1\r\n", "_\r\n"],
  ["nullArray", (w) => w.nullArray(), "*-1\r\n", "_\r\n"],
  ["null", (w) => w.null(), "$-1\r\n", "_\r\n"],
  ["bool true", (w) => w.bool(true), ":1\r\n", "#t\r\n"],
  ["bool false", (w) => w.bool(false), ":0\r\n", "#f\r\n"],
  ["double 1.5", (w) => w.double(1.5), "$3\r\n1.5\r\n", ",1.5\r\n"],
  ["double 0.1", (w) => w.double(0.1), "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"],
  ["double 3", (w) => w.double(3), "$1\r\n3\r\n", ",3\r\n"],
  ["double -0", (w) => w.double(-0), "$2\r\n-0\r\n", ",-0\r\n"],
  ["double inf", (w) => w.double(Infinity), "$3\r\ninf\r\n", ",inf\r\n"],
  ["double -inf", (w) => w.double(-Infinity), "$4\r\n-inf\r\n", ",-inf\r\n"],
  ["double 1e300", (w) => w.double(1e300), "$23\r\n1.0000000000000001e+300\r\n", ",1.0000000000000001e+300\r\n"],
  ["doubleText", (w) => w.doubleText("10.5"), "$4\r\n10.5\r\n", ",10.5\r\n"],
  ["bigNumber", (w) => w.bigNumber("1234567890123456789012"), "$22\r\n1234567890123456789012\r\n", "(1234567890123456789012\r\n"],
  ["verbatim", (w) => w.verbatim("Some string"), "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"],
  ["verbatim mkd", (w) => w.verbatim("# hi", "mkd"), "$4\r\n# hi\r\n", "=8\r\nmkd:# hi\r\n"],
  ["arrayLen 0", (w) => w.arrayLen(0), "*0\r\n", "*0\r\n"],
  ["arrayLen 3", (w) => w.arrayLen(3), "*3\r\n", "*3\r\n"],
  ["arrayLen 1000", (w) => w.arrayLen(1000), "*1000\r\n", "*1000\r\n"],
  ["mapLen 2", (w) => w.mapLen(2), "*4\r\n", "%2\r\n"],
  ["mapLen 0", (w) => w.mapLen(0), "*0\r\n", "%0\r\n"],
  ["setLen 3", (w) => w.setLen(3), "*3\r\n", "~3\r\n"],
  ["pushLen 3", (w) => w.pushLen(3), "*3\r\n", ">3\r\n"],
  ["attributeLen 1", (w) => w.attributeLen(1), "|1\r\n", "|1\r\n"],
  ["bulkArray", (w) => w.bulkArray([bytes("a"), bytes("bc")]), "*2\r\n$1\r\na\r\n$2\r\nbc\r\n", "*2\r\n$1\r\na\r\n$2\r\nbc\r\n"],
  ["bulkArray empty", (w) => w.bulkArray([]), "*0\r\n", "*0\r\n"],
  ["emptyArray", (w) => w.emptyArray(), "*0\r\n", "*0\r\n"],
  ["raw", (w) => w.raw(bytes("+X\r\n")), "+X\r\n", "+X\r\n"],
];

describe("golden bytes", () => {
  for (const [name, f, r2, r3] of GOLDEN) {
    test(`${name}: RESP2 ${JSON.stringify(r2)}, RESP3 ${JSON.stringify(r3)}`, () => {
      expect(out(2, f)).toBe(r2);
      expect(out(3, f)).toBe(r3);
    });
  }
});

describe("deferred lengths", () => {
  function deferred(resp: 2 | 3, kind: number, n: number): string {
    return out(resp, (w) => {
      w.simple("before");
      const mark = w.deferLen();
      const items = kind === AGG_MAP ? n * 2 : n;
      for (let i = 0; i < items; i++) w.integer(i % 10);
      w.setDeferredLen(mark, kind, n);
      w.simple("after");
    });
  }
  function expected(header: string, items: number): string {
    let s = "+before\r\n" + header;
    for (let i = 0; i < items; i++) s += `:${i % 10}\r\n`;
    return s + "+after\r\n";
  }

  for (const n of [0, 1, 9, 10, 99, 100, 12345]) {
    test(`array of ${n}, placeholder patched (and shifted when it needs more digits)`, () => {
      expect(deferred(2, AGG_ARRAY, n)).toBe(expected(`*${n}\r\n`, n));
      expect(deferred(3, AGG_ARRAY, n)).toBe(expected(`*${n}\r\n`, n));
    });
  }

  test("maps: RESP2 arrays of 2n (5 pairs need a second digit), RESP3 %n", () => {
    expect(deferred(2, AGG_MAP, 5)).toBe(expected("*10\r\n", 10));
    expect(deferred(3, AGG_MAP, 5)).toBe(expected("%5\r\n", 10));
    expect(deferred(2, AGG_MAP, 0)).toBe(expected("*0\r\n", 0));
  });

  test("sets and pushes: RESP2 arrays, RESP3 ~n and >n", () => {
    expect(deferred(2, AGG_SET, 12)).toBe(expected("*12\r\n", 12));
    expect(deferred(3, AGG_SET, 12)).toBe(expected("~12\r\n", 12));
    expect(deferred(2, AGG_PUSH, 3)).toBe(expected("*3\r\n", 3));
    expect(deferred(3, AGG_PUSH, 3)).toBe(expected(">3\r\n", 3));
  });

  test("nested deferred lengths patched innermost first", () => {
    const s = out(2, (w) => {
      const outer = w.deferLen();
      w.integer(5);
      const inner = w.deferLen();
      for (let i = 0; i < 11; i++) w.integer(1);
      w.setDeferredLen(inner, AGG_ARRAY, 11);
      for (let i = 0; i < 9; i++) w.integer(0);
      w.setDeferredLen(outer, AGG_ARRAY, 11);
    });
    expect(s).toBe("*11\r\n:5\r\n*11\r\n" + ":1\r\n".repeat(11) + ":0\r\n".repeat(9));
  });

  test("a patch that needs more digits grows a full buffer", () => {
    const w = new ReplyWriter(16);
    const mark = w.deferLen();
    for (let i = 0; i < 3; i++) w.integer(0); // 4 + 12 = 16 bytes: full
    w.setDeferredLen(mark, AGG_ARRAY, 123456);
    expect(latin1(w.take())).toBe("*123456\r\n" + ":0\r\n".repeat(3));
  });
});

describe("buffer management", () => {
  test("writes past the initial capacity grow the buffer", () => {
    const big = new Uint8Array(100_000).fill(0x61);
    const s = out(2, (w) => {
      w.arrayLen(2);
      w.bulk(big);
      w.error("ERR x".padEnd(50_000, "y"));
    }, 16);
    expect(s.length).toBe(4 + 9 + 100_000 + 2 + 50_003);
    expect(s.startsWith("*2\r\n$100000\r\naaa")).toBe(true);
    expect(s.endsWith("yyy\r\n")).toBe(true);
  });

  test("take() empties the writer; takeCopy() returns a copy that survives later writes", () => {
    const w = new ReplyWriter();
    w.ok();
    const copy = w.takeCopy();
    w.integer(5);
    expect(latin1(copy)).toBe("+OK\r\n");
    expect(latin1(w.take())).toBe(":5\r\n");
    expect(w.take().length).toBe(0);
  });

  test("every error reply is reported to onError (errorstats)", () => {
    const w = new ReplyWriter();
    const seen: string[] = [];
    w.onError = (t) => seen.push(t);
    w.error("ERR one");
    w.ok();
    w.error("WRONGTYPE two");
    expect(seen).toEqual(["ERR one", "WRONGTYPE two"]);
  });

  test("RESP version can change between replies", () => {
    const w = new ReplyWriter();
    w.nullBulk();
    w.resp = 3;
    w.nullBulk();
    w.resp = 2;
    w.mapLen(1);
    expect(latin1(w.take())).toBe("$-1\r\n_\r\n*2\r\n");
  });
});
