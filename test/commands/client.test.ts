import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CF_BLOCKED } from "../../src/server/client.ts";
import { PAUSE_ALL, PAUSE_OFF, PAUSE_WRITE } from "../../src/server/pause.ts";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

/** Wait (bounded) until the server reaches a state; used where a reply cannot signal it. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** CLIENT LIST / INFO line as a field map. */
function parseLine(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of line.trim().split(" ")) {
    const eq = kv.indexOf("=");
    m.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return m;
}

const FIELDS =
  "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp".split(" ");

async function idOf(c: TestClient): Promise<number> {
  return (await c.call("CLIENT", "ID")) as number;
}

describe("CLIENT ID, GETNAME, SETNAME", () => {
  test("ids are distinct; names are set, read and cleared", async () => {
    const a = await k.client();
    const b = await k.client();
    expect(await idOf(a)).not.toBe(await idOf(b));
    expect(await a.call("CLIENT", "GETNAME")).toBeNull();
    expect(await a.call("CLIENT", "SETNAME", "worker-1")).toBe("OK");
    expect(await a.call("CLIENT", "GETNAME")).toBe("worker-1");
    expect(await a.call("CLIENT", "SETNAME", "")).toBe("OK");
    expect(await a.call("CLIENT", "GETNAME")).toBeNull();
  });

  test("names with spaces or non-printable bytes are refused", async () => {
    const a = await k.client();
    const err = { error: "ERR Client names cannot contain spaces, newlines or special characters." };
    expect(await a.call("CLIENT", "SETNAME", "a b")).toEqual(err);
    expect(await a.call("CLIENT", "SETNAME", "a\nb")).toEqual(err);
    expect(await a.call("CLIENT", "SETNAME", "caf\u00e9")).toEqual(err);
    expect(await a.call("CLIENT", "SETNAME", '"quoted"')).toBe("OK");
  });

  test("arity and unknown subcommand errors", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT")).toEqual({ error: "ERR wrong number of arguments for 'client' command" });
    expect(await a.call("CLIENT", "FOO")).toEqual({ error: "ERR unknown subcommand 'FOO'. Try CLIENT HELP." });
    expect(await a.call("CLIENT", "ID", "x")).toEqual({ error: "ERR wrong number of arguments for 'client|id' command" });
    expect(await a.call("CLIENT", "SETNAME")).toEqual({ error: "ERR wrong number of arguments for 'client|setname' command" });
    const help = (await a.call("CLIENT", "HELP")) as string[];
    expect(help[0]).toBe("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    expect(help.at(-1)).toBe("    Prints this help.");
  });
});

