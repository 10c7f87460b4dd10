/**
 * Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET. CLIENT lives in client.ts
 * (same Redis group, its own file for size).
 *
 * Authentication knows one user, `default`, whose password is `requirepass` (no password means
 * `nopass`: any password works for `AUTH default <x>`, as in Redis). An ACL layer can replace
 * `checkCredentials`. Secrets are redacted from MONITOR by replacing their argv entries with
 * "(redacted)", as Redis does.
 */
import { R_PONG } from "../protocol/resp/writer.ts";
import { E, fail } from "../protocol/errors.ts";
import { REDIS_VERSION } from "../util/version.ts";
import { int32Arg, intArg, is, latin1, utf8 } from "./args.ts";
import type { CommandContext } from "./context.ts";
import { CF_PUBSUB, CF_READONLY_CLIENT, CF_REPLY_OFF, CF_REPLY_SKIP, CF_REPLY_SKIP_NEXT } from "./client-flags.ts";
import type { CommandFamily } from "./spec.ts";
import { stopMonitor } from "./monitor.ts";

// -------------------------------------------------------------------------------------------------
// Shared helpers

/** What MONITOR shows instead of a secret. */
export const REDACTED = utf8("(redacted)");

/** Hide argv[from..to) from MONITOR and the slow log. */
export function redactArgs(c: CommandContext, from: number, to = c.argv.length): void {
  for (let i = from; i < to && i < c.argv.length; i++) c.argv[i] = REDACTED;
}

/**
 * Is `user`/`pass` a valid login? Only `default` exists; with no requirepass it is `nopass`.
 * (Replaced when an ACL layer exists.)
 */
export function checkCredentials(c: CommandContext, user: Uint8Array, pass: Uint8Array): boolean {
  if (latin1(user) !== "default") return false;
  const required = c.server.config.get("requirepass");
  if (required === "") return true;
  const want = utf8(required);
  if (want.length !== pass.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want[i]! ^ pass[i]!;
  return diff === 0;
}

/** Mark the connection authenticated as `user` (the reader then lifts its pre-auth limits). */
function login(c: CommandContext, user: string): void {
  c.authenticated = true;
  c.user = user;
  c.reader.unauthenticated = false;
}

/** Redis's rule for client names and CLIENT SETINFO values: printable ASCII without spaces. */
export function validClientAttr(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i]! < 0x21 || v[i]! > 0x7e) return false;
  return true;
}

export const E_CLIENT_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

/** Set (or, with an empty name, clear) the connection name; false when the name is invalid. */
export function setClientName(c: CommandContext, name: Uint8Array): boolean {
  if (!validClientAttr(name)) return false;
  c.name = name.length === 0 ? null : name.slice();
  return true;
}

// -------------------------------------------------------------------------------------------------
// PING ECHO QUIT SELECT

const PONG = utf8("pong");
const EMPTY = new Uint8Array(0);

const PONG_LOWER = new TextEncoder().encode("pong");

function pingCommand(c: CommandContext): void {
  if (c.argv.length > 2) fail(E.wrongArgs("ping"));
  // A RESP2 connection in pub/sub mode can only receive arrays: ["pong", message or ""].
  if (c.flags & CF_PUBSUB && c.resp === 2) {
    c.out.arrayLen(2);
    c.out.bulk(PONG);
    c.out.bulk(c.argv[1] ?? EMPTY);
  } else if (c.argv.length === 2) {
    c.out.bulk(c.argv[1]!);
  } else {
    c.out.raw(R_PONG);
  }
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

// -------------------------------------------------------------------------------------------------
// AUTH

function authCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length > 3) fail(E.SYNTAX);
  let ok: boolean;
  let user = "default";
  if (argv.length === 2) {
    // AUTH <password> is for requirepass; without one it is almost surely a mistake.
    if (c.server.config.get("requirepass") === "") {
      redactArgs(c, 1);
      fail(E.NOPASS_SET);
    }
    ok = checkCredentials(c, utf8("default"), argv[1]!);
  } else {
    user = latin1(argv[1]!);
    ok = checkCredentials(c, argv[1]!, argv[2]!);
  }
  redactArgs(c, 1);
  if (!ok) fail(E.WRONGPASS);
  login(c, user);
  c.out.ok();
}

// -------------------------------------------------------------------------------------------------
// HELLO

const E_HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

