import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { PARAMS, P_HIDDEN, P_IMMUTABLE, P_PROTECTED, PARAM_BY_NAME } from "../../src/config/table.ts";
import { LL_DEBUG } from "../../src/util/log.ts";
import { TestClient } from "../helpers/client.ts";
import { freePort, startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

const prefix = (name: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - `;

function pairs(reply: unknown): [string, string][] {
  const a = reply as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
}

describe("CONFIG GET *", () => {
  test("lists every public parameter; setting each back to its value succeeds (or is refused as Redis refuses)", async () => {
    const c = await k.client();
    const all = pairs(await c.call("CONFIG", "GET", "*"));
    expect(all.length).toBe(192);
    const mutable: string[] = [];
    for (const [name, value] of all) {
      const p = PARAM_BY_NAME.get(name)!;
      const reply = await c.call("CONFIG", "SET", name, value);
      if (p.flags & P_IMMUTABLE) expect(reply).toEqual({ error: prefix(name) + "can't set immutable config" });
      else if (p.flags & P_PROTECTED) expect(reply).toEqual({ error: prefix(name) + "can't set protected config" });
      else {
        expect(`${name}: ${JSON.stringify(reply)}`).toBe(`${name}: "OK"`);
        mutable.push(name, value);
      }
    }
    // All of them at once, too (aliases and their parameters are not duplicates).
    expect(await c.call("CONFIG", "SET", ...mutable)).toBe("OK");
    expect(pairs(await c.call("CONFIG", "GET", "*"))).toEqual(all);
  });

  test("hidden parameters are gettable by name but absent from globs", async () => {
    const c = await k.client();
    const names = new Set(pairs(await c.call("CONFIG", "GET", "*")).map(([n]) => n));
    for (const p of PARAMS.filter((x) => x.flags & P_HIDDEN)) {
      expect(names.has(p.name)).toBe(false);
      expect(await c.call("CONFIG", "GET", p.name)).toEqual([p.name, p.default]);
    }
  });

  test("several patterns at once, names as asked, each once", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "GET", "MAXMEMORY", "hash-max-ziplist-entries", "maxmemory")).toEqual(["MAXMEMORY", "0", "hash-max-ziplist-entries", "512"]);
    expect(await c.call("CONFIG", "GET", "nosuch")).toEqual([]);
    expect(await c.call("CONFIG", "GET")).toEqual({ error: "ERR wrong number of arguments for 'config|get' command" });
  });
});

describe("CONFIG SET", () => {
  test("Redis's error texts: unknown, immutable, duplicate, parse errors, syntax", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "SET", "foo", "bar")).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'foo'" });
    expect(await c.call("CONFIG", "SET", "databases", "3")).toEqual({ error: prefix("databases") + "can't set immutable config" });
    expect(await c.call("CONFIG", "SET", "hz", "1", "HZ", "2")).toEqual({ error: prefix("HZ") + "duplicate parameter" });
    expect(await c.call("CONFIG", "SET", "port", "abc")).toEqual({ error: prefix("port") + "argument couldn't be parsed into an integer" });
    expect(await c.call("CONFIG", "SET", "hz", "1", "foo")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("CONFIG", "SET", "hz")).toEqual({ error: "ERR wrong number of arguments for 'config|set' command" });
  });

  test("several pairs are all-or-nothing", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "SET", "timeout", "30", "maxmemory", "bad")).toEqual({ error: prefix("maxmemory") + "argument must be a memory value" });
    expect(await c.call("CONFIG", "GET", "timeout")).toEqual(["timeout", "0"]);
    expect(await c.call("CONFIG", "SET", "timeout", "30", "maxmemory", "10mb")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "timeout", "maxmemory")).toEqual(["timeout", "30", "maxmemory", "10485760"]);
    expect(await c.call("CONFIG", "SET", "timeout", "0", "maxmemory", "0")).toBe("OK");
  });

  test("hz is clamped to 1..500 and reschedules the cron", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "SET", "hz", "1000")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "hz")).toEqual(["hz", "500"]);
    expect(k.server.cronPeriod).toBe(2);
    expect(await c.call("CONFIG", "SET", "hz", "0")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "hz")).toEqual(["hz", "1"]);
    expect(k.server.cronPeriod).toBe(1000);
    expect(await c.call("CONFIG", "SET", "hz", "10")).toBe("OK");
    expect(k.server.cronPeriod).toBe(100);
  });

  test("loglevel, notify-keyspace-events, latency and slowlog settings take effect at once", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "SET", "loglevel", "debug", "notify-keyspace-events", "KEA", "latency-monitor-threshold", "5")).toBe("OK");
    expect(k.server.log.level).toBe(LL_DEBUG);
    expect(k.server.notifyFlags).not.toBe(0);
    expect(k.server.latency.threshold).toBe(5);
    expect(await c.call("CONFIG", "SET", "loglevel", "nothing", "notify-keyspace-events", "", "latency-monitor-threshold", "0")).toBe("OK");
    expect(k.server.notifyFlags).toBe(0);
  });

  test("proto-max-bulk-len limits request bulks at once", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "SET", "proto-max-bulk-len", "1mb")).toBe("OK");
    const d = await k.client();
    d.write(`*2\r\n$4\r\nECHO\r\n$${2 * 1024 * 1024}\r\n`);
    expect(await d.reply()).toEqual({ error: "ERR Protocol error: invalid bulk length" });
    expect(await c.call("CONFIG", "SET", "proto-max-bulk-len", "512mb")).toBe("OK");
  });

  test("maxclients refuses connections beyond the limit", async () => {
    const s = await startKedis();
    try {
      const c = await s.client();
      expect(await c.call("CONFIG", "SET", "maxclients", "1")).toBe("OK");
      const d = await s.client();
      expect(await d.reply()).toEqual({ error: "ERR max number of clients reached" });
    } finally {
      await s.stop();
    }
  });

  test("port rebinds at once; clients already connected stay; a busy port is refused and rolled back", async () => {
    const s = await startKedis();
    try {
      const c = await s.client();
      const oldPort = s.server.port;
      const port = freePort();
      expect(await c.call("CONFIG", "SET", "port", String(port))).toBe("OK");
      expect(s.server.port).toBe(port);
      expect(await c.call("PING")).toBe("PONG");
      const d = await TestClient.connect(port);
      expect(await d.call("CONFIG", "GET", "port")).toEqual(["port", String(port)]);
      d.close();
      await expect(TestClient.connect(oldPort)).rejects.toThrow();
      const blocker = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
      try {
        expect(await c.call("CONFIG", "SET", "port", String(blocker.port))).toEqual({ error: prefix("port") + "Unable to listen on this port" });
        expect(await c.call("CONFIG", "GET", "port")).toEqual(["port", String(port)]);
        expect(await c.call("CONFIG", "SET", "bind", "1.2.3.4")).toEqual({ error: prefix("bind") + "Failed to bind to specified addresses." });
        expect(await c.call("CONFIG", "GET", "bind")).toEqual(["bind", "127.0.0.1 -::1"]);
      } finally {
        blocker.stop(true);
      }
    } finally {
      await s.stop();
    }
  });

  test("timeout closes idle clients from the cron (fake clock)", async () => {
    let now = 1_000_000_000_000;
    const s = await startKedis({ clock: () => now, cron: false });
    try {
      const c = await s.client();
      expect(await c.call("CONFIG", "SET", "timeout", "2")).toBe("OK");
      now += 1500;
      s.server.cron();
      expect(await c.call("PING")).toBe("PONG");
      now += 2500;
      s.server.cron();
      await c.waitClosed();
      expect(c.closed).toBe(true);
    } finally {
      await s.stop();
    }
  });

  test("protected configs need enable-protected-configs", async () => {
    const s = await startKedis({ config: { "enable-protected-configs": "yes" } });
    try {
      const c = await s.client();
      expect(await c.call("CONFIG", "SET", "dir", "/tmp")).toBe("OK");
      expect(await c.call("CONFIG", "GET", "dir")).toEqual(["dir", "/tmp"]);
      expect(await c.call("CONFIG", "SET", "dir", "/nonexistent-kedis")).toEqual({ error: prefix("dir") + "No such file or directory" });
    } finally {
      await s.stop();
    }
  });
});

describe("unix socket", () => {
  test("unixsocket and unixsocketperm (octal) are honoured; the socket file goes away on stop", async () => {
    const path = join(tmpdir(), `kedis-test-${process.pid}-${Date.now()}.sock`);
    const s = await startKedis({ config: { unixsocket: path, unixsocketperm: "700" } });
    try {
      expect(statSync(path).mode & 0o777).toBe(0o700);
      const c = await TestClient.connectUnix(path);
      expect(await c.call("CONFIG", "GET", "unixsocketperm")).toEqual(["unixsocketperm", "700"]);
      expect(await c.call("CONFIG", "SET", "unixsocket", "/tmp/x")).toEqual({ error: prefix("unixsocket") + "can't set immutable config" });
      c.close();
    } finally {
      await s.stop();
    }
    expect(existsSync(path)).toBe(false);
  });
});

describe("CONFIG RESETSTAT and HELP", () => {
  test("RESETSTAT clears command, error and connection counters", async () => {
    const c = await k.client();
    await c.call("NOSUCHCOMMAND");
    await c.call("GET", "x");
    expect(await c.call("CONFIG", "RESETSTAT")).toBe("OK");
    const info = (await c.call("INFO", "stats", "commandstats", "errorstats")) as string;
    expect(info).toContain("total_error_replies:0\r\n");
    expect(info).toContain("total_connections_received:0\r\n");
    expect(info).not.toContain("cmdstat_get:");
    expect(info).not.toContain("errorstat_");
    expect(info).toContain("keyspace_misses:0\r\n");
  });

  test("HELP is Redis's text", async () => {
    const c = await k.client();
    expect(await c.call("CONFIG", "HELP")).toEqual([
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
    ]);
    expect(await c.call("CONFIG", "FOO")).toEqual({ error: "ERR unknown subcommand 'FOO'. Try CONFIG HELP." });
  });
});

describe("protected mode", () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;

  test("refuses non-loopback clients while no password is set", async () => {
    if (external === undefined) {
      console.warn("SKIP protected-mode test: no non-loopback IPv4 address on this machine");
      return;
    }
    const s = await startKedis({ config: { bind: `127.0.0.1 ${external}` } });
    try {
      const c = await TestClient.connect(s.port, external);
      const r = (await c.reply()) as { error: string };
      expect(r.error.startsWith("DENIED Redis is running in protected mode")).toBe(true);
      await c.waitClosed();
      const local = await s.client();
      expect(await local.call("CONFIG", "SET", "protected-mode", "no")).toBe("OK");
      const d = await TestClient.connect(s.port, external);
      expect(await d.call("PING")).toBe("PONG");
      d.close();
    } finally {
      await s.stop();
    }
  });
});