describe("CLIENT INFO and CLIENT LIST", () => {
  test("CLIENT INFO has every Redis 7.0 field, in order, with this connection's values", async () => {
    const a = await k.client();
    const id = await idOf(a);
    await a.call("CLIENT", "SETNAME", "infotest");
    await a.call("SELECT", "2");
    const line = (await a.call("CLIENT", "INFO")) as string;
    expect(line.endsWith("\n")).toBe(true);
    const m = parseLine(line);
    expect([...m.keys()]).toEqual(FIELDS);
    expect(m.get("id")).toBe(String(id));
    expect(m.get("addr")).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(m.get("laddr")).toBe(`127.0.0.1:${k.port}`);
    expect(Number(m.get("fd"))).toBeGreaterThan(0);
    expect(m.get("name")).toBe("infotest");
    expect(m.get("flags")).toBe("N");
    expect(m.get("db")).toBe("2");
    expect(m.get("multi")).toBe("-1");
    expect(m.get("qbuf")).toBe("26"); // *2 $6 CLIENT $4 INFO, as Redis counts it
    expect(m.get("argv-mem")).toBe("10");
    expect(m.get("cmd")).toBe("client|info");
    expect(m.get("user")).toBe("default");
    expect(m.get("redir")).toBe("-1");
    expect(m.get("resp")).toBe("2");
    expect(m.get("events")).toBe("r");
  });

  test("in RESP3, CLIENT INFO and CLIENT LIST are verbatim strings", async () => {
    const a = await k.client();
    await a.call("HELLO", "3");
    expect(await a.callRaw("CLIENT", "INFO")).toMatch(/^=\d+\r\ntxt:id=\d+ .* resp=3\n\r\n$/);
    expect(await a.callRaw("CLIENT", "LIST", "ID", String(await idOf(a)))).toMatch(/^=\d+\r\ntxt:id=\d+ .*cmd=client\|list .*\n\r\n$/);
  });

  test("CLIENT LIST shows every connection; TYPE and ID filter them", async () => {
    const a = await k.client();
    const b = await k.client();
    const ida = await idOf(a);
    const idb = await idOf(b);
    const all = ((await a.call("CLIENT", "LIST")) as string).trim().split("\n").map(parseLine);
    const ids = all.map((m) => Number(m.get("id")));
    expect(ids).toContain(ida);
    expect(ids).toContain(idb);
    const other = all.find((m) => Number(m.get("id")) === idb)!;
    expect(other.get("cmd")).toBe("client|id");
    expect(other.get("argv-mem")).toBe("0");
    const normal = ((await a.call("CLIENT", "LIST", "TYPE", "normal")) as string).trim().split("\n");
    expect(normal.length).toBe(all.length);
    expect(await a.call("CLIENT", "LIST", "TYPE", "pubsub")).toBe("");
    expect(await a.call("CLIENT", "LIST", "TYPE", "replica")).toBe("");
    const two = ((await a.call("CLIENT", "LIST", "ID", String(idb), "999999", String(ida))) as string).trim().split("\n").map(parseLine);
    expect(two.map((m) => Number(m.get("id")))).toEqual([idb, ida]);
  });

  test("CLIENT LIST errors as in Redis", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT", "LIST", "TYPE", "foo")).toEqual({ error: "ERR Unknown client type 'foo'" });
    expect(await a.call("CLIENT", "LIST", "TYPE")).toEqual({ error: "ERR syntax error" });
    expect(await a.call("CLIENT", "LIST", "ID")).toEqual({ error: "ERR syntax error" });
    expect(await a.call("CLIENT", "LIST", "ID", "x")).toEqual({ error: "ERR Invalid client ID" });
    expect(await a.call("CLIENT", "LIST", "TYPE", "normal", "ID", "1")).toEqual({ error: "ERR syntax error" });
    expect(await a.call("CLIENT", "LIST", "foo")).toEqual({ error: "ERR syntax error" });
  });

  test("NO-EVICT shows as flag e", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT", "NO-EVICT", "on")).toBe("OK");
    expect(parseLine((await a.call("CLIENT", "INFO")) as string).get("flags")).toBe("e");
    expect(await a.call("CLIENT", "NO-EVICT", "off")).toBe("OK");
    expect(await a.call("CLIENT", "NO-EVICT", "maybe")).toEqual({ error: "ERR syntax error" });
  });
});

describe("CLIENT KILL", () => {
  test("old form: kill by address, OK, and the victim's connection closes", async () => {
    const a = await k.client();
    const b = await k.client();
    const idb = await idOf(b);
    const addr = parseLine((await a.call("CLIENT", "LIST", "ID", String(idb))) as string).get("addr")!;
    expect(await a.call("CLIENT", "KILL", addr)).toBe("OK");
    await b.waitClosed();
    expect(await a.call("CLIENT", "LIST", "ID", String(idb))).toBe("");
    expect(await a.call("CLIENT", "KILL", "1.2.3.4:5")).toEqual({ error: "ERR No such client" });
  });

  test("killing yourself replies first, then closes", async () => {
    const a = await k.client();
    const addr = parseLine((await a.call("CLIENT", "INFO")) as string).get("addr")!;
    a.send("CLIENT", "KILL", addr);
    a.send("PING");
    expect(await a.reply()).toBe("OK");
    await a.waitClosed();
  });

  test("new form: filters count the killed clients; SKIPME defaults to yes", async () => {
    const a = await k.client();
    const b = await k.client();
    const idb = await idOf(b);
    expect(await a.call("CLIENT", "KILL", "ID", String(idb))).toBe(1);
    await b.waitClosed();
    expect(await a.call("CLIENT", "KILL", "ID", String(idb))).toBe(0);
    expect(await a.call("CLIENT", "KILL", "ID", String(await idOf(a)))).toBe(0);
    expect(await a.call("CLIENT", "KILL", "TYPE", "master")).toBe(0);
    expect(await a.call("CLIENT", "KILL", "LADDR", "1.1.1.1:1")).toBe(0);
    expect(await a.call("CLIENT", "KILL", "USER", "default", "ADDR", "1.1.1.1:1")).toBe(0);
  });

  test("SKIPME no kills the caller too, after its reply", async () => {
    const a = await k.client();
    const laddr = `127.0.0.1:${k.port}`;
    const ida = await idOf(a);
    const victims = ((await a.call("CLIENT", "LIST")) as string).trim().split("\n").length;
    a.send("CLIENT", "KILL", "LADDR", laddr, "SKIPME", "no", "ID", String(ida));
    expect(await a.reply()).toBe(1);
    await a.waitClosed();
    expect(victims).toBeGreaterThan(0);
  });

  test("MAXAGE only kills connections older than the limit", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT", "KILL", "MAXAGE", "100000")).toBe(0);
  });

  test("errors as in Redis", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT", "KILL")).toEqual({ error: "ERR wrong number of arguments for 'client|kill' command" });
    expect(await a.call("CLIENT", "KILL", "ID", "abc")).toEqual({ error: "ERR client-id should be greater than 0" });
    expect(await a.call("CLIENT", "KILL", "ID", "0")).toEqual({ error: "ERR client-id should be greater than 0" });
    expect(await a.call("CLIENT", "KILL", "TYPE", "foo")).toEqual({ error: "ERR Unknown client type 'foo'" });
    expect(await a.call("CLIENT", "KILL", "USER", "nobody")).toEqual({ error: "ERR No such user 'nobody'" });
    expect(await a.call("CLIENT", "KILL", "SKIPME", "maybe")).toEqual({ error: "ERR syntax error" });
    expect(await a.call("CLIENT", "KILL", "ID", "1", "TYPE")).toEqual({ error: "ERR syntax error" });
    expect(await a.call("CLIENT", "KILL", "ID")).toEqual({ error: "ERR No such client" });
  });
});

