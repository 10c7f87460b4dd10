import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { keySpecsOf, visibleFlags } from "../../src/commands/command.ts";
import { buildSpec } from "../../src/commands/spec.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

const noop = () => {};

describe("key specs derived from [first, last, step]", () => {
  test("single key, ranges to the end and strided keys", () => {
    expect(keySpecsOf(buildSpec("string", ["get", 2, "readonly fast", [1, 1, 1], noop]))).toEqual([
      { flags: ["RO", "access"], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
    ]);
    expect(keySpecsOf(buildSpec("string", ["mset", -3, "write denyoom", [1, -1, 2], noop]))[0]!.find).toEqual({ lastKey: -1, keyStep: 2, limit: 0 });
    expect(keySpecsOf(buildSpec("list", ["lmove", 5, "write denyoom", [1, 2, 1], noop]))[0]).toEqual({
      flags: ["RW", "update"],
      begin: { index: 1 },
      find: { lastKey: 1, keyStep: 1, limit: 0 },
    });
    expect(keySpecsOf(buildSpec("server", ["ping", -1, "fast", [0, 0, 0], noop]))).toEqual([]);
    const movable = buildSpec("scripting", ["eval", -3, "noscript", [0, 0, 0], noop, { keyFinder: () => [] }]);
    expect(keySpecsOf(movable)).toEqual([{ flags: ["RO", "access"], begin: "unknown", find: "unknown" }]);
    expect(visibleFlags(movable)).toEqual(["noscript", "movablekeys"]);
  });

  test("flags Redis hides are not listed", () => {
    expect(visibleFlags(buildSpec("pubsub", ["publish", 3, "pubsub loading stale fast may_replicate", [0, 0, 0], noop]))).toEqual(["pubsub", "loading", "stale", "fast"]);
  });
});

describe("COMMAND", () => {
  test("COMMAND INFO get is Redis's exact reply, RESP2 and RESP3", async () => {
    const c = await k.client();
    expect(await c.callRaw("COMMAND", "INFO", "get")).toBe(
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
    );
    await c.call("HELLO", "3");
    expect(await c.callRaw("COMMAND", "INFO", "get")).toBe(
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n",
    );
    expect(await c.callRaw("COMMAND", "INFO", "nosuch")).toBe("*1\r\n_\r\n");
  });

  test("COMMAND, COMMAND COUNT and COMMAND LIST cover the whole table", async () => {
    const c = await k.client();
    const count = (await c.call("COMMAND", "COUNT")) as number;
    expect(count).toBe(k.server.registry.commands.size);
    const all = (await c.call("COMMAND")) as unknown[][];
    expect(all.length).toBe(count);
    expect(all.map((e) => e[0])).toContain("client");
    const list = (await c.call("COMMAND", "LIST")) as string[];
    expect(list).toContain("client|kill");
    expect(list.length).toBe(k.server.registry.specs.length);
    expect(await c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "CLI*")).toEqual(list.filter((n) => n.startsWith("client")));
    expect(await c.call("COMMAND", "LIST", "FILTERBY", "pattern", "c[lo]*|?d")).toEqual(["client|id"]);
    const conn = (await c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection")) as string[];
    expect(conn).toContain("auth");
    expect(conn).toContain("command|docs");
    expect(conn).not.toContain("client");
    expect(await c.call("COMMAND", "LIST", "FILTERBY", "aclcat", "@connection")).toEqual([]);
  });

  test("COMMAND DOCS gives summary, since, group, complexity and arguments", async () => {
    const c = await k.client();
    const docs = (await c.call("COMMAND", "DOCS", "echo", "client|setname", "nosuch")) as unknown[];
    expect(docs[0]).toBe("echo");
    expect(docs[1]).toEqual(["summary", "Reply with the given message.", "since", "1.0.0", "group", "connection", "complexity", "O(1)", "arguments", [["name", "message", "type", "string"]]]);
    expect(docs[2]).toBe("client|setname");
    expect(docs.length).toBe(4);
    await c.call("HELLO", "3");
    const m = (await c.call("COMMAND", "DOCS", "client")) as Map<string, Map<string, unknown>>;
    const client = m.get("client")!;
    expect(client.get("group")).toBe("connection");
    const subs = client.get("subcommands") as Map<string, Map<string, unknown>>;
    expect(subs.get("client|kill")!.get("summary")).toBe("Close connections matching an address or filters.");
    expect((await c.call("COMMAND", "DOCS")) instanceof Map).toBe(true);
  });

  test("COMMAND GETKEYS and GETKEYSANDFLAGS", async () => {
    const c = await k.client();
    expect(await c.call("COMMAND", "GETKEYS", "SET", "k1", "v")).toEqual(["k1"]);
    expect(await c.call("COMMAND", "GETKEYSANDFLAGS", "get", "k1")).toEqual([["k1", ["RO", "access"]]]);
    expect(await c.call("COMMAND", "GETKEYS", "nosuch", "a")).toEqual({ error: "ERR Invalid command specified" });
    expect(await c.call("COMMAND", "GETKEYS", "client", "nosuch")).toEqual({ error: "ERR Invalid command specified" });
    expect(await c.call("COMMAND", "GETKEYS", "client", "id")).toEqual({ error: "ERR The command has no key arguments" });
    expect(await c.call("COMMAND", "GETKEYS", "get", "a", "b")).toEqual({ error: "ERR Invalid number of arguments specified for command" });
  });
});
