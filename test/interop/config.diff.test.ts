/**
 * Configuration, INFO and admin commands against real redis-server 7.0: CONFIG GET * names and
 * defaults, CONFIG SET error texts and normalized values, INFO field names per section,
 * start-up FATAL errors, CONFIG REWRITE, SLOWLOG argument handling, MEMORY USAGE of strings,
 * help texts, and redis-benchmark reading our CONFIG.
 */
import { REDIS_VERSION } from "../../src/util/version.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "../../src/config/config.ts";
import { ConfigFileError, loadStartupConfig, parseCommandLine } from "../../src/config/parse.ts";
import { rewriteConfigFile, REWRITE_SIGNATURE } from "../../src/config/rewrite.ts";
import { TestClient } from "../helpers/client.ts";
import { Differ } from "../helpers/diff.ts";
import { freePort, redisServerPath } from "../helpers/servers.ts";

let d: Differ | null = null;
let tmp: string;

beforeAll(async () => {
  d = await Differ.start({ "enable-debug-command": "yes" }, ["--enable-debug-command", "yes"]);
  if (d === null) console.warn("SKIP config interop: redis-server not installed");
  tmp = mkdtempSync(join(tmpdir(), "kedis-config-diff-"));
});
afterAll(async () => {
  await d?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function pairs(reply: unknown): Map<string, string> {
  const a = reply as string[];
  const m = new Map<string, string>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i]!, a[i + 1]!);
  return m;
}

async function bothReplies(...args: string[]): Promise<[unknown, unknown]> {
  return [await d!.k.call(...args), await d!.r.call(...args)];
}

describe("CONFIG GET * against redis-server", () => {
  test("the same parameter names, and the same defaults except where Kedis deliberately differs", async () => {
    if (d === null) return;
    const [k, r] = (await bothReplies("CONFIG", "GET", "*")).map(pairs) as [Map<string, string>, Map<string, string>];
    expect([...k.keys()].sort()).toEqual([...r.keys()].sort());
    const differing = [...r.keys()].filter((n) => k.get(n) !== r.get(n)).sort();
    // bind: Kedis binds loopback by default; port and dir: each test server has its own.
    // loglevel: the test harness silences Kedis.
    expect(differing).toEqual(["bind", "dir", "loglevel", "port"]);
  });

  test("hidden parameters: gettable by name on both, absent from * on both", async () => {
    if (d === null) return;
    for (const name of ["key-load-delay", "rdb-key-save-delay", "loading-process-events-interval-bytes", "watchdog-period"]) {
      expect(await d.run(["CONFIG", "GET", name])).toEqual([]);
    }
    expect(await d.run(["CONFIG", "GET", "Hash-Max-Ziplist-Entries"])).toEqual([]);
    // Several results come in Redis's dict order, which is random per process: compare as maps.
    for (const pat of ["*max-*-entries", "*SLAVE*", "maxmemory*", "h?", "[lz]*-max-*"]) {
      const [k, r] = (await bothReplies("CONFIG", "GET", pat)).map(pairs);
      expect(k).toEqual(r!);
    }
  });
});

