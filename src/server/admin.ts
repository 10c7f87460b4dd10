/**
 * Server administration wiring: the CONFIG SET apply hooks that make a change take effect at
 * once (rebind on port/bind, reschedule the cron on hz), the per-command hook feeding the slow
 * log, the latency monitor and the per-command histograms, and the cron sampling of the
 * instantaneous metrics. Installed once per Server by its constructor.
 */
import { F_FAST, F_SKIP_SLOWLOG, type CommandSpec } from "../commands/spec.ts";
import type { ConfigExtras } from "../config/parse.ts";
import { P_SENSITIVE } from "../config/table.ts";
import { CF_BLOCKED, CF_PRIMARY, CF_PUBSUB, CF_REPLICA, CF_UNIX, type Client } from "./client.ts";
import { genInfo, usedMemory } from "./info.ts";
import type { Server } from "./server.ts";
import { redactedArgs } from "./slowlog.ts";

/** What SHUTDOWN (or a signal) asked for. `save`: true SAVE, false NOSAVE, null the default. */
export interface ShutdownOptions {
  save: boolean | null;
  now: boolean;
  force: boolean;
  /** Set when a signal started the shutdown. */
  signal?: "SIGTERM" | "SIGINT";
}

/**
 * Runs before the server stops (persistence: the final save). Returns an error message to
 * abort the shutdown (ignored with FORCE), or null.
 */
export type ShutdownHook = (opts: ShutdownOptions) => string | null;

/**
 * Administration services the commands reach through `c.server.admin` (commands import server
 * types only). Its constructor installs the hooks described in the module comment.
 */
export class Admin {
  /**
   * Extra CONFIG REWRITE lines by directive name, owned by other layers (ACL `user` lines).
   * Each function returns the complete set of lines for its directive.
   */
  readonly rewriteHooks = new Map<string, () => string[]>();

  constructor(
    private readonly server: Server,
    /** `user` and `rename-command` directives read at start-up, for the layers that use them. */
    readonly configExtras: ConfigExtras,
  ) {
    installHooks(server);
  }

  /** The INFO text for the given section arguments. */
  info(sections: readonly string[]): string {
    return genInfo(this.server, sections);
  }

  /** May this client change protected parameters (enable-protected-configs)? */
  protectedConfigAllowed(c: Client): boolean {
    return this.allowedBy("enable-protected-configs", c);
  }

  /** Is a protected command (DEBUG, MODULE) allowed by its enable-*-command parameter? */
  allowedBy(param: string, c: Client): boolean {
    const mode = this.server.config.get(param);
    if (mode === "yes") return true;
    if (mode === "local") return isLocalClient(c);
    return false;
  }

  resetStats(): void {
    resetStats(this.server);
  }

  rewriteExtraLines(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [k, f] of this.rewriteHooks) out.set(k, f());
    return out;
  }
}

