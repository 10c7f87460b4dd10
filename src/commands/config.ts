/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP (Redis group "server").
 *
 * Values are handled as byte strings (one char per byte, latin1) so that binary-safe values
 * such as passwords round-trip exactly; the configuration table and its rules live in
 * src/config/.
 */
import { errnoText } from "../config/parse.ts";
import { rewriteConfigFile } from "../config/rewrite.ts";
import { E, fail } from "../protocol/errors.ts";
import { latin1, latin1Bytes } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

/** Reply with Redis's help layout: the header line, the entries, then HELP. */
export function replyHelp(c: CommandContext, command: string, lines: readonly string[]): void {
  const all = [`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, "HELP", "    Prints this help."];
  c.out.arrayLen(all.length);
  for (const l of all) c.out.simple(l);
}

function configGetCommand(c: CommandContext): void {
  const patterns = c.argv.slice(2).map(latin1);
  const pairs = c.server.config.match(patterns);
  c.out.mapLen(pairs.length);
  for (const [k, v] of pairs) {
    c.out.bulk(latin1Bytes(k));
    c.out.bulk(latin1Bytes(v));
  }
}

function configSetCommand(c: CommandContext): void {
  const argv = c.argv;
  if ((argv.length - 2) % 2 !== 0) fail(E.SYNTAX);
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([latin1(argv[i]!), latin1(argv[i + 1]!)]);
  const err = c.server.config.setMany(pairs, { protectedAllowed: c.server.admin.protectedConfigAllowed(c) });
  if (err !== null) {
    c.out.error(err);
    return;
  }
  c.server.applyConfig();
  c.out.ok();
}

function configResetstatCommand(c: CommandContext): void {
  c.server.admin.resetStats();
  c.out.ok();
}

function configRewriteCommand(c: CommandContext): void {
  const file = c.server.configFile;
  if (file === null) fail("ERR The server is running without a config file");
  try {
    rewriteConfigFile(c.server.config, file, c.server.admin.rewriteExtraLines());
  } catch (e) {
    c.server.log.warning(`CONFIG REWRITE failed: ${errnoText(e)}`);
    fail(`ERR Rewriting config file: ${errnoText(e)}`);
  }
  c.server.log.notice("CONFIG REWRITE executed with success.");
  c.out.ok();
}

function configHelpCommand(c: CommandContext): void {
  replyHelp(c, "CONFIG", [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
  ]);
}

/** Container commands never run their own handler: dispatch resolves the subcommand first. */
export function containerCommand(c: CommandContext): void {
  c.out.error(E.wrongArgs(c.cmdName));
}

export const configFamily: CommandFamily = {
  group: "server",
  commands: [
    ["config", -2, "", [0, 0, 0], containerCommand, {
      subcommands: [
        ["help",      2, "loading stale",                [0, 0, 0], configHelpCommand],
        ["get",      -3, "admin noscript loading stale", [0, 0, 0], configGetCommand],
        ["set",      -4, "admin noscript loading stale", [0, 0, 0], configSetCommand],
        ["resetstat", 2, "admin noscript loading stale", [0, 0, 0], configResetstatCommand],
        ["rewrite",   2, "admin noscript loading stale", [0, 0, 0], configRewriteCommand],
      ],
    }],
  ],
};
