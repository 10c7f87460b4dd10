import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

describe("server basics over a real socket", () => {
  test("PING, ECHO and inline commands", async () => {
    const c = await k.client();
    expect(await c.call("PING")).toBe("PONG");
    expect(await c.call("ECHO", "hi\r\nthere")).toBe("hi\r\nthere");
    c.write("PING\r\n");
    expect(await c.reply()).toBe("PONG");
    c.write('ECHO "a\\x41\\n" \'b c\'\r\n');
    expect(await c.reply()).toEqual({ error: "ERR wrong number of arguments for 'echo' command" });
    c.write('ECHO "a\\x41\\n"\n');
    expect(await c.reply()).toBe("aA\n");
  });

  test("pipelined commands split at every byte boundary get every reply in order", async () => {
    const c = await k.client();
    const frame = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    for (let i = 0; i < frame.length; i++) c.write(frame[i]!);
    expect(await c.reply()).toBe("OK");
    expect(await c.reply()).toBe("hello");
  });

  test("unknown commands and wrong arity reply with Redis's texts and keep the connection", async () => {
    const c = await k.client();
    expect(await c.call("NOPE", "a", "b")).toEqual({ error: "ERR unknown command 'NOPE', with args beginning with: 'a' 'b' " });
    expect(await c.call("GET")).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(await c.call("PING")).toBe("PONG");
  });

  test("protocol errors reply then close the connection", async () => {
    const c = await k.client();
    c.write("*1\r\n$x\r\n");
    expect(await c.reply()).toEqual({ error: "ERR Protocol error: invalid bulk length" });
    await c.waitClosed();
    const d = await k.client();
    d.write("*1\r\n+PING\r\n");
    expect(await d.reply()).toEqual({ error: "ERR Protocol error: expected '$', got '+'" });
    await d.waitClosed();
  });

  test("QUIT replies OK after earlier pipelined replies, then closes", async () => {
    const c = await k.client();
    c.send("PING");
    c.send("QUIT");
    c.send("PING");
    expect(await c.reply()).toBe("PONG");
    expect(await c.reply()).toBe("OK");
    await c.waitClosed();
  });
});
