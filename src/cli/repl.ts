/**
 * The interactive mode: a prompt showing the server, database and MULTI state
 * (`127.0.0.1:6379[1](TX)> `, `not connected> `), commands typed with redis-cli's quoting rules,
 * history in a file, hints and TAB completion from COMMAND DOCS, HELP, reconnecting when the
 * server comes back, SUBSCRIBE/MONITOR streaming until Ctrl-C, `clear`, `quit` / `exit`, and a
 * leading number repeats a command (`3 INCR k`).
 *
 * When stdin is not a terminal, lines are read from it one by one with no prompt, as redis-cli
 * does (`echo PING | kedis-cli`).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KEDIS_VERSION } from "../util/version.ts";
import { CommandTable, hintFor, parseCommandDocs } from "./docs.ts";
import { out, outText } from "./io.ts";
import { LineEditor } from "./line-editor.ts";
import { splitLine, type CliOptions } from "./options.ts";
import { runCommand, type PrintOptions } from "./run-command.ts";
import { Session } from "./session.ts";

const HISTORY_MAX = 1000;

/** The history file: $KEDISCLI_HISTFILE, or ~/.kedis-cli_history. Empty or /dev/null: none. */
export function historyPath(env: Record<string, string | undefined>): string | null {
  const p = env.KEDISCLI_HISTFILE;
  if (p !== undefined) return p === "" || p === "/dev/null" ? null : p.replace(/^~(?=$|\/)/, homedir());
  return join(env.HOME ?? homedir(), ".kedis-cli_history");
}

/** Commands whose lines hold secrets: never written to the history. */
function sensitive(args: readonly string[]): boolean {
  const n = (args[0] ?? "").toLowerCase();
  const sub = (args[1] ?? "").toLowerCase();
  if (n === "auth" || n === "migrate") return true;
  if (n === "hello" && args.some((a) => a.toLowerCase() === "auth")) return true;
  if (n === "acl" && sub === "setuser") return true;
  if (n === "config" && sub === "set" && args.some((a) => /^(masterauth|requirepass|masteruser)$/i.test(a))) return true;
  return false;
}

/** The general help text (`help` with no argument). */
function generalHelp(): string {
  return (
    `kedis-cli ${KEDIS_VERSION}\n` +
    "To get help about commands type:\n" +
    '      "help @<group>" to get a list of commands in <group>\n' +
    '      "help <command>" for help on <command>\n' +
    '      "help <tab>" to get a list of possible help topics\n' +
    '      "quit" to exit\n' +
    "\n" +
    "To set kedis-cli preferences:\n" +
    '      ":set hints" enable online hints\n' +
    '      ":set nohints" disable online hints\n' +
    "Set your preferences in ~/.kedisclirc\n"
  );
}

/** Lines of stdin when it is not a terminal. */
async function* stdinLines(): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of Bun.stdin.stream()) {
    rest += Buffer.from(chunk).toString("latin1");
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl).replace(/\r$/, "");
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== "") yield rest;
}

