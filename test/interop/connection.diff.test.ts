/**
 * Connection commands, CLIENT and COMMAND against real redis-server 7.0, byte for byte:
 * HELLO 2/3 (the connection id aside), error texts of every CLIENT/COMMAND/AUTH misuse, AUTH
 * with requirepass on both servers, and COMMAND INFO of the commands this family owns.
 * COMMAND COUNT is not compared (Kedis implements a subset).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestClient } from "../helpers/client.ts";
import { Differ, type Mismatch } from "../helpers/diff.ts";
import { latin1Decode } from "../helpers/resp.ts";
import { redisServerPath } from "../helpers/servers.ts";

const haveRedis = redisServerPath() !== null;
if (!haveRedis) console.warn("SKIP connection interop: redis-server not found");

let d: Differ | null = null;
beforeAll(async () => {
  if (haveRedis) d = await Differ.start();
});
afterAll(async () => {
  await d?.stop();
});

type Cmd = string[];
const split = (s: string): Cmd => s.split(" ").map((a) => a.replace(/\\s/g, " "));

/** HELLO replies differ only in the connection id: blank it on both sides. */
function normalizeHello(raw: string): string {
  return raw.replace(/(\$2\r\nid\r\n):\d+\r\n/, "$1:ID\r\n");
}

async function diffAll(k: TestClient, r: TestClient, cmds: Cmd[], normalize = (s: string) => s): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const cmd of cmds) {
    k.send(...cmd);
    r.send(...cmd);
    const [a, b] = await Promise.all([k.raw(), r.raw()]);
    const kedis = normalize(latin1Decode(a));
    const redis = normalize(latin1Decode(b));
    if (kedis !== redis) out.push({ command: cmd.join(" "), kedis, redis });
  }
  return out;
}

const ERRORS = [
  "CLIENT", "CLIENT FOO", "CLIENT ID x", "CLIENT GETNAME x", "CLIENT SETNAME", "CLIENT SETNAME a\\sb",
  "CLIENT SETNAME caf\u00e9", "CLIENT GETNAME", "CLIENT SETNAME abc", "CLIENT GETNAME", "CLIENT SETNAME ", "CLIENT GETNAME",
  "CLIENT LIST TYPE foo", "CLIENT LIST TYPE", "CLIENT LIST ID", "CLIENT LIST ID x", "CLIENT LIST ID 999999", "CLIENT LIST foo",
  "CLIENT LIST TYPE normal ID 1", "CLIENT LIST ID 1 2 TYPE normal", "CLIENT LIST TYPE master", "CLIENT LIST TYPE pubsub",
  "CLIENT INFO x", "CLIENT KILL", "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID", "CLIENT KILL ID abc", "CLIENT KILL ID 0",
  "CLIENT KILL ID -5", "CLIENT KILL ID 999999", "CLIENT KILL TYPE foo", "CLIENT KILL TYPE master", "CLIENT KILL TYPE slave",
  "CLIENT KILL USER nobody", "CLIENT KILL SKIPME foo", "CLIENT KILL LADDR 1.1.1.1:1", "CLIENT KILL ID 1 TYPE",
  "CLIENT KILL ID 1 FOO bar", "CLIENT KILL ID x TYPE foo", "CLIENT KILL TYPE foo ID x", "CLIENT KILL ADDR 1.1.1.1:1 SKIPME no",
  "CLIENT PAUSE", "CLIENT PAUSE x", "CLIENT PAUSE -1", "CLIENT PAUSE 10 foo", "CLIENT PAUSE x foo", "CLIENT PAUSE 1.5",
  "CLIENT PAUSE 10 write extra", "CLIENT UNPAUSE x", "CLIENT UNPAUSE",
  "CLIENT REPLY", "CLIENT REPLY foo", "CLIENT REPLY ON", "CLIENT REPLY on x",
  "CLIENT UNBLOCK", "CLIENT UNBLOCK x", "CLIENT UNBLOCK 999999", "CLIENT UNBLOCK 1 foo", "CLIENT UNBLOCK x foo",
  "CLIENT UNBLOCK 999999 timeout", "CLIENT UNBLOCK 1 timeout x",
  "CLIENT TRACKINGINFO", "CLIENT TRACKINGINFO x", "CLIENT GETREDIR", "CLIENT CACHING", "CLIENT CACHING yes", "CLIENT CACHING foo",
  "CLIENT NO-EVICT", "CLIENT NO-EVICT foo", "CLIENT NO-EVICT on", "CLIENT NO-EVICT off", "CLIENT TRACKING", "CLIENT TRACKING foo",
  "CLIENT TRACKING off", "CLIENT HELP", "CLIENT HELP x",
  "AUTH x", "AUTH default x", "AUTH foo x", "AUTH a b c", "AUTH",
  "PING", "PING hi", "PING a b", "ECHO", "ECHO x", "SELECT", "SELECT x", "SELECT -1", "SELECT 16", "SELECT 1", "SELECT 0",
  "COMMAND HELP", "COMMAND COUNT x", "COMMAND FOO", "COMMAND INFO nosuch", "COMMAND DOCS nosuch", "COMMAND GETKEYS",
  "COMMAND GETKEYS nosuch", "COMMAND GETKEYS get", "COMMAND GETKEYS nosuch a", "COMMAND GETKEYS get a b", "COMMAND GETKEYS get a",
  "COMMAND GETKEYS GET a", "COMMAND GETKEYS set a b", "COMMAND GETKEYS client id", "COMMAND GETKEYS client foo",
  "COMMAND GETKEYS ping x", "COMMAND GETKEYSANDFLAGS get a", "COMMAND LIST FILTERBY", "COMMAND LIST FILTERBY foo x",
  "COMMAND LIST foo", "COMMAND LIST FILTERBY module foo", "COMMAND LIST FILTERBY aclcat nosuch", "COMMAND LIST FILTERBY pattern nosuch*",
  "COMMAND INFO get ping echo auth hello quit select reset monitor client|id client|setname client|list command|count command|docs nosuch",
  "RESET",
].map(split);

