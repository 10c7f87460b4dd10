/**
 * HyperLogLog command throughput inside one process (no sockets): PFADD on sparse and dense
 * values, PFCOUNT with a valid cache, after an invalidation (full estimate over 16384
 * registers), and over several keys (union).
 *
 *   bun bench/hll.bench.ts
 */
import { bench, group, run, summary } from "mitata";
import { Client } from "../src/server/client.ts";
import { Server } from "../src/server/server.ts";
import { LL_NOTHING, Logger } from "../src/util/log.ts";

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
summary(() => {
  group("PFADD", () => {
    bench("PFADD dense, new element", () => dispatch(argv("PFADD", "dense", `new:${n++}`)));
    bench("PFADD dense, existing element", () => dispatch(argv("PFADD", "dense", "member:5")));
    bench("PFADD sparse, existing element", () => dispatch(argv("PFADD", "sparse", "member:5")));
  });
  group("PFCOUNT", () => {
    const cached = argv("PFCOUNT", "dense2");
    dispatch(cached);
    bench("PFCOUNT cached", () => dispatch(cached));
    bench("PFCOUNT after PFADD (estimate)", () => {
      dispatch(argv("PFADD", "dense", `again:${n++}`));
      dispatch(argv("PFCOUNT", "dense"));
    });
    bench("PFCOUNT of 2 keys (union)", () => dispatch(argv("PFCOUNT", "dense", "dense2")));
  });
});

await run();