describe("CONFIG SET against redis-server", () => {
  const cases: [string, string][] = [
    ["hz", "abc"], ["hz", "+5"], ["hz", "05"], ["hz", "-1"], ["hz", "1000"], ["hz", "0"], ["hz", "10"],
    ["maxmemory", "1x"], ["maxmemory", "-1"], ["maxmemory", "1.5mb"], ["maxmemory", "1k"], ["maxmemory", "1KB"], ["maxmemory", "1gb"], ["maxmemory", ""], ["maxmemory", "0"],
    ["proto-max-bulk-len", "1000"], ["client-query-buffer-limit", "1000"], ["proto-max-bulk-len", "64mb"], ["proto-max-bulk-len", "512mb"],
    ["appendfsync", "sometimes"], ["appendfsync", "ALWAYS"], ["appendfsync", "everysec"],
    ["maxmemory-policy", "foo"], ["maxmemory-policy", "ALLKEYS-LRU"], ["maxmemory-policy", "noeviction"],
    ["save", "1 2 3"], ["save", "a b"], ["save", "0 0"], ["save", "10  20"], ["save", "3600 1 300 100"], ["save", ""],
    ["notify-keyspace-events", "Q"], ["notify-keyspace-events", "nmKg$"], ["notify-keyspace-events", "AKEmn"], ["notify-keyspace-events", "Ex"], ["notify-keyspace-events", ""],
    ["client-output-buffer-limit", "normal 1 2"], ["client-output-buffer-limit", "foo 1 2 3"], ["client-output-buffer-limit", "normal 1mb 2gb x"],
    ["client-output-buffer-limit", "replica 1 2 3 pubsub 1gb 2mb 3"], ["client-output-buffer-limit", "normal -1 0 0"],
    ["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
    ["maxmemory-clients", "10%"], ["maxmemory-clients", "101%"], ["maxmemory-clients", "x%"], ["maxmemory-clients", "0"],
    ["slowlog-log-slower-than", "-2"], ["slowlog-log-slower-than", "-1"], ["slowlog-log-slower-than", "10000"],
    ["latency-monitor-threshold", "x"], ["lua-time-limit", "6000"], ["busy-reply-threshold", "5000"],
    ["list-max-ziplist-size", "-3"], ["list-max-listpack-size", "-2"], ["hash-max-ziplist-entries", "100"], ["hash-max-listpack-entries", "512"],
    ["zset-max-ziplist-value", "1kb"], ["zset-max-listpack-value", "64"], ["set-max-intset-entries", "-1"],
    ["oom-score-adj-values", "1 2"], ["oom-score-adj-values", "1 2 3000"], ["oom-score-adj-values", "0 200 800"],
    ["latency-tracking-info-percentiles", "101"], ["latency-tracking-info-percentiles", "x"], ["latency-tracking-info-percentiles", "50.5 99"], ["latency-tracking-info-percentiles", "50 99 99.9"],
    ["shutdown-on-sigint", "save nosave"], ["shutdown-on-sigint", "now NOSAVE"], ["shutdown-on-sigint", ""], ["shutdown-on-sigint", "default"],
    ["proc-title-template", "{foo}"], ["maxclients", "0"], ["maxclients", "4294967296"], ["tcp-keepalive", "60"], ["tcp-keepalive", "300"],
    ["databases", "3"], ["replicaof", "127.0.0.1 1"], ["slaveof", ""], ["unixsocket", "/tmp/x"], ["daemonize", "yes"], ["io-threads", "2"],
    ["dir", "/tmp"], ["dbfilename", "a/b"], ["requirepass", ""], ["masterauth", "secret"], ["masterauth", ""],
    ["appendonly", "maybe"], ["activedefrag", "YES"], ["activedefrag", "no"], ["loglevel", "DEBUG"], ["loglevel", "notice"], ["loglevel", "loud"],
    ["foo", "bar"], ["enable-debug-command", "no"], ["key-load-delay", "x"], ["key-load-delay", "0"],
  ];

  test("error texts and normalized values are byte-identical", async () => {
    if (d === null) return;
    const mismatches = [];
    for (const [name, value] of cases) {
      // Each test server has its own directory.
      mismatches.push(...(await d.run(["CONFIG", "SET", name, value], ...(name === "dir" ? [] : [["CONFIG", "GET", name]]))));
    }
    expect(mismatches).toEqual([]);
  });

  test("several pairs: unknown wins, duplicates, rollback, argument count", async () => {
    if (d === null) return;
    expect(
      await d.run(
        ["CONFIG", "SET", "hz", "abc", "foo", "bar"],
        ["CONFIG", "SET", "hz", "abc", "databases", "1"],
        ["CONFIG", "SET", "hz", "abc", "maxmemory", "1x"],
        ["CONFIG", "SET", "hz", "1", "HZ", "2"],
        ["CONFIG", "SET", "hz", "20", "timeout", "x"],
        ["CONFIG", "GET", "hz"],
        ["CONFIG", "SET", "hz", "5", "hash-max-ziplist-entries", "3", "hash-max-listpack-entries", "5"],
        ["CONFIG", "GET", "hash-max-ziplist-entries"],
        ["CONFIG", "SET", "hz", "10", "hash-max-listpack-entries", "512"],
        ["CONFIG", "SET", "hz", "1", "foo"],
        ["CONFIG", "SET", "hz"],
        ["CONFIG", "GET"],
        ["CONFIG", "FOO"],
        ["CONFIG", "HELP"],
        ["CONFIG", "REWRITE"],
      ),
    ).toEqual([]);
  });
});

describe("INFO against redis-server", () => {
  const sections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "cluster"];

  function names(info: string): string[] {
    return info
      .split("\r\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.slice(0, l.indexOf(":")));
  }

  test("every section has Redis's field names in Redis's order (Kedis adds kedis_version)", async () => {
    if (d === null) return;
    const missing: string[] = [];
    for (const s of sections) {
      const [k, r] = (await bothReplies("INFO", s)) as [string, string];
      const kn = names(k).filter((n) => n !== "kedis_version");
      const rn = names(r);
      for (const n of rn) if (!kn.includes(n)) missing.push(`${s}.${n}`);
      expect(`${s}: ${kn.join(",")}`).toBe(`${s}: ${rn.join(",")}`);
    }
    if (missing.length > 0) console.warn(`INFO fields Kedis lacks: ${missing.join(" ")}`);
    expect(missing).toEqual([]);
  });

  test("section headers for default, all, everything and lists of sections match", async () => {
    if (d === null) return;
    const heads = (t: string) => t.split("\r\n").filter((l) => l.startsWith("# "));
    for (const args of [[], ["default"], ["all"], ["everything"], ["keyspace", "CPU", "server"], ["nosuch"], ["server", "server"]]) {
      const [k, r] = (await bothReplies("INFO", ...args)) as [string, string];
      expect(heads(k)).toEqual(heads(r));
    }
  });

  test("errorstats, commandstats and keyspace lines have the same names after the same commands", async () => {
    if (d === null) return;
    await d.run(["CONFIG", "RESETSTAT"]);
    await d.run(["SET", "a", "1"], ["GET", "a"], ["GET"], ["NOSUCH"], ["CONFIG", "GET", "hz"], ["CONFIG", "SET", "hz", "x"], ["SELECT", "3"], ["SET", "b", "2"], ["SELECT", "0"]);
    const lines = (t: string, prefix: string) => t.split("\r\n").filter((l) => l.startsWith(prefix)).sort();
    const [k, r] = (await bothReplies("INFO", "errorstats", "commandstats", "keyspace", "stats")) as [string, string];
    expect(lines(k, "errorstat_")).toEqual(lines(r, "errorstat_"));
    expect(lines(k, "db")).toEqual(lines(r, "db"));
    const calls = (t: string) => lines(t, "cmdstat_").map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+/, "usec=*"));
    expect(calls(k)).toEqual(calls(r));
    const field = (t: string, f: string) => lines(t, f + ":")[0];
    for (const f of ["total_error_replies", "keyspace_hits", "keyspace_misses", "total_commands_processed"]) expect(field(k, f)).toBe(field(r, f));
  });
});

