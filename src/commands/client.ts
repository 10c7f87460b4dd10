/**
 * CLIENT (group "connection"): connection introspection and management, Redis 7.0's set plus
 * SETINFO (7.2: client libraries send it on connect).
 *
 * CLIENT LIST / INFO print Redis 7.0's fields in its order, with Kedis's own truthful values:
 * replies go through one shared writer, so `rbs` is that writer's size and `rbp` the largest
 * reply batch this client received; `obl` is 0 and `oll`/`omem` count output queued behind a
 * slow socket. Counters owned by other layers (subscriptions, MULTI, tracking) are read through
 * `server.clientState`; the tracking subcommands' handlers live in client-tracking.ts.
 */
import { clientCachingCommand, clientGetredirCommand, clientTrackingCommand, clientTrackinginfoCommand } from "./client-tracking.ts";
import { E, fail } from "../protocol/errors.ts";
import { CF_BLOCKED, CF_CLOSE_AFTER_REPLY, CF_CLOSE_ASAP, CF_DIRTY_CAS, CF_MONITOR, CF_MULTI, CF_NO_EVICT, CF_POSTPONED, CF_PRIMARY, CF_PUBSUB, CF_READONLY_CLIENT, CF_REPLICA, CF_REPLY_OFF, CF_REPLY_SKIP, CF_REPLY_SKIP_NEXT, CF_TRACKING, CF_UNIX } from "./client-flags.ts";
import type { Client } from "../server/client.ts";
import { PAUSE_ALL, PAUSE_WRITE, type PauseType } from "./client-flags.ts";
import { parseInt64 } from "../util/numbers.ts";
import { intArg, is, latin1 } from "./args.ts";
import { E_CLIENT_NAME, setClientName, validClientAttr } from "./connection.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

// -------------------------------------------------------------------------------------------------
// CLIENT LIST / INFO lines

const CT_NORMAL = 0;
const CT_REPLICA = 1;
const CT_PUBSUB = 2;
const CT_MASTER = 3;

/** Redis's client type: a MONITOR is a normal client for CLIENT LIST/KILL TYPE. */
function clientType(c: Client): number {
  if (c.flags & CF_PRIMARY) return CT_MASTER;
  if (c.flags & CF_REPLICA && !(c.flags & CF_MONITOR)) return CT_REPLICA;
  if (c.flags & CF_PUBSUB) return CT_PUBSUB;
  return CT_NORMAL;
}

/** Parse a TYPE argument (`slave` is the old name of `replica`), or throw Redis's error. */
function parseClientType(arg: Uint8Array): number {
  if (is(arg, "normal")) return CT_NORMAL;
  if (is(arg, "slave") || is(arg, "replica")) return CT_REPLICA;
  if (is(arg, "pubsub")) return CT_PUBSUB;
  if (is(arg, "master")) return CT_MASTER;
  fail(`ERR Unknown client type '${latin1(arg)}'`);
}

/** The `flags=` letters, in Redis's order (N when none). */
function flagLetters(c: Client): string {
  const f = c.flags;
  let s = "";
  if (f & CF_MONITOR) s += "O";
  else if (f & CF_REPLICA) s += "S";
  if (f & CF_PRIMARY) s += "M";
  if (f & CF_PUBSUB) s += "P";
  if (f & CF_MULTI) s += "x";
  if (f & (CF_BLOCKED | CF_POSTPONED)) s += "b";
  if (f & CF_TRACKING) s += "t";
  if (f & CF_DIRTY_CAS) s += "d";
  if (f & CF_CLOSE_AFTER_REPLY) s += "c";
  if (f & CF_CLOSE_ASAP) s += "A";
  if (f & CF_UNIX) s += "U";
  if (f & CF_READONLY_CLIENT) s += "r";
  if (f & CF_NO_EVICT) s += "e";
  return s === "" ? "N" : s;
}

function decimalDigits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Bytes the command occupied on the wire (its share of the query buffer). */
function wireSize(argv: readonly Uint8Array[]): number {
  let n = 3 + decimalDigits(argv.length);
  for (const a of argv) n += 5 + decimalDigits(a.length) + a.length;
  return n;
}