describe("CLIENT PAUSE / UNPAUSE", () => {
  test("WRITE pauses writes only; held commands run in order on UNPAUSE", async () => {
    const admin = await k.client();
    const w = await k.client();
    const r = await k.client();
    expect(await admin.call("CLIENT", "PAUSE", "100000", "WRITE")).toBe("OK");
    expect(await r.call("GET", "pk")).toBeNull();
    w.send("SET", "pk", "1");
    w.send("GET", "pk"); // a read behind a held write waits with it
    await until(() => k.server.pause.postponedCount === 1, "the SET to be postponed");
    const held = [...k.server.clients.values()].find((c) => c.postponedArgv !== null)!;
    const listed = (await admin.call("CLIENT", "LIST", "ID", String(held.id))) as string;
    expect(parseLine(listed).get("flags")).toBe("b");
    expect(parseLine(listed).get("cmd")).toBe("set");
    expect(w.idle).toBe(true);
    expect(await r.call("GET", "pk")).toBeNull();
    expect(await admin.call("CLIENT", "UNPAUSE")).toBe("OK");
    expect(await w.reply()).toBe("OK");
    expect(await w.reply()).toBe("1");
    expect(k.server.pause.type).toBe(PAUSE_OFF);
  });

  test("ALL pauses every command, even PING; the pause ends by itself at its timeout", async () => {
    const admin = await k.client();
    const c = await k.client();
    expect(await admin.call("CLIENT", "PAUSE", "40")).toBe("OK");
    const t0 = Date.now();
    expect(await c.call("PING")).toBe("PONG");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
    expect(k.server.pause.type).toBe(PAUSE_OFF);
  });

  test("a pause only gets stronger: ALL then WRITE stays ALL", async () => {
    const admin = await k.client();
    const c = await k.client();
    expect(await admin.call("CLIENT", "PAUSE", "100000", "ALL")).toBe("OK");
    // The admin's own next command is held too, as in Redis: UNPAUSE through the server.
    c.send("PING");
    await until(() => k.server.pause.postponedCount === 1, "PING to be postponed");
    k.server.pause.pause(k.server.clock() + 10, PAUSE_WRITE);
    expect(k.server.pause.type).toBe(PAUSE_ALL);
    k.server.pause.unpause();
    expect(await c.reply()).toBe("PONG");
  });

  test("a client that disconnects while held is forgotten", async () => {
    const admin = await k.client();
    const c = await k.client();
    expect(await admin.call("CLIENT", "PAUSE", "100000", "WRITE")).toBe("OK");
    c.send("SET", "gone", "1");
    await until(() => k.server.pause.postponedCount === 1, "SET to be postponed");
    c.close();
    await until(() => k.server.pause.postponedCount === 0, "the closed client to be dropped");
    expect(await admin.call("CLIENT", "UNPAUSE")).toBe("OK");
    expect(await admin.call("GET", "gone")).toBeNull();
  });

  test("errors as in Redis", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT", "PAUSE")).toEqual({ error: "ERR wrong number of arguments for 'client|pause' command" });
    expect(await a.call("CLIENT", "PAUSE", "x")).toEqual({ error: "ERR timeout is not an integer or out of range" });
    expect(await a.call("CLIENT", "PAUSE", "-1")).toEqual({ error: "ERR timeout is negative" });
    expect(await a.call("CLIENT", "PAUSE", "x", "foo")).toEqual({ error: "ERR CLIENT PAUSE mode must be WRITE or ALL" });
    expect(await a.call("CLIENT", "PAUSE", "10", "write", "x")).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
    });
    expect(await a.call("CLIENT", "UNPAUSE", "x")).toEqual({ error: "ERR wrong number of arguments for 'client|unpause' command" });
  });
});

