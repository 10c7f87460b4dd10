/**
 * kedis-cli's pieces without a server: the reply reader (whole, byte by byte), the output
 * formats, the command line (redis-cli's option rules, URIs), line splitting, and hints.
 */
import { describe, expect, test } from "bun:test";
import { CommandTable, hintFor, renderSynopsis, synopsisTokens } from "../../src/cli/docs.ts";
import { formatCSV, formatJSON, formatRaw, formatTTY } from "../../src/cli/format.ts";
import { parseArgs, parseUri, splitLine, type CliOptions } from "../../src/cli/options.ts";
import { ProtocolError, ReplyReader, type Reply } from "../../src/cli/reply.ts";

function readAll(bytes: string, chunk = 0): Reply[] {
  const r = new ReplyReader();
  const b = Buffer.from(bytes, "latin1");
  if (chunk === 0) r.feed(b);
  else for (let i = 0; i < b.length; i += chunk) r.feed(b.subarray(i, i + chunk));
  const out: Reply[] = [];
  for (let x = r.next(); x !== undefined; x = r.next()) out.push(x);
  return out;
}

const WIRE =
  "+OK\r\n-ERR bad\r\n:42\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n*0\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n" +
  "%1\r\n+k\r\n,1.5\r\n~1\r\n#t\r\n_\r\n=9\r\ntxt:ab\ncd\r\n(123456789012345678901234567890\r\n>2\r\n+a\r\n+b\r\n" +
  "|1\r\n+meta\r\n+x\r\n:7\r\n!3\r\nERR\r\n";

describe("reply reader", () => {
  const expected: Reply[] = [
    { t: "status", s: "OK" },
    { t: "error", s: "ERR bad" },
    { t: "int", s: "42" },
    { t: "bulk", s: "he\r\no" },
    { t: "nil" },
    { t: "nil" },
    { t: "array", items: [] },
    { t: "array", items: [{ t: "array", items: [{ t: "int", s: "1" }] }, { t: "bulk", s: "" }] },
    { t: "map", items: [{ t: "status", s: "k" }, { t: "double", s: "1.5" }] },
    { t: "set", items: [{ t: "bool", v: true }] },
    { t: "nil" },
    { t: "verb", format: "txt", s: "ab\ncd" },
    { t: "bignum", s: "123456789012345678901234567890" },
    { t: "push", items: [{ t: "status", s: "a" }, { t: "status", s: "b" }] },
    // The attribute is dropped; the reply it annotates stays.
    { t: "int", s: "7" },
    { t: "error", s: "ERR" },
  ];
  test("reads every RESP2 and RESP3 type", () => {
    expect(readAll(WIRE)).toEqual(expected);
  });
  test("reads the same replies fed byte by byte and in odd chunks", () => {
    expect(readAll(WIRE, 1)).toEqual(expected);
    expect(readAll(WIRE, 7)).toEqual(expected);
  });
  test("a bad type byte is a protocol error", () => {
    expect(() => readAll("?what\r\n")).toThrow(ProtocolError);
  });
});

const arr = (...items: Reply[]): Reply => ({ t: "array", items });
const bulk = (s: string): Reply => ({ t: "bulk", s });
const int = (s: string): Reply => ({ t: "int", s });

describe("formats", () => {
  test("terminal style: nested arrays are numbered and indented", () => {
    const items: Reply[] = [];
    for (let i = 0; i < 10; i++) items.push(bulk(`v${i}`));
    expect(formatTTY(arr(int("1"), arr(bulk("a"), arr()), { t: "array", items }))).toBe(
      '1) (integer) 1\n2) 1) "a"\n   2) (empty array)\n3)  1) "v0"\n    2) "v1"\n    3) "v2"\n    4) "v3"\n    5) "v4"\n    6) "v5"\n    7) "v6"\n    8) "v7"\n    9) "v8"\n   10) "v9"\n',
    );
  });
  test("terminal style: maps, sets, doubles, booleans, big numbers, binary", () => {
    const m: Reply = { t: "map", items: [bulk("k"), { t: "map", items: [bulk("x"), { t: "double", s: "1.5" }] }, bulk("b"), { t: "bool", v: false }] };
    expect(formatTTY(m)).toBe('1# "k" => \n   1# "x" => (double) 1.5\n2# "b" => (false)\n');
    expect(formatTTY({ t: "set", items: [bulk("a")] })).toBe('1~ "a"\n');
    expect(formatTTY({ t: "bignum", s: "12345678901234567890" })).toBe("(big number) 12345678901234567890\n");
    expect(formatTTY(bulk("\x00\xff\"\\\n"))).toBe('"\\x00\\xff\\"\\\\\\n"\n');
    expect(formatTTY({ t: "map", items: [] })).toBe("(empty hash)\n");
  });
  test("raw style: one value per line, map entries as key value, errors with an empty line", () => {
    expect(formatRaw(arr(bulk("a"), arr(bulk("b"), { t: "nil" }), { t: "error", s: "E" }))).toBe("a\nb\n\nE\n");
    expect(formatRaw({ t: "map", items: [bulk("k"), bulk("v"), bulk("k2"), int("2")] })).toBe("k v\nk2 2");
  });
  test("CSV and JSON", () => {
    expect(formatCSV(arr(bulk('a"b'), int("1"), { t: "nil" }, { t: "error", s: "ERR x" }))).toBe('"a\\"b",1,NULL,ERROR,"ERR x"');
    expect(formatJSON({ t: "map", items: [bulk("k"), arr(int("1"), { t: "bool", v: true }, { t: "nil" }, bulk("\x01\n"))] })).toBe('{"k":[1,true,null,"\\u0001\\n"]}');
    expect(formatJSON(bulk("\xff"), true)).toBe('"\\\\xff"');
  });
});

