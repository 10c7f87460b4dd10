/**
 * HyperLogLog command throughput inside one process (no sockets): PFADD on sparse and dense
 * values, PFCOUNT with a valid cache, after an invalidation (full estimate over 16384
 * registers), and over several keys (union).
 *
 *   bun bench/hll.bench.ts
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

for (let i = 0; i < 100_000; i++) dispatch(argv("PFADD", "dense", `member:${i}`));
for (let i = 0; i < 300; i++) dispatch(argv("PFADD", "sparse", `member:${i}`));
for (let i = 0; i < 100_000; i++) dispatch(argv("PFADD", "dense2", `other:${i}`));

let n = 0;
add("PFADD", "PFADD dense, new element", () => dispatch(argv("PFADD", "dense", `new:${n++}`)));
add("PFADD", "PFADD dense, existing element", () => dispatch(argv("PFADD", "dense", "member:5")));
add("PFADD", "PFADD sparse, existing element", () => dispatch(argv("PFADD", "sparse", "member:5")));

const cached = argv("PFCOUNT", "dense2");
dispatch(cached);
add("PFCOUNT", "PFCOUNT cached", () => dispatch(cached));
add("PFCOUNT", "PFCOUNT after PFADD (estimate)", () => {
  dispatch(argv("PFADD", "dense", `again:${n++}`));
  dispatch(argv("PFCOUNT", "dense"));
});
add("PFCOUNT", "PFCOUNT of 2 keys (union)", () => dispatch(argv("PFCOUNT", "dense", "dense2")));

if (import.meta.main) await runAll();
