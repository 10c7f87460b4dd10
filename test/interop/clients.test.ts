/**
 * Real client libraries against Kedis: ioredis (RESP2) and Bun's own RedisClient (RESP3, which
 * needs HELLO) subscribe, receive messages and run MULTI/EXEC and WATCH.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import Redis from "ioredis";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";
import { hasCommand } from "../helpers/pubsub.ts";

let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis();
});
afterAll(async () => {
  await k.stop();
});

/** Resolve with the first `n` values pushed by `on`, or reject after `ms`. */
function collect<T>(n: number, on: (push: (v: T) => void) => void, ms = 5000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const t = setTimeout(() => reject(new Error(`got only ${got.length}/${n}: ${JSON.stringify(got)}`)), ms);
    on((v) => {
      got.push(v);
      if (got.length === n) {
        clearTimeout(t);
        resolve(got);
      }
    });
  });
}

function ioredis(): Redis {
  // No INFO in every tree yet: skip ioredis's ready check (it only waits for loading:0).
  return new Redis({ port: k.port, host: "127.0.0.1", enableReadyCheck: false, maxRetriesPerRequest: 1, lazyConnect: false });
}

describe("ioredis", () => {
  test("subscribe, psubscribe and receive messages in order", async () => {
    const sub = ioredis();
    const pub = ioredis();
    try {
      expect(await sub.subscribe("io:chan", "io:other")).toBe(2);
      expect(await sub.psubscribe("io:p*")).toBe(3);
      const messages = collect<string>(4, (push) => {
        sub.on("message", (ch: string, msg: string) => push(`${ch}=${msg}`));
        sub.on("pmessage", (pat: string, ch: string, msg: string) => push(`${pat}|${ch}=${msg}`));
      });
      expect(await pub.publish("io:chan", "1")).toBe(1);
      expect(await pub.publish("io:other", "2")).toBe(1);
      expect(await pub.publish("io:pat", "3")).toBe(1);
      expect(await pub.publish("io:chan", "4")).toBe(1);
      expect(await messages).toEqual(["io:chan=1", "io:other=2", "io:p*|io:pat=3", "io:chan=4"]);
      expect(await pub.pubsub("NUMSUB", "io:chan")).toEqual(["io:chan", 1]);
      await sub.unsubscribe("io:chan");
      expect(await pub.publish("io:chan", "5")).toBe(0);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  test("MULTI/EXEC, runtime errors in place, and WATCH aborts", async () => {
    const a = ioredis();
    const b = ioredis();
    try {
      const tx = a.multi().set("io:k", "v").get("io:k");
      tx.call("PUBSUB", "CHANNELS", "a", "b"); // fails when run, not when queued
      const res = await tx.ping().exec();
      expect(res![0]).toEqual([null, "OK"]);
      expect(res![1]).toEqual([null, "v"]);
      expect((res![2]![0] as Error).message).toBe("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.");
      expect(res![3]).toEqual([null, "PONG"]);
      await a.watch("io:k");
      await b.set("io:k", "changed");
      expect(await a.multi().set("io:k", "mine").exec()).toBeNull();
      expect(await a.get("io:k")).toBe("changed");
      // Queue-time error: ioredis rejects with EXECABORT.
      const failing = a.multi();
      failing.call("SET", "io:k");
      await expect(failing.exec()).rejects.toThrow("EXECABORT");
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});

describe("Bun RedisClient", () => {
  test("subscribe, publish and MULTI/EXEC over RESP3", async () => {
    if (!hasCommand(k.server, "hello")) {
      console.warn("SKIP Bun RedisClient: it opens with HELLO 3, which is not in this tree yet (branch conn)");
      return;
    }
    const url = `redis://127.0.0.1:${k.port}`;
    const sub = new RedisClient(url);
    const pub = new RedisClient(url);
    try {
      const got = collect<string>(3, (push) => {
        void sub.subscribe("bun:chan", (msg: string, ch: string) => push(`${ch}=${msg}`));
      });
      // Wait until the subscription is registered server-side.
      for (let i = 0; i < 200 && (await pub.send("PUBSUB", ["NUMSUB", "bun:chan"]))[1] !== 1; i++) await Bun.sleep(5);
      for (const m of ["a", "b", "c"]) expect(await pub.publish("bun:chan", m)).toBe(1);
      expect(await got).toEqual(["bun:chan=a", "bun:chan=b", "bun:chan=c"]);
      expect(await pub.send("MULTI", [])).toBe("OK");
      expect(await pub.send("SET", ["bun:k", "1"])).toBe("QUEUED");
      expect(await pub.send("GET", ["bun:k"])).toBe("QUEUED");
      expect(await pub.send("EXEC", [])).toEqual(["OK", "1"]);
    } finally {
      sub.close();
      pub.close();
    }
  });
});
