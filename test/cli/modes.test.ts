/**
 * kedis-cli's special modes against an in-process Kedis: --latency, --stat, --bigkeys, --memkeys,
 * --eval, a Unix socket, authentication, and SUBSCRIBE streaming in one-shot mode (compared with
 * redis-cli where it is installed). Streaming modes are stopped by the test after a bounded wait.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

const CLI = [process.execPath, `${import.meta.dir}/../../src/cli/main.ts`];
const REDIS_CLI = Bun.which("redis-cli");

async function run(args: string[], stdin = ""): Promise<{ out: string; err: string; code: number }> {
  const p = Bun.spawn(args, { stdin: Buffer.from(stdin), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
}

/** Run a command that never ends by itself; stop it once stdout satisfies `done` (or after ms). */
async function runUntil(args: string[], done: (out: string) => boolean, ms = 8000, onStart?: () => Promise<void>): Promise<string> {
  const p = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  let out = "";
  const reader = p.stdout.getReader();
  const deadline = Date.now() + ms;
  let started = false;
  while (Date.now() < deadline && !done(out)) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(Math.max(1, deadline - Date.now())).then(() => null)]);
    if (chunk === null || chunk.done === true) break;
    out += Buffer.from(chunk.value).toString("latin1");
    if (!started && onStart !== undefined) {
      started = true;
      await onStart();
    }
  }
  p.kill();
  await p.exited;
  return out;
}

let kedis: KedisHandle;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kedis-cli-modes-"));
  kedis = await startKedis({ config: { unixsocket: join(dir, "kedis.sock") } });
  const c = await kedis.client();
  const items: string[] = [];
  for (let i = 0; i < 50; i++) items.push(`i${i}`);
  await c.call("RPUSH", "biglist", ...items);
  await c.call("RPUSH", "small", "x");
  await c.call("SET", "str", "0123456789");
  await c.call("HSET", "h", "a", "1", "b", "2");
  await c.call("SADD", "s", "m");
});

