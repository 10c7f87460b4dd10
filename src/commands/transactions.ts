/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (group "transactions"), Redis 7.0 semantics.
 *
 * - While CF_MULTI, dispatch hands every command except EXEC/DISCARD/MULTI/WATCH/QUIT/RESET to
 *   `queueCommand` (installed below), which copies its argv (request views die after the
 *   handler) and replies +QUEUED. A command rejected while queueing (unknown, arity, no-multi,
 *   policy) goes through `flagTransaction`: EXEC then replies EXECABORT.
 * - EXEC fails with a null reply when a WATCHed key changed (see server/watch.ts), runs the
 *   queued commands through `server.call` otherwise: runtime errors are replies in the array and
 *   the rest still run. It is atomic by construction (one synchronous run: no other client,
 *   cron or wake-up runs in between; blocked clients are served from `afterCommand`, after EXEC
 *   as a whole), one instant for expiry (nested calls keep the outer time), and what its commands
 *   propagate is wrapped in MULTI ... EXEC (nothing when none wrote).
 */
import { E } from "../protocol/errors.ts";
import { R_QUEUED } from "../protocol/resp/writer.ts";
import { CF_DIRTY_CAS, CF_DIRTY_EXEC, CF_MULTI, CF_PRIMARY } from "./client-flags.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily, CommandSpec } from "./spec.ts";

/** Commands queued by MULTI. */
export interface MultiState {
  readonly commands: { spec: CommandSpec; argv: Uint8Array[] }[];
  /** OR of the queued commands' flags (dispatch can refuse EXEC of denyoom work under OOM). */
  cmdFlags: number;
}

const enc = new TextEncoder();
const MULTI = enc.encode("MULTI");
const EXEC = enc.encode("EXEC");

/** Commands that run at once even inside MULTI (Redis's processCommand list). */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

function queueCommand(c: Client, spec: CommandSpec): boolean {
  if (NOT_QUEUED.has(spec.name)) return false;
  const m = c.multi;
  // An aborted transaction keeps replying QUEUED but stores nothing (Redis does the same).
  if (m !== null && !(c.flags & CF_DIRTY_EXEC)) {
    const argv = c.argv;
    const copy = new Array<Uint8Array>(argv.length);
    for (let i = 0; i < argv.length; i++) copy[i] = argv[i]!.slice();
    m.commands.push({ spec, argv: copy });
    m.cmdFlags |= spec.flags;
  }
  c.out.raw(R_QUEUED);
  return true;
}

function flagTransaction(c: Client): void {
  if (c.flags & CF_MULTI) c.flags |= CF_DIRTY_EXEC;
}

/** Leave MULTI: drop the queue and every WATCH (EXEC, DISCARD, RESET, disconnect). */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.flags &= ~(CF_MULTI | CF_DIRTY_CAS | CF_DIRTY_EXEC);
  c.server.watches.unwatchAll(c);
}

function multiCommand(c: CommandContext): void {
  if (c.flags & CF_MULTI) return c.out.error(E.MULTI_NESTED);
  c.multi = { commands: [], cmdFlags: 0 };
  c.flags |= CF_MULTI;
  c.out.ok();
}

function discardCommand(c: CommandContext): void {
  if (!(c.flags & CF_MULTI)) return c.out.error(E.DISCARD_WITHOUT_MULTI);
  discardTransaction(c);
  c.out.ok();
}