/** One CLIENT LIST line (without the trailing newline) for `t`, as seen while `c` runs. */
export function clientInfoLine(c: Client, t: Client): string {
  const server = c.server;
  const now = server.clock();
  const st = server.clientState;
  // Redis frees a command's arguments when it returns; they live on only while it runs or waits.
  const holdsArgv = t === c || (t.flags & (CF_BLOCKED | CF_POSTPONED)) !== 0;
  const argv = t.postponedArgv ?? t.argv;
  let argvMem = 0;
  if (holdsArgv) for (const a of argv) argvMem += a.length;
  const qbuf = t.reader.pending + (t === c ? wireSize(argv) : 0);
  const qbufFree = Math.max(0, t.reader.capacity - qbuf);
  const multiMem = st.multiMem(t);
  const rbs = t.out.buf.length;
  const omem = t.pendingOutput;
  const totMem = 1024 + t.reader.capacity + argvMem + multiMem + omem;
  const name = t.name === null ? "" : latin1(t.name);
  const cmd = t.cmd === null ? "NULL" : t.cmd.name;
  return (
    `id=${t.id} addr=${t.addr} laddr=${t.laddr} fd=${t.fd} name=${name}` +
    ` age=${Math.max(0, Math.floor((now - t.createdAt) / 1000))} idle=${Math.max(0, Math.floor((now - t.lastInteraction) / 1000))}` +
    ` flags=${flagLetters(t)} db=${t.db.id} sub=${st.sub(t)} psub=${st.psub(t)} ssub=${st.ssub(t)} multi=${st.multi(t)}` +
    ` qbuf=${qbuf} qbuf-free=${qbufFree} argv-mem=${argvMem} multi-mem=${multiMem} rbs=${rbs} rbp=${t.replyPeak}` +
    ` obl=0 oll=${t.pendingChunks} omem=${omem} tot-mem=${totMem} events=${omem > 0 ? "rw" : "r"}` +
    ` cmd=${cmd} user=${t.user} redir=${st.redir(t)} resp=${t.resp}`
  );
}

// -------------------------------------------------------------------------------------------------
// Handlers

function clientIdCommand(c: CommandContext): void {
  c.out.integer(c.id);
}

function clientGetnameCommand(c: CommandContext): void {
  if (c.name === null) c.out.nullBulk();
  else c.out.bulk(c.name);
}

function clientSetnameCommand(c: CommandContext): void {
  if (!setClientName(c, c.argv[2]!)) fail(E_CLIENT_NAME);
  c.out.ok();
}

function clientInfoCommand(c: CommandContext): void {
  c.out.verbatim(clientInfoLine(c, c) + "\n");
}

/** CLIENT LIST [TYPE type | ID id [id ...]] */
function clientListCommand(c: CommandContext): void {
  const argv = c.argv;
  let targets: Client[];
  if (argv.length === 2) {
    targets = [...c.server.clients.values()];
  } else if (argv.length === 4 && is(argv[2]!, "type")) {
    const type = parseClientType(argv[3]!);
    targets = [...c.server.clients.values()].filter((t) => clientType(t) === type);
  } else if (argv.length > 3 && is(argv[2]!, "id")) {
    targets = [];
    const ids: number[] = [];
    for (let i = 3; i < argv.length; i++) {
      const id = parseInt64(argv[i]!);
      if (Number.isNaN(id)) fail("ERR Invalid client ID");
      ids.push(id);
    }
    for (const id of ids) {
      const t = c.server.clients.get(id);
      if (t !== undefined) targets.push(t);
    }
  } else {
    fail(E.SYNTAX);
  }
  let s = "";
  for (const t of targets) s += clientInfoLine(c, t) + "\n";
  c.out.verbatim(s);
}

/** End `t`'s connection: the caller's own after this reply, any other one right away. */
function killClient(c: CommandContext, t: Client): void {
  if (t === c) c.closeAfterReply();
  else c.server.freeClient(t);
}

/**
 * CLIENT KILL ip:port (old form: +OK or "No such client") or CLIENT KILL <filter> <value> ...
 * (new form: the number killed). Filters: ID, TYPE, USER, ADDR, LADDR, SKIPME, and MAXAGE
 * (a Redis 7.4 filter Kedis accepts too).
 */
