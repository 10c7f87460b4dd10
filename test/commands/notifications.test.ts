/**
 * Keyspace notifications (notify-keyspace-events → __keyspace@<db>__:<key> / __keyevent@<db>__:
 * <event>). The mechanism is exercised with `server.notifyKeyspaceEvent` and with expiry (lazy
 * and active), which this tree has; events of commands from other families (SET, DEL, EXPIRE)
 * are checked when those commands exist.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  NOTIFY_GENERIC,
  NOTIFY_HASH,
  NOTIFY_KEY_MISS,
  NOTIFY_STRING,
} from "../../src/store/notify.ts";
import type { TestClient } from "../helpers/client.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";
import { hasCommand, useResp3 } from "../helpers/pubsub.ts";
import { latin1Decode } from "../helpers/resp.ts";

let now = 1_700_000_000_000;
let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis({ clock: () => now, cron: false });
});
afterAll(async () => {
  await k.stop();
});

const enc = new TextEncoder();

function setFlags(v: string): void {
  expect(k.server.config.set("notify-keyspace-events", v)).toBeNull();
  k.server.applyConfig();
}

/** A subscriber on every keyspace/keyevent channel plus a marker channel. */
async function listener(resp3 = false): Promise<TestClient> {
  const s = await k.client();
  if (resp3) await useResp3(k.server, s);
  s.send("PSUBSCRIBE", "__key*__:*");
  await s.reply();
  s.send("SUBSCRIBE", "marker");
  await s.reply();
  return s;
}

/** Publish a marker and return every frame (raw) the listener got before it. */
async function framesUntilMarker(s: TestClient): Promise<string[]> {
  const p = await k.client();
  await p.call("PUBLISH", "marker", "end");
  const out: string[] = [];
  for (;;) {
    const f = latin1Decode(await s.raw());
    if (f.includes("marker")) return out;
    out.push(f);
  }
}

function setExpiry(dbid: number, key: string, at: number): void {
  const db = k.server.ks.dbs[dbid]!;
  k.server.ks.now = now;
  db.setExpire(db.lookup(enc.encode(key))!, at);
}

const pm = (chan: string, msg: string) =>
  `*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$${chan.length}\r\n${chan}\r\n$${msg.length}\r\n${msg}\r\n`;

describe("keyspace notifications", () => {
  test("K publishes to __keyspace@<db>__:<key> with the event; E to __keyevent@<db>__:<event> with the key", async () => {
    const s = await listener();
    setFlags("KEg");
    k.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", enc.encode("foo"), 0);
    k.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_to", enc.encode("bar"), 12);
    k.server.flushPending();
    expect(await framesUntilMarker(s)).toEqual([
      pm("__keyspace@0__:foo", "del"),
      pm("__keyevent@0__:del", "foo"),
      pm("__keyspace@12__:bar", "rename_to"),
      pm("__keyevent@12__:rename_to", "bar"),
    ]);
  });

  test("only enabled classes publish, and only to the enabled K/E kinds", async () => {
    const s = await listener();
    setFlags("K$");
    k.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", enc.encode("a"), 0);
    k.server.notifyKeyspaceEvent(NOTIFY_STRING, "set", enc.encode("b"), 0);
    setFlags("g$h"); // classes without K or E publish nothing
    k.server.notifyKeyspaceEvent(NOTIFY_STRING, "set", enc.encode("c"), 0);
    setFlags("EA");
    k.server.notifyKeyspaceEvent(NOTIFY_HASH, "hset", enc.encode("d"), 0);
    k.server.notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", enc.encode("e"), 0); // m is not in A
    setFlags("");
    k.server.notifyKeyspaceEvent(NOTIFY_STRING, "set", enc.encode("f"), 0);
    k.server.flushPending();
    expect(await framesUntilMarker(s)).toEqual([pm("__keyspace@0__:b", "set"), pm("__keyevent@0__:hset", "d")]);
  });

  test("lazy expiry publishes expired events (x)", async () => {
    const s = await listener();
    setFlags("KEx");
    const c = await k.client();
    await c.call("SET", "lazy", "v");
    setExpiry(0, "lazy", now + 100);
    now += 200;
    expect(await c.call("GET", "lazy")).toBeNull();
    expect(await framesUntilMarker(s)).toEqual([pm("__keyspace@0__:lazy", "expired"), pm("__keyevent@0__:expired", "lazy")]);
  });

  test("active expiry publishes expired events with the key's database", async () => {
    const s = await listener();
    setFlags("Ex");
    const c = await k.client();
    await c.call("SELECT", "4");
    await c.call("SET", "act", "v");
    setExpiry(4, "act", now + 100);
    now += 200;
    k.server.cron();
    expect(await framesUntilMarker(s)).toEqual([pm("__keyevent@4__:expired", "act")]);
  });

  test("n publishes `new` when a key is created, not when it is overwritten", async () => {
    const s = await listener();
    setFlags("KEn");
    const c = await k.client();
    await c.call("SET", "created", "1");
    await c.call("SET", "created", "2");
    expect(await framesUntilMarker(s)).toEqual([pm("__keyspace@0__:created", "new"), pm("__keyevent@0__:new", "created")]);
    setFlags("");
  });

  test("RESP3 listeners get push frames", async () => {
    const s = await listener(true);
    setFlags("KEA");
    k.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", enc.encode("z"), 0);
    k.server.flushPending();
    const frames = await framesUntilMarker(s);
    expect(frames[0]).toBe(">4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$16\r\n__keyspace@0__:z\r\n$6\r\nexpire\r\n");
    expect(frames.length).toBe(2);
  });

  test("SET, DEL and EXPIRE publish their events", async () => {
    const missing = ["del", "expire", "setnx"].filter((n) => !hasCommand(k.server, n));
    if (missing.length > 0) {
      console.warn(`SKIP command events: ${missing.join(", ").toUpperCase()} not in this tree yet (SET emits 'set' with the strings family)`);
      return;
    }
    const s = await listener();
    setFlags("KEA");
    const c = await k.client();
    await c.call("SET", "ev", "1");
    await c.call("EXPIRE", "ev", "100");
    await c.call("DEL", "ev");
    expect(await framesUntilMarker(s)).toEqual([
      pm("__keyspace@0__:ev", "set"),
      pm("__keyevent@0__:set", "ev"),
      pm("__keyspace@0__:ev", "expire"),
      pm("__keyevent@0__:expire", "ev"),
      pm("__keyspace@0__:ev", "del"),
      pm("__keyevent@0__:del", "ev"),
    ]);
  });

  test("CONFIG SET validates notify-keyspace-events like Redis", async () => {
    if (!hasCommand(k.server, "config")) {
      console.warn("SKIP CONFIG SET notify-keyspace-events: CONFIG not in this tree yet (validation is unit-tested)");
      return;
    }
    const c = await k.client();
    expect(await c.callRaw("CONFIG", "SET", "notify-keyspace-events", "KEq")).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
    );
    expect(await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "notify-keyspace-events")).toEqual(["notify-keyspace-events", "AKE"]);
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
  });
});