/** HELLO [protover [AUTH user pass] [SETNAME name]]: options take effect in order, as in Redis. */
function helloCommand(c: CommandContext): void {
  const argv = c.argv;
  let ver = 0;
  if (argv.length >= 2) {
    ver = intArg(argv[1]!, "ERR Protocol version is not an integer or out of range");
    if (ver < 2 || ver > 3) fail("NOPROTO unsupported protocol version");
  }
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (is(opt, "auth") && more >= 2) {
      const user = argv[i + 1]!;
      const pass = argv[i + 2]!;
      redactArgs(c, i + 1, i + 3);
      if (!checkCredentials(c, user, pass)) fail(E.WRONGPASS);
      login(c, latin1(user));
      i += 2;
    } else if (is(opt, "setname") && more >= 1) {
      if (!setClientName(c, argv[i + 1]!)) fail(E_CLIENT_NAME);
      i += 1;
    } else {
      fail(`ERR Syntax error in HELLO option '${latin1(opt)}'`);
    }
  }
  if (!c.authenticated) fail(E_HELLO_NOAUTH);
  if (ver !== 0) {
    c.resp = ver;
    c.out.resp = ver;
  }
  const out = c.out;
  out.mapLen(7);
  out.bulkString("server");
  out.bulkString("redis");
  out.bulkString("version");
  out.bulkString(REDIS_VERSION);
  out.bulkString("proto");
  out.integer(c.resp);
  out.bulkString("id");
  out.integer(c.id);
  out.bulkString("mode");
  out.bulkString("standalone");
  out.bulkString("role");
  out.bulkString(c.server.role);
  out.bulkString("modules");
  out.emptyArray();
}

// -------------------------------------------------------------------------------------------------
// RESET

/**
 * RESET: back to a fresh connection's state. Each layer clears its own part through
 * `server.onClientReset` (MULTI/WATCH, subscriptions, tracking); here: MONITOR mode, db 0,
 * RESP2, no name, default user (authenticated only when it needs no password), reply mode,
 * READONLY. NO-EVICT stays, as in Redis 7.0.
 */
function resetCommand(c: CommandContext): void {
  stopMonitor(c);
  const hooks = c.server.onClientReset;
  for (let i = 0; i < hooks.length; i++) hooks[i]!(c);
  c.db = c.ks.dbs[0]!;
  c.resp = 2;
  c.out.resp = 2;
  c.name = null;
  c.user = "default";
  c.authenticated = !c.server.requiresAuth();
  c.reader.unauthenticated = !c.authenticated;
  c.flags &= ~(CF_READONLY_CLIENT | CF_REPLY_OFF | CF_REPLY_SKIP | CF_REPLY_SKIP_NEXT);
  c.out.simple("RESET");
}

// -------------------------------------------------------------------------------------------------

const CONN = "noscript loading stale fast no_auth allow_busy";

export const connectionFamily: CommandFamily = {
  group: "connection",
  commands: [
    ["ping",   -1, "fast",                 [0, 0, 0], pingCommand,   { tips: "request_policy:all_shards response_policy:all_succeeded", doc: { summary: "Check that the server answers.", since: "1.0.0", complexity: "O(1)", args: [{ name: "message", type: "string", optional: true }] } }],
    ["echo",    2, "loading stale fast",   [0, 0, 0], echoCommand,   { doc: { summary: "Reply with the given message.", since: "1.0.0", complexity: "O(1)", args: [{ name: "message", type: "string" }] } }],
    ["quit",   -1, CONN,                   [0, 0, 0], quitCommand,   { doc: { summary: "Close this connection after the reply.", since: "1.0.0", complexity: "O(1)" } }],
    ["select",  2, "loading stale fast",   [0, 0, 0], selectCommand, { doc: { summary: "Switch this connection's database.", since: "1.0.0", complexity: "O(1)", args: [{ name: "index", type: "integer" }] } }],
    ["auth",   -2, CONN,                   [0, 0, 0], authCommand,   { doc: { summary: "Log this connection in.", since: "1.0.0", complexity: "O(1)", args: [{ name: "username", type: "string", optional: true, since: "6.0.0" }, { name: "password", type: "string" }] } }],
    ["hello",  -1, CONN,                   [0, 0, 0], helloCommand,  { doc: { summary: "Pick the protocol version, optionally log in and name the connection.", since: "6.0.0", complexity: "O(1)", args: [{ name: "arguments", type: "block", optional: true, args: [{ name: "protover", type: "integer" }, { name: "username_password", type: "block", token: "AUTH", optional: true, args: [{ name: "username", type: "string" }, { name: "password", type: "string" }] }, { name: "clientname", type: "string", token: "SETNAME", optional: true }] }] } }],
    ["reset",   1, CONN,                   [0, 0, 0], resetCommand,  { doc: { summary: "Return this connection to its initial state.", since: "6.2.0", complexity: "O(1)" } }],
  ],
};
