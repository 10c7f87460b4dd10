/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH. Causes of WATCH invalidation whose commands come from other
 * families (DEL, EXPIRE, FLUSHDB, SWAPDB, RENAME, MOVE, RESTORE, EVAL, BLPOP...) are tested when
 * the command exists, and skipped with a printed note otherwise; the mechanism behind each is
 * also exercised directly through the store and `server.signalDbChanged`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { F_NO_MULTI } from "../../src/commands/spec.ts";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";
import { CF_BLOCKED, CF_MULTI } from "../../src/server/client.ts";
import { hasCommand, serverClientOf, useResp3 } from "../helpers/pubsub.ts";

let now = 1_700_000_000_000;
let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis({ clock: () => now, cron: false });
});
afterAll(async () => {
  await k.stop();
});

const enc = new TextEncoder();

/** Give `key` (in db 0) an absolute expiry through the store. */
function setExpiry(key: string, at: number): void {
  const db = k.server.ks.dbs[0]!;
  k.server.ks.now = now;
  const e = db.lookup(enc.encode(key));
  if (e === null) throw new Error(`no key ${key}`);
  db.setExpire(e, at);
}

/** WATCH key, let `change` run, then MULTI/PING/EXEC: returns EXEC's decoded reply. */
async function watchThenExec(c: TestClient, key: string, change: () => Promise<unknown>): Promise<unknown> {
  expect(await c.call("WATCH", key)).toBe("OK");
  await change();
  expect(await c.call("MULTI")).toBe("OK");
  expect(await c.call("PING")).toBe("QUEUED");
  return c.call("EXEC");
}

function skipNote(what: string, cmds: string[]): boolean {
  const missing = cmds.filter((n) => !hasCommand(k.server, n));
  if (missing.length > 0) console.warn(`SKIP ${what}: ${missing.join(", ").toUpperCase()} not in this tree yet`);
  return missing.length === 0;
}

