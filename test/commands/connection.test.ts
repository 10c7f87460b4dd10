import { REDIS_VERSION } from "../../src/util/version.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CF_PUBSUB } from "../../src/server/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
let auth: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
  auth = await startKedis({ config: { requirepass: "secret" } });
});
afterAll(async () => {
  await k.stop();
  await auth.stop();
});

const NOPASS =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
const HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

describe("PING, ECHO, SELECT", () => {
  test("PING with and without a message, and with too many arguments", async () => {
    const c = await k.client();
    expect(await c.callRaw("PING")).toBe("+PONG\r\n");
    expect(await c.callRaw("PING", "hey")).toBe("$3\r\nhey\r\n");
    expect(await c.call("PING", "a", "b")).toEqual({ error: "ERR wrong number of arguments for 'ping' command" });
  });

  test("PING in RESP2 pub/sub mode replies [pong, message]; in RESP3 as usual", async () => {
    const c = await k.client();
    const id = (await c.call("CLIENT", "ID")) as number;
    const cl = k.server.clients.get(id)!;
    cl.flags |= CF_PUBSUB; // as the pub/sub layer sets it on SUBSCRIBE
    expect(await c.callRaw("PING")).toBe("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    expect(await c.callRaw("PING", "hi")).toBe("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    cl.resp = 3;
    expect(await c.callRaw("PING")).toBe("+PONG\r\n");
    cl.flags &= ~CF_PUBSUB;
  });

  test("SELECT switches databases and rejects bad indexes", async () => {
    const c = await k.client();
    expect(await c.call("SELECT", "9")).toBe("OK");
    expect(await c.call("SET", "dbkey", "x")).toBe("OK");
    expect(await c.call("SELECT", "0")).toBe("OK");
    expect(await c.call("GET", "dbkey")).toBeNull();
    expect(await c.call("SELECT", "16")).toEqual({ error: "ERR DB index is out of range" });
    expect(await c.call("SELECT", "x")).toEqual({ error: "ERR value is not an integer or out of range" });
  });
});

describe("AUTH", () => {
  test("without requirepass: AUTH <password> is refused, AUTH default <anything> succeeds", async () => {
    const c = await k.client();
    expect(await c.call("AUTH", "x")).toEqual({ error: NOPASS });
    expect(await c.call("AUTH", "default", "whatever")).toBe("OK");
    expect(await c.call("AUTH", "someone", "x")).toEqual({ error: WRONGPASS });
    expect(await c.call("AUTH", "a", "b", "c")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("AUTH")).toEqual({ error: "ERR wrong number of arguments for 'auth' command" });
  });

  test("with requirepass: commands need AUTH, wrong passwords get WRONGPASS", async () => {
    const c = await auth.client();
    expect(await c.call("PING")).toEqual({ error: "NOAUTH Authentication required." });
    expect(await c.call("AUTH", "wrong")).toEqual({ error: WRONGPASS });
    expect(await c.call("AUTH", "default", "wrong")).toEqual({ error: WRONGPASS });
    expect(await c.call("AUTH", "a", "b", "c")).toEqual({ error: "ERR syntax error" });
    expect(await c.call("AUTH", "secret")).toBe("OK");
    expect(await c.call("PING")).toBe("PONG");
    // A failed AUTH does not log an authenticated connection out.
    expect(await c.call("AUTH", "wrong")).toEqual({ error: WRONGPASS });
    expect(await c.call("PING")).toBe("PONG");
    const d = await auth.client();
    expect(await d.call("AUTH", "default", "secret")).toBe("OK");
    expect(await d.call("CLIENT", "INFO")).toContain(" user=default ");
  });

  test("before AUTH the reader refuses big requests; after AUTH they are fine", async () => {
    const c = await auth.client();
    const many = ["ECHO", ...Array.from({ length: 11 }, () => "x")];
    c.send(...many);
    expect(await c.reply()).toEqual({ error: "ERR Protocol error: unauthenticated multibulk length" });
    await c.waitClosed();
    const d = await auth.client();
    expect(await d.call("AUTH", "secret")).toBe("OK");
    expect(await d.call("ECHO", "y".repeat(20000))).toBe("y".repeat(20000));
  });
});

describe("HELLO", () => {
  const fields = (r: unknown) => {
    const arr = r as (string | number | unknown[])[];
    const m = new Map<unknown, unknown>();
    for (let i = 0; i < arr.length; i += 2) m.set(arr[i], arr[i + 1]);
    return m;
  };

  test("HELLO without arguments replies with the current protocol (RESP2: a flat array)", async () => {
    const c = await k.client();
    const id = await c.call("CLIENT", "ID");
    const m = fields(await c.call("HELLO"));
    expect([...m.keys()]).toEqual(["server", "version", "proto", "id", "mode", "role", "modules"]);
    expect(m.get("server")).toBe("redis");
    expect(m.get("version")).toBe(REDIS_VERSION);
    expect(m.get("proto")).toBe(2);
    expect(m.get("id")).toBe(id);
    expect(m.get("mode")).toBe("standalone");
    expect(m.get("role")).toBe("master");
    expect(m.get("modules")).toEqual([]);
  });

  test("HELLO 3 switches to RESP3 (a map) for this and every later reply, HELLO 2 back", async () => {
    const c = await k.client();
    const raw = await c.callRaw("HELLO", "3");
    expect(raw.startsWith(`%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$${REDIS_VERSION.length}\r\n${REDIS_VERSION}\r\n$5\r\nproto\r\n:3\r\n`)).toBe(true);
    expect(raw.endsWith("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")).toBe(true);
    expect(await c.callRaw("GET", "missing")).toBe("_\r\n");
    expect((await c.callRaw("HELLO", "2")).startsWith("*14\r\n")).toBe(true);
    expect(await c.callRaw("GET", "missing")).toBe("$-1\r\n");
  });

  test("a command pipelined after HELLO 3 already gets RESP3", async () => {
    const c = await k.client();
    c.send("HELLO", "3");
    c.send("GET", "missing");
    expect((await c.raw())[0]).toBe(0x25);
    expect(await c.raw()).toEqual(new TextEncoder().encode("_\r\n"));
  });

  test("protocol version errors", async () => {
    const c = await k.client();
    expect(await c.call("HELLO", "4")).toEqual({ error: "NOPROTO unsupported protocol version" });
    expect(await c.call("HELLO", "1")).toEqual({ error: "NOPROTO unsupported protocol version" });
    expect(await c.call("HELLO", "abc")).toEqual({ error: "ERR Protocol version is not an integer or out of range" });
    expect(await c.call("HELLO", "03")).toEqual({ error: "ERR Protocol version is not an integer or out of range" });
  });

  test("options: SETNAME, AUTH, syntax errors naming the option", async () => {
    const c = await k.client();
    expect(await c.call("HELLO", "3", "foo")).toEqual({ error: "ERR Syntax error in HELLO option 'foo'" });
    expect(await c.call("HELLO", "3", "AUTH", "default")).toEqual({ error: "ERR Syntax error in HELLO option 'AUTH'" });
    expect(await c.call("HELLO", "3", "SETNAME")).toEqual({ error: "ERR Syntax error in HELLO option 'SETNAME'" });
    expect(await c.call("HELLO", "3", "SETNAME", "a b")).toEqual({ error: "ERR Client names cannot contain spaces, newlines or special characters." });
    expect(await c.call("HELLO", "3", "AUTH", "nobody", "x")).toEqual({ error: WRONGPASS });
    // A failed HELLO leaves the protocol alone.
    expect(await c.callRaw("GET", "missing")).toBe("$-1\r\n");
    const r = await c.call("HELLO", "2", "AUTH", "default", "any", "SETNAME", "conn1");
    expect(Array.isArray(r)).toBe(true);
    expect(await c.call("CLIENT", "GETNAME")).toBe("conn1");
  });

  test("options take effect in order: a later syntax error keeps an earlier SETNAME", async () => {
    const c = await k.client();
    expect(await c.call("HELLO", "3", "SETNAME", "early", "FOO")).toEqual({ error: "ERR Syntax error in HELLO option 'FOO'" });
    expect(await c.call("CLIENT", "GETNAME")).toBe("early");
    expect(await c.callRaw("GET", "missing")).toBe("$-1\r\n");
  });

  test("with requirepass: HELLO needs AUTH first, or its AUTH option", async () => {
    const c = await auth.client();
    expect(await c.call("HELLO", "3")).toEqual({ error: HELLO_NOAUTH });
    expect(await c.call("HELLO")).toEqual({ error: HELLO_NOAUTH });
    expect(await c.call("HELLO", "3", "AUTH", "default", "wrong")).toEqual({ error: WRONGPASS });
    expect(await c.call("HELLO", "4", "AUTH", "default", "secret")).toEqual({ error: "NOPROTO unsupported protocol version" });
    expect(await c.call("PING")).toEqual({ error: "NOAUTH Authentication required." });
    const m = (await c.call("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "x")) as Map<unknown, unknown>;
    expect(m.get("proto")).toBe(3);
    expect(await c.call("PING")).toBe("PONG");
    expect(await c.call("CLIENT", "GETNAME")).toBe("x");
  });
});

describe("RESET", () => {
  test("RESET restores db 0, RESP2, no name, reply mode on, and runs the reset hooks", async () => {
    const c = await k.client();
    const seen: number[] = [];
    k.server.onClientReset.push((cl) => seen.push(cl.id));
    const id = (await c.call("CLIENT", "ID")) as number;
    await c.call("SELECT", "3");
    await c.call("CLIENT", "SETNAME", "named");
    await c.call("HELLO", "3");
    expect(await c.callRaw("RESET")).toBe("+RESET\r\n");
    expect(seen).toEqual([id]);
    k.server.onClientReset.pop();
    expect(await c.callRaw("GET", "missing")).toBe("$-1\r\n");
    expect(await c.call("CLIENT", "GETNAME")).toBeNull();
    const info = (await c.call("CLIENT", "INFO")) as string;
    expect(info).toContain(" db=0 ");
    expect(info).toContain(" resp=2\n");
    expect(info).toContain(` id=${id} `.slice(1));
  });

  test("RESET keeps NO-EVICT (Redis 7.0) and clears CLIENT REPLY OFF", async () => {
    const c = await k.client();
    await c.call("CLIENT", "NO-EVICT", "on");
    c.send("CLIENT", "REPLY", "OFF");
    c.send("PING");
    expect(await c.callRaw("RESET")).toBe("+RESET\r\n");
    expect(await c.call("PING")).toBe("PONG");
    expect(await c.call("CLIENT", "INFO")).toContain(" flags=e ");
  });

  test("with requirepass, RESET logs the connection out", async () => {
    const c = await auth.client();
    expect(await c.call("AUTH", "secret")).toBe("OK");
    expect(await c.call("RESET")).toBe("RESET");
    expect(await c.call("PING")).toEqual({ error: "NOAUTH Authentication required." });
  });
});

describe("QUIT", () => {
  test("QUIT replies OK and closes", async () => {
    const c = await k.client();
    expect(await c.call("QUIT")).toBe("OK");
    await c.waitClosed();
  });
});
