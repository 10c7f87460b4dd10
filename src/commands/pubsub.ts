/**
 * Pub/Sub commands (group "pubsub"): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH,
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP.
 *
 * Registries and fan-out live in src/pubsub/pubsub.ts. This family also installs:
 * - the RESP2 subscribed-context policy (only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT /
 *   RESET; RESP3 clients may run anything);
 * - keyspace notifications (`server.notifier`: `__keyspace@<db>__:<key>` / `__keyevent@<db>__:
 *   <event>`);
 * - client-output-buffer-limit enforcement (`server.outputLimit`), by client class.
 */
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, NOTIFY_NEW } from "../store/notify.ts";
import { compileGlob, globMatchCompiled } from "../pubsub/glob-match.ts";
import { CF_MONITOR, CF_PUBSUB, CF_REPLICA } from "./client-flags.ts";
import type { Client } from "../server/client.ts";
import {
  CLASS_NORMAL,
  CLASS_PUBSUB,
  CLASS_REPLICA,
  exceedsOutputLimit,
  parseOutputLimits,
  type OutputLimit,
} from "../config/output-limits.ts";
import type { Server } from "../server/server.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily, CommandSpec } from "./spec.ts";

const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Subscribing

function subscribeCommand(c: CommandContext): void {
  const ps = c.server.pubsub;
  for (let i = 1; i < c.argv.length; i++) ps.subscribe(c, c.out, c.argv[i]!, false);
}

function unsubscribeCommand(c: CommandContext): void {
  const ps = c.server.pubsub;
  if (c.argv.length === 1) ps.unsubscribeAll(c, c.out, false);
  else for (let i = 1; i < c.argv.length; i++) ps.unsubscribe(c, c.out, c.argv[i]!, false);
}

function psubscribeCommand(c: CommandContext): void {
  const ps = c.server.pubsub;
  for (let i = 1; i < c.argv.length; i++) ps.psubscribe(c, c.out, c.argv[i]!);
}

function punsubscribeCommand(c: CommandContext): void {
  const ps = c.server.pubsub;
  if (c.argv.length === 1) ps.punsubscribeAll(c, c.out);
  else for (let i = 1; i < c.argv.length; i++) ps.punsubscribe(c, c.out, c.argv[i]!);
}

function ssubscribeCommand(c: CommandContext): void {
  const ps = c.server.pubsub;
  for (let i = 1; i < c.argv.length; i++) ps.subscribe(c, c.out, c.argv[i]!, true);
}

function sunsubscribeCommand(c: CommandContext): void {
  const ps = c.server.pubsub;
  if (c.argv.length === 1) ps.unsubscribeAll(c, c.out, true);
  else for (let i = 1; i < c.argv.length; i++) ps.unsubscribe(c, c.out, c.argv[i]!, true);
}

// ---------------------------------------------------------------------------------------------
// Publishing

function publishCommand(c: CommandContext): void {
  c.out.integer(c.server.pubsub.publish(c.argv[1]!, c.argv[2]!));
  // Replicas get PUBLISH too (their subscribers hear it; Sentinel's hello relies on it), the
  // AOF does not.
  c.forceReplPropagation = true;
}

function spublishCommand(c: CommandContext): void {
  c.out.integer(c.server.pubsub.spublish(c.argv[1]!, c.argv[2]!));
  c.forceReplPropagation = true; // as PUBLISH, outside cluster mode
}

// ---------------------------------------------------------------------------------------------
// PUBSUB

function channelsReply(c: CommandContext, shard: boolean): void {
  if (c.argv.length > 3) fail(E.unknownSubcommandOrWrongArgs(latin1(c.argv[1]!), "PUBSUB"));
  const glob = c.argv.length === 3 ? compileGlob(c.argv[2]!) : null;
  const dict = shard ? c.server.pubsub.shardChannels : c.server.pubsub.channels;
  const out: Uint8Array[] = [];
  dict.forEach((e) => {
    if (glob === null || globMatchCompiled(glob, e.key)) out.push(e.key);
  });
  c.out.bulkArray(out);
}

function pubsubChannelsCommand(c: CommandContext): void {
  channelsReply(c, false);
}

function pubsubShardchannelsCommand(c: CommandContext): void {
  channelsReply(c, true);
}

function numsubReply(c: CommandContext, shard: boolean): void {
  const ps = c.server.pubsub;
  c.out.arrayLen((c.argv.length - 2) * 2);
  for (let i = 2; i < c.argv.length; i++) {
    c.out.bulk(c.argv[i]!);
    c.out.integer(ps.numsub(c.argv[i]!, shard));
  }
}

function pubsubNumsubCommand(c: CommandContext): void {
  numsubReply(c, false);
}

function pubsubShardnumsubCommand(c: CommandContext): void {
  numsubReply(c, true);
}

function pubsubNumpatCommand(c: CommandContext): void {
  c.out.integer(c.server.pubsub.patterns.size);
}

const PUBSUB_HELP = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
  "HELP",
  "    Prints this help.",
];

function pubsubHelpCommand(c: CommandContext): void {
  c.out.arrayLen(PUBSUB_HELP.length);
  for (const line of PUBSUB_HELP) c.out.simple(line);
}

