import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CF_MULTI } from "../../src/server/client.ts";
import { repr } from "../../src/util/repr.ts";
import { TestClient } from "../helpers/client.ts";
import { latin1Encode } from "../helpers/resp.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
let dir: string;
let sock: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kedis-monitor-"));
  sock = join(dir, "kedis.sock");
  k = await startKedis({ config: { unixsocket: sock } });
});
afterAll(async () => {
  await k.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Start monitoring on a new connection. */
async function monitor(): Promise<TestClient> {
  const m = await k.client();
  expect(await m.call("MONITOR")).toBe("OK");
  return m;
}

/** The next monitor line, split into its parts. */
async function line(m: TestClient): Promise<{ time: number; db: number; from: string; args: string }> {
  const l = (await m.reply()) as string;
  const match = /^(\d+\.\d{6}) \[(\d+) (\S+)\] (.*)$/.exec(l);
  if (match === null) throw new Error(`not a monitor line: ${JSON.stringify(l)}`);
  return { time: Number(match[1]), db: Number(match[2]), from: match[3]!, args: match[4]! };
}

describe("sdscatrepr quoting", () => {
  test("escapes quotes, backslashes, control and high bytes like Redis", () => {
    expect(repr(latin1Encode('v a"\\\n\r\t\x07\x08\x01\xff~'))).toBe('"v a\\"\\\\\\n\\r\\t\\a\\b\\x01\\xff~"');
    expect(repr(new Uint8Array(0))).toBe('""');
  });
});

describe("MONITOR", () => {
  test("streams each command with time, db, address and quoted arguments", async () => {
    const c = await k.client();
    const addr = ((await c.call("CLIENT", "INFO")) as string).match(/ addr=(\S+) /)![1]!;
    const m = await monitor();
    const before = Date.now() / 1000;
    await c.call("SET", "k", 'v a"\\\n\x01\xff');
    const l = await line(m);
    expect(l.db).toBe(0);
    expect(l.from).toBe(addr);
    expect(l.args).toBe('"SET" "k" "v a\\"\\\\\\n\\x01\\xff"');
    expect(Math.abs(l.time - before)).toBeLessThan(60);
    m.close();
  });

  test("raw line format: a status reply with six microsecond digits", async () => {
    const m = await monitor();
    const c = await k.client();
    await c.call("ECHO", "x");
    const raw = new TextDecoder().decode(await m.raw());
    expect(raw).toMatch(/^\+\d{10,}\.\d{6} \[0 127\.0\.0\.1:\d+\] "ECHO" "x"\r\n$/);
    m.close();
  });

  test("secrets are redacted; SELECT shows its new db; admin and unknown commands are not shown", async () => {
    const m = await monitor();
    const c = await k.client();
    await c.call("AUTH", "pw");
    await c.call("AUTH", "default", "pw");
    await c.call("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "nm");
    await c.call("CLIENT", "LIST");
    await c.call("CONFIG", "GET", "x");
    await c.call("NOSUCH", "x");
    await c.call("GET");
    await c.call("SELECT", "5");
    await c.call("GET", "k");
    expect((await line(m)).args).toBe('"AUTH" "(redacted)"');
    expect((await line(m)).args).toBe('"AUTH" "(redacted)" "(redacted)"');
    expect((await line(m)).args).toBe('"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "nm"');
    const sel = await line(m);
    expect([sel.db, sel.args]).toEqual([5, '"SELECT" "5"']);
    const get = await line(m);
    expect([get.db, get.args]).toEqual([5, '"GET" "k"']);
    m.close();
  });

  test("a monitoring client may PING and sees its own PING; keyspace commands are refused", async () => {
    const m = await monitor();
    m.send("PING");
    expect(await m.reply()).toBe("PONG");
    expect((await line(m)).args).toBe('"PING"');
    expect(await m.call("GET", "k")).toEqual({ error: "ERR Replica can't interact with the keyspace" });
    expect(await m.call("SET", "k", "v")).toEqual({ error: "ERR Replica can't interact with the keyspace" });
    m.close();
  });

  test("MONITOR again is ignored; RESET ends monitoring; QUIT still works", async () => {
    const m = await monitor();
    const c = await k.client();
    m.send("MONITOR");
    expect(await m.call("RESET")).toBe("RESET");
    expect(await m.call("PING")).toBe("PONG"); // no monitor line before it: the stream stopped
    expect(await m.call("GET", "k")).not.toEqual({ error: "ERR Replica can't interact with the keyspace" });
    await c.call("SET", "after", "reset");
    expect(m.idle).toBe(true);
    const q = await monitor();
    expect(await q.call("QUIT")).toBe("OK");
    await q.waitClosed();
  });

  test("every monitor gets the line; a closed monitor is dropped; the feed stops with the last", async () => {
    const m1 = await monitor();
    const m2 = await monitor();
    const c = await k.client();
    await c.call("ECHO", "both");
    expect((await line(m1)).args).toBe('"ECHO" "both"');
    expect((await line(m2)).args).toBe('"ECHO" "both"');
    m1.close();
    await m1.waitClosed();
    expect(await m2.call("RESET")).toBe("RESET");
    // Monitors of earlier tests are closing too; once all are gone the server stops feeding.
    const deadline = Date.now() + 5000;
    while (k.server.monitorFeed !== null && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(k.server.monitorFeed).toBeNull();
  });

  test("RESP3 monitors get the same status lines", async () => {
    const m = await k.client();
    await m.call("HELLO", "3");
    expect(await m.call("MONITOR")).toBe("OK");
    const c = await k.client();
    await c.call("ECHO", "r3");
    expect((await line(m)).args).toBe('"ECHO" "r3"');
    m.close();
  });

  test("commands over the Unix socket show as unix:<path>", async () => {
    const m = await monitor();
    const u = await TestClient.connectUnix(sock);
    expect(await u.call("ECHO", "via-unix")).toBe("via-unix");
    const l = await line(m);
    expect(l.from).toBe(`unix:${sock}`);
    expect(l.args).toBe('"ECHO" "via-unix"');
    const info = (await u.call("CLIENT", "INFO")) as string;
    expect(info).toContain(` addr=${sock}:0 laddr=${sock}:0 `);
    expect(info).toContain(" flags=U ");
    u.close();
    m.close();
  });

  test("MONITOR inside MULTI-like contexts is refused (scripts and transactions expect one reply)", async () => {
    const c = await k.client();
    // As real Redis 7.0: MONITOR is queued, and refused when EXEC runs it.
    expect(await c.call("MULTI")).toBe("OK");
    expect(await c.call("MONITOR")).toBe("QUEUED");
    expect(await c.callRaw("EXEC")).toBe("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  });
});
