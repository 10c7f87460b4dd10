/**
 * HELP replies for container commands (OBJECT HELP, CONFIG HELP, ...), shaped like Redis's
 * addReplyHelp: an array of status lines, a header naming the command, the caller's lines, then
 * the closing HELP entry every container shares.
 */
import type { CommandContext } from "./context.ts";

/** Reply with Redis's help layout for `command` (upper case, as Redis prints it). */
export function replyHelp(c: CommandContext, command: string, lines: readonly string[]): void {
  c.out.arrayLen(lines.length + 3);
  c.out.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.out.simple(l);
  c.out.simple("HELP");
  c.out.simple("    Prints this help.");
}