function installHooks(server: Server): void {
  const cfg = server.config;

  cfg.onApply(["port"], () => {
    if (!isListening(server)) return null;
    return server.listenTcp(cfg.getInt("port"), cfg.get("bind")) === null ? null : "Unable to listen on this port";
  });
  cfg.onApply(["bind"], () => {
    if (!isListening(server)) return null;
    return server.listenTcp(cfg.getInt("port"), cfg.get("bind"));
  });
  cfg.onApply(["hz"], () => {
    // Redis clamps hz to 1..500 and shows the clamped value.
    const hz = cfg.getInt("hz");
    if (hz < 1) cfg.set("hz", "1");
    else if (hz > 500) cfg.set("hz", "500");
    server.scheduleCron();
    return null;
  });

  cfg.onApply(["activedefrag"], () =>
    // What Redis says when built without its own jemalloc; Kedis has no defragmentation either.
    cfg.getBool("activedefrag")
      ? "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"
      : null,
  );

  // The per-command hook runs after every command: keep its settings in locals.
  let slowThreshold = cfg.getInt("slowlog-log-slower-than");
  let slowMax = cfg.getInt("slowlog-max-len");
  let tracking = cfg.getBool("latency-tracking");
  cfg.listeners.push((name) => {
    if (name === "slowlog-log-slower-than") slowThreshold = cfg.getInt(name);
    else if (name === "slowlog-max-len") slowMax = cfg.getInt(name);
    else if (name === "latency-tracking") tracking = cfg.getBool(name);
  });
  const isSensitive = (p: string) => ((cfg.def(p)?.flags ?? 0) & P_SENSITIVE) !== 0;

  server.slowCommand = (c: Client, spec: CommandSpec, usec: number) => {
    if (c.flags & CF_BLOCKED) return;
    if (tracking) server.histograms.record(spec.id, usec);
    if (server.latency.threshold > 0) server.latency.addSampleIfNeeded(spec.flags & F_FAST ? "fast-command" : "command", Math.floor(usec / 1000));
    if (slowThreshold < 0 || usec < slowThreshold || spec.flags & F_SKIP_SLOWLOG) return;
    const redact = redactedArgs(spec.name, c.argv, isSensitive);
    const name = c.name === null ? "" : latin1(c.name);
    server.slowlog.maybeAdd(c.argv, usec, slowThreshold, slowMax, server.clock(), c.addr, name, redact);
  };

  server.cronHooks.push(() => {
    const st = server.stats;
    server.metrics.sample(server.clock(), st.commandsProcessed, st.netInputBytes, st.netOutputBytes);
  });
  // Idle clients are closed after `timeout` seconds (checked once a second, like clientsCron),
  // except replicas, the primary, blocked and pub/sub clients.
  let lastIdleCheck = 0;
  server.cronHooks.push(() => {
    const timeout = cfg.getInt("timeout");
    const now = server.clock();
    if (timeout <= 0 || now - lastIdleCheck < 1000) return;
    lastIdleCheck = now;
    for (const c of server.clients.values()) {
      if (c.flags & (CF_REPLICA | CF_PRIMARY | CF_BLOCKED | CF_PUBSUB)) continue;
      if (now - c.lastInteraction > timeout * 1000) {
        server.log.verbose("Closing idle client");
        c.close();
      }
    }
  });
  // Peak memory is sampled once a second; INFO also samples it when asked.
  let lastPeakSample = 0;
  server.cronHooks.push(() => {
    const now = server.clock();
    if (now - lastPeakSample < 1000) return;
    lastPeakSample = now;
    const used = usedMemory();
    if (used > server.stats.peakMemory) server.stats.peakMemory = used;
  });
}

/** The TCP listeners are live (start() ran and stop() did not). */
function isListening(server: Server): boolean {
  return server.isRunning;
}

/** Unix-socket and loopback clients (enable-*-command local). */
export function isLocalClient(c: Client): boolean {
  if (c.flags & CF_UNIX) return true;
  const host = c.addr.slice(0, c.addr.lastIndexOf(":"));
  return host.startsWith("127.") || host === "::1" || host.startsWith("::ffff:127.");
}

/** Reset every counter CONFIG RESETSTAT covers. */
function resetStats(server: Server): void {
  const st = server.stats;
  st.connectionsReceived = 0;
  st.rejectedConnections = 0;
  st.commandsProcessed = 0;
  st.netInputBytes = 0;
  st.netOutputBytes = 0;
  st.errorReplies = 0;
  st.errorCodes.clear();
  st.readsProcessed = 0;
  st.writesProcessed = 0;
  st.peakMemory = usedMemory();
  server.ks.stats.hits = 0;
  server.ks.stats.misses = 0;
  server.ks.stats.expired = 0;
  const cs = server.cmdStats;
  cs.calls.fill(0);
  cs.usec.fill(0);
  cs.rejected.fill(0);
  cs.failed.fill(0);
  server.histograms.reset();
  server.metrics.reset();
  for (const h of server.resetStatHooks) h();
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}