describe("admin commands against redis-server", () => {
  test("help texts, errors and fixed replies are byte-identical", async () => {
    if (d === null) return;
    expect(
      await d.run(
        ["SLOWLOG", "HELP"], ["LATENCY", "HELP"], ["MEMORY", "HELP"], ["MODULE", "HELP"],
        ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "GET", "abc"], ["SLOWLOG", "FOO"], ["SLOWLOG", "GET", "1", "2"],
        ["LATENCY", "LATEST"], ["LATENCY", "HISTORY", "foo"], ["LATENCY", "DOCTOR"], ["LATENCY", "GRAPH", "command"], ["LATENCY", "RESET"],
        ["MEMORY", "USAGE", "nokey"], ["MEMORY", "USAGE", "a", "SAMPLES"], ["MEMORY", "USAGE", "a", "SAMPLES", "x"], ["MEMORY", "USAGE", "a", "foo"], ["MEMORY", "PURGE"],
        ["SHUTDOWN", "ABORT"], ["SHUTDOWN", "ABORT", "NOW"], ["SHUTDOWN", "foo"], ["SHUTDOWN", "NOSAVE", "SAVE"],
        ["DEBUG", "OBJECT", "nokey"], ["DEBUG", "SET-ACTIVE-EXPIRE"], ["DEBUG", "foo"], ["DEBUG", "SLEEP", "0"], ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
        ["DEBUG", "PROTOCOL", "string"], ["DEBUG", "PROTOCOL", "integer"], ["DEBUG", "PROTOCOL", "double"], ["DEBUG", "PROTOCOL", "bignum"],
        ["DEBUG", "PROTOCOL", "null"], ["DEBUG", "PROTOCOL", "array"], ["DEBUG", "PROTOCOL", "set"], ["DEBUG", "PROTOCOL", "map"],
        ["DEBUG", "PROTOCOL", "attrib"], ["DEBUG", "PROTOCOL", "push"], ["DEBUG", "PROTOCOL", "true"], ["DEBUG", "PROTOCOL", "verbatim"], ["DEBUG", "PROTOCOL", "nope"],
        ["MODULE", "LIST"], ["MODULE", "LOAD", "/x.so"], ["TIME", "x"], ["LASTSAVE", "x"],
      ),
    ).toEqual([]);
  });

  test("MEMORY USAGE and DEBUG OBJECT of strings match Redis's numbers", async () => {
    if (d === null) return;
    const values = ["1", "9999", "10000", "-5", "hello", "x".repeat(44), "x".repeat(45), "y".repeat(100), "z".repeat(300), "w".repeat(5000)];
    for (let i = 0; i < values.length; i++) {
      const key = `key:${i}:${"k".repeat(i * 7)}`;
      expect(await d.run(["SET", key, values[i]!], ["MEMORY", "USAGE", key])).toEqual([]);
      const [k, r] = (await bothReplies("DEBUG", "OBJECT", key)) as [string, string];
      const strip = (s: string) => s.replace(/Value at:0x[0-9a-f]+ /, "").replace(/ lru:\d+ lru_seconds_idle:\d+/, "");
      // Strings above 20 bytes are LZF-compressed in RDB; Kedis reports the uncompressed length.
      const comparable = (s: string) => (values[i]!.length > 20 ? s.replace(/serializedlength:\d+/, "") : s);
      expect(comparable(strip(k))).toBe(comparable(strip(r)));
    }
  });

  test("SLOWLOG keeps the same arguments: truncation, argument limit, redaction", async () => {
    if (d === null) return;
    await d.run(["CONFIG", "SET", "slowlog-log-slower-than", "0"], ["SLOWLOG", "RESET"]);
    const many = Array.from({ length: 40 }, (_, i) => `arg${i}`);
    await d.run(["ECHO", "x".repeat(300)], ["SET", "k", ...many], ["CONFIG", "SET", "masterauth", "secret", "hz", "10"], ["CONFIG", "SET", "masterauth", ""]);
    await d.run(["CONFIG", "SET", "slowlog-log-slower-than", "10000"]);
    const [k, r] = (await bothReplies("SLOWLOG", "GET", "-1")) as [unknown[][], unknown[][]];
    const argvs = (entries: unknown[][]) => entries.map((e) => e[3]);
    expect(argvs(k)).toEqual(argvs(r));
    expect(k.map((e) => e[5])).toEqual(r.map((e) => e[5]));
  });
});

