/**
 * kedis-cli prints replies byte for byte like Debian's redis-cli 7.0: the same commands go
 * through both clients against the same server, in every output style (raw, --no-raw, --csv,
 * --json; RESP2 and RESP3 with -3), and stdout, stderr and exit codes are compared.
 *
 * Commands are fed on stdin (both clients then run them one by one, as their REPL does when stdin
 * is not a terminal), so each style costs one run of each client. The server is a real
 * redis-server when installed (it has DEBUG PROTOCOL for every RESP3 type) and Kedis in-process
 * as well. Skipped with a printed reason without redis-cli.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freePort, startKedis, startRedis, type Running } from "../helpers/servers.ts";

const REDIS_CLI = Bun.which("redis-cli");
if (REDIS_CLI === null) console.warn("SKIP kedis-cli format tests: redis-cli not found (apt-get install redis-tools)");
const KEDIS_CLI = [process.execPath, `${import.meta.dir}/../../src/cli/main.ts`];

interface Run {
  out: string;
  err: string;
  code: number;
}

/** Run a client; output as latin1 text (one char per byte) so binary replies compare exactly. */
async function run(cmd: string[], stdin = "", env: Record<string, string> = {}): Promise<Run> {
  const p = Bun.spawn(cmd, { stdin: Buffer.from(stdin, "latin1"), stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [o, e, code] = await Promise.all([new Response(p.stdout).arrayBuffer(), new Response(p.stderr).arrayBuffer(), p.exited]);
  return { out: Buffer.from(o).toString("latin1"), err: Buffer.from(e).toString("latin1"), code };
}

/** Both clients with the same arguments; the data is reset before each run. */
async function both(server: Running, args: string[], stdin = "", reset = true): Promise<[Run, Run]> {
  if (reset) await fixture(server);
  const real = await run([REDIS_CLI!, "-p", String(server.port), ...args], stdin);
  if (reset) await fixture(server);
  const ours = await run([...KEDIS_CLI, "-p", String(server.port), ...args], stdin);
  return [real, ours];
}

/** Fresh, deterministic data. */
async function fixture(server: Running): Promise<void> {
  const c = await server.client();
  await c.call("FLUSHALL");
  await c.call("SET", "s1", "hello\nworld");
  await c.call("SET", "bin", new Uint8Array([0x01, 0xff, 0x22, 0x71, 0x5c, 0x09, 0x0d, 0x08, 0x0c, 0x7f, 0x20, 0xc3, 0xa9, 0x00]));
  await c.call("SET", "num", "10");
  await c.call("RPUSH", "list", "a", "b", "", "c");
  await c.call("HSET", "h", "f1", "v1");
  await c.call("SADD", "st", "only");
  await c.call("ZADD", "z", "1.5", "a", "2", "b", "30000000000", "c");
  const big: string[] = [];
  for (let i = 0; i < 105; i++) big.push(`e${i}`);
  await c.call("RPUSH", "biglist", ...big);
  const kv: string[] = [];
  for (let i = 1; i <= 12; i += 2) kv.push(`k${i}`, `v${i}`);
  await c.call("MSET", ...kv);
  c.close();
}

/** Every kind of reply, as lines typed into the client. */
const COMMANDS = [
  "PING",
  'PING "hello world"',
  'ECHO "\\x01\\xff\\"q\\\\\\t\\r\\b\\x0c\\x7f \\xc3\\xa9"',
  "GET s1",
  "GET bin",
  "GET nokey",
  "INCR num",
  "INCRBY num -25",
  "INCR s1",
  "FOOBAR arg1 'two words'",
  "GET",
  "LRANGE list 0 -1",
  "LRANGE nolist 0 -1",
  "LRANGE biglist 0 -1",
  "MGET k1 k2 k3 k4 k5 k6 k7 k8 k9 k10 k11 k12",
  "HGETALL h",
  "HGETALL nohash",
  "SMEMBERS st",
  "SMEMBERS noset",
  "ZRANGE z 0 -1 WITHSCORES",
  "ZSCORE z a",
  "ZSCORE z c",
  "ZSCORE z nomember",
  "ZINCRBY z inf a",
  "EXISTS s1 nokey list",
  "TYPE h",
  "CONFIG GET maxmemory",
  "MULTI",
  "INCR num",
  "LPUSH s1 x",
  "GET s1",
  "EXEC",
  "EXEC",
  "SELECT 2",
  "SET in2 'it''s'",
  "SET in2 \"unterminated",
  "GET in2",
  "SELECT 0",
  "OBJECT ENCODING list",
  "EVAL \"return {1,{2,{3,'x'}},redis.error_reply('E1 bad'),{},redis.status_reply('ST')}\" 0",
  "EVAL \"return {{},{{}},{1,{}}}\" 0",
  "EVAL \"return redis.error_reply('E2 \\\"quoted\\\" \\\\\\\\ back')\" 0",
  "COMMAND DOCS echo",
  "3 INCR num",
];

/** RESP3 types only DEBUG PROTOCOL produces (redis-cli 7.0 cannot read bignum or attributes). */
const DEBUG_PROTOCOL = ["string", "integer", "double", "null", "array", "set", "map", "verbatim", "true", "false"].map((t) => `DEBUG PROTOCOL ${t}`);

const STYLES: string[][] = [[], ["--no-raw"], ["--csv"], ["--json"], ["-3"], ["-3", "--no-raw"], ["-3", "--csv"], ["-2", "--json"], ["--raw", "-d", "|"]];

// One-shot cases run against Kedis only: they test the client's options, not reply shapes.
const servers: { name: string; start: () => Promise<Running | null>; debug: boolean; oneShots: boolean }[] = [
  { name: "redis-server", start: () => startRedis(["--enable-debug-command", "yes"]), debug: true, oneShots: false },
  { name: "kedis", start: () => startKedis(), debug: false, oneShots: true },
];

for (const srv of servers) {
  describe.skipIf(REDIS_CLI === null)(`kedis-cli prints like redis-cli (${srv.name})`, () => {
    let server: Running | null = null;
    beforeAll(async () => {
      server = await srv.start();
      if (server === null) console.warn(`SKIP kedis-cli format tests against ${srv.name}: not installed`);
    });
    afterAll(async () => {
      await server?.stop();
    });

    for (const style of STYLES) {
      test(`replies of every type, ${style.join(" ") || "default (raw, stdout not a tty)"}`, async () => {
        if (server === null) return;
        let lines = [...COMMANDS, ...(srv.debug ? DEBUG_PROTOCOL : [])];
        // Deliberate difference: redis-cli writes inf bare (not JSON); kedis-cli writes "inf".
        if (style.includes("--json")) lines = lines.filter((l) => !l.includes(" inf "));
        const [real, ours] = await both(server, style, lines.join("\n") + "\n");
        expect(ours.out).toBe(real.out);
        expect(ours.err).toBe(real.err);
        expect(ours.code).toBe(real.code);
        // The comparison means something only if the output is rich.
        expect(real.out.length).toBeGreaterThan(500);
      });
    }

    const oneShots: [string, string[], string?][] = [
      ["an error reply, raw", ["INCR", "s1"]],
      ["an error reply, --no-raw", ["--no-raw", "INCR", "s1"]],
      ["-e sends errors to stderr and exits 1", ["-e", "INCR", "s1"]],
      ["-e with --no-raw", ["--no-raw", "-e", "INCR", "s1"]],
      ["-e with --csv", ["--csv", "-e", "INCR", "s1"]],
      ["a successful command with -e exits 0", ["-e", "GET", "s1"]],
      ["-r repeats", ["-r", "3", "INCR", "num"]],
      ["-r with -i and --no-raw", ["-r", "2", "-i", "0.01", "--no-raw", "INCR", "num"]],
      ["-x takes the last argument from stdin", ["-x", "ECHO"], "from\x00stdin\n"],
      ["arguments after the command are not options", ["ECHO", "-1"]],
      ["-n selects a database", ["-n", "3", "SET", "x", "1"]],
      ["-n out of range", ["-n", "99", "PING"]],
      ["an unknown option", ["--frobnicate", "PING"]],
      ["an option without its value", ["-n"]],
      ["--scan", ["--scan", "--pattern", "k*"]],
      ["--scan --no-raw quotes keys", ["--no-raw", "--scan", "--pattern", "b*"]],
      ["--pipe with errors", ["--pipe"], "SET a 1\r\nINCR nope x\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\nINCR s1\r\nFOO\r\n"],
      ["--pipe without errors", ["--pipe"], "*1\r\n$4\r\nPING\r\n"],
      ["--pipe with no input", ["--pipe"], ""],
      ["--quoted-input", ["--quoted-input", "ECHO", '"a\\x00b"']],
      ["a URI", ["-u", "redis://127.0.0.1:PORT/4", "SET", "u", "1"]],
      ["-u with an unknown scheme", ["-u", "http://x", "PING"]],
    ];
    for (const [name, args, stdin] of srv.oneShots ? oneShots : []) {
      test(`one-shot: ${name}`, async () => {
        if (server === null) return;
        const a = args.map((x) => x.replace("PORT", String(server!.port)));
        const [real, ours] = await both(server, a, stdin ?? "");
        expect(ours.out).toBe(real.out);
        expect(ours.err).toBe(real.err);
        expect(ours.code).toBe(real.code);
      });
    }
  });
}

describe.skipIf(REDIS_CLI === null)("kedis-cli fails like redis-cli without a server", () => {
  test("connection refused", async () => {
    const port = String(freePort());
    const real = await run([REDIS_CLI!, "-p", port, "PING"]);
    const ours = await run([...KEDIS_CLI, "-p", port, "PING"]);
    expect(ours.err).toBe(real.err);
    expect(ours.err).toContain("Connection refused");
    expect(ours.code).toBe(real.code);
    expect(ours.out).toBe("");
  });
  test("the REPL reading stdin reports every failed reconnect and exits 0", async () => {
    const port = String(freePort());
    const real = await run([REDIS_CLI!, "-p", port], "PING\nPING\n");
    const ours = await run([...KEDIS_CLI, "-p", port], "PING\nPING\n");
    expect(ours).toEqual(real);
    expect(ours.err.split("\n").length).toBe(4);
  });
});

describe("kedis-cli's own options", () => {
  test("--json writes infinite doubles as strings, keeping the output valid JSON", async () => {
    const k = await startKedis();
    try {
      const r = await run([...KEDIS_CLI, "-p", String(k.port), "--json"], "ZADD z 1 a\nZINCRBY z inf a\nZRANGE z 0 -1 WITHSCORES\n");
      expect(r.out).toBe('1\n"inf"\n[["a","inf"]]\n');
      for (const line of r.out.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await k.stop();
    }
  });
  test("--version", async () => {
    const r = await run([...KEDIS_CLI, "--version"]);
    expect(r.out).toMatch(/^kedis-cli \d+\.\d+\.\d+\n$/);
    expect(r.code).toBe(0);
  });
  test("--help lists the options", async () => {
    const r = await run([...KEDIS_CLI, "--help"]);
    expect(r.code).toBe(0);
    for (const o of ["-h <hostname>", "-p <port>", "-s <socket>", "--pipe", "--json", "--latency", "--bigkeys"]) expect(r.out).toContain(o);
  });
  test("rediss:// is refused with a clear message", async () => {
    const r = await run([...KEDIS_CLI, "-u", "rediss://127.0.0.1:1/0", "PING"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("TLS");
  });
  test("--tls is refused", async () => {
    const r = await run([...KEDIS_CLI, "--tls", "PING"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("TLS");
  });
});
