import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jemallocSize } from "../../src/commands/server.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis({ config: { "enable-debug-command": "yes" } });
});
afterAll(async () => {
  await k.stop();
});

describe("TIME and LASTSAVE", () => {
  test("TIME is [seconds, microseconds] as bulk strings, close to the clock", async () => {
    const c = await k.client();
    const [sec, usec] = (await c.call("TIME")) as string[];
    expect(Math.abs(Number(sec) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(usec)).toBeGreaterThanOrEqual(0);
    expect(Number(usec)).toBeLessThan(1_000_000);
    expect(await c.callRaw("TIME", "x")).toBe("-ERR wrong number of arguments for 'time' command\r\n");
  });

  test("TIME follows an injected clock", async () => {
    const s = await startKedis({ clock: () => 1_700_000_000_123, cron: false });
    try {
      const c = await s.client();
      expect(await c.call("TIME")).toEqual(["1700000000", "123000"]);
      expect(await c.call("LASTSAVE")).toBe(1_700_000_000);
    } finally {
      await s.stop();
    }
  });
});

describe("SLOWLOG", () => {
  test("logs commands at or above the threshold, newest first, with client address and name", async () => {
    const c = await k.client();
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await c.call("SLOWLOG", "RESET");
    await c.call("SET", "slow", "value");
    await c.call("PING");
    const entries = (await c.call("SLOWLOG", "GET")) as unknown[][];
    expect(entries.length).toBe(3);
    const [ping, set] = entries as [unknown[], unknown[]];
    expect(ping[3]).toEqual(["PING"]);
    expect(set[3]).toEqual(["SET", "slow", "value"]);
    expect(set[0]).toBeLessThan(ping[0] as number);
    expect(Math.abs((set[1] as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(typeof set[2]).toBe("number");
    expect(set[4]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(set[5]).toBe("");
    expect(await c.call("SLOWLOG", "LEN")).toBe(4);
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
  });

  test("arguments are cut like Redis: 32 arguments, 128 bytes each, secrets redacted", async () => {
    const c = await k.client();
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await c.call("SLOWLOG", "RESET");
    const many = Array.from({ length: 40 }, (_, i) => `a${i}`);
    await c.call("ECHO", ...many.slice(0, 1));
    await c.call("PING", "x".repeat(200));
    await c.call("NOSUCH", ...many);
    await c.call("SET", "k", ...many);
    await c.call("CONFIG", "SET", "requirepass", "", "hz", "10");
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
    const entries = (await c.call("SLOWLOG", "GET", "-1")) as unknown[][];
    const byCmd = (name: string) => entries.find((e) => (e[3] as string[])[0] === name)![3] as string[];
    const set = byCmd("SET");
    expect(set.length).toBe(32);
    expect(set[31]).toBe("... (11 more arguments)");
    expect(byCmd("PING")[1]).toBe("x".repeat(128) + "... (72 more bytes)");
    expect(entries.some((e) => (e[3] as string[])[0] === "NOSUCH")).toBe(false);
    const cfg = entries.find((e) => (e[3] as string[])[2] === "requirepass")![3];
    expect(cfg).toEqual(["CONFIG", "SET", "requirepass", "(redacted)", "hz", "10"]);
  });

  test("slowlog-max-len keeps the newest entries; GET count and errors", async () => {
    const c = await k.client();
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3");
    for (let i = 0; i < 5; i++) await c.call("ECHO", String(i));
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
    expect(await c.call("SLOWLOG", "LEN")).toBe(3);
    expect(((await c.call("SLOWLOG", "GET", "1")) as unknown[]).length).toBe(1);
    expect(await c.call("SLOWLOG", "GET", "0")).toEqual([]);
    expect(await c.call("SLOWLOG", "GET", "-2")).toEqual({ error: "ERR count should be greater than or equal to -1" });
    expect(await c.call("SLOWLOG", "GET", "abc")).toEqual({ error: "ERR count should be greater than or equal to -1" });
    expect(await c.call("SLOWLOG", "GET", "1", "2")).toEqual({ error: "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP." });
    expect(await c.call("SLOWLOG", "RESET")).toBe("OK");
    expect(await c.call("SLOWLOG", "LEN")).toBe(0);
    expect(((await c.call("SLOWLOG", "HELP")) as string[])[0]).toBe("SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128");
  });
});

describe("LATENCY", () => {
  test("DEBUG SLEEP above latency-monitor-threshold records a 'command' event", async () => {
    const c = await k.client();
    expect(((await c.call("LATENCY", "DOCTOR")) as string).startsWith("I'm sorry, Dave, I can't do that.")).toBe(true);
    await c.call("CONFIG", "SET", "latency-monitor-threshold", "1");
    expect(await c.call("DEBUG", "SLEEP", "0.02")).toBe("OK");
    const latest = (await c.call("LATENCY", "LATEST")) as unknown[][];
    expect(latest.length).toBe(1);
    const [event, time, last, max] = latest[0]!;
    expect(event).toBe("command");
    expect(Math.abs((time as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(last as number).toBeGreaterThanOrEqual(20);
    expect(max).toBe(last);
    const hist = (await c.call("LATENCY", "HISTORY", "command")) as number[][];
    expect(hist.length).toBe(1);
    expect(hist[0]![1]).toBe(last as number);
    expect(await c.call("LATENCY", "HISTORY", "nosuch")).toEqual([]);
    expect(((await c.call("LATENCY", "GRAPH", "command")) as string).startsWith("command - high ")).toBe(true);
    expect(await c.call("LATENCY", "GRAPH", "nosuch")).toEqual({ error: "ERR No samples available for event 'nosuch'" });
    expect(((await c.call("LATENCY", "DOCTOR")) as string).startsWith("Dave, I have observed latency spikes")).toBe(true);
    expect(await c.call("LATENCY", "RESET", "nosuch")).toBe(0);
    expect(await c.call("LATENCY", "RESET")).toBe(1);
    expect(await c.call("LATENCY", "LATEST")).toEqual([]);
    await c.call("CONFIG", "SET", "latency-monitor-threshold", "0");
  });

  test("HISTOGRAM gives calls and cumulative power-of-two buckets per command", async () => {
    const c = await k.client();
    await c.call("CONFIG", "RESETSTAT");
    await c.call("PING");
    await c.call("PING");
    const h = (await c.call("LATENCY", "HISTOGRAM", "ping", "nosuch")) as unknown[];
    expect(h[0]).toBe("ping");
    const body = h[1] as unknown[];
    expect(body.slice(0, 3)).toEqual(["calls", 2, "histogram_usec"]);
    const buckets = body[3] as number[];
    expect(buckets.length % 2).toBe(0);
    expect(buckets[buckets.length - 1]).toBe(2);
    const all = (await c.call("LATENCY", "HISTOGRAM")) as unknown[];
    expect(all).toContain("config|resetstat");
  });
});

describe("DEBUG", () => {
  test("refused unless enable-debug-command allows it", async () => {
    const s = await startKedis();
    try {
      const c = await s.client();
      expect(await c.call("DEBUG", "SLEEP", "0")).toEqual({
        error: 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
      });
    } finally {
      await s.stop();
    }
    const l = await startKedis({ config: { "enable-debug-command": "local" } });
    try {
      const c = await l.client();
      expect(await c.call("DEBUG", "SLEEP", "0")).toBe("OK");
    } finally {
      await l.stop();
    }
  });

  test("OBJECT prints Redis's line: shared integers, embstr, raw", async () => {
    const c = await k.client();
    await c.call("SET", "int", "1");
    await c.call("SET", "emb", "hello");
    await c.call("SET", "raw", "x".repeat(100));
    expect(await c.call("DEBUG", "OBJECT", "int")).toMatch(/^Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:\d+$/);
    expect(await c.call("DEBUG", "OBJECT", "emb")).toMatch(/^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\d+ lru_seconds_idle:\d+$/);
    expect(await c.call("DEBUG", "OBJECT", "raw")).toMatch(/ refcount:1 encoding:raw serializedlength:\d+ /);
    expect(await c.call("DEBUG", "OBJECT", "nokey")).toEqual({ error: "ERR no such key" });
  });

  test("SET-ACTIVE-EXPIRE, QUICKLIST-PACKED-THRESHOLD, LOG, ERROR, CHANGE-REPL-ID", async () => {
    const c = await k.client();
    expect(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")).toBe("OK");
    expect(k.server.activeExpireEnabled).toBe(false);
    expect(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")).toBe("OK");
    expect(k.server.activeExpireEnabled).toBe(true);
    expect(await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100")).toBe("OK");
    expect(await c.call("DEBUG", "LOG", "hello")).toBe("OK");
    expect(await c.call("DEBUG", "ERROR", "WRONGTHING oops")).toEqual({ error: "WRONGTHING oops" });
    const before = k.server.repl.replid;
    expect(await c.call("DEBUG", "CHANGE-REPL-ID")).toBe("OK");
    expect(k.server.repl.replid).not.toBe(before);
    expect(await c.call("DEBUG", "SET-ACTIVE-EXPIRE")).toEqual({ error: "ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try DEBUG HELP." });
    expect(await c.call("DEBUG", "foo")).toEqual({ error: "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP." });
    expect(((await c.call("DEBUG", "HELP")) as string[])[0]).toBe("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  });

  test("PROTOCOL replies with each RESP type; POPULATE creates keys", async () => {
    const c = await k.client();
    expect(await c.callRaw("DEBUG", "PROTOCOL", "string")).toBe("$11\r\nHello World\r\n");
    expect(await c.callRaw("DEBUG", "PROTOCOL", "double")).toBe("$5\r\n3.141\r\n");
    expect(await c.callRaw("DEBUG", "PROTOCOL", "map")).toBe("*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
    expect(await c.callRaw("DEBUG", "PROTOCOL", "attrib")).toBe("$39\r\nSome real reply following the attribute\r\n");
    expect(await c.call("DEBUG", "PROTOCOL", "push")).toEqual({ error: "ERR RESP2 is not supported by this command" });
    expect(((await c.call("DEBUG", "PROTOCOL", "nope")) as { error: string }).error).toStartWith("ERR Wrong protocol type name.");
    expect(await c.call("DEBUG", "POPULATE", "3", "pop", "12")).toBe("OK");
    expect(await c.callRaw("GET", "pop:2")).toBe("$12\r\nvalue:2\0\0\0\0\0\r\n");
    expect(await c.call("DEBUG", "POPULATE", "2")).toBe("OK");
    expect(await c.call("GET", "key:1")).toBe("value:1");
  });
});

describe("MEMORY", () => {
  test("USAGE sizes strings as Redis 7.0 does", async () => {
    const c = await k.client();
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "hello");
    await c.call("SET", "c", "x".repeat(100));
    expect(await c.call("MEMORY", "USAGE", "a")).toBe(48);
    expect(await c.call("MEMORY", "USAGE", "b")).toBe(64);
    expect(await c.call("MEMORY", "USAGE", "c")).toBe(160);
    expect(await c.call("MEMORY", "USAGE", "nokey")).toBeNull();
    expect(await c.call("MEMORY", "USAGE", "a", "SAMPLES", "0")).toBe(48);
    expect(await c.call("MEMORY", "USAGE", "a", "SAMPLES")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("MEMORY", "USAGE", "a", "SAMPLES", "x")).toEqual({ error: "ERR value is not an integer or out of range" });
    expect(await c.call("MEMORY", "USAGE", "a", "foo")).toEqual({ error: "ERR syntax error" });
    expect([jemallocSize(3), jemallocSize(25), jemallocSize(104), jemallocSize(129), jemallocSize(300)]).toEqual([8, 32, 112, 160, 320]);
  });

  test("STATS, DOCTOR, MALLOC-STATS, PURGE, HELP", async () => {
    const c = await k.client();
    const stats = (await c.call("MEMORY", "STATS")) as unknown[];
    expect(stats[0]).toBe("peak.allocated");
    expect(stats).toContain("keys.count");
    expect(stats).toContain("fragmentation.bytes");
    expect(typeof (await c.call("MEMORY", "DOCTOR"))).toBe("string");
    expect(await c.call("MEMORY", "MALLOC-STATS")).toBe("Stats not supported for the current allocator");
    expect(await c.call("MEMORY", "PURGE")).toBe("OK");
    expect(((await c.call("MEMORY", "HELP")) as string[]).length).toBe(14);
  });
});

describe("MODULE", () => {
  test("LIST is empty; LOAD is refused by default and fails when enabled", async () => {
    const c = await k.client();
    expect(await c.call("MODULE", "LIST")).toEqual([]);
    expect(((await c.call("MODULE", "LOAD", "/x.so")) as { error: string }).error).toStartWith("ERR MODULE command not allowed.");
    const s = await startKedis({ config: { "enable-module-command": "yes" } });
    try {
      const d = await s.client();
      expect(await d.call("MODULE", "LIST")).toEqual([]);
      expect(await d.call("MODULE", "LOAD", "/x.so")).toEqual({ error: "ERR Error loading the extension. Please check the server logs." });
    } finally {
      await s.stop();
    }
  });
});

describe("SHUTDOWN", () => {
  test("argument errors and ABORT without a shutdown in progress", async () => {
    const c = await k.client();
    expect(await c.call("SHUTDOWN", "ABORT")).toEqual({ error: "ERR No shutdown in progress." });
    expect(await c.call("SHUTDOWN", "ABORT", "NOW")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("SHUTDOWN", "foo")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("SHUTDOWN", "NOSAVE", "SAVE")).toEqual({ error: "ERR syntax error" });
  });

  test("in-process: runs the hooks, stops the server, closes the connection without a reply", async () => {
    const s = await startKedis();
    const seen: unknown[] = [];
    s.server.shutdownHooks.push((o) => {
      seen.push(o);
      return null;
    });
    const c = await s.client();
    c.send("SHUTDOWN", "NOSAVE", "NOW");
    await c.waitClosed();
    expect(c.idle).toBe(true);
    expect(seen).toEqual([{ save: false, now: true, force: false }]);
    expect(s.server.isRunning).toBe(false);
    await s.stop();
  });

  test("a failing hook aborts the shutdown unless FORCE", async () => {
    const s = await startKedis();
    try {
      s.server.shutdownHooks.push(() => "Error trying to save the DB");
      const c = await s.client();
      expect(await c.call("SHUTDOWN")).toEqual({ error: "ERR Errors trying to SHUTDOWN. Check logs." });
      expect(s.server.isRunning).toBe(true);
      c.send("SHUTDOWN", "FORCE");
      await c.waitClosed();
      expect(s.server.isRunning).toBe(false);
    } finally {
      await s.stop();
    }
  });

  test("refused inside MULTI? dispatch's no_multi rule applies (flag check)", () => {
    const spec = k.server.registry.byName("shutdown")!;
    expect(spec.flags & (1 << 20)).not.toBe(0);
  });
});