describe("CLIENT REPLY", () => {
  test("OFF silences every reply, errors included, until ON", async () => {
    const a = await k.client();
    a.send("CLIENT", "REPLY", "OFF");
    a.send("SET", "rk", "v");
    a.send("GET", "rk");
    a.send("NOSUCHCOMMAND");
    expect(await a.callRaw("CLIENT", "REPLY", "ON")).toBe("+OK\r\n");
    expect(await a.call("GET", "rk")).toBe("v");
  });

  test("SKIP silences only the next command", async () => {
    const a = await k.client();
    a.send("CLIENT", "REPLY", "SKIP");
    a.send("PING", "skipped");
    expect(await a.call("PING", "shown")).toBe("shown");
  });

  test("errors", async () => {
    const a = await k.client();
    expect(await a.call("CLIENT", "REPLY", "foo")).toEqual({ error: "ERR syntax error" });
    expect(await a.call("CLIENT", "REPLY")).toEqual({ error: "ERR wrong number of arguments for 'client|reply' command" });
  });
});

describe("CLIENT UNBLOCK, tracking stubs, SETINFO", () => {
  test("UNBLOCK replies 0 for a client that is not blocked, and asks the blocking layer otherwise", async () => {
    const a = await k.client();
    const b = await k.client();
    const idb = await idOf(b);
    expect(await a.call("CLIENT", "UNBLOCK", String(idb))).toBe(0);
    expect(await a.call("CLIENT", "UNBLOCK", "999999", "ERROR")).toBe(0);
    const target = k.server.clients.get(idb)!;
    const calls: [number, boolean][] = [];
    k.server.unblockClient = (c, timeout) => {
      calls.push([c.id, timeout]);
      return true;
    };
    target.flags |= CF_BLOCKED;
    expect(await a.call("CLIENT", "UNBLOCK", String(idb), "ERROR")).toBe(1);
    expect(await a.call("CLIENT", "UNBLOCK", String(idb))).toBe(1);
    target.flags &= ~CF_BLOCKED;
    k.server.unblockClient = null;
    expect(calls).toEqual([
      [idb, false],
      [idb, true],
    ]);
    expect(await a.call("CLIENT", "UNBLOCK", "x")).toEqual({ error: "ERR value is not an integer or out of range" });
    expect(await a.call("CLIENT", "UNBLOCK", "1", "foo")).toEqual({ error: "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" });
  });

  test("TRACKINGINFO, GETREDIR and CACHING reply as Redis does with tracking off", async () => {
    const a = await k.client();
    expect(await a.callRaw("CLIENT", "TRACKINGINFO")).toBe("*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
    expect(await a.call("CLIENT", "GETREDIR")).toBe(-1);
    expect(await a.call("CLIENT", "CACHING", "yes")).toEqual({
      error: "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    });
    expect(await a.call("CLIENT", "TRACKING", "off")).toBe("OK");
    await a.call("HELLO", "3");
    expect(await a.callRaw("CLIENT", "TRACKINGINFO")).toBe("%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
  });

  test("SETINFO stores the library name and version (Redis 7.2)", async () => {
    const a = await k.client();
    const id = await idOf(a);
    expect(await a.call("CLIENT", "SETINFO", "LIB-NAME", "ioredis")).toBe("OK");
    expect(await a.call("CLIENT", "SETINFO", "lib-ver", "5.3.2")).toBe("OK");
    const c = k.server.clients.get(id)!;
    expect([c.libName, c.libVer]).toEqual(["ioredis", "5.3.2"]);
    expect(await a.call("CLIENT", "SETINFO", "foo", "x")).toEqual({ error: "ERR Unrecognized option 'foo'" });
    expect(await a.call("CLIENT", "SETINFO", "lib-name", "a b")).toEqual({ error: "ERR lib-name cannot contain spaces, newlines or special characters." });
  });
});