/** Container handler: dispatch resolves subcommands, so this only runs without one. */
function pubsubCommand(c: CommandContext): void {
  fail(E.wrongArgs("pubsub"));
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Installed behaviour

/** Commands a RESP2 client may run while subscribed. */
const SUBSCRIBED_ALLOWED = ["ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset"];

function subscribedPolicy(server: Server): (c: Client, spec: CommandSpec) => string | null {
  const allowed = new Uint8Array(server.registry.specs.length);
  for (const name of SUBSCRIBED_ALLOWED) {
    const s = server.registry.commands.get(name);
    if (s !== undefined) allowed[s.id] = 1;
  }
  return (c, spec) => {
    if (!(c.flags & CF_PUBSUB) || c.resp !== 2 || allowed[(spec.parent ?? spec).id] === 1) return null;
    return `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
  };
}

/** Keyspace notifications through Pub/Sub (Redis's notifyKeyspaceEvent). */
function installNotifier(server: Server): void {
  const ps = server.pubsub;
  const eventBytes = new Map<string, Uint8Array>();
  const spacePrefix: Uint8Array[] = [];
  const eventPrefix: Uint8Array[] = [];
  const concat = (a: Uint8Array, b: Uint8Array) => {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  server.notifier = (_type, event, key, dbid) => {
    if (ps.idle) return; // nobody can receive it
    let ev = eventBytes.get(event);
    if (ev === undefined) eventBytes.set(event, (ev = enc.encode(event)));
    const flags = server.notifyFlags;
    if (flags & NOTIFY_KEYSPACE) {
      const p = (spacePrefix[dbid] ??= enc.encode(`__keyspace@${dbid}__:`));
      ps.publish(concat(p, key), ev);
    }
    if (flags & NOTIFY_KEYEVENT) {
      const p = (eventPrefix[dbid] ??= enc.encode(`__keyevent@${dbid}__:`));
      ps.publish(concat(p, ev), key);
    }
  };
}

/** client-output-buffer-limit by class (replica, pubsub, normal), parsed when the value changes. */
function installOutputLimit(server: Server): void {
  let raw = "";
  let limits: OutputLimit[] = [];
  server.outputLimit = (c) => {
    const v = server.config.get("client-output-buffer-limit");
    if (v !== raw) {
      raw = v;
      limits = parseOutputLimits(v);
    }
    const cls = c.flags & CF_REPLICA && !(c.flags & CF_MONITOR) ? CLASS_REPLICA : c.flags & CF_PUBSUB ? CLASS_PUBSUB : CLASS_NORMAL;
    const r = exceedsOutputLimit(limits[cls]!, c.queuedBytes, c.softLimitSince, server.clock());
    c.softLimitSince = r.since;
    return r.close;
  };
}

function install(server: Server): void {
  server.policies.push(subscribedPolicy(server));
  installNotifier(server);
  // Redis's dbAdd: a created key fires `new` (class n) before the command's own event.
  server.onKeyCreated.push((db, key) => server.notifyKeyspaceEvent(NOTIFY_NEW, "new", key, db.id));
  installOutputLimit(server);
  server.onClientClose.push((c) => server.pubsub.removeClient(c));
  server.onClientReset.push((c) => server.pubsub.removeClient(c));
}

export const pubsubFamily: CommandFamily = {
  group: "pubsub",
  install,
  commands: [
    ["subscribe",    -2, "pubsub noscript loading stale",  [0, 0, 0],   subscribeCommand],
    ["unsubscribe",  -1, "pubsub noscript loading stale",  [0, 0, 0],   unsubscribeCommand],
    ["psubscribe",   -2, "pubsub noscript loading stale",  [0, 0, 0],   psubscribeCommand],
    ["punsubscribe", -1, "pubsub noscript loading stale",  [0, 0, 0],   punsubscribeCommand],
    ["publish",       3, "pubsub loading stale fast",      [0, 0, 0],   publishCommand],
    ["ssubscribe",   -2, "pubsub noscript loading stale",  [1, -1, 1],  ssubscribeCommand],
    ["sunsubscribe", -1, "pubsub noscript loading stale",  [1, -1, 1],  sunsubscribeCommand],
    ["spublish",      3, "pubsub loading stale fast",      [1, 1, 1],   spublishCommand],
    ["pubsub",       -2, "",                               [0, 0, 0],   pubsubCommand, {
      subcommands: [
        ["channels",      -2, "pubsub loading stale", [0, 0, 0], pubsubChannelsCommand],
        ["numsub",        -2, "pubsub loading stale", [0, 0, 0], pubsubNumsubCommand],
        ["numpat",         2, "pubsub loading stale", [0, 0, 0], pubsubNumpatCommand],
        ["shardchannels", -2, "pubsub loading stale", [0, 0, 0], pubsubShardchannelsCommand],
        ["shardnumsub",   -2, "pubsub loading stale", [0, 0, 0], pubsubShardnumsubCommand],
        ["help",           2, "loading stale",        [0, 0, 0], pubsubHelpCommand, { acl: "-@pubsub" }],
      ],
    }],
  ],
};