describe.skipIf(!haveRedis)("connection commands vs Redis 7.0", () => {
  test("HELLO replies and errors, RESP2 and RESP3 (connection id aside)", async () => {
    const k = await d!.kedis.client();
    const r = await d!.redis.client();
    const cmds = [
      "HELLO", "HELLO 3", "HELLO", "GET missing", "HELLO 2", "GET missing", "HELLO 4", "HELLO 1", "HELLO -1", "HELLO abc",
      "HELLO 03", "HELLO 3.0", "HELLO 3 foo", "HELLO 3 AUTH", "HELLO 3 AUTH default", "HELLO 3 SETNAME", "HELLO 3 SETNAME a\\sb",
      "HELLO 3 AUTH foo bar", "HELLO 3 AUTH default x", "HELLO 2 SETNAME x SETNAME y", "CLIENT GETNAME", "HELLO 2 SETNAME good FOO",
      "CLIENT GETNAME", "HELLO 3 AUTH default x AUTH default y", "HELLO 3 SETNAME a\\sb AUTH default wrong",
      "HELLO 2 setname caf\u00e9", "HELLO 3 SETNAME ", "CLIENT GETNAME", "HELLO 2",
    ].map(split);
    expect(await diffAll(k, r, cmds, normalizeHello)).toEqual([]);
  });

  test("CLIENT, COMMAND, AUTH, PING/ECHO/SELECT errors and replies in RESP2", async () => {
    const k = await d!.kedis.client();
    const r = await d!.redis.client();
    expect(await diffAll(k, r, ERRORS)).toEqual([]);
  });

  test("the same in RESP3", async () => {
    const k = await d!.kedis.client();
    const r = await d!.redis.client();
    await k.call("HELLO", "3");
    await r.call("HELLO", "3");
    expect(await diffAll(k, r, ERRORS.filter((c) => c[0] !== "RESET"))).toEqual([]);
  });

  test("CLIENT REPLY OFF/SKIP/ON sequences", async () => {
    const k = await d!.kedis.client();
    const r = await d!.redis.client();
    for (const c of [k, r]) {
      c.send("CLIENT", "REPLY", "OFF");
      c.send("SET", "replyk", "1");
      c.send("GET", "replyk");
      c.send("CLIENT", "REPLY", "SKIP");
      c.send("CLIENT", "REPLY", "ON");
      c.send("CLIENT", "REPLY", "SKIP");
      c.send("GET", "replyk");
    }
    expect(await diffAll(k, r, [["PING", "last"]])).toEqual([]);
  });

  test("AUTH and HELLO with requirepass set on both servers", async () => {
    d!.kedis.server.config.set("requirepass", "pw");
    const admin = await d!.redis.client();
    expect(await admin.call("CONFIG", "SET", "requirepass", "pw")).toBe("OK");
    try {
      const k = await d!.kedis.client();
      const r = await d!.redis.client();
      const cmds = [
        "PING", "GET x", "CLIENT ID", "HELLO", "HELLO 3", "HELLO 3 SETNAME x", "AUTH wrong", "AUTH default wrong", "AUTH nobody pw",
        "AUTH a b c", "HELLO 3 AUTH default wrong", "HELLO foo AUTH default pw", "HELLO 4 AUTH default pw", "PING", "AUTH pw", "PING",
        "AUTH wrong", "PING", "AUTH default pw", "RESET", "PING", "HELLO 2 AUTH default pw SETNAME n1", "CLIENT GETNAME", "PING",
      ].map(split);
      expect(await diffAll(k, r, cmds, normalizeHello)).toEqual([]);
    } finally {
      d!.kedis.server.config.set("requirepass", "");
      await admin.call("CONFIG", "SET", "requirepass", "");
    }
  });
});

describe.skipIf(!haveRedis || Bun.which("redis-cli") === null)("redis-cli against Kedis", () => {
  test("one-shot commands print what they print against Redis, with no warnings", async () => {
    const run = async (port: number, args: string[]) => {
      const p = Bun.spawn(["redis-cli", "-p", String(port), ...args], { stdout: "pipe", stderr: "pipe" });
      const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
      await p.exited;
      return { out, err };
    };
    for (const args of [["PING"], ["ECHO", "hi"], ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "x"], ["AUTH", "x"], ["-3", "CLIENT", "TRACKINGINFO"], ["COMMAND", "INFO", "get"]]) {
      const [a, b] = await Promise.all([run(d!.kedis.port, args), run(d!.redis.port, args)]);
      expect({ args, ...a }).toEqual({ args, ...b });
    }
  });
});