describe("MULTI / EXEC / DISCARD basics", () => {
  test("queueing replies QUEUED and EXEC runs everything in order", async () => {
    const c = await k.client();
    expect(await c.call("MULTI")).toBe("OK");
    expect(await c.call("SET", "t1", "a")).toBe("QUEUED");
    expect(await c.call("GET", "t1")).toBe("QUEUED");
    expect(await c.call("PING", "x")).toBe("QUEUED");
    expect(await c.callRaw("EXEC")).toBe("*3\r\n+OK\r\n$1\r\na\r\n$1\r\nx\r\n");
    expect(await c.callRaw("MULTI")).toBe("+OK\r\n");
    expect(await c.callRaw("EXEC")).toBe("*0\r\n");
  });

  test("error texts: nesting, EXEC/DISCARD without MULTI, WATCH inside MULTI (none aborts the transaction)", async () => {
    const c = await k.client();
    expect(await c.callRaw("EXEC")).toBe("-ERR EXEC without MULTI\r\n");
    expect(await c.callRaw("DISCARD")).toBe("-ERR DISCARD without MULTI\r\n");
    await c.call("MULTI");
    expect(await c.callRaw("MULTI")).toBe("-ERR MULTI calls can not be nested\r\n");
    expect(await c.callRaw("WATCH", "x")).toBe("-ERR WATCH inside MULTI is not allowed\r\n");
    expect(await c.call("SET", "t2", "v")).toBe("QUEUED");
    expect(await c.callRaw("EXEC")).toBe("*1\r\n+OK\r\n");
  });

  test("arity and unknown-command errors while queueing make EXEC fail with EXECABORT", async () => {
    const c = await k.client();
    await c.call("MULTI");
    expect(await c.callRaw("SET", "a")).toBe("-ERR wrong number of arguments for 'set' command\r\n");
    expect(await c.call("SET", "t3", "1")).toBe("QUEUED");
    expect(await c.callRaw("EXEC")).toBe("-EXECABORT Transaction discarded because of previous errors.\r\n");
    expect(await c.call("GET", "t3")).toBeNull();
    await c.call("MULTI");
    expect(await c.callRaw("FOO", "bar")).toBe("-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n");
    expect(await c.callRaw("EXEC")).toBe("-EXECABORT Transaction discarded because of previous errors.\r\n");
    expect(await c.callRaw("EXEC")).toBe("-ERR EXEC without MULTI\r\n");
  });

  test("no-multi commands are refused at queue time and abort the transaction", async () => {
    const noMulti = k.server.registry.specs.find((s) => s.flags & F_NO_MULTI && s.arity === 1);
    if (noMulti === undefined) {
      console.warn("SKIP no-multi refusal: no no_multi command in this tree yet");
      return;
    }
    const c = await k.client();
    await c.call("MULTI");
    expect(await c.callRaw(...noMulti.name.split("|"))).toBe("-ERR Command not allowed inside a transaction\r\n");
    expect(await c.callRaw("EXEC")).toBe("-EXECABORT Transaction discarded because of previous errors.\r\n");
  });

  test("runtime errors inside EXEC are returned in place and the rest still runs", async () => {
    const c = await k.client();
    await c.call("MULTI");
    await c.call("SET", "t4", "1");
    await c.call("SELECT", "9999");
    await c.call("GET", "t4");
    expect(await c.callRaw("EXEC")).toBe("*3\r\n+OK\r\n-ERR DB index is out of range\r\n$1\r\n1\r\n");
    if (hasCommand(k.server, "lpush")) {
      await c.call("MULTI");
      await c.call("LPUSH", "t4", "x");
      await c.call("SET", "t4b", "y");
      expect(await c.callRaw("EXEC")).toBe("*2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n");
    }
  });

  test("DISCARD drops the queue and the watches; UNWATCH inside MULTI is queued", async () => {
    const c = await k.client();
    const o = await k.client();
    await c.call("WATCH", "t5");
    await c.call("MULTI");
    await c.call("SET", "t5", "mine");
    expect(await c.call("DISCARD")).toBe("OK");
    expect(await c.call("GET", "t5")).toBeNull();
    await o.call("SET", "t5", "other"); // no longer watched
    await c.call("MULTI");
    expect(await c.call("UNWATCH")).toBe("QUEUED");
    expect(await c.callRaw("EXEC")).toBe("*1\r\n+OK\r\n");
  });

  test("RESP3: an aborted EXEC replies a RESP3 null", async () => {
    const c = await k.client();
    const o = await k.client();
    await useResp3(k.server, c);
    await c.call("WATCH", "t6");
    await o.call("SET", "t6", "x");
    await c.call("MULTI");
    await c.call("PING");
    expect(await c.callRaw("EXEC")).toBe("_\r\n");
  });

  test("queued arguments are copies: later input reusing the buffer does not change them", async () => {
    const c = await k.client();
    await c.call("MULTI");
    c.send("SET", "t7", "AAAAAAAA");
    c.send("SET", "t7x", "BBBBBBBB");
    c.send("EXEC");
    expect(await c.reply()).toBe("QUEUED");
    expect(await c.reply()).toBe("QUEUED");
    expect(await c.reply()).toEqual(["OK", "OK"]);
    expect(await c.call("GET", "t7")).toBe("AAAAAAAA");
  });
});

