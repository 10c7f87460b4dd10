import { REDIS_VERSION } from "../../src/util/version.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { latin1Decode } from "../helpers/resp.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

const headers = (info: string) => info.split("\r\n").filter((l) => l.startsWith("# "));

function fields(info: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of info.split("\r\n")) {
    const i = l.indexOf(":");
    if (l === "" || l.startsWith("#") || i < 0) continue;
    m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}

describe("INFO sections", () => {
  test("INFO, INFO default, INFO all and INFO everything list Redis's sections in order", async () => {
    const c = await k.client();
    const def = ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"];
    const all = ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Commandstats", "# Errorstats", "# Latencystats", "# Cluster", "# Keyspace"];
    expect(headers((await c.call("INFO")) as string)).toEqual(def);
    expect(headers((await c.call("INFO", "default")) as string)).toEqual(def);
    expect(headers((await c.call("INFO", "all")) as string)).toEqual(all);
    expect(headers((await c.call("INFO", "everything")) as string)).toEqual(all);
  });

  test("several sections, any case, in Redis's order; unknown sections are empty", async () => {
    const c = await k.client();
    expect(headers((await c.call("INFO", "keyspace", "CPU", "Server")) as string)).toEqual(["# Server", "# CPU", "# Keyspace"]);
    expect(await c.callRaw("INFO", "nosuchsection")).toBe("$0\r\n\r\n");
  });

  test("CRLF lines, a blank line between sections, the last line ends with CRLF", async () => {
    const c = await k.client();
    const raw = await c.callRaw("INFO", "cpu", "cluster");
    const body = raw.slice(raw.indexOf("\r\n") + 2, -2);
    expect(body).toMatch(/^# CPU\r\nused_cpu_sys:\d+\.\d{6}\r\n(.+\r\n){5}\r\n# Cluster\r\ncluster_enabled:0\r\n$/);
    expect(body.includes("\n") && !/[^\r]\n/.test(body)).toBe(true);
  });

  test("RESP3 clients get a verbatim string", async () => {
    const c = await k.client();
    await c.call("PING");
    const sc = [...k.server.clients.values()].at(-1)!;
    sc.resp = 3;
    const raw = await c.callRaw("INFO", "cluster");
    expect(raw).toBe("=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
    sc.resp = 2;
  });
});

describe("INFO values", () => {
  test("server, clients, memory and replication fields", async () => {
    const c = await k.client();
    const f = fields((await c.call("INFO", "server", "clients", "memory", "replication")) as string);
    expect(f.get("redis_version")).toBe(REDIS_VERSION);
    expect(f.get("redis_mode")).toBe("standalone");
    expect(f.get("tcp_port")).toBe(String(k.port));
    expect(f.get("process_id")).toBe(String(process.pid));
    expect(f.get("run_id")).toMatch(/^[0-9a-f]{40}$/);
    expect(f.get("hz")).toBe("10");
    expect(f.get("kedis_version")).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number(f.get("connected_clients"))).toBe(k.server.clients.size);
    expect(f.get("maxclients")).toBe("10000");
    expect(Number(f.get("used_memory"))).toBeGreaterThan(0);
    expect(f.get("used_memory_human")).toMatch(/^\d+\.\d\d[KMG]$/);
    expect(f.get("mem_allocator")).toBe("libc");
    expect(f.get("maxmemory_policy")).toBe("noeviction");
    expect(f.get("role")).toBe("master");
    expect(f.get("master_replid")).toMatch(/^[0-9a-f]{40}$/);
  });

  test("blocked_clients and other owned counters are read through the gauges", async () => {
    const c = await k.client();
    k.server.gauges.blockedClients = () => 3;
    try {
      expect(fields((await c.call("INFO", "clients")) as string).get("blocked_clients")).toBe("3");
    } finally {
      k.server.gauges.blockedClients = () => 0;
    }
  });

  test("persistence counts changes since the last save; LASTSAVE agrees", async () => {
    const c = await k.client();
    const before = k.server.dirty;
    await c.call("SET", "p1", "v");
    const f = fields((await c.call("INFO", "persistence")) as string);
    expect(Number(f.get("rdb_changes_since_last_save"))).toBe(before + 1);
    expect(f.get("rdb_last_save_time")).toBe(String(await c.call("LASTSAVE")));
    expect(f.get("aof_enabled")).toBe("0");
  });

  test("errorstats, total_error_replies and commandstats with subcommands", async () => {
    const s = await startKedis();
    try {
      const c = await s.client();
      await c.call("NOSUCH");
      await c.call("GET");
      await c.call("CONFIG", "GET", "port");
      await c.call("CONFIG", "SET", "hz", "x");
      const info = (await c.call("INFO", "stats", "errorstats", "commandstats")) as string;
      const f = fields(info);
      expect(f.get("total_error_replies")).toBe("3");
      expect(f.get("errorstat_ERR")).toBe("count=3");
      expect(f.get("cmdstat_get")).toBe("calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
      expect(f.get("cmdstat_config|get")).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
      expect(f.get("cmdstat_config|set")).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
      expect(info.indexOf("errorstat_ERR")).toBeGreaterThan(info.indexOf("# Errorstats"));
    } finally {
      await s.stop();
    }
  });

  test("commands of one pipelined batch are timed one by one (commandstats, SLOWLOG)", async () => {
    const s = await startKedis({ config: { "enable-debug-command": "yes" } });
    try {
      const c = await s.client();
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "20000");
      await c.call("SLOWLOG", "RESET");
      // One write, so one input event runs all four: the slow command's time must not leak into
      // the PING after it, and every command is counted.
      c.write("PING\r\nDEBUG SLEEP 0.03\r\nPING\r\nECHO x\r\n");
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await c.reply());
      expect(replies).toEqual(["PONG", "OK", "PONG", "x"]);
      const log = (await c.call("SLOWLOG", "GET")) as unknown[][];
      expect(log.length).toBe(1);
      expect(log[0]![3]).toEqual(["DEBUG", "SLEEP", "0.03"]);
      expect(log[0]![2] as number).toBeGreaterThanOrEqual(30000);
      const f = fields((await c.call("INFO", "commandstats")) as string);
      const ping = /^calls=(\d+),usec=(\d+),/.exec(f.get("cmdstat_ping")!)!;
      expect(Number(ping[1])).toBe(2);
      expect(Number(ping[2])).toBeLessThan(20000);
      expect(f.get("cmdstat_echo")).toMatch(/^calls=1,usec=\d+,/);
      expect(f.get("cmdstat_debug")).toMatch(/^calls=1,usec=(3\d{4}|[4-9]\d{4}|\d{6,}),/);
    } finally {
      await s.stop();
    }
  });

  test("keyspace lists databases with keys, expires and avg_ttl", async () => {
    const s = await startKedis();
    try {
      const c = await s.client();
      expect(await c.callRaw("INFO", "keyspace")).toBe("$12\r\n# Keyspace\r\n\r\n");
      await c.call("SET", "a", "1");
      await c.call("SET", "b", "2");
      const db = s.server.ks.dbs[0]!;
      db.setExpire(db.lookup(new TextEncoder().encode("b"))!, s.server.clock() + 100_000);
      const f = fields((await c.call("INFO", "keyspace")) as string);
      expect(f.get("db0")).toMatch(/^keys=2,expires=1,avg_ttl=(9\d{4}|100000)$/);
    } finally {
      await s.stop();
    }
  });

  test("instantaneous_ops_per_sec is sampled by the cron (fake clock)", async () => {
    let now = 1_000_000;
    const s = await startKedis({ clock: () => now, cron: false });
    try {
      const c = await s.client();
      s.server.cron();
      for (let i = 0; i < 16; i++) {
        for (let j = 0; j < 10; j++) await c.call("PING");
        now += 100;
        s.server.cron();
      }
      const f = fields((await c.call("INFO", "stats")) as string);
      expect(f.get("instantaneous_ops_per_sec")).toBe("100");
      expect(Number(f.get("instantaneous_input_kbps"))).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  });

  test("latencystats lists per-command percentiles", async () => {
    const c = await k.client();
    await c.call("PING");
    const f = fields((await c.call("INFO", "latencystats")) as string);
    expect(f.get("latency_percentiles_usec_ping")).toMatch(/^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
  });

  test("INFO output is plain ASCII with no stray LF", async () => {
    const c = await k.client();
    c.send("INFO", "everything");
    const raw = latin1Decode(await c.raw());
    expect(/[^\r]\n/.test(raw.slice(raw.indexOf("\r\n") + 2))).toBe(false);
  });
});
