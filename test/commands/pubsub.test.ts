import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import net from "node:net";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";
import { latin1Decode } from "../helpers/resp.ts";
import { rawFrames, serverClientOf, useResp3 } from "../helpers/pubsub.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

/** Send a (p|s)subscribe-style command and read its one reply per argument. */
async function subCall(c: TestClient, cmd: string, ...args: string[]): Promise<void> {
  c.send(cmd, ...args);
  for (let i = 0; i < Math.max(1, args.length); i++) await c.reply();
}

const CONTEXT_ERR = (cmd: string) =>
  `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;

describe("Pub/Sub frames in RESP2", () => {
  test("SUBSCRIBE / UNSUBSCRIBE replies and UNSUBSCRIBE with no subscriptions", async () => {
    const c = await k.client();
    expect(await c.callRaw("UNSUBSCRIBE")).toBe("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
    expect(await c.callRaw("PUNSUBSCRIBE")).toBe("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
    expect(await c.callRaw("SUNSUBSCRIBE")).toBe("*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
    c.send("SUBSCRIBE", "a", "b");
    expect(await rawFrames(c, 2)).toEqual(["*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"]);
    expect(await c.callRaw("PSUBSCRIBE", "p*")).toBe("*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
    // Shard subscriptions are counted apart from channels and patterns.
    expect(await c.callRaw("SSUBSCRIBE", "s")).toBe("*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
    expect(await c.callRaw("UNSUBSCRIBE", "b")).toBe("*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:2\r\n");
    expect(await c.callRaw("UNSUBSCRIBE", "nope")).toBe("*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:2\r\n");
    c.send("UNSUBSCRIBE");
    expect(await rawFrames(c, 1)).toEqual(["*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n"]);
    expect(await c.callRaw("PUNSUBSCRIBE")).toBe("*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n");
    // Only a shard channel left: still in the subscribed context.
    expect(await c.callRaw("GET", "x")).toBe(CONTEXT_ERR("get"));
    expect(await c.callRaw("SUNSUBSCRIBE")).toBe("*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n");
    expect(await c.callRaw("GET", "x")).toBe("$-1\r\n");
  });

  test("the subscribed context allows only (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET; PING replies pong frames", async () => {
    const c = await k.client();
    await subCall(c, "SUBSCRIBE", "ctx");
    expect(await c.callRaw("PING")).toBe("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    expect(await c.callRaw("PING", "hi")).toBe("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    expect(await c.callRaw("GET", "k")).toBe(CONTEXT_ERR("get"));
    expect(await c.callRaw("PUBLISH", "ctx", "m")).toBe(CONTEXT_ERR("publish"));
    expect(await c.callRaw("PUBSUB", "NUMPAT")).toBe(CONTEXT_ERR("pubsub|numpat"));
    expect(await c.callRaw("MULTI")).toBe(CONTEXT_ERR("multi"));
    // Unknown commands and arity errors are reported as usual.
    expect(await c.callRaw("NOPE")).toBe("-ERR unknown command 'NOPE', with args beginning with: \r\n");
    c.send("QUIT");
    expect(await c.reply()).toBe("OK");
    await c.waitClosed();
  });

  test("message and pmessage frames", async () => {
    const sub = await k.client();
    const pub = await k.client();
    await subCall(sub, "SUBSCRIBE", "news.tech");
    await subCall(sub, "PSUBSCRIBE", "news.*");
    expect(await pub.call("PUBLISH", "news.tech", "hello")).toBe(2);
    expect(await rawFrames(sub, 2)).toEqual([
      "*3\r\n$7\r\nmessage\r\n$9\r\nnews.tech\r\n$5\r\nhello\r\n",
      "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$5\r\nhello\r\n",
    ]);
    expect(await pub.call("PUBLISH", "news.art", "bin\r\n\0")).toBe(1);
    expect(await rawFrames(sub, 1)).toEqual(["*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$8\r\nnews.art\r\n$6\r\nbin\r\n\0\r\n"]);
    expect(await pub.call("PUBLISH", "nobody", "x")).toBe(0);
  });

  test("arity errors", async () => {
    const c = await k.client();
    expect(await c.callRaw("SUBSCRIBE")).toBe("-ERR wrong number of arguments for 'subscribe' command\r\n");
    expect(await c.callRaw("PUBLISH", "a")).toBe("-ERR wrong number of arguments for 'publish' command\r\n");
    expect(await c.callRaw("SPUBLISH", "a")).toBe("-ERR wrong number of arguments for 'spublish' command\r\n");
    expect(await c.callRaw("PUBSUB")).toBe("-ERR wrong number of arguments for 'pubsub' command\r\n");
    expect(await c.callRaw("PUBSUB", "FOO")).toBe("-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
    expect(await c.callRaw("PUBSUB", "CHANNELS", "a", "b")).toBe("-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n");
    expect(await c.callRaw("PUBSUB", "NUMPAT", "x")).toBe("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
  });
});

describe("Pub/Sub frames in RESP3", () => {
  test("replies and messages are push frames; any command runs while subscribed", async () => {
    const c = await k.client();
    await useResp3(k.server, c);
    expect(await c.callRaw("UNSUBSCRIBE")).toBe(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    expect(await c.callRaw("SUBSCRIBE", "r3")).toBe(">3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n");
    expect(await c.callRaw("PING")).toBe("+PONG\r\n");
    expect(await c.callRaw("GET", "nokey")).toBe("_\r\n");
    // Publishing to itself: the message comes before the PUBLISH reply, as in Redis.
    c.send("PUBLISH", "r3", "self");
    expect(await rawFrames(c, 2)).toEqual([">3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$4\r\nself\r\n", ":1\r\n"]);
    expect(await c.callRaw("PSUBSCRIBE", "r*")).toBe(">3\r\n$10\r\npsubscribe\r\n$2\r\nr*\r\n:2\r\n");
    const pub = await k.client();
    await pub.call("PUBLISH", "r3", "x");
    expect(await rawFrames(c, 2)).toEqual([
      ">3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$1\r\nx\r\n",
      ">4\r\n$8\r\npmessage\r\n$2\r\nr*\r\n$2\r\nr3\r\n$1\r\nx\r\n",
    ]);
    expect(await c.callRaw("SSUBSCRIBE", "sh")).toBe(">3\r\n$10\r\nssubscribe\r\n$2\r\nsh\r\n:1\r\n");
    await pub.call("SPUBLISH", "sh", "y");
    expect(await rawFrames(c, 1)).toEqual([">3\r\n$8\r\nsmessage\r\n$2\r\nsh\r\n$1\r\ny\r\n"]);
  });

  test("SUBSCRIBE inside MULTI/EXEC replies inside the EXEC array", async () => {
    const c = await k.client();
    await useResp3(k.server, c);
    await c.call("MULTI");
    expect(await c.call("SUBSCRIBE", "inmulti")).toBe("QUEUED");
    expect(await c.callRaw("EXEC")).toBe("*1\r\n>3\r\n$9\r\nsubscribe\r\n$7\r\ninmulti\r\n:1\r\n");
  });
});

describe("ordering and fan-out", () => {
  test("pipelined PUBLISH from several clients arrive complete and in each publisher's order", async () => {
    const sub2 = await k.client();
    const sub3 = await k.client();
    await useResp3(k.server, sub3);
    await subCall(sub2, "SUBSCRIBE", "ord");
    await subCall(sub3, "SUBSCRIBE", "ord");
    const pubs = [await k.client(), await k.client(), await k.client()];
    const N = 150;
    for (let i = 0; i < N; i++) for (let p = 0; p < pubs.length; p++) pubs[p]!.send("PUBLISH", "ord", `${p}:${i}`);
    for (const p of pubs) for (let i = 0; i < N; i++) expect(await p.reply()).toBe(2);
    for (const sub of [sub2, sub3]) {
      const next = [0, 0, 0];
      for (let n = 0; n < N * pubs.length; n++) {
        const r = (await sub.reply()) as string[];
        expect(r[0]).toBe("message");
        const [p, i] = r[2]!.split(":").map(Number) as [number, number];
        expect(i).toBe(next[p]!);
        next[p] = i + 1;
      }
      expect(next).toEqual([N, N, N]);
    }
  });

  test("disconnected subscribers are removed everywhere", async () => {
    const a = await k.client();
    const p = await k.client();
    await subCall(a, "SUBSCRIBE", "gone");
    await subCall(a, "PSUBSCRIBE", "gone*");
    await subCall(a, "SSUBSCRIBE", "gone-s");
    expect(await p.call("PUBSUB", "NUMSUB", "gone")).toEqual(["gone", 1]);
    a.close();
    await a.waitClosed();
    for (let i = 0; i < 100 && (await p.call("PUBSUB", "NUMSUB", "gone"))?.toString() !== "gone,0"; i++) await Bun.sleep(5);
    expect(await p.call("PUBSUB", "NUMSUB", "gone")).toEqual(["gone", 0]);
    expect(await p.call("PUBSUB", "SHARDNUMSUB", "gone-s")).toEqual(["gone-s", 0]);
    expect(await p.call("PUBLISH", "gone", "x")).toBe(0);
  });
});

describe("PUBSUB introspection and patterns", () => {
  test("CHANNELS with patterns, NUMSUB, NUMPAT counts unique patterns", async () => {
    const k2 = await startKedis();
    try {
      const a = await k2.client();
      const b = await k2.client();
      const q = await k2.client();
      await subCall(a, "SUBSCRIBE", "chan.one", "chan.two", "other");
      await subCall(b, "SUBSCRIBE", "chan.one");
      await subCall(a, "PSUBSCRIBE", "h?llo", "h[ae]llo");
      await subCall(b, "PSUBSCRIBE", "h?llo");
      expect(((await q.call("PUBSUB", "CHANNELS")) as string[]).sort()).toEqual(["chan.one", "chan.two", "other"]);
      expect(((await q.call("PUBSUB", "CHANNELS", "chan.*")) as string[]).sort()).toEqual(["chan.one", "chan.two"]);
      expect(await q.call("PUBSUB", "CHANNELS", "x*")).toEqual([]);
      expect(await q.call("PUBSUB", "NUMSUB", "chan.one", "chan.two", "zzz")).toEqual(["chan.one", 2, "chan.two", 1, "zzz", 0]);
      expect(await q.call("PUBSUB", "NUMSUB")).toEqual([]);
      expect(await q.call("PUBSUB", "NUMPAT")).toBe(2);
      expect(await q.call("PUBLISH", "hello", "m")).toBe(3); // h?llo ×2 + h[ae]llo
      expect(await q.call("PUBLISH", "hallo", "m")).toBe(3);
      expect(await q.call("PUBLISH", "hillo", "m")).toBe(2);
      expect(await q.call("PUBLISH", "hllo", "m")).toBe(0);
    } finally {
      await k2.stop();
    }
  });

  test("sharded channels: SSUBSCRIBE, SPUBLISH, SHARDCHANNELS, SHARDNUMSUB", async () => {
    const k2 = await startKedis();
    try {
      const s = await k2.client();
      const n = await k2.client();
      const q = await k2.client();
      await subCall(s, "SSUBSCRIBE", "sa", "sb");
      await subCall(n, "SUBSCRIBE", "sa");
      await subCall(n, "PSUBSCRIBE", "s*");
      expect(((await q.call("PUBSUB", "SHARDCHANNELS")) as string[]).sort()).toEqual(["sa", "sb"]);
      expect(await q.call("PUBSUB", "SHARDCHANNELS", "*b")).toEqual(["sb"]);
      expect(await q.call("PUBSUB", "SHARDNUMSUB", "sa", "zz")).toEqual(["sa", 1, "zz", 0]);
      expect(await q.call("SPUBLISH", "sa", "1")).toBe(1);
      expect(latin1Decode(await s.raw())).toBe("*3\r\n$8\r\nsmessage\r\n$2\r\nsa\r\n$1\r\n1\r\n");
      // PUBLISH never reaches shard subscribers; SPUBLISH never reaches channel or pattern ones.
      expect(await q.call("PUBLISH", "sa", "2")).toBe(2);
      expect(await s.callRaw("PING")).toBe("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
      expect((await n.reply()) as string[]).toEqual(["message", "sa", "2"]);
      expect((await n.reply()) as string[]).toEqual(["pmessage", "s*", "sa", "2"]);
      expect(await n.callRaw("PING")).toBe("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
      expect(await s.callRaw("SUNSUBSCRIBE", "sa")).toBe("*3\r\n$12\r\nsunsubscribe\r\n$2\r\nsa\r\n:1\r\n");
    } finally {
      await k2.stop();
    }
  });
});

describe("slow subscribers (client-output-buffer-limit pubsub)", () => {
  test("a subscriber that never reads is disconnected past the hard limit; others are unaffected", async () => {
    const k2 = await startKedis({ config: { "client-output-buffer-limit": "pubsub 256kb 128kb 60" } });
    try {
      const slow = net.connect(k2.port, "127.0.0.1");
      await new Promise<void>((r) => slow.on("connect", () => r()));
      let subscribed = false;
      slow.once("data", () => {
        subscribed = true;
        slow.pause(); // never read again
      });
      slow.write("SUBSCRIBE feed\r\n");
      for (let i = 0; i < 200 && !subscribed; i++) await Bun.sleep(5);
      const fast = await k2.client();
      await subCall(fast, "SUBSCRIBE", "feed");
      const pub = await k2.client();
      const msg = "x".repeat(32 * 1024);
      let sent = 0;
      let fastGot = 0;
      // Bounded: at most 1000 × 32 KiB; the slow client is dropped after a few MiB of kernel buffers.
      while (k2.server.clients.size > 2 && sent < 1000) {
        const receivers = (await pub.call("PUBLISH", "feed", msg)) as number;
        expect(receivers === 2 || receivers === 1).toBe(true);
        sent++;
        expect(((await fast.reply()) as string[])[2]!.length).toBe(msg.length);
        fastGot++;
      }
      expect(k2.server.clients.size).toBe(2);
      expect(await pub.call("PUBSUB", "NUMSUB", "feed")).toEqual(["feed", 1]);
      // The publisher and the fast subscriber carry on.
      expect(await pub.call("PUBLISH", "feed", "after")).toBe(1);
      expect(await fast.reply()).toEqual(["message", "feed", "after"]);
      expect(fastGot).toBe(sent);
      slow.destroy();
    } finally {
      await k2.stop();
    }
  });

  test("the soft limit disconnects only after staying above it for the configured seconds", async () => {
    let now = 1_000_000;
    const k2 = await startKedis({ clock: () => now, cron: false, config: { "client-output-buffer-limit": "pubsub 0 64kb 10" } });
    try {
      const slow = net.connect(k2.port, "127.0.0.1");
      await new Promise<void>((r) => slow.on("connect", () => r()));
      let subscribed = false;
      slow.once("data", () => {
        subscribed = true;
        slow.pause();
      });
      slow.write("SUBSCRIBE feed\r\n");
      for (let i = 0; i < 200 && !subscribed; i++) await Bun.sleep(5);
      const sc = [...k2.server.clients.values()][0]!;
      const pub = await k2.client();
      const msg = "y".repeat(32 * 1024);
      // Fill until output is queued past the soft limit (the kernel absorbs the first MiBs).
      for (let i = 0; i < 1000 && sc.queuedBytes < 64 * 1024; i++) await pub.call("PUBLISH", "feed", msg);
      expect(sc.queuedBytes).toBeGreaterThanOrEqual(64 * 1024);
      expect(sc.softLimitSince).toBe(now);
      now += 10_000; // exactly the limit: not yet
      await pub.call("PUBLISH", "feed", msg);
      expect(k2.server.clients.has(sc.id)).toBe(true);
      now += 1;
      await pub.call("PUBLISH", "feed", msg);
      for (let i = 0; i < 200 && k2.server.clients.has(sc.id); i++) await Bun.sleep(5);
      expect(k2.server.clients.has(sc.id)).toBe(false);
      slow.destroy();
    } finally {
      await k2.stop();
    }
  });
});

describe("subscriber bookkeeping", () => {
  test("server-side state follows subscriptions", async () => {
    const c = await k.client();
    await subCall(c, "SUBSCRIBE", "bk1", "bk2");
    await subCall(c, "PSUBSCRIBE", "bk*");
    const sc = await serverClientOf(k.server, c);
    expect(sc.pubsub!.channels.size).toBe(2);
    expect(sc.pubsub!.patterns.size).toBe(1);
    await c.call("UNSUBSCRIBE", "bk1");
    expect(sc.pubsub!.channels.size).toBe(1);
  });
});
