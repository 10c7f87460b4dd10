/**
 * MONITOR (group "server"): the connection turns into a stream of every command the server
 * executes, one status line each:
 *
 *   +1700000000.123456 [0 127.0.0.1:50000] "SET" "k" "v"
 *
 * (unix time with microseconds, db, client address / "lua" / "unix:<path>", arguments quoted
 * the way Redis's sdscatrepr does). Lines are fed by the server after each command
 * (`server.monitorFeed`), never for `admin` or `skip_monitor` commands; secrets are already
 * "(redacted)" in argv by then. A monitoring client is like a replica: it may still run commands
 * that do not touch the keyspace (PING, QUIT, RESET ends monitoring), others are refused.
 *
 * The monitor set lives per server, installed on first use.
 */
import type { Client } from "../server/client.ts";
import { CF_MONITOR, CF_MULTI, CF_REPLICA, CF_SCRIPT, CF_UNIX } from "./client-flags.ts";
import type { Server } from "../server/server.ts";
import { repr } from "../util/repr.ts";
import { latin1Bytes } from "./args.ts";
import type { CommandContext } from "./context.ts";
import { F_MAY_REPLICATE, F_READONLY, F_WRITE, type CommandFamily, type CommandSpec } from "./spec.ts";

const monitorsOf = new WeakMap<Server, Set<Client>>();

function install(server: Server): Set<Client> {
  let set = monitorsOf.get(server);
  if (set !== undefined) return set;
  const monitors = new Set<Client>();
  set = monitors;
  monitorsOf.set(server, monitors);
  server.onClientClose.push((c) => {
    if (!(c.flags & CF_MONITOR)) return;
    monitors.delete(c);
    if (monitors.size === 0) server.monitorFeed = null;
  });
  // Monitors (and replicas) are not keyspace clients in Redis: refuse commands that touch keys.
  server.addPolicy((c, spec) =>
    c.flags & (CF_MONITOR | CF_REPLICA) && spec.flags & (F_WRITE | F_READONLY | F_MAY_REPLICATE)
      ? "ERR Replica can't interact with the keyspace"
      : null,
  );
  return monitors;
}

/** Leave MONITOR mode (RESET). */
export function stopMonitor(c: Client): void {
  if (!(c.flags & CF_MONITOR)) return;
  c.flags &= ~CF_MONITOR;
  const set = monitorsOf.get(c.server);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) c.server.monitorFeed = null;
}

/** Where a command came from, as a monitor line names it. */
function origin(c: Client): string {
  if (c.flags & CF_SCRIPT) return "lua";
  if (c.flags & CF_UNIX) return `unix:${c.server.config.get("unixsocket")}`;
  return c.addr;
}

/** Build a monitor line and send it to every monitoring client. */
function feedMonitors(c: Client, _spec: CommandSpec): void {
  const set = monitorsOf.get(c.server);
  if (set === undefined || set.size === 0) return;
  const now = performance.timeOrigin + performance.now();
  const sec = Math.floor(now / 1000);
  const usec = Math.floor((now - sec * 1000) * 1000);
  let line = `+${sec}.${String(Math.min(usec, 999999)).padStart(6, "0")} [${c.db.id} ${origin(c)}]`;
  const argv = c.argv;
  for (let i = 0; i < argv.length; i++) line += " " + repr(argv[i]!);
  line += "\r\n";
  const bytes = latin1Bytes(line);
  for (const m of set) m.send(bytes);
}

function monitorCommand(c: CommandContext): void {
  // MULTI and scripts expect one reply per command: a stream cannot be one.
  if (c.flags & (CF_MULTI | CF_SCRIPT)) return c.out.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (c.flags & (CF_MONITOR | CF_REPLICA)) return; // already streaming: ignored, no reply
  const monitors = install(c.server);
  c.flags |= CF_MONITOR;
  monitors.add(c);
  c.server.monitorFeed = feedMonitors;
  c.out.ok();
}

export const monitorFamily: CommandFamily = {
  group: "server",
  commands: [
    ["monitor", 1, "admin noscript loading stale", [0, 0, 0], monitorCommand, { doc: { summary: "Stream every command the server runs.", since: "1.0.0" } }],
  ],
};