describe("start-up configuration against redis-server", () => {
  /** redis-server writes exactly the FATAL block to stderr and exits. */
  async function redisFatal(args: string[]): Promise<string> {
    const p = Bun.spawn([redisServerPath()!, ...args], { stdout: "ignore", stderr: "pipe" });
    const err = await new Response(p.stderr).text();
    await p.exited;
    return err.includes("*** FATAL CONFIG FILE ERROR") ? err : `(no fatal error) ${err}`;
  }

  function kedisFatal(args: string[]): string {
    try {
      loadStartupConfig(new Config(), parseCommandLine(args));
    } catch (e) {
      // The block names the reported compatibility version; Redis's names 7.0.15.
      if (e instanceof ConfigFileError) return e.message.replace(`(Redis ${REDIS_VERSION})`, "(Redis 7.0.15)");
      throw e;
    }
    return "(no fatal error)";
  }

  test("bad directives, values and quotes produce the same FATAL block", async () => {
    if (d === null) return;
    const files: Record<string, string> = {
      unknown: "port 0\nfoo bar\n",
      arity: "port 0 1\n",
      int: "hz abc\n",
      quotes: 'save "3600 1\n',
      enum: "supervised foo\n",
      octal: "unixsocketperm 999\n",
      save: "save 10\n",
      obuf: "client-output-buffer-limit foo 1 2 3\n",
    };
    for (const [name, text] of Object.entries(files)) {
      const f = join(tmp, `${name}.conf`);
      writeFileSync(f, text);
      expect(kedisFatal([f])).toBe(await redisFatal([f]));
    }
    for (const args of [["--port", "0", "--hz", "abc"], ["--nope", "1"], ["--port", "0", "--io-threads", "0"], [join(tmp, "int.conf"), "--port", "0"]]) {
      expect(kedisFatal(args)).toBe(await redisFatal(args));
    }
  });

  test("CONFIG REWRITE edits a file the way Redis does", async () => {
    if (d === null) return;
    const port = freePort();
    const body = (p: number, dir: string) =>
      [
        "# test config",
        `port ${p}`,
        "   # indented",
        `dir ${dir}`,
        "save 900 1",
        "save 300 10",
        "hz 10",
        "hash-max-ziplist-entries 100",
        "client-output-buffer-limit normal 0 0 0",
        "client-output-buffer-limit pubsub 32mb 8mb 60",
        'notify-keyspace-events "KEA"',
        "# end",
        "",
      ].join("\n");
    const rdir = mkdtempSync(join(tmp, "r-"));
    const rfile = join(rdir, "redis.conf");
    writeFileSync(rfile, body(port, rdir));
    const proc = Bun.spawn([redisServerPath()!, rfile], { stdout: "ignore", stderr: "ignore" });
    try {
      let r: TestClient | null = null;
      for (let i = 0; i < 100 && r === null; i++) {
        try {
          r = await TestClient.connect(port);
        } catch {
          await Bun.sleep(20);
        }
      }
      const sets = ["hz", "20", "maxmemory", "100mb", "hash-max-listpack-entries", "200", "save", "60 5", "notify-keyspace-events", "", "slowlog-max-len", "10"];
      expect(await r!.call("CONFIG", "SET", ...sets)).toBe("OK");
      expect(await r!.call("CONFIG", "REWRITE")).toBe("OK");
      r!.close();
      const redisText = readFileSync(rfile, "utf8");

      const kdir = mkdtempSync(join(tmp, "k-"));
      const kfile = join(kdir, "redis.conf");
      writeFileSync(kfile, body(port, kdir));
      const c = new Config();
      loadStartupConfig(c, parseCommandLine([kfile]));
      const pairs: [string, string][] = [];
      for (let i = 0; i < sets.length; i += 2) pairs.push([sets[i]!, sets[i + 1]!]);
      expect(c.setMany(pairs, { protectedAllowed: true })).toBeNull();
      rewriteConfigFile(c, kfile);
      const kedisText = readFileSync(kfile, "utf8");

      const split = (t: string, dir: string) => {
        const [head, tail = ""] = t.replaceAll(dir, "<dir>").split(REWRITE_SIGNATURE);
        // Redis also appends lines Kedis has no counterpart for (its ACL default user, the
        // pidfile and percentile defaults); the order of appended lines is Redis's dict order.
        const ignored = /^(user |pidfile |latency-tracking-info-percentiles |daemonize |logfile )/;
        return { head, tail: tail.split("\n").filter((l) => l !== "" && !ignored.test(l)).sort() };
      };
      expect(split(kedisText, kdir)).toEqual(split(redisText, rdir));
    } finally {
      proc.kill();
      await proc.exited;
    }
  });
});

describe("tools", () => {
  test("redis-benchmark reads Kedis's CONFIG without warnings", async () => {
    if (d === null) return;
    const bench = Bun.which("redis-benchmark");
    if (bench === null) {
      console.warn("SKIP redis-benchmark check: redis-benchmark not installed");
      return;
    }
    const p = Bun.spawn([bench, "-q", "-n", "200", "-c", "2", "-t", "set,get", "-p", String(d.kedis.port)], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    expect(await p.exited).toBe(0);
    expect(out + err).not.toContain("Could not fetch server CONFIG");
    expect(out).toContain("SET:");
    expect(out).toContain("GET:");
  });
});