describe("WATCH invalidation", () => {
  test("a write from another client fails EXEC; an unrelated write does not", async () => {
    const c = await k.client();
    const o = await k.client();
    await c.call("SET", "w1", "0");
    expect(await watchThenExec(c, "w1", () => o.call("SET", "w1", "1"))).toBeNull();
    expect(await watchThenExec(c, "w1", () => o.call("SET", "w1-other", "1"))).toEqual(["PONG"]);
    // The client's own write before MULTI also counts (as in Redis).
    expect(await watchThenExec(c, "w1", () => c.call("SET", "w1", "2"))).toBeNull();
    // UNWATCH forgets.
    await c.call("WATCH", "w1");
    await c.call("UNWATCH");
    await o.call("SET", "w1", "3");
    await c.call("MULTI");
    await c.call("PING");
    expect(await c.call("EXEC")).toEqual(["PONG"]);
  });

  test("a write in another database does not touch the watched key", async () => {
    const c = await k.client();
    const o = await k.client();
    await o.call("SELECT", "1");
    expect(await watchThenExec(c, "w2", () => o.call("SET", "w2", "1"))).toEqual(["PONG"]);
  });

  test("a watched key that expires without being accessed fails EXEC (Redis 7.0)", async () => {
    const c = await k.client();
    await c.call("SET", "w3", "v");
    setExpiry("w3", now + 1000);
    expect(await watchThenExec(c, "w3", async () => {
      now += 2000;
    })).toBeNull();
  });

  test("a watched key already expired when watched: its deletion is no change, a re-creation is", async () => {
    const c = await k.client();
    const o = await k.client();
    await c.call("SET", "w4", "v");
    setExpiry("w4", now + 10);
    now += 100;
    // GET deletes the expired key lazily: no logical change.
    expect(await watchThenExec(c, "w4", () => o.call("GET", "w4"))).toEqual(["PONG"]);
    await c.call("SET", "w4", "v");
    setExpiry("w4", now + 10);
    now += 100;
    expect(await watchThenExec(c, "w4", async () => {
      await o.call("GET", "w4");
      await o.call("SET", "w4", "again");
    })).toBeNull();
  });

  test("active expiry (cron) of a watched key fails EXEC", async () => {
    const c = await k.client();
    await c.call("SET", "w5", "v");
    setExpiry("w5", now + 500);
    expect(await watchThenExec(c, "w5", async () => {
      now += 1000;
      k.server.cron();
      expect(k.server.ks.dbs[0]!.dict.get(enc.encode("w5"))).toBeNull();
    })).toBeNull();
  });

  test("flush and swap signals touch watched keys that exist (mechanism behind FLUSHDB/FLUSHALL/SWAPDB)", async () => {
    const c = await k.client();
    const server = k.server;
    // Nonexistent watched key: a flush is no change.
    expect(await watchThenExec(c, "w6-none", async () => server.signalDbChanged(0))).toEqual(["PONG"]);
    await c.call("SET", "w6", "v");
    expect(await watchThenExec(c, "w6", async () => server.signalDbChanged(-1))).toBeNull();
    // SWAPDB: the key exists only in the other database.
    const o = await k.client();
    await o.call("SELECT", "3");
    await o.call("SET", "w6-swap", "v");
    expect(await watchThenExec(c, "w6-swap", async () => server.signalDbChanged(0, 3))).toBeNull();
    // ... in either direction, from one call.
    expect(await watchThenExec(c, "w6-swap", async () => server.signalDbChanged(3, 0))).toBeNull();
  });

  test("FLUSHALL and FLUSHDB fail EXEC for existing watched keys only", async () => {
    if (!skipNote("WATCH vs FLUSHALL/FLUSHDB", ["flushall", "flushdb"])) return;
    const c = await k.client();
    const o = await k.client();
    expect(await watchThenExec(c, "f-none", () => o.call("FLUSHALL"))).toEqual(["PONG"]);
    await c.call("SET", "f1", "v");
    expect(await watchThenExec(c, "f1", () => o.call("FLUSHDB"))).toBeNull();
    await c.call("SET", "f1", "v");
    expect(await watchThenExec(c, "f1", () => o.call("FLUSHALL"))).toBeNull();
  });

  test("SWAPDB fails EXEC when the watched key exists in either database", async () => {
    if (!skipNote("WATCH vs SWAPDB", ["swapdb"])) return;
    const c = await k.client();
    const o = await k.client();
    await o.call("SELECT", "5");
    await o.call("SET", "s1", "v");
    expect(await watchThenExec(c, "s1", () => o.call("SWAPDB", "0", "5"))).toBeNull();
    await o.call("SWAPDB", "0", "5");
  });

  test("DEL, EXPIRE, PERSIST of a watched key fail EXEC; DEL of a missing key does not", async () => {
    if (!skipNote("WATCH vs DEL/EXPIRE/PERSIST", ["del", "expire", "persist"])) return;
    const c = await k.client();
    const o = await k.client();
    await c.call("SET", "d1", "v");
    expect(await watchThenExec(c, "d1", () => o.call("DEL", "d1"))).toBeNull();
    expect(await watchThenExec(c, "d1", () => o.call("DEL", "d1"))).toEqual(["PONG"]);
    await c.call("SET", "d1", "v");
    expect(await watchThenExec(c, "d1", () => o.call("EXPIRE", "d1", "100"))).toBeNull();
    expect(await watchThenExec(c, "d1", () => o.call("PERSIST", "d1"))).toBeNull();
    expect(await watchThenExec(c, "d1", () => o.call("PERSIST", "d1"))).toEqual(["PONG"]);
  });

  test("RENAME and MOVE touch the keys they change", async () => {
    if (!skipNote("WATCH vs RENAME/MOVE", ["rename", "move"])) return;
    const c = await k.client();
    const o = await k.client();
    await c.call("SET", "r1", "v");
    expect(await watchThenExec(c, "r1", () => o.call("RENAME", "r1", "r2"))).toBeNull();
    expect(await watchThenExec(c, "r3", () => o.call("RENAME", "r2", "r3"))).toBeNull();
    expect(await watchThenExec(c, "r3", () => o.call("MOVE", "r3", "7"))).toBeNull();
  });

  test("RESTORE touches the key it creates", async () => {
    if (!skipNote("WATCH vs RESTORE", ["dump", "restore"])) return;
    const c = await k.client();
    const o = await k.client();
    await c.call("SET", "rs-src", "v");
    const payload = (await o.call("DUMP", "rs-src")) as string;
    expect(await watchThenExec(c, "rs-dst", () => o.call("RESTORE", "rs-dst", "0", payload))).toBeNull();
  });

  test("writes made by a script touch watched keys", async () => {
    if (!skipNote("WATCH vs EVAL", ["eval"])) return;
    const c = await k.client();
    const o = await k.client();
    expect(await watchThenExec(c, "sc1", () => o.call("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "sc1"))).toBeNull();
  });
});

describe("EXEC is one atomic step", () => {
  test("queued commands see one instant: a key cannot expire half-way through EXEC", async () => {
    const c = await k.client();
    await c.call("SET", "a1", "v");
    setExpiry("a1", now + 1500);
    await c.call("MULTI");
    await c.call("GET", "a1");
    await c.call("GET", "a1");
    // Each call advances the clock by 1s: nested calls must keep EXEC's time.
    k.server.monitorFeed = () => {
      now += 1000;
    };
    try {
      expect(await c.call("EXEC")).toEqual(["v", "v"]);
    } finally {
      k.server.monitorFeed = null;
    }
    expect(await c.call("GET", "a1")).toBeNull();
  });

  test("queued commands run with the client still flagged MULTI (blocking commands must not block)", async () => {
    const c = await k.client();
    const seen: boolean[] = [];
    await c.call("MULTI");
    await c.call("PING");
    await c.call("PING");
    k.server.monitorFeed = (cl) => {
      seen.push((cl.flags & CF_MULTI) !== 0);
    };
    try {
      await c.call("EXEC");
      await c.call("PING");
    } finally {
      k.server.monitorFeed = null;
    }
    // The queued PINGs run flagged MULTI; EXEC itself is fed to monitors after it ran (as Redis).
    expect(seen).toEqual([true, true, false, false]);
  });

  test("EXEC propagates MULTI ... EXEC around the writes, nothing for read-only transactions", async () => {
    const log: string[] = [];
    const p = (dbid: number, argv: Uint8Array[]) => log.push(`${dbid}:${argv.map((a) => new TextDecoder().decode(a)).join(" ")}`);
    k.server.propagators.push(p);
    try {
      const c = await k.client();
      await c.call("MULTI");
      await c.call("SET", "p1", "1");
      await c.call("GET", "p1");
      await c.call("SELECT", "2");
      await c.call("SET", "p2", "2");
      await c.call("EXEC");
      expect(log).toEqual(["0:MULTI", "0:SET p1 1", "2:SET p2 2", "2:EXEC"]);
      log.length = 0;
      await c.call("MULTI");
      await c.call("GET", "p1");
      await c.call("PING");
      await c.call("EXEC");
      expect(log).toEqual([]);
      await c.call("SET", "p3", "x");
      expect(log).toEqual(["2:SET p3 x"]);
    } finally {
      k.server.propagators.splice(k.server.propagators.indexOf(p), 1);
    }
  });

  test("other clients' pipelined commands run before or after EXEC, never inside it", async () => {
    const c = await k.client();
    const o = await k.client();
    await c.call("MULTI");
    for (let i = 0; i < 50; i++) await c.call("SET", "at", `c${i}`);
    c.send("EXEC");
    for (let i = 0; i < 20; i++) o.send("GET", "at");
    const exec = (await c.reply()) as string[];
    expect(exec.length).toBe(50);
    for (let i = 0; i < 20; i++) {
      const v = await o.reply();
      expect(v === null || v === "c49").toBe(true);
    }
  });

  test("a blocked BLPOP is woken only after EXEC, seeing the transaction's final state", async () => {
    if (!skipNote("BLPOP woken after EXEC", ["blpop", "lpush", "lrange"])) return;
    const b = await k.client();
    const c = await k.client();
    b.send("BLPOP", "bl", "0");
    const bs = await serverClientOf(k.server, b);
    for (let i = 0; i < 200 && !(bs.flags & CF_BLOCKED); i++) await Bun.sleep(2);
    expect(bs.flags & CF_BLOCKED).toBe(CF_BLOCKED);
    await c.call("MULTI");
    await c.call("LPUSH", "bl", "x");
    await c.call("LPUSH", "bl", "y");
    expect(await c.call("EXEC")).toEqual([1, 2]);
    expect(await b.reply()).toEqual(["bl", "y"]);
    expect(await c.call("LRANGE", "bl", "0", "-1")).toEqual(["x"]);
  });
});