function clientKillCommand(c: CommandContext): void {
  const argv = c.argv;
  const server = c.server;
  if (argv.length === 3) {
    const addr = latin1(argv[2]!);
    for (const t of server.clients.values()) {
      if (t.addr === addr) {
        killClient(c, t);
        return c.out.ok();
      }
    }
    fail("ERR No such client");
  }
  let id = -1;
  let type = -1;
  let user: string | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let maxAge = -1;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!;
    if (i + 1 >= argv.length) fail(E.SYNTAX);
    const val = argv[i + 1]!;
    if (is(opt, "id")) {
      const n = parseInt64(val);
      if (Number.isNaN(n) || n <= 0) fail("ERR client-id should be greater than 0");
      id = n;
    } else if (is(opt, "type")) {
      type = parseClientType(val);
    } else if (is(opt, "user")) {
      user = latin1(val);
      if (user !== "default") fail(`ERR No such user '${user}'`);
    } else if (is(opt, "addr")) {
      addr = latin1(val);
    } else if (is(opt, "laddr")) {
      laddr = latin1(val);
    } else if (is(opt, "skipme")) {
      if (is(val, "yes")) skipMe = true;
      else if (is(val, "no")) skipMe = false;
      else fail(E.SYNTAX);
    } else if (is(opt, "maxage")) {
      maxAge = intArg(val);
    } else {
      fail(E.SYNTAX);
    }
  }
  const now = server.clock();
  const victims: Client[] = [];
  for (const t of server.clients.values()) {
    if (id !== -1 && t.id !== id) continue;
    if (type !== -1 && clientType(t) !== type) continue;
    if (user !== null && t.user !== user) continue;
    if (addr !== null && t.addr !== addr) continue;
    if (laddr !== null && t.laddr !== laddr) continue;
    if (maxAge >= 0 && (now - t.createdAt) / 1000 <= maxAge) continue;
    if (skipMe && t === c) continue;
    victims.push(t);
  }
  for (const t of victims) killClient(c, t);
  c.out.integer(victims.length);
}

/** CLIENT PAUSE timeout [WRITE|ALL] */
function clientPauseCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length > 4) fail(E.unknownSubcommandOrWrongArgs(latin1(argv[1]!), "CLIENT"));
  let type: PauseType = PAUSE_ALL;
  if (argv.length === 4) {
    if (is(argv[3]!, "write")) type = PAUSE_WRITE;
    else if (!is(argv[3]!, "all")) fail("ERR CLIENT PAUSE mode must be WRITE or ALL");
  }
  const ms = intArg(argv[2]!, "ERR timeout is not an integer or out of range");
  if (ms < 0) fail("ERR timeout is negative");
  const now = c.server.clock();
  if (ms > Number.MAX_SAFE_INTEGER - now) fail("ERR timeout is out of range");
  c.server.pause.pause(now + ms, type);
  c.out.ok();
}

function clientUnpauseCommand(c: CommandContext): void {
  c.server.pause.unpause();
  c.out.ok();
}

/** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP reply nothing (the server drops suppressed output). */
function clientReplyCommand(c: CommandContext): void {
  const mode = c.argv[2]!;
  if (is(mode, "on")) {
    c.flags &= ~(CF_REPLY_OFF | CF_REPLY_SKIP);
    c.out.ok();
  } else if (is(mode, "off")) {
    c.flags |= CF_REPLY_OFF;
  } else if (is(mode, "skip")) {
    if (!(c.flags & CF_REPLY_OFF)) c.flags |= CF_REPLY_SKIP_NEXT;
  } else {
    fail(E.SYNTAX);
  }
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: the blocking layer does the unblocking. */
function clientUnblockCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length > 4) fail(E.unknownSubcommandOrWrongArgs(latin1(argv[1]!), "CLIENT"));
  let timeout = true;
  if (argv.length === 4) {
    if (is(argv[3]!, "error")) timeout = false;
    else if (!is(argv[3]!, "timeout")) fail("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  }
  const id = intArg(argv[2]!);
  const t = c.server.clients.get(id);
  const hook = c.server.unblockClient;
  // A client held by CLIENT PAUSE is not blocked on anything it could be released from.
  const done = t !== undefined && t.flags & CF_BLOCKED && hook !== null ? hook(t, timeout) : false;
  c.out.integer(done ? 1 : 0);
}

function clientNoEvictCommand(c: CommandContext): void {
  const v = c.argv[2]!;
  if (is(v, "on")) c.flags |= CF_NO_EVICT;
  else if (is(v, "off")) c.flags &= ~CF_NO_EVICT;
  else fail(E.SYNTAX);
  c.out.ok();
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; clients send it on connect). */
function clientSetinfoCommand(c: CommandContext): void {
  const attr = c.argv[2]!;
  const val = c.argv[3]!;
  const name = is(attr, "lib-name") ? "lib-name" : is(attr, "lib-ver") ? "lib-ver" : null;
  if (name === null) fail(`ERR Unrecognized option '${latin1(attr)}'`);
  if (!validClientAttr(val)) fail(`ERR ${latin1(attr)} cannot contain spaces, newlines or special characters.`);
  if (name === "lib-name") c.libName = latin1(val);
  else c.libVer = latin1(val);
  c.out.ok();
}

const CLIENT_HELP = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "HELP",
  "    Prints this help.",
];

