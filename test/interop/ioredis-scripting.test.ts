/**
 * ioredis's `defineCommand` against Kedis: EVALSHA first, EVAL on NOSCRIPT, pipelines, errors.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle;
let redis: Redis;

interface Custom {
  compareAndDelete(key: string, token: string): Promise<number>;
  echoAll(k1: string, k2: string, ...args: string[]): Promise<string[]>;
  failing(): Promise<unknown>;
}

beforeAll(async () => {
  k = await startKedis();
  // No ready check: INFO may not exist in this build.
  redis = new Redis({ port: k.port, host: "127.0.0.1", enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
  redis.defineCommand("compareAndDelete", {
    numberOfKeys: 1,
    lua: "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
  });
  redis.defineCommand("echoAll", { numberOfKeys: 2, lua: "return {KEYS[1], KEYS[2], unpack(ARGV)}" });
  redis.defineCommand("failing", { numberOfKeys: 0, lua: "return redis.call('nosuch')" });
});

afterAll(async () => {
  redis.disconnect();
  await k.stop();
});

test("ioredis defineCommand runs through EVALSHA, falling back to EVAL after SCRIPT FLUSH", async () => {
  const r = redis as unknown as Redis & Custom;
  await redis.set("lock", "t1");
  expect(await r.compareAndDelete("lock", "nope")).toBe(0);
  expect(await r.compareAndDelete("lock", "t1")).toBe(1);
  expect(await redis.exists("lock")).toBe(0);
  expect(await r.echoAll("a", "b", "x", "y")).toEqual(["a", "b", "x", "y"]);
  expect(await redis.script("FLUSH")).toBe("OK");
  expect(await r.echoAll("c", "d")).toEqual(["c", "d"]);
  expect(k.server.scripts.engine.scriptCount).toBe(1);
});

test("custom commands pipeline, and script errors reach the caller as ReplyError", async () => {
  const pipe = redis.pipeline() as unknown as { echoAll(...a: string[]): unknown; set(k: string, v: string): unknown; compareAndDelete(k: string, t: string): unknown; exec(): Promise<[Error | null, unknown][]> };
  pipe.set("p", "v");
  pipe.echoAll("k1", "k2", "a");
  pipe.compareAndDelete("p", "v");
  const res = await pipe.exec();
  expect(res).toEqual([
    [null, "OK"],
    [null, ["k1", "k2", "a"]],
    [null, 1],
  ]);
  const r = redis as unknown as Custom;
  await expect(r.failing()).rejects.toThrow(/^ERR Unknown Redis command called from script script: [0-9a-f]{40}, on @user_script:1\.$/);
});