afterAll(async () => {
  await kedis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("kedis-cli modes", () => {
  test("--latency without a terminal prints one `min max avg samples` line and exits", async () => {
    const r = await run([...CLI, "-p", String(kedis.port), "--latency", "-i", "0.2"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ \d+ \d+\.\d\d \d+\n$/);
    expect(Number(r.out.trim().split(" ")[3])).toBeGreaterThan(3);
  });

  test("--latency-history prints a line per interval", async () => {
    const out = await runUntil([...CLI, "-p", String(kedis.port), "--latency-history", "-i", "0.15"], (o) => o.split("\n").length > 2);
    const lines = out.split("\n").filter((l) => l !== "");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(/^\d+ \d+ \d+\.\d\d \d+$/);
  });

  test("--stat prints redis-cli's header and a line per interval", async () => {
    const out = await runUntil([...CLI, "-p", String(kedis.port), "--stat", "-i", "0.1"], (o) => o.split("\n").length > 4);
    const lines = out.split("\n");
    expect(lines[0]).toBe("------- data ------ --------------------- load -------------------- - child -");
    expect(lines[1]).toStartWith("keys       mem      clients blocked requests            connections");
    expect(lines[2]).toMatch(/^5 {10}\d+(\.\d\d)?[BKMG] +\d+ +\d+ +\d+ \(\+0\) +\d+/);
    expect(lines[3]).toMatch(/^5 {10}\S+ +\d+ +\d+ +\d+ \(\+[1-9]\d*\) +\d+/);
  });

  test("--bigkeys finds the biggest key of each type", async () => {
    const r = await run([...CLI, "-p", String(kedis.port), "--bigkeys"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("# Scanning the entire keyspace to find biggest keys");
    expect(r.out).toContain("Sampled 5 keys in the keyspace!");
    expect(r.out).toContain(`Biggest   list found '"biglist"' has 50 items`);
    expect(r.out).toContain(`Biggest string found '"str"' has 10 bytes`);
    expect(r.out).toContain(`Biggest   hash found '"h"' has 2 fields`);
    expect(r.out).toContain("2 lists with 51 items (40.00% of keys, avg size 25.50)");
  });

  test("--memkeys measures with MEMORY USAGE", async () => {
    const r = await run([...CLI, "-p", String(kedis.port), "--memkeys"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Biggest {3}list found '"biglist"' has \d+ bytes/);
    expect(r.out).toContain("Sampled 5 keys in the keyspace!");
  });

  test("--scan --type keeps keys of one type", async () => {
    const r = await run([...CLI, "-p", String(kedis.port), "--scan", "--type", "list"]);
    expect(r.out.split("\n").filter((l) => l !== "").sort()).toEqual(["biglist", "small"]);
  });

  test("-s connects through a Unix socket, and the prompt-less REPL reads stdin", async () => {
    const r = await run([...CLI, "-s", join(dir, "kedis.sock")], "PING\nLLEN biglist\n");
    expect(r.out).toBe("PONG\n50\n");
  });

  test("--eval runs a script file with keys and arguments", async () => {
    const file = join(dir, "script.lua");
    writeFileSync(file, "return {KEYS[1], ARGV[1]}");
    const r = await run([...CLI, "-p", String(kedis.port), "--eval", file, "k1", ",", "a1"]);
    // Scripting may not be in this build: the reply is then the server's error, still printed.
    expect(r.out === "k1\na1\n" || r.out.startsWith("ERR unknown command 'EVAL'")).toBe(true);
  });

  test.skipIf(REDIS_CLI === null)("SUBSCRIBE streams messages in one-shot mode, like redis-cli", async () => {
    const outputs: string[] = [];
    for (const cli of [[REDIS_CLI!], CLI]) {
      for (const style of [[], ["--no-raw"]]) {
        const out = await runUntil(
          [...cli, "-p", String(kedis.port), ...style, "SUBSCRIBE", "news"],
          (o) => o.includes("hello"),
          8000,
          async () => {
            const c = await kedis.client();
            // The subscription is confirmed (first output seen): publish once.
            await c.call("PUBLISH", "news", "hello");
            c.close();
          },
        );
        outputs.push(out);
      }
    }
    expect(outputs[0]).toBe("subscribe\nnews\n1\nmessage\nnews\nhello\n");
    expect(outputs[2]).toBe(outputs[0]!);
    expect(outputs[3]).toBe(outputs[1]!);
    expect(outputs[1]).toStartWith("Reading messages... (press Ctrl-C to quit)\n");
  });
});

describe("kedis-cli authentication", () => {
  let secured: KedisHandle;
  beforeAll(async () => {
    secured = await startKedis({ config: { requirepass: "s3cret" } });
  });
  afterAll(async () => {
    await secured.stop();
  });

  const cases: [string, string[], Record<string, string>?][] = [
    ["-a with the right password", ["-a", "s3cret", "PING"]],
    ["-a with --no-auth-warning", ["--no-auth-warning", "-a", "s3cret", "PING"]],
    ["-a with a wrong password", ["-a", "wrong", "PING"]],
    ["no password", ["PING"]],
    ["--user and --pass", ["--user", "default", "--pass", "s3cret", "PING"]],
    ["a URI with a password", ["-u", "redis://default:s3cret@127.0.0.1:PORT", "PING"]],
    ["REDISCLI_AUTH", ["PING"], { REDISCLI_AUTH: "s3cret" }],
  ];
  for (const [name, args, env] of cases) {
    test.skipIf(REDIS_CLI === null)(`${name}: like redis-cli`, async () => {
      const a = ["-p", String(secured.port), ...args.map((x) => x.replace("PORT", String(secured.port)))];
      const spawn = async (cmd: string[]) => {
        const p = Bun.spawn([...cmd, ...a], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...(env ?? {}) } });
        const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
        return { out, err, code };
      };
      const real = await spawn([REDIS_CLI!]);
      const ours = await spawn(CLI);
      expect(ours).toEqual(real);
    });
  }
});
