/**
 * CLIENT TRACKING | CACHING | GETREDIR | TRACKINGINFO (client-side caching; state and
 * invalidation in src/server/tracking.ts).
 *
 * The CLIENT container (commands/client.ts) lists these four handlers in its table; this
 * family has no commands of its own: its `install` wires tracking into the keyspace.
 */
import { E, fail } from "../protocol/errors.ts";
import { CF_TRACKING } from "./client-flags.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { TR_BCAST, TR_BROKEN_REDIR, TR_CACHING, TR_NOLOOP, TR_OPTIN, TR_OPTOUT } from "./client-flags.ts";
import { intArg, is } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily, SpecLine } from "./spec.ts";

const enc = new TextEncoder();
const W = (s: string) => enc.encode(s);
const FLAG_NAMES = {
  off: W("off"),
  on: W("on"),
  bcast: W("bcast"),
  optin: W("optin"),
  optout: W("optout"),
  cachingYes: W("caching-yes"),
  cachingNo: W("caching-no"),
  noloop: W("noloop"),
  broken: W("broken_redirect"),
};
const K_FLAGS = W("flags");
const K_REDIRECT = W("redirect");
const K_PREFIXES = W("prefixes");

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
export function clientTrackingCommand(c: CommandContext): void {
  const argv = c.argv;
  let options = 0;
  let redirect = 0;
  let hasRedirect = false;
  const prefixes: Uint8Array[] = [];
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j]!;
    const more = j + 1 < argv.length;
    if (is(a, "redirect") && more) {
      j++;
      if (hasRedirect) fail("ERR A client can only redirect to a single other client");
      redirect = intArg(argv[j]!);
      hasRedirect = true;
      // The target must exist now, even though it may disconnect later.
      if (!c.server.clients.has(redirect)) fail("ERR The client ID you want redirect to does not exist");
    } else if (is(a, "bcast")) options |= TR_BCAST;
    else if (is(a, "optin")) options |= TR_OPTIN;
    else if (is(a, "optout")) options |= TR_OPTOUT;
    else if (is(a, "noloop")) options |= TR_NOLOOP;
    else if (is(a, "prefix") && more) prefixes.push(argv[++j]!);
    else fail(E.SYNTAX);
  }
  const tracking = c.server.tracking;
  if (is(argv[2]!, "on")) {
    const cur = c.tracking;
    const on = (c.flags & CF_TRACKING) !== 0 && cur !== null;
    if (!(options & TR_BCAST) && prefixes.length > 0) fail("ERR PREFIX option requires BCAST mode to be enabled");
    if (on && ((cur.flags & TR_BCAST) !== 0) !== ((options & TR_BCAST) !== 0)) {
      fail("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (options & TR_BCAST && options & (TR_OPTIN | TR_OPTOUT)) fail("ERR OPTIN and OPTOUT are not compatible with BCAST");
    if (options & TR_OPTIN && options & TR_OPTOUT) fail("ERR You can't specify both OPTIN mode and OPTOUT mode");
    if (on && ((options & TR_OPTIN && cur.flags & TR_OPTOUT) || (options & TR_OPTOUT && cur.flags & TR_OPTIN))) {
      fail("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (options & TR_BCAST) {
      const err = tracking.prefixCollision(c, prefixes);
      if (err !== null) fail(err);
    }
    tracking.enable(c, redirect, options, prefixes);
  } else if (is(argv[2]!, "off")) {
    tracking.disable(c);
  } else fail(E.SYNTAX);
  c.out.ok();
}

/** CLIENT CACHING YES|NO */
export function clientCachingCommand(c: CommandContext): void {
  const t = c.tracking;
  if (!(c.flags & CF_TRACKING) || t === null) {
    fail("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
  }
  const opt = c.argv[2]!;
  if (is(opt, "yes")) {
    if (!(t.flags & TR_OPTIN)) fail("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (is(opt, "no")) {
    if (!(t.flags & TR_OPTOUT)) fail("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else fail(E.SYNTAX);
  t.flags |= TR_CACHING;
  c.out.ok();
}

/** The redirect id Redis reports: -1 when tracking is off, 0 when not redirecting. */
export function trackingRedirect(c: Client): number {
  return c.flags & CF_TRACKING && c.tracking !== null ? c.tracking.redirect : -1;
}

/** CLIENT GETREDIR */
export function clientGetredirCommand(c: CommandContext): void {
  c.out.integer(trackingRedirect(c));
}

/** CLIENT TRACKINGINFO */
export function clientTrackinginfoCommand(c: CommandContext): void {
  const out = c.out;
  const t = c.tracking;
  const on = (c.flags & CF_TRACKING) !== 0 && t !== null;
  out.mapLen(3);
  out.bulk(K_FLAGS);
  if (!on) {
    out.setLen(1);
    out.bulk(FLAG_NAMES.off);
  } else {
    const f = t.flags;
    const flags = [FLAG_NAMES.on];
    if (f & TR_BCAST) flags.push(FLAG_NAMES.bcast);
    if (f & TR_OPTIN) {
      flags.push(FLAG_NAMES.optin);
      if (f & TR_CACHING) flags.push(FLAG_NAMES.cachingYes);
    }
    if (f & TR_OPTOUT) {
      flags.push(FLAG_NAMES.optout);
      if (f & TR_CACHING) flags.push(FLAG_NAMES.cachingNo);
    }
    if (f & TR_NOLOOP) flags.push(FLAG_NAMES.noloop);
    if (f & TR_BROKEN_REDIR) flags.push(FLAG_NAMES.broken);
    out.setLen(flags.length);
    for (const b of flags) out.bulk(b);
  }
  out.bulk(K_REDIRECT);
  out.integer(trackingRedirect(c));
  out.bulk(K_PREFIXES);
  const prefixes = on ? [...t.prefixes.values()].sort(compareBytes) : [];
  out.bulkArray(prefixes);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Lines for the CLIENT container's subcommand table. */
function install(server: Server): void {
  const t = server.tracking;
  server.onKeyModified.push((_db, key) => {
    if (t.table.size !== 0 || t.prefixes.size !== 0) t.invalidateKey(key);
  });
  server.onDbChanged.push((_dbid, other) => {
    // Flushes invalidate everything; SWAPDB does not touch tracking (as in Redis).
    if (other < 0) t.invalidateAll();
  });
  server.afterCommand.push((c) => t.afterCommand(c));
  server.beforeFlush.push(() => t.beforeFlush());
  server.onClientClose.push((c) => t.disable(c));
  server.onClientReset.push((c) => t.disable(c));
  server.clientState.redir = (c) => trackingRedirect(c);
}

/** No commands of its own: installs tracking's hooks (the subcommands join CLIENT). */
export const trackingFamily: CommandFamily = {
  group: "connection",
  install,
  commands: [],
};
