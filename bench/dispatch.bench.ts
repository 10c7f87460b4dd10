/**
 * Dispatch microbenchmarks: command lookup by name bytes, and processCommand / processInput on an
 * in-process Server with a socketless client (replies go to the shared writer and are dropped).
 */
import { Client } from "../src/server/client.ts";
import { Server } from "../src/server/server.ts";
import { LL_NOTHING, Logger } from "../src/util/log.ts";
import { add, runAll } from "./harness.ts";

const enc = new TextEncoder();
const logger = new Logger();
logger.level = LL_NOTHING;
const server = new Server({ logger, cron: false, config: { save: "", loglevel: "nothing" } });
const client = new Client(server, null, server.out);

const GET = enc.encode("GET");
const get = enc.encode("get");
const unknown = enc.encode("NOSUCHCOMMAND");
add("registry", "lookup GET", () => server.registry.lookup(GET));
add("registry", "lookup get", () => server.registry.lookup(get));
add("registry", "lookup unknown", () => server.registry.lookup(unknown));

const setArgv = [enc.encode("SET"), enc.encode("key:1"), enc.encode("value-value-value")];
const getArgv = [enc.encode("GET"), enc.encode("key:1")];
add("processCommand", "SET", () => {
  client.argv = setArgv;
  server.processCommand(client);
  return server.out.take();
});
add("processCommand", "GET", () => {
  client.argv = getArgv;
  server.processCommand(client);
  return server.out.take();
});

function frame(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}
const one = enc.encode(frame("GET", "key:1"));
const sixteen = enc.encode(Array.from({ length: 16 }, (_, i) => (i % 2 ? frame("GET", `key:${i}`) : frame("SET", `key:${i}`, "v"))).join(""));
add("processInput", "1 GET (parse + dispatch + reply)", () => server.onData(client, one));
add("processInput", "16 pipelined SET/GET", () => server.onData(client, sixteen));

if (import.meta.main) await runAll();