export async function repl(o: CliOptions): Promise<number> {
  const tty = process.stdin.isTTY === true;
  const colors = process.stdout.isTTY === true;
  const s = new Session(o);
  const p: PrintOptions = { output: o.output, delims: { element: o.elementDelim, reply: o.replyDelim }, errorsToStderr: false };
  const table = CommandTable.builtin();
  let docsLoaded = false;
  let hints = true;

  /** Fetch the server's COMMAND DOCS once, for help and hints. */
  const loadDocs = async () => {
    if (docsLoaded || !s.connected) return;
    docsLoaded = true;
    try {
      const r = await s.conn!.call(["COMMAND", "DOCS"]);
      if (r.t !== "error") table.addServerDocs(parseCommandDocs(r));
    } catch {
      docsLoaded = false;
    }
  };

  // ~/.kedisclirc: `:set hints` / `:set nohints` lines.
  const rc = join(process.env.HOME ?? homedir(), ".kedisclirc");
  if (existsSync(rc)) {
    for (const line of readFileSync(rc, "utf8").split("\n")) {
      if (/^:set\s+nohints\s*$/.test(line)) hints = false;
      if (/^:set\s+hints\s*$/.test(line)) hints = true;
    }
  }

  await s.connect();
  await loadDocs();

  const helpFor = (h: { name: string; synopsis: string; summary: string; since: string; group: string }): string => {
    const b = (t: string) => (colors ? `\x1b[1m${t}\x1b[0m` : t);
    const g = (t: string) => (colors ? `\x1b[90m${t}\x1b[0m` : t);
    const y = (t: string) => (colors ? `\x1b[33m${t}\x1b[0m` : t);
    let t = `\n  ${b(h.name)} ${g(h.synopsis)}\n`;
    if (h.summary !== "") t += `  ${y("summary:")} ${h.summary}\n`;
    if (h.since !== "") t += `  ${y("since:")} ${h.since}\n`;
    if (h.group !== "") t += `  ${y("group:")} ${h.group}\n`;
    return t;
  };

  const help = (args: readonly string[]) => {
    if (args.length === 1) {
      outText(generalHelp());
      return;
    }
    const topic = args.slice(1).join(" ");
    if (topic.startsWith("@")) {
      for (const h of table.inGroup(topic.slice(1).toLowerCase())) outText(helpFor(h));
      outText("\n");
      return;
    }
    const h = table.get(topic);
    if (h !== undefined) outText(helpFor(h));
    // A container: its subcommands too.
    const subs = table.subcommands(topic);
    for (const sub of subs) outText(helpFor(table.get(`${topic} ${sub}`)!));
    if (h !== undefined || subs.length > 0) outText("\n");
  };

  const completions = (line: string): string[] => {
    const m = /^(\s*)(\S*)$/.exec(line);
    const lower = (src: string, w: string) => (/^[a-z]/.test(src) ? w.toLowerCase() : w);
    if (m !== null) {
      const word = m[2]!.toUpperCase();
      const names = [...table.names(), "HELP", "QUIT", "EXIT", "CLEAR", "CONNECT"];
      return [...new Set(names)].filter((n) => n.startsWith(word) && word !== "").map((n) => m[1]! + lower(m[2]!, n));
    }
    const two = /^(\s*\S+\s+)(\S*)$/.exec(line);
    if (two === null) return [];
    const first = two[1]!.trim().toUpperCase();
    const word = two[2]!;
    if (first === "HELP") {
      const topics = [...table.groups().map((g) => `@${g}`), ...table.names()];
      return topics.filter((t) => t.toUpperCase().startsWith(word.toUpperCase())).map((t) => two[1]! + (t.startsWith("@") ? t : lower(word || two[1]!.trim(), t)));
    }
    return table
      .subcommands(first)
      .filter((sub) => sub.startsWith(word.toUpperCase()))
      .map((sub) => two[1]! + lower(word || two[1]!.trim(), sub));
  };

  const hint = (line: string): string | null => {
    if (!hints) return null;
    const words = splitLine(line);
    if (words === null || words.length === 0) return null;
    return hintFor(table, words, /\s$/.test(line));
  };

  // History
  const histFile = tty ? historyPath(process.env) : null;
  let interrupt: (() => void) | null = null;
  const editor = tty
    ? new LineEditor(
        { input: process.stdin, output: process.stdout },
        {
          complete: completions,
          hint,
          onInterrupt: () => interrupt?.(),
        },
      )
    : null;
  if (editor !== null && histFile !== null && existsSync(histFile)) {
    try {
      const lines = readFileSync(histFile, "utf8").split("\n").filter((l) => l !== "");
      editor.setHistory(lines.slice(-HISTORY_MAX));
      if (lines.length > HISTORY_MAX) writeFileSync(histFile, `${lines.slice(-HISTORY_MAX).join("\n")}\n`);
    } catch {
      // An unreadable history file only means no history.
    }
  }
  if (editor !== null) editor.hints = hints;
  const lines = editor === null ? stdinLines() : null;
  const nextLine = async (): Promise<string | null> => {
    if (editor !== null) {
      const l = await editor.readLine(s.prompt());
      // Typed text is UTF-8; commands travel as bytes.
      return l === null ? null : Buffer.from(l, "utf8").toString("latin1");
    }
    const r = await lines!.next();
    return r.done === true ? null : r.value;
  };

  for (;;) {
    const line = await nextLine();
    if (line === null) break;
    if (line.trim() === "") continue;
    const args0 = splitLine(line);
    if (editor !== null && histFile !== null && (args0 === null || !sensitive(args0))) {
      const text = Buffer.from(line, "latin1").toString("utf8");
      editor.addHistory(text);
      try {
        appendFileSync(histFile, `${text}\n`, { mode: 0o600 });
      } catch {
        // No writable history file: keep the history in memory only.
      }
    } else if (editor !== null) {
      editor.addHistory(Buffer.from(line, "latin1").toString("utf8"));
    }
    if (args0 === null) {
      out("Invalid argument(s)\n");
      continue;
    }
    let args = args0;
    const name = args[0]!.toLowerCase();
    if (name === "quit" || name === "exit") break;
    if (name === "clear") {
      if (editor !== null) editor.clearScreen();
      else out("\x1b[H\x1b[2J");
      continue;
    }
    if (name === "help" || name === "?") {
      help(args);
      continue;
    }
    if (name === ":set" && args.length === 2) {
      hints = args[1]!.toLowerCase() === "hints";
      if (editor !== null) editor.hints = hints;
      continue;
    }
    if (name === "connect") {
      if (args.length < 2) {
        out("(error) ERR wrong number of arguments for 'connect' command\n");
        continue;
      }
      s.retarget({ host: args[1]!, port: args.length >= 3 ? Number(args[2]) : 6379 });
      await s.connect(true);
      docsLoaded = false;
      await loadDocs();
      continue;
    }
    // A leading number repeats the command: `5 INCR counter`.
    let times = 1;
    if (/^\d+$/.test(args[0]!) && args.length > 1) {
      times = Number(args[0]);
      args = args.slice(1);
    }
    for (let n = 0; n < times; n++) {
      if (!s.connected && !(await s.connect())) break;
      const stop = new Promise<void>((resolve) => {
        interrupt = resolve;
      });
      const r = await runCommand(s, args, p, stop);
      interrupt = null;
      if (r === "interrupted") {
        // The old connection was left in subscribe/monitor state; start a fresh one.
        await s.connect();
        break;
      }
      if (r === "disconnected") break;
    }
    if (!docsLoaded) await loadDocs();
  }
  editor?.stop();
  s.close();
  return 0;
}