/** Reply with a HELP text as Redis does: an array of status lines. */
export function replyHelp(c: CommandContext, lines: readonly string[]): void {
  c.out.arrayLen(lines.length);
  for (const l of lines) c.out.simple(l);
}

function clientHelpCommand(c: CommandContext): void {
  replyHelp(c, CLIENT_HELP);
}

/** The container itself: dispatch resolves a subcommand first, so this only runs without one. */
function clientCommand(c: CommandContext): void {
  c.out.error(E.wrongArgs("client"));
}

// -------------------------------------------------------------------------------------------------

const ADM = "admin noscript loading stale";
const CONN = "noscript loading stale";
const ND = "nondeterministic_output";

export const clientFamily: CommandFamily = {
  group: "connection",
  commands: [
    ["client", -2, "", [0, 0, 0], clientCommand, { doc: { summary: "Connection management subcommands.", since: "2.4.0", complexity: "Per subcommand." }, subcommands: [
      ["caching",       3, CONN,            [0, 0, 0], clientCachingCommand,      { doc: { summary: "Opt the next command in or out of key tracking.", since: "6.0.0", complexity: "O(1)", args: [{ name: "mode", type: "oneof", args: [{ name: "yes", type: "pure-token", token: "YES" }, { name: "no", type: "pure-token", token: "NO" }] }] } }],
      ["getname",       2, CONN,            [0, 0, 0], clientGetnameCommand,      { doc: { summary: "Get this connection's name.", since: "2.6.9", complexity: "O(1)" } }],
      ["getredir",      2, CONN,            [0, 0, 0], clientGetredirCommand,     { doc: { summary: "Get the id tracking invalidations are sent to.", since: "6.0.0", complexity: "O(1)" } }],
      ["help",          2, "loading stale", [0, 0, 0], clientHelpCommand,         { doc: { summary: "Show the subcommands and what they do.", since: "5.0.0", complexity: "O(1)" } }],
      ["id",            2, CONN,            [0, 0, 0], clientIdCommand,           { doc: { summary: "Get this connection's id.", since: "5.0.0", complexity: "O(1)" } }],
      ["info",          2, CONN,            [0, 0, 0], clientInfoCommand,         { tips: ND, doc: { summary: "Describe this connection (one CLIENT LIST line).", since: "6.2.0", complexity: "O(1)" } }],
      ["kill",         -3, ADM,             [0, 0, 0], clientKillCommand,         { doc: { summary: "Close connections matching an address or filters.", since: "2.4.0", complexity: "O(connections)", args: [{ name: "filter", type: "oneof", args: [{ name: "ip:port", type: "string" }, { name: "new-format", type: "oneof", multiple: true, args: [{ name: "client-id", type: "integer", token: "ID", optional: true }, { name: "type", type: "oneof", token: "TYPE", optional: true, args: [{ name: "normal", type: "pure-token", token: "NORMAL" }, { name: "master", type: "pure-token", token: "MASTER" }, { name: "slave", type: "pure-token", token: "SLAVE" }, { name: "replica", type: "pure-token", token: "REPLICA" }, { name: "pubsub", type: "pure-token", token: "PUBSUB" }] }, { name: "username", type: "string", token: "USER", optional: true }, { name: "ip:port", type: "string", token: "ADDR", optional: true }, { name: "ip:port", type: "string", token: "LADDR", optional: true }, { name: "yes/no", type: "string", token: "SKIPME", optional: true }] }] }] } }],
      ["list",         -2, ADM,             [0, 0, 0], clientListCommand,         { tips: ND, doc: { summary: "Describe every connection, or those of a type or id.", since: "2.4.0", complexity: "O(connections)", args: [{ name: "type", type: "oneof", token: "TYPE", optional: true, args: [{ name: "normal", type: "pure-token", token: "NORMAL" }, { name: "master", type: "pure-token", token: "MASTER" }, { name: "replica", type: "pure-token", token: "REPLICA" }, { name: "pubsub", type: "pure-token", token: "PUBSUB" }] }, { name: "client-id", type: "integer", token: "ID", optional: true, multiple: true }] } }],
      ["no-evict",      3, ADM,             [0, 0, 0], clientNoEvictCommand,      { doc: { summary: "Exempt this connection from client eviction, or not.", since: "7.0.0", complexity: "O(1)", args: [{ name: "enabled", type: "oneof", args: [{ name: "on", type: "pure-token", token: "ON" }, { name: "off", type: "pure-token", token: "OFF" }] }] } }],
      ["pause",        -3, ADM,             [0, 0, 0], clientPauseCommand,        { doc: { summary: "Hold all commands, or only writes, for a while.", since: "3.0.0", complexity: "O(1)", args: [{ name: "timeout", type: "integer" }, { name: "mode", type: "oneof", optional: true, since: "6.2.0", args: [{ name: "write", type: "pure-token", token: "WRITE" }, { name: "all", type: "pure-token", token: "ALL" }] }] } }],
      ["reply",         3, CONN,            [0, 0, 0], clientReplyCommand,        { doc: { summary: "Turn replies to this connection on, off, or skip one.", since: "3.2.0", complexity: "O(1)", args: [{ name: "on_off_skip", type: "oneof", args: [{ name: "on", type: "pure-token", token: "ON" }, { name: "off", type: "pure-token", token: "OFF" }, { name: "skip", type: "pure-token", token: "SKIP" }] }] } }],
      ["setinfo",       4, CONN,            [0, 0, 0], clientSetinfoCommand,      { tips: "request_policy:all_nodes response_policy:all_succeeded", doc: { summary: "Record the client library's name or version.", since: "7.2.0", complexity: "O(1)", args: [{ name: "attr", type: "oneof", args: [{ name: "libname", type: "string", token: "LIB-NAME" }, { name: "libver", type: "string", token: "LIB-VER" }] }] } }],
      ["setname",       3, CONN,            [0, 0, 0], clientSetnameCommand,      { doc: { summary: "Name this connection.", since: "2.6.9", complexity: "O(1)", args: [{ name: "connection-name", type: "string" }] } }],
      ["tracking",     -3, CONN,            [0, 0, 0], clientTrackingCommand,     { doc: { summary: "Turn key tracking for client-side caching on or off.", since: "6.0.0", complexity: "O(1), O(prefixes) with PREFIX", args: [{ name: "status", type: "oneof", args: [{ name: "on", type: "pure-token", token: "ON" }, { name: "off", type: "pure-token", token: "OFF" }] }, { name: "client-id", type: "integer", token: "REDIRECT", optional: true }, { name: "prefix", type: "string", token: "PREFIX", optional: true, multiple: true, multipleToken: true }, { name: "bcast", type: "pure-token", token: "BCAST", optional: true }, { name: "optin", type: "pure-token", token: "OPTIN", optional: true }, { name: "optout", type: "pure-token", token: "OPTOUT", optional: true }, { name: "noloop", type: "pure-token", token: "NOLOOP", optional: true }] } }],
      ["trackinginfo",  2, CONN,            [0, 0, 0], clientTrackinginfoCommand, { doc: { summary: "Describe this connection's key tracking.", since: "6.2.0", complexity: "O(1)" } }],
      ["unblock",      -3, ADM,             [0, 0, 0], clientUnblockCommand,      { doc: { summary: "Release a connection waiting in a blocking command.", since: "5.0.0", complexity: "O(1)", args: [{ name: "client-id", type: "integer" }, { name: "unblock-type", type: "oneof", optional: true, args: [{ name: "timeout", type: "pure-token", token: "TIMEOUT" }, { name: "error", type: "pure-token", token: "ERROR" }] }] } }],
      ["unpause",       2, ADM,             [0, 0, 0], clientUnpauseCommand,      { doc: { summary: "End a CLIENT PAUSE now.", since: "6.2.0", complexity: "O(held clients)" } }],
    ] }],
  ],
};
