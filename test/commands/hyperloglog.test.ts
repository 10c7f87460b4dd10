/**
 * HyperLogLog behaviour over real sockets: what is propagated (PFADD as sent, PFCOUNT only when
 * it refreshed the cached cardinality, PFDEBUG only when it converted), keyspace events, TTLs
 * kept across in-place edits, WATCH, and the value staying a plain string (GET/SET round trip).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { captureEvents, captureWrites } from "../helpers/inspect.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle | null = null;
afterEach(async () => {
  await k?.stop();
  k = null;
});

describe("HyperLogLog effects", () => {
  test("propagation: PFCOUNT only when it rewrote the cache, PFDEBUG only when it converted", async () => {
    k = await startKedis();
    const c = await k.client();
    const writes = captureWrites(k.server);
    await c.call("PFADD", "h", "a", "b");
    await c.call("PFADD", "h", "a");
    expect(await c.call("PFCOUNT", "h")).toBe(2);
    expect(await c.call("PFCOUNT", "h")).toBe(2);
    expect(await c.call("PFCOUNT", "h", "other")).toBe(2);
    await c.call("PFDEBUG", "TODENSE", "h");
    await c.call("PFDEBUG", "TODENSE", "h");
    await c.call("PFDEBUG", "GETREG", "h");
    await c.call("PFMERGE", "m", "h");
    expect(writes).toEqual(["0: PFADD h a b", "0: PFCOUNT h", "0: PFDEBUG TODENSE h", "0: PFMERGE m h"]);
  });

  test("keyspace events, TTL kept, raw encoding, GET/SET round trip", async () => {
    k = await startKedis();
    const c = await k.client();
    const events = captureEvents(k.server);
    await c.call("PFADD", "h", "x");
    await c.call("PEXPIRE", "h", "100000");
    await c.call("PFADD", "h", "y", "z");
    await c.call("PFMERGE", "m", "h");
    expect(events.filter((e) => e.startsWith("pfadd"))).toEqual(["pfadd:h", "pfadd:h", "pfadd:m"]);
    expect((await c.call("PTTL", "h")) as number).toBeGreaterThan(90000);
    expect(await c.call("OBJECT", "ENCODING", "h")).toBe("raw");
    const raw = (await c.call("GET", "h")) as string;
    await c.call("SET", "copy", Buffer.from(raw, "latin1"));
    expect(await c.call("PFCOUNT", "copy")).toBe(3);
    expect(await c.call("PFADD", "copy", "x")).toBe(0);
  });

  test("PFADD and a cache-refreshing PFCOUNT touch WATCHed keys", async () => {
    k = await startKedis();
    const a = await k.client();
    const b = await k.client();
    await a.call("PFADD", "h", "x");
    await a.call("WATCH", "h");
    await b.call("PFCOUNT", "h");
    await a.call("MULTI");
    await a.call("GET", "h");
    expect(await a.call("EXEC")).toBeNull();
    await a.call("WATCH", "h");
    await b.call("PFCOUNT", "h"); // cache already valid: nothing changes
    await a.call("MULTI");
    await a.call("PFCOUNT", "h");
    expect(await a.call("EXEC")).toEqual([1]);
  });
});
