import { describe, expect, test } from "bun:test";
import { Config } from "../../src/config/config.ts";
import { globMatch } from "../../src/config/glob.ts";
import { P_HIDDEN, PARAMS, parseMemory } from "../../src/config/table.ts";

const allow = { protectedAllowed: false };
const prefix = (name: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - `;

describe("the parameter table", () => {
  test("has unique names and aliases, and defaults that pass their own validation", () => {
    const seen = new Set<string>();
    for (const p of PARAMS) {
      for (const n of [p.name, ...p.aliases]) {
        expect(seen.has(n)).toBe(false);
        seen.add(n);
      }
      const c = new Config();
      if (p.name === "dir") continue;
      expect(c.set(p.name, p.default)).toBeNull();
      expect(c.get(p.name)).toBe(p.default);
    }
  });

  test("memory values follow memtoull: units, case, no sign, no fractions", () => {
    expect(parseMemory("1k")).toBe(1000n);
    expect(parseMemory("1KB")).toBe(1024n);
    expect(parseMemory("2gb")).toBe(2n * 1024n ** 3n);
    expect(parseMemory("05")).toBe(5n);
    expect(parseMemory("")).toBe(0n);
    expect(parseMemory("1.5mb")).toBeNull();
    expect(parseMemory("-1")).toBeNull();
    expect(parseMemory("+5")).toBeNull();
    expect(parseMemory("1t")).toBeNull();
  });
});

describe("Config.set validation (Redis's messages)", () => {
  const c = new Config();
  test.each([
    ["hz", "abc", "argument couldn't be parsed into an integer"],
    ["hz", "+5", "argument couldn't be parsed into an integer"],
    ["hz", "05", "argument couldn't be parsed into an integer"],
    ["hz", "-1", "argument must be between 0 and 2147483647 inclusive"],
    ["maxmemory", "1x", "argument must be a memory value"],
    ["proto-max-bulk-len", "1000", "argument must be between 1048576 and 9223372036854775807 inclusive"],
    ["appendonly", "maybe", "argument must be 'yes' or 'no'"],
    ["loglevel", "loud", "argument(s) must be one of the following: debug, verbose, notice, warning"],
    ["save", "10", "Invalid save parameters"],
    ["save", "0 0", "Invalid save parameters"],
    ["notify-keyspace-events", "Q", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    ["client-output-buffer-limit", "normal 1 2", "Wrong number of arguments in buffer limit configuration."],
    ["client-output-buffer-limit", "foo 1 2 3", "Invalid client class specified in buffer limit configuration."],
    ["client-output-buffer-limit", "normal 1mb 2gb x", "Error in hard, soft or soft_seconds setting in buffer limit configuration."],
    ["maxmemory-clients", "101%", "percentage argument must be less or equal to 100"],
    ["dbfilename", "a/b", "dbfilename can't be a path, just a filename"],
    ["dir", "/nonexistent-kedis-dir", "No such file or directory"],
    ["oom-score-adj-values", "1 2", "wrong number of arguments"],
    ["shutdown-on-sigint", "save nosave", "shutdown options SAVE and NOSAVE can't be used simultaneously"],
    ["proc-title-template", "{foo}", "template format is invalid or contains unknown variables"],
  ])("%s %p → %s", (name, value, msg) => {
    expect(c.set(name, value)).toBe(msg);
  });

  test("values are normalized the way CONFIG GET prints them", () => {
    const n = new Config();
    const cases: [string, string, string][] = [
      ["maxmemory", "1gb", "1073741824"],
      ["maxmemory", "1k", "1000"],
      ["appendonly", "YES", "yes"],
      ["maxmemory-policy", "ALLKEYS-LRU", "allkeys-lru"],
      ["notify-keyspace-events", "nmKg$", "g$nKm"],
      ["notify-keyspace-events", "$lshzxetdgK", "AK"],
      ["notify-keyspace-events", "AKEmn", "AKEm"],
      ["maxmemory-clients", "10%", "10%"],
      ["client-output-buffer-limit", "pubsub 1gb 2 3 normal 5 6 7", "normal 5 6 7 slave 268435456 67108864 60 pubsub 1073741824 2 3"],
      ["client-output-buffer-limit", "replica 1 2 3", "normal 5 6 7 slave 1 2 3 pubsub 1073741824 2 3"],
      ["save", "3600 1 300 100", "3600 1 300 100"],
      ["latency-tracking-info-percentiles", "50.5 99", "50.5 99"],
      ["shutdown-on-sigint", "now NOSAVE", "nosave now"],
      ["shutdown-on-sigint", "default now", "now"],
      ["replicaof", "127.0.0.1 6380", "127.0.0.1 6380"],
      ["replicaof", "no one", ""],
    ];
    for (const [name, value, want] of cases) {
      expect(n.set(name, value)).toBeNull();
      expect(n.get(name)).toBe(want);
    }
    expect(n.getInt("maxmemory-clients")).toBe(-10);
  });
});

describe("Config.setMany (CONFIG SET semantics)", () => {
  test("unknown names win over every other error; then immutable, protected, duplicates", () => {
    const c = new Config();
    expect(c.setMany([["hz", "abc"], ["foo", "bar"]], allow)).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    expect(c.setMany([["hz", "abc"], ["databases", "1"]], allow)).toBe(prefix("databases") + "can't set immutable config");
    expect(c.setMany([["dir", "/tmp"]], allow)).toBe(prefix("dir") + "can't set protected config");
    expect(c.setMany([["dir", "/tmp"]], { protectedAllowed: true })).toBeNull();
    expect(c.setMany([["hz", "1"], ["HZ", "2"]], allow)).toBe(prefix("HZ") + "duplicate parameter");
  });

  test("an alias and its parameter in one call are not duplicates; the last one wins", () => {
    const c = new Config();
    expect(c.setMany([["hash-max-ziplist-entries", "3"], ["hash-max-listpack-entries", "5"]], allow)).toBeNull();
    expect(c.get("hash-max-ziplist-entries")).toBe("5");
  });

  test("a bad value restores every parameter set before it", () => {
    const c = new Config();
    expect(c.setMany([["hz", "20"], ["maxmemory", "1mb"], ["timeout", "x"]], allow)).toBe(prefix("timeout") + "argument couldn't be parsed into an integer");
    expect(c.get("hz")).toBe("10");
    expect(c.get("maxmemory")).toBe("0");
  });

  test("a failing apply hook restores all values and re-applies the old ones", () => {
    const c = new Config();
    const applied: string[] = [];
    c.onApply(["hz"], () => {
      applied.push(`hz=${c.get("hz")}`);
      return null;
    });
    c.onApply(["port"], () => (c.get("port") === "1" ? "Unable to listen on this port" : null));
    expect(c.setMany([["hz", "20"], ["port", "1"]], allow)).toBe(prefix("port") + "Unable to listen on this port");
    expect(c.get("hz")).toBe("10");
    expect(c.get("port")).toBe("6379");
    expect(applied).toEqual(["hz=20", "hz=10"]);
  });

  test("apply hooks run once per call and only for changed values", () => {
    const c = new Config();
    let runs = 0;
    c.onApply(["port", "bind"], () => {
      runs++;
      return null;
    });
    expect(c.setMany([["port", "6379"]], allow)).toBeNull();
    expect(runs).toBe(0);
    expect(c.setMany([["port", "7000"], ["bind", "127.0.0.1"]], allow)).toBeNull();
    expect(runs).toBe(1);
  });
});

describe("Config.match (CONFIG GET)", () => {
  const c = new Config();
  test("plain names answer under the name asked, once, case-insensitively", () => {
    expect(c.match(["PORT"])).toEqual([["PORT", "6379"]]);
    expect(c.match(["Port", "port"])).toEqual([["Port", "6379"]]);
    expect(c.match(["hash-max-ziplist-entries"])).toEqual([["hash-max-ziplist-entries", "512"]]);
    expect(c.match(["nope"])).toEqual([]);
  });

  test("globs list public names and aliases but not hidden parameters", () => {
    const names = c.match(["*"]).map(([n]) => n);
    expect(names).toContain("hash-max-ziplist-entries");
    expect(names).toContain("slaveof");
    expect(names).not.toContain("key-load-delay");
    expect(names.length).toBe(192);
    for (const p of PARAMS) if (p.flags & P_HIDDEN) expect(c.match([p.name])).toEqual([[p.name, p.default]]);
    expect(c.match(["*max-*-entries"]).map(([n]) => n).sort()).toEqual(
      ["hash-max-listpack-entries", "hash-max-ziplist-entries", "set-max-intset-entries", "zset-max-listpack-entries", "zset-max-ziplist-entries"].sort(),
    );
  });

  test("glob matching is Redis's: classes, escapes, and no exponential blow-up", () => {
    expect(globMatch("h[ae]llo", "hallo")).toBe(true);
    expect(globMatch("h[^e]llo", "hello")).toBe(false);
    expect(globMatch("h[a-c]llo", "hbllo")).toBe(true);
    expect(globMatch("h\\*llo", "h*llo")).toBe(true);
    expect(globMatch("PO*", "port", true)).toBe(true);
    expect(globMatch("a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000))).toBe(false);
  });
});
