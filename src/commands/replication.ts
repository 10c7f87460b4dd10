/**
 * Replication commands: REPLICAOF / SLAVEOF, REPLCONF, PSYNC, SYNC, WAIT, ROLE.
 * The protocol itself lives in src/replication/ (primary.ts, replica.ts).
 */
import { E, fail } from "../protocol/errors.ts";
import { ReplyWriter } from "../protocol/resp/writer.ts";
import { intArg, is, latin1, text } from "./args.ts";
import { CF_MONITOR, CF_REPLICA } from "./client-flags.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

function replicaofCommand(c: CommandContext): void {
  const [, host, port] = c.argv;
  if (is(host!, "no") && is(port!, "one")) {
    c.server.replicaofNoOne();
    c.out.ok();
    return;
  }
  const p = intArg(port!);
  if (p < 0 || p > 65535) fail("ERR Invalid master port");
  const h = text(host!);
  const cur = c.server.replica;
  if (cur !== null && cur.host === h && cur.port === p) {
    c.out.simple("OK Already connected to specified master");
    return;
  }
  c.server.replicaof(h, p);
  c.out.ok();
}

function replconfCommand(c: CommandContext): void {
  const args = c.argv.slice(1).map(latin1);
  if (args.length % 2 !== 0) fail(E.SYNTAX);
  const res = c.server.repl.replconf(c.replicaConn(), args);
  if (res === "") return; // ACK: no reply
  if (res !== null) fail(res);
  c.out.ok();
}

/**
 * Redis's checks before SYNC/PSYNC, in its order. False: ignore the command (already a replica
 * or a monitor).
 */
function syncAllowed(c: CommandContext): boolean {
  if (c.flags & (CF_REPLICA | CF_MONITOR)) return false;
  if (c.server.replica !== null && !c.server.replica.linkUp) fail("NOMASTERLINK Can't SYNC while not connected with my master");
  // The RDB must not interleave with replies to commands pipelined before it.
  if (c.out.len > 0 || c.queuedBytes > 0) fail("ERR SYNC and PSYNC are invalid with pending output");
  return true;
}

function psyncCommand(c: CommandContext): void {
  if (!syncAllowed(c)) return;
  const replid = latin1(c.argv[1]!);
  const off = Number(latin1(c.argv[2]!));
  c.markReplica();
  c.server.repl.psync(c.replicaConn(), replid === "?" ? "?" : replid, Number.isInteger(off) ? off : -1);
}

function syncCommand(c: CommandContext): void {
  if (!syncAllowed(c)) return;
  c.markReplica();
  c.server.repl.psync(c.replicaConn(), null, -1);
}

function waitCommand(c: CommandContext): void {
  if (c.server.replica !== null) fail("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
  const num = intArg(c.argv[1]!);
  const timeout = intArg(c.argv[2]!, "ERR timeout is not an integer or out of range");
  if (timeout < 0) fail("ERR timeout is negative");
  const repl = c.server.repl;
  const target = c.woff;
  const acked = repl.ackedAtLeast(target);
  if (acked >= num || c.inExecOrScript()) {
    c.out.integer(acked);
    return;
  }
  c.server.blockForWait(c, num, target, timeout);
}

function roleCommand(c: CommandContext): void {
  const out = c.out;
  const rep = c.server.replica;
  if (rep !== null) {
    out.arrayLen(5);
    out.bulkString("slave");
    out.bulkString(rep.host);
    out.integer(rep.port);
    out.bulkString(rep.state === "connected" ? "connected" : rep.state === "sync" ? "sync" : rep.state === "handshake" ? "handshake" : rep.state === "connecting" ? "connecting" : "connect");
    out.integer(rep.offset);
    return;
  }
  const repl = c.server.repl;
  out.arrayLen(3);
  out.bulkString("master");
  out.integer(repl.offset);
  const links = [...repl.links.values()].filter((l) => l.state === "online");
  out.arrayLen(links.length);
  for (const l of links) {
    out.arrayLen(3);
    out.bulkString(l.ipAddress || l.conn.addr.slice(0, l.conn.addr.lastIndexOf(":")));
    out.bulkString(String(l.listeningPort));
    out.bulkString(String(l.ackOffset));
  }
}

/** Encode one integer reply for a client whose command already returned (WAIT wake-up). */
export function integerReply(resp: number, n: number): Uint8Array {
  const w = new ReplyWriter(32);
  w.resp = resp;
  w.integer(n);
  return w.takeCopy();
}

export const replicationFamily: CommandFamily = {
  group: "server",
  commands: [
    ["replicaof", 3, "admin noscript stale no_async_loading", [0, 0, 0], replicaofCommand],
    ["slaveof",   3, "admin noscript stale no_async_loading", [0, 0, 0], replicaofCommand],
    ["replconf", -1, "admin noscript loading stale allow_busy", [0, 0, 0], replconfCommand],
    ["psync",    -3, "admin noscript no_async_loading no_multi", [0, 0, 0], psyncCommand],
    ["sync",      1, "admin noscript no_async_loading no_multi", [0, 0, 0], syncCommand],
    ["wait",      3, "noscript",                              [0, 0, 0], waitCommand, { acl: "@connection" }],
    ["role",      1, "noscript loading stale fast",            [0, 0, 0], roleCommand, { acl: "@admin @dangerous" }],
  ],
};
