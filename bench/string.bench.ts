/**
 * String command throughput inside one process: no sockets, so these numbers are the cost of
 * Kedis's own work, not a claim about end-to-end latency (see the redis-benchmark comparison for
 * that).
 *
 * - "dispatch": argv already split; lookup, arity/policy checks, handler, reply encoding.
 * - "pipeline of 100": RESP bytes in (reader), dispatch, RESP bytes out, as one client's
 *   pipelined input event would be processed (the socket write is skipped: no socket).
 *
 *   bun bench/string.bench.ts
 */
import { Client } from "../src/server/client.ts";
import { Server } from "../src/server/server.ts";
import { LL_NOTHING, Logger } from "../src/util/log.ts";
import { add, runAll } from "./harness.ts";

const logger = new Logger();
logger.level = LL_NOTHING;
const server = new Server({ cron: false, logger, config: { loglevel: "nothing" } });
const client = new Client(server, null, server.out);

const enc = new TextEncoder();
const argv = (...a: string[]) => a.map((s) => enc.encode(s));

function dispatch(args: Uint8Array[]): void {
  client.argv = args;
  server.processCommand(client);
  server.out.take();
}

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${enc.encode(a).length}\r\n${a}\r\n`).join("")}`;
}

const setArgs = argv("SET", "key:1", "value-of-sixteen");
const getArgs = argv("GET", "key:1");
const incrArgs = argv("INCR", "counter");
const setExArgs = argv("SET", "key:2", "v", "EX", "1000");
const incrFloatArgs = argv("INCRBYFLOAT", "float", "0.1");
const mgetArgs = argv("MGET", "key:1", "key:2", "missing", "counter");
dispatch(setArgs);

const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
const setPipeline = enc.encode(keys.slice(0, 100).map((k) => resp(["SET", k, "xxxxxxxxxxxxxxxx"])).join(""));
const getPipeline = enc.encode(keys.slice(0, 100).map((k) => resp(["GET", k])).join(""));
const incrPipeline = enc.encode(keys.slice(0, 100).map(() => resp(["INCR", "counter"])).join(""));

const D = "dispatch (argv in, reply bytes out)";
add(D, "SET key value", () => dispatch(setArgs));
add(D, "GET key", () => dispatch(getArgs));
add(D, "INCR key", () => dispatch(incrArgs));
add(D, "SET key value EX 1000", () => dispatch(setExArgs));
add(D, "INCRBYFLOAT key 0.1", () => dispatch(incrFloatArgs));
add(D, "MGET 4 keys", () => dispatch(mgetArgs));

const P = "pipeline of 100 (RESP in, RESP out)";
add(P, "100 x SET", () => server.onData(client, setPipeline));
add(P, "100 x GET", () => server.onData(client, getPipeline));
add(P, "100 x INCR", () => server.onData(client, incrPipeline));

if (import.meta.main) await runAll();
