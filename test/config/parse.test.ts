import { REDIS_VERSION } from "../../src/util/version.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "../../src/config/config.ts";
import {
  ConfigFileError,
  ConfigOpenError,
  loadConfigText,
  loadStartupConfig,
  parseCommandLine,
  quoteArg,
  splitArgs,
  type ConfigExtras,
} from "../../src/config/parse.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kedis-parse-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const extras = (): ConfigExtras => ({ users: [], renames: [] });

function load(text: string): Config {
  const c = new Config();
  loadConfigText(c, text, extras());
  return c;
}

function loadError(text: string): string {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigFileError) return e.message;
    throw e;
  }
  throw new Error("expected a config error");
}

describe("splitArgs follows sdssplitargs", () => {
  test("plain words, double quotes with escapes, single quotes", () => {
    expect(splitArgs("  save 900   1 ")).toEqual(["save", "900", "1"]);
    expect(splitArgs('requirepass "a b\\n\\x41\\"c"')).toEqual(["requirepass", 'a b\nA"c']);
    expect(splitArgs("x 'it\\'s' ''")).toEqual(["x", "it's", ""]);
    expect(splitArgs('save ""')).toEqual(["save", ""]);
    expect(splitArgs('a"b c"')).toEqual(["ab c"]);
  });

  test("unbalanced quotes and a closing quote glued to text are errors", () => {
    expect(splitArgs('save "3600 1')).toBeNull();
    expect(splitArgs('a "b"c')).toBeNull();
    expect(splitArgs("a 'b")).toBeNull();
  });

  test("quoteArg output reads back to the same string", () => {
    for (const s of ["", "plain", 'q"uote', "back\\slash", "nl\nr\rt\t", "\x01\x7f", "héllo"]) {
      expect(splitArgs(quoteArg(s))).toEqual([s]);
    }
    expect(quoteArg("a\nb")).toBe('"a\\nb"');
  });
});

