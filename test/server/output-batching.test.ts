/**
 * Replies are written at the end of the event-loop turn (like Redis's writes in beforeSleep):
 * every client served in one turn gets one write, in order with output other clients' events
 * produced for it. Driven in-process with recording sockets, so event order is exact.
 */
import { afterAll, expect, test } from "bun:test";
import { Client, type ClientSocket } from "../../src/server/client.ts";
import { Server } from "../../src/server/server.ts";
import { LL_NOTHING, Logger } from "../../src/util/log.ts";

const logger = new Logger();
logger.level = LL_NOTHING;
const server = new Server({ logger, cron: false, config: { save: "", loglevel: "nothing" } });
afterAll(() => server.stop());

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const frame = (...a: string[]) => enc.encode(`*${a.length}\r\n` + a.map((x) => `$${x.length}\r\n${x}\r\n`).join(""));
const turn = () => new Promise<void>((r) => setImmediate(r));

/** A client whose socket records each write (and whether it was closed). */
function recorder(): { c: Client; writes: string[]; ended: () => boolean } {
  const writes: string[] = [];
  let ended = false;
  const sock = {
    write: (b: Uint8Array) => {
      writes.push(dec.decode(b));
      return b.length;
    },
    end: () => {
      ended = true;
    },
    terminate: () => {
      ended = true;
    },
  };
  const c = new Client(server, sock as unknown as ClientSocket, server.out);
  server.clients.set(c.id, c);
  return { c, writes, ended: () => ended };
}

test("clients served in one turn are written after it, one write each, in order with pushed output", async () => {
  const sub = recorder();
  const pub = recorder();
  server.onData(sub.c, frame("SUBSCRIBE", "ch"));
  await turn();
  expect(sub.writes).toEqual(["*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"]);
  sub.writes.length = 0;
  // One turn: pub's PUBLISH (a message for sub), then sub's PING, then pub again.
  server.onData(pub.c, frame("PUBLISH", "ch", "m1"));
  server.onData(sub.c, frame("PING"));
  server.onData(pub.c, enc.encode("*1\r\n$4\r\nPING\r\n*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$2\r\nm2\r\n"));
  await turn();
  // The message m1 came before sub's PING, m2 after it: one write in that order.
  expect(sub.writes).toEqual(["*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nm1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nm2\r\n"]);
  expect(pub.writes).toEqual([":1\r\n+PONG\r\n:1\r\n"]);
});

test("QUIT and protocol errors close the connection after the reply is written", async () => {
  const q = recorder();
  server.onData(q.c, enc.encode("PING\r\nQUIT\r\nPING\r\n"));
  await turn();
  expect(q.writes).toEqual(["+PONG\r\n+OK\r\n"]);
  expect(q.ended()).toBe(true);
  const e = recorder();
  server.onData(e.c, enc.encode("*1\r\n$x\r\n"));
  await turn();
  expect(e.writes).toEqual(["-ERR Protocol error: invalid bulk length\r\n"]);
  expect(e.ended()).toBe(true);
});

test("a large reply with nothing queued ahead is written at once", async () => {
  const big = recorder();
  const v = "x".repeat(70000);
  server.onData(big.c, frame("SET", "big", v));
  server.onData(big.c, frame("GET", "big"));
  // +OK is still waiting for the turn's end, so GET's reply waits behind it.
  expect(big.writes).toEqual([]);
  await turn();
  expect(big.writes).toEqual([`+OK\r\n$70000\r\n${v}\r\n`]);
  server.onData(big.c, frame("GET", "big"));
  expect(big.writes.length).toBe(2);
  expect(big.writes[1]).toBe(`$70000\r\n${v}\r\n`);
});
