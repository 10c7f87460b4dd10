import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "../../src/server/server.ts";
import { Logger, LL_NOTHING } from "../../src/util/log.ts";
import { parseManifest } from "../../src/persistence/aof.ts";

const quiet = () => {
  const l = new Logger();
  l.level = LL_NOTHING;
  return l;
};

function cmd(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
}

/** A directory with a manifest naming one incr file (no base) holding `incr`. */
function aofDir(incr: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kedis-aofload-"));
  mkdirSync(join(dir, "appendonlydir"));
  writeFileSync(join(dir, "appendonlydir", "appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
  writeFileSync(join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), incr);
  return dir;
}

function load(dir: string, extra: Record<string, string> = {}): Server {
  const s = new Server({ logger: quiet(), cron: false, config: { dir, appendonly: "yes", save: "", ...extra } });
  s.loadData();
  return s;
}

const get = (s: Server, k: string) => {
  const e = s.ks.dbs[0]!.dict.get(new TextEncoder().encode(k));
  return e === null ? null : new TextDecoder().decode(e.value as Uint8Array);
};

describe("AOF loading", () => {
  test("commands replay, SELECT switches databases", () => {
    const dir = aofDir(cmd("SET", "a", "1") + cmd("SELECT", "2") + cmd("SET", "b", "2"));
    const s = load(dir);
    expect(get(s, "a")).toBe("1");
    expect(s.ks.dbs[2]!.size).toBe(1);
    s.aof.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a truncated tail is cut off with aof-load-truncated yes, and the file is truncated", () => {
    const good = cmd("SET", "a", "1");
    const dir = aofDir(good + cmd("SET", "b", "2").slice(0, 10));
    const s = load(dir);
    expect(get(s, "a")).toBe("1");
    expect(get(s, "b")).toBeNull();
    s.aof.close();
    expect(readFileSync(join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), "latin1")).toBe(good);
    rmSync(dir, { recursive: true, force: true });
  });

  test("an incomplete MULTI at the end is reverted", () => {
    const good = cmd("SET", "a", "1");
    const dir = aofDir(good + cmd("MULTI") + cmd("SET", "b", "2"));
    const s = load(dir);
    expect(get(s, "b")).toBeNull();
    s.aof.close();
    expect(readFileSync(join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), "latin1")).toBe(good);
    rmSync(dir, { recursive: true, force: true });
  });

  test("with aof-load-truncated no, a truncated file stops the server from starting", () => {
    const dir = aofDir(cmd("SET", "a", "1") + "*2\r\n$3\r\nGE");
    expect(() => load(dir, { "aof-load-truncated": "no" })).toThrow(/Unexpected end of file .* at offset 27/);
    rmSync(dir, { recursive: true, force: true });
  });

  test("corruption in the middle names the file and offset and refuses to start", () => {
    const dir = aofDir(cmd("SET", "a", "1") + "GARBAGE\r\n" + cmd("SET", "b", "2"));
    expect(() => load(dir)).toThrow(/Bad file format reading the append only file .*appendonly\.aof\.1\.incr\.aof at offset 27/);
    rmSync(dir, { recursive: true, force: true });
  });

  test("manifest lines parse, including quoted names; bad lines are rejected", () => {
    expect(parseManifest('file appendonly.aof.1.base.rdb seq 1 type b\nfile "my file.aof" seq 2 type i\n')).toEqual([
      { name: "appendonly.aof.1.base.rdb", seq: 1, type: "b" },
      { name: "my file.aof", seq: 2, type: "i" },
    ]);
    expect(() => parseManifest("file x seq one type b\n")).toThrow(/Invalid AOF manifest/);
  });
});

describe("CONFIG SET appendonly at run time", () => {
  test("yes rewrites the data into a base file, then appends; a restart with AOF loads everything", async () => {
    const { startKedis } = await import("../helpers/servers.ts");
    const dir = mkdtempSync(join(tmpdir(), "kedis-aofon-"));
    const k = await startKedis({ config: { dir } });
    const c = await k.client();
    for (let i = 0; i < 100; i++) await c.call("SET", `before${i}`, `v${i}`);
    expect(await c.call("CONFIG", "SET", "appendonly", "yes")).toBe("OK");
    for (let i = 0; i < 100; i++) await c.call("SET", `after${i}`, `w${i}`);
    for (let t = 0; t < 200 && k.server.aof.rewrite !== null; t++) await Bun.sleep(10);
    expect(k.server.aof.rewrite).toBeNull();
    const manifest = readFileSync(join(dir, "appendonlydir", "appendonly.aof.manifest"), "latin1");
    expect(manifest).toMatch(/type b\n.*type i\n/s);
    expect(String(await c.call("INFO", "persistence"))).toContain("aof_enabled:1");
    await k.stop();
    const k2 = await startKedis({ config: { dir, appendonly: "yes" } });
    const c2 = await k2.client();
    expect(await c2.call("GET", "before99")).toBe("v99");
    expect(await c2.call("GET", "after99")).toBe("w99");
    expect(await c2.call("DBSIZE")).toBe(200);
    await k2.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