describe("command line", () => {
  const parse = (args: string[], env: Record<string, string> = {}): CliOptions => {
    const r = parseArgs(args, env, false);
    if (!("options" in r)) throw new Error(`exit ${r.exit}: ${r.stderr ?? ""}`);
    return r.options;
  };
  test("options stop at the first argument that is not one", () => {
    const o = parse(["-h", "10.0.0.1", "-p", "7000", "-n", "3", "SET", "k", "-1", "--raw"]);
    expect([o.host, o.port, o.db]).toEqual(["10.0.0.1", 7000, 3]);
    expect(o.command).toEqual(["SET", "k", "-1", "--raw"]);
    expect(o.mode).toBe("command");
    expect(o.output).toBe("raw");
  });
  test("no command: the REPL; flags pick the modes and styles", () => {
    expect(parse([]).mode).toBe("repl");
    expect(parse(["--pipe"]).mode).toBe("pipe");
    expect(parse(["--latency-history", "-i", "0.25"]).intervalMs).toBe(250);
    expect(parse(["--no-raw", "PING"]).output).toBe("tty");
    const j = parse(["--json", "PING"]);
    expect([j.output, j.resp]).toEqual(["json", 3]);
    expect(parse(["-2", "--json", "PING"]).resp).toBe(2);
    expect(parse(["-r", "-1", "PING"]).repeat).toBe(-1);
  });
  test("unknown options and missing values are refused like redis-cli", () => {
    expect(parseArgs(["--nope"], {}, false)).toEqual({ exit: 1, stderr: "Unrecognized option or bad number of args for: '--nope'\n" });
    expect(parseArgs(["-h"], {}, false)).toEqual({ exit: 1, stderr: "Unrecognized option or bad number of args for: '-h'\n" });
  });
  test("passwords: -a, the environment, -u", () => {
    expect(parse(["-a", "pw", "PING"]).pass).toBe("pw");
    expect(parse(["-a", "pw", "PING"]).passOnCommandLine).toBe(true);
    const e = parse(["PING"], { KEDISCLI_AUTH: "envpw" });
    expect([e.pass, e.passOnCommandLine]).toEqual(["envpw", false]);
    const u = parse(["-u", "redis://bob:s%40cret@db.example:7001/4", "PING"]);
    expect([u.host, u.port, u.db, u.user, u.pass]).toEqual(["db.example", 7001, 4, "bob", "s@cret"]);
    // Options after -u win.
    expect(parse(["-u", "redis://h:1/2", "-p", "9", "PING"]).port).toBe(9);
  });
  test("URIs", () => {
    expect(parseUri("rediss://x")).toContain("TLS");
    expect(parseUri("http://x")).toBe("Invalid URI scheme");
    expect(parseUri("redis://:pw@[::1]:7000")).toEqual({ host: "::1", port: 7000, user: null, pass: "pw", db: null });
  });
  test("lines split with redis-cli's quoting rules", () => {
    expect(splitLine(`SET "a b\\x41\\n" 'it\\'s' plain`)).toEqual(["SET", "a bA\n", "it's", "plain"]);
    expect(splitLine(`SET "open`)).toBeNull();
    expect(splitLine(`SET "a"b`)).toBeNull();
    expect(splitLine("   ")).toEqual([]);
  });
});

describe("hints", () => {
  const table = CommandTable.builtin();
  test("synopses are rendered from COMMAND DOCS arguments", () => {
    expect(
      renderSynopsis([
        { name: "key", type: "key" },
        { name: "condition", type: "oneof", optional: true, args: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }] },
        { name: "pattern", type: "pattern", token: "GET", optional: true, multiple: true, multipleToken: true },
        { name: "member", type: "string", multiple: true },
      ]),
    ).toBe("key [NX|XX] [GET pattern [GET pattern ...]] member [member ...]");
    expect(synopsisTokens("key [NX|XX] [EX seconds|PX ms] value")).toEqual(["key", "[NX|XX]", "[EX seconds|PX ms]", "value"]);
  });
  test("the hint shrinks as arguments are typed", () => {
    expect(hintFor(table, ["SET"], false)).toStartWith(" key value [NX|XX]");
    expect(hintFor(table, ["SET"], true)).toStartWith("key value [NX|XX]");
    expect(hintFor(table, ["set", "k"], true)).toStartWith("value [NX|XX]");
    expect(hintFor(table, ["DEL", "a"], true)).toBe("[key ...]");
    expect(hintFor(table, ["CONFIG", "GET"], true)).toBe("parameter [parameter ...]");
    expect(hintFor(table, ["NOSUCHCOMMAND"], true)).toBeNull();
  });
  test("server docs win, and keep the built-in syntax when they have none", () => {
    const t = CommandTable.builtin();
    t.addServerDocs([{ name: "set", summary: "Store a string.", since: "1.0.0", group: "string", args: null, subcommands: [] }]);
    expect(t.get("set")?.summary).toBe("Store a string.");
    expect(t.get("set")?.synopsis).toStartWith("key value");
  });
});