describe("config file text", () => {
  test("comments, blank lines, indentation, quotes, case-insensitive names", () => {
    const c = load("# comment\n\n   PORT 7000\n\t# indented comment\nrequirepass \"p w\"\r\nMaxMemory 1mb\n");
    expect(c.get("port")).toBe("7000");
    expect(c.get("requirepass")).toBe("p w");
    expect(c.get("maxmemory")).toBe("1048576");
  });

  test("save lines add up; the first replaces the default; save \"\" clears", () => {
    expect(load("save 900 1\nsave 300 10\n").get("save")).toBe("900 1 300 10");
    expect(load('save 900 1\nsave ""\n').get("save")).toBe("");
    expect(load("save 900 1 300 10\n").get("save")).toBe("900 1 300 10");
  });

  test("client-output-buffer-limit lines change one class each", () => {
    const c = load("client-output-buffer-limit normal 1mb 2mb 3\nclient-output-buffer-limit replica 10 20 30\n");
    expect(c.get("client-output-buffer-limit")).toBe("normal 1048576 2097152 3 slave 10 20 30 pubsub 33554432 8388608 60");
  });

  test("aliases, multi-word bind, deprecated directives, user and rename-command", () => {
    const ex = extras();
    const c = new Config();
    loadConfigText(c, "hash-max-ziplist-entries 100\nbind 127.0.0.1 -::1 10.0.0.1\nlist-max-ziplist-entries 5\nuser alice on >pw ~* +@all\nrename-command FLUSHALL \"\"\n", ex);
    expect(c.get("hash-max-listpack-entries")).toBe("100");
    expect(c.get("bind")).toBe("127.0.0.1 -::1 10.0.0.1");
    expect(ex.users).toEqual([["alice", "on", ">pw", "~*", "+@all"]]);
    expect(ex.renames).toEqual([["FLUSHALL", ""]]);
  });

  test("unknown directive: Redis's FATAL block with line number and text", () => {
    expect(loadError("port 7399\nfoo bar\n")).toBe(
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n`,
    );
  });

  test("wrong number of arguments, bad values, unbalanced quotes", () => {
    expect(loadError("port 7399 7400")).toContain(">>> 'port 7399 7400'\nwrong number of arguments\n");
    expect(loadError("hz abc")).toContain("at line 1\n>>> 'hz abc'\nargument couldn't be parsed into an integer\n");
    expect(loadError('save "3600 1')).toContain("Unbalanced quotes in configuration line");
    expect(loadError("replicaof 1.2.3.4")).toContain("wrong number of arguments");
    expect(loadError("databases 0")).toContain("argument must be between 1 and 2147483647 inclusive");
    expect(loadError("unixsocketperm 999")).toContain("argument couldn't be parsed as an octal number");
    expect(loadError("supervised foo")).toContain("argument(s) must be one of the following: upstart, systemd, auto, no");
    expect(loadError("include")).toContain("Bad directive or wrong number of arguments");
  });

  test("immutable parameters are settable from the file", () => {
    const c = load("databases 32\nunixsocketperm 700\ndaemonize no\n");
    expect(c.getInt("databases")).toBe(32);
    expect(c.get("unixsocketperm")).toBe("700");
    expect(c.getInt("unixsocketperm")).toBe(0o700);
  });

  test("include reads other files, globs included, and errors name the missing file", () => {
    const a = join(dir, "a.conf");
    writeFileSync(a, "maxclients 500\n");
    writeFileSync(join(dir, "part-1.conf"), "hz 20\n");
    writeFileSync(join(dir, "part-2.conf"), "hz 30\ntimeout 7\n");
    const c = load(`include ${a}\ninclude ${join(dir, "part-*.conf")}\n`);
    expect(c.get("maxclients")).toBe("500");
    expect(c.get("hz")).toBe("30");
    expect(c.get("timeout")).toBe("7");
    expect(() => load(`include ${join(dir, "missing.conf")}`)).toThrow(ConfigOpenError);
  });
});

describe("redis-server command lines", () => {
  test("--name value options become directives after the file", () => {
    const cl = parseCommandLine(["my.conf", "--port", "7000", "--bind", "127.0.0.1", "::1", "--save", "--appendonly", "yes"]);
    expect(cl.configFile).toBe("my.conf");
    expect(cl.options).toBe('port "7000" \nbind "127.0.0.1" "::1" \nsave ""\nappendonly "yes" ');
    expect(parseCommandLine(["--save"]).options).toBe('save ""');
    expect(parseCommandLine(["--port 7000"]).options).toBe("port 7000 ");
    expect(parseCommandLine(["-"]).stdin).toBe(true);
    expect(parseCommandLine(["-v"]).version).toBe(true);
    expect(parseCommandLine(["--help"]).help).toBe(true);
  });

  test("options override the file, and error line numbers count as redis-server's do", () => {
    const f = join(dir, "base.conf");
    writeFileSync(f, "port 7001\nhz 5\n");
    const c = new Config();
    loadStartupConfig(c, parseCommandLine([f, "--port", "7002"]));
    expect(c.get("port")).toBe("7002");
    expect(c.get("hz")).toBe("5");
    let msg = "";
    try {
      loadStartupConfig(new Config(), parseCommandLine(["--port", "7399", "--hz", "abc"]));
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("at line 3\n>>> 'hz \"abc\"'\nargument couldn't be parsed into an integer");
    expect(() => loadStartupConfig(new Config(), parseCommandLine([join(dir, "nope.conf")]))).toThrow(ConfigOpenError);
  });

  test("configuration from stdin comes after the file", () => {
    const c = new Config();
    loadStartupConfig(c, parseCommandLine(["-", "--timeout", "9"]), "hz 42\ntimeout 1\n");
    expect(c.get("hz")).toBe("42");
    expect(c.get("timeout")).toBe("9");
  });
});
