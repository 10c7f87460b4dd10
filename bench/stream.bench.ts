/**
 * Stream command throughput inside one process (no sockets): the cost of Kedis's own work per
 * command, dispatch and reply encoding included.
 *
 *   bun bench/stream.bench.ts
 */
import { Client } from "../src/server/client.ts";
import { Server } from "../src/server/server.ts";
import { LL_NOTHING, Logger } from "../src/util/log.ts";
import { add, runAll } from "./harness.ts";

const logger = new Logger();
logger.level = LL_NOTHING;
const server = new Server({ cron: false, logger, config: { loglevel: "nothing", save: "" } });
const client = new Client(server, null, server.out);

const enc = new TextEncoder();
const argv = (...a: string[]) => a.map((s) => enc.encode(s));

function dispatch(args: Uint8Array[]): void {
  client.argv = args;
  server.processCommand(client);
  server.out.take();
}

// A stream of 100,000 entries to read from, and a group to deliver from.
for (let i = 1; i <= 100_000; i++) dispatch(argv("XADD", "big", `${i}-0`, "field", `value-${i}`, "n", String(i)));
dispatch(argv("XGROUP", "CREATE", "big", "g", "0"));

const xaddAuto = argv("XADD", "w", "*", "field", "value");
const xaddTrim = argv("XADD", "t", "MAXLEN", "~", "1000", "*", "field", "value");
const xrange10 = argv("XRANGE", "big", "50000", "+", "COUNT", "10");
const xrevrange10 = argv("XREVRANGE", "big", "+", "-", "COUNT", "10");
const xreadFrom = argv("XREAD", "COUNT", "10", "STREAMS", "big", "99990-0");
const xlen = argv("XLEN", "big");
const xinfo = argv("XINFO", "STREAM", "big");

add("writes", "XADD s * field value", () => dispatch(xaddAuto));
add("writes", "XADD MAXLEN ~ 1000 *", () => dispatch(xaddTrim));

const R = "reads (100k-entry stream)";
add(R, "XRANGE from the middle COUNT 10", () => dispatch(xrange10));
add(R, "XREVRANGE + - COUNT 10", () => dispatch(xrevrange10));
add(R, "XREAD COUNT 10 near the end", () => dispatch(xreadFrom));
add(R, "XLEN", () => dispatch(xlen));
add(R, "XINFO STREAM (rax node count is O(nodes))", () => dispatch(xinfo));

let n = 0;
add("consumer group", "XREADGROUP COUNT 1 > then XACK", () => {
  n++;
  if (n % 99_000 === 0) dispatch(argv("XGROUP", "SETID", "big", "g", "0"));
  dispatch(argv("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "big", ">"));
  dispatch(argv("XACK", "big", "g", `${n % 99_000 === 0 ? 1 : (n % 99_000) + 0}-0`));
});

if (import.meta.main) await runAll();
