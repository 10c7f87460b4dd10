/**
 * Connection commands: PING, ECHO, QUIT, SELECT.
 * (AUTH, HELLO, RESET, CLIENT live here too as they are added.)
 */
import { R_PONG } from "../protocol/resp/writer.ts";
import { E, fail } from "../protocol/errors.ts";
import { CF_PUBSUB } from "../server/client.ts";
import { int32Arg } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

const PONG_LOWER = new TextEncoder().encode("pong");

function pingCommand(c: CommandContext): void {
  if (c.argv.length > 2) fail(E.wrongArgs("ping"));
  if (c.flags & CF_PUBSUB && c.resp === 2) {
    // A RESP2 subscriber can only read pub/sub frames: Redis answers `*2 pong <msg|"">`.
    c.out.arrayLen(2);
    c.out.bulk(PONG_LOWER);
    c.out.bulk(c.argv.length === 2 ? c.argv[1]! : new Uint8Array(0));
  } else if (c.argv.length === 2) c.out.bulk(c.argv[1]!);
  else c.out.raw(R_PONG);
}

function echoCommand(c: CommandContext): void {
  c.out.bulk(c.argv[1]!);
}

function quitCommand(c: CommandContext): void {
  c.out.ok();
  c.closeAfterReply();
}

function selectCommand(c: CommandContext): void {
  const id = int32Arg(c.argv[1]!);
  const db = c.ks.dbs[id];
  if (id < 0 || db === undefined) fail(E.INVALID_DB);
  c.db = db;
  c.out.ok();
}

export const connectionFamily: CommandFamily = {
  group: "connection",
  commands: [
    ["ping",   -1, "fast",                                        [0, 0, 0], pingCommand],
    ["echo",    2, "fast",                                        [0, 0, 0], echoCommand],
    ["quit",   -1, "noscript loading stale fast no_auth allow_busy", [0, 0, 0], quitCommand],
    ["select",  2, "loading stale fast",                          [0, 0, 0], selectCommand],
  ],
};