function execCommand(c: CommandContext): void {
  if (!(c.flags & CF_MULTI)) return c.out.error(E.EXEC_WITHOUT_MULTI);
  const server = c.server;
  if (server.watches.anyExpired(c)) c.flags |= CF_DIRTY_CAS;
  if (c.flags & (CF_DIRTY_CAS | CF_DIRTY_EXEC)) {
    if (c.flags & CF_DIRTY_EXEC) c.out.error(E.EXECABORT);
    else c.out.nullArray();
    discardTransaction(c);
    return;
  }
  const queued = c.multi?.commands ?? [];
  // Unwatch first: the transaction's own writes must not count as changes. CF_MULTI stays set
  // while the queue runs, as in Redis (blocking commands check it to answer instead of block).
  server.watches.unwatchAll(c);

  const execArgv = c.argv;
  const execSpec = c.cmd;
  const outerBuffer = server.propBuffer;
  const buffer: { dbid: number; argv: Uint8Array[]; aof: boolean }[] = [];
  if (outerBuffer === null) server.propBuffer = buffer;
  c.out.arrayLen(queued.length);
  try {
    for (const q of queued) {
      c.argv = q.argv;
      c.cmd = q.spec;
      server.call(c, q.spec);
      server.tracking.afterCall(c, q.spec, q.argv);
    }
  } finally {
    c.argv = execArgv;
    c.cmd = execSpec;
    if (outerBuffer === null) server.propBuffer = null;
    discardTransaction(c);
  }
  // Redis 7.0 wraps only when more than one command propagated; MULTI/EXEC then go to the AOF
  // and the replicas alike, even when what they wrap goes to replicas only (PUBLISH). A replica
  // applying its primary's transaction forwards the primary's raw stream to its own replicas
  // instead (see Server.propagate), so it sends them nothing here.
  const toReplicas = (c.flags & CF_PRIMARY) === 0;
  if (buffer.length === 1) server.propagate(buffer[0]!.dbid, buffer[0]!.argv, toReplicas, buffer[0]!.aof);
  else if (buffer.length > 1) {
    server.propagate(buffer[0]!.dbid, [MULTI], toReplicas);
    for (const p of buffer) server.propagate(p.dbid, p.argv, toReplicas, p.aof);
    server.propagate(buffer[buffer.length - 1]!.dbid, [EXEC], toReplicas);
  }
}

function watchCommand(c: CommandContext): void {
  if (c.flags & CF_MULTI) return c.out.error(E.WATCH_IN_MULTI);
  const w = c.server.watches;
  for (let i = 1; i < c.argv.length; i++) w.watch(c, c.db, c.argv[i]!);
  c.out.ok();
}

function unwatchCommand(c: CommandContext): void {
  c.server.watches.unwatchAll(c);
  c.flags &= ~CF_DIRTY_CAS;
  c.out.ok();
}

function install(server: Server): void {
  server.queueCommand = queueCommand;
  server.flagTransaction = flagTransaction;
  // RESET discards the transaction and unwatches everything.
  server.onClientReset.push((c) => {
    if (c.multi !== null || c.watched !== null) discardTransaction(c);
  });
  server.clientState.multi = (c) => (c.multi === null ? -1 : c.multi.commands.length);
  const w = server.watches;
  server.onKeyModified.push((db, key) => {
    if (w.count !== 0) w.touch(db, key);
  });
  server.onDbChanged.push((dbid, other) => {
    if (w.count === 0) return;
    if (dbid < 0) for (let i = 0; i < server.ks.dbs.length; i++) w.touchDb(i);
    else if (other < 0) w.touchDb(dbid);
    else {
      // SWAPDB: both databases change.
      w.touchDb(dbid, other);
      w.touchDb(other, dbid);
    }
  });
  server.onClientClose.push((c) => {
    if (c.multi !== null || c.watched !== null) discardTransaction(c);
  });
}

export const transactionsFamily: CommandFamily = {
  group: "transactions",
  install,
  commands: [
    ["multi",   1, "noscript loading stale fast allow_busy",  [0, 0, 0],  multiCommand],
    ["exec",    1, "noscript loading stale skip_slowlog",     [0, 0, 0],  execCommand],
    ["discard", 1, "noscript loading stale fast allow_busy",  [0, 0, 0],  discardCommand],
    ["watch",  -2, "noscript loading stale fast allow_busy",  [1, -1, 1], watchCommand],
    ["unwatch", 1, "noscript loading stale fast allow_busy",  [0, 0, 0],  unwatchCommand],
  ],
};
