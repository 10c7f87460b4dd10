#!/usr/bin/env bun
/**
 * kedis-cli: a command-line client for Kedis (and Redis), used like redis-cli.
 *
 *   kedis-cli [options] [command [arg ...]]
 *
 * With a command it runs it (-r times, -i apart) and prints the reply; without one it starts the
 * interactive REPL; --pipe, --scan, --stat, --latency, --bigkeys and --memkeys select the special
 * modes. Options and output follow redis-cli 7.0 (see options.ts and format.ts).
 */
import { readFileSync } from "node:fs";
import { err, exit, out, sleep } from "./io.ts";
import { bigKeysMode } from "./modes/bigkeys.ts";
import { latencyMode } from "./modes/latency.ts";
import { pipeMode } from "./modes/pipe.ts";
import { scanMode } from "./modes/scan.ts";
import { statMode } from "./modes/stat.ts";
import { parseArgs, unquoteArg, type CliOptions } from "./options.ts";
import { latin1 } from "./reply.ts";
import { repl } from "./repl.ts";
import { runCommand, type PrintOptions } from "./run-command.ts";
import { Session } from "./session.ts";

const AUTH_WARNING = "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n";

/** All of stdin, as a binary string. */
async function readStdin(): Promise<string> {
  return latin1(new Uint8Array(await Bun.stdin.arrayBuffer()));
}

/** Ask for the password on the terminal, echoing `*` (--askpass). */
async function askPassword(): Promise<string> {
  process.stdout.write("Please input password: ");
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const text = await readStdin();
    process.stdout.write("\n");
    return text.split("\n")[0] ?? "";
  }
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let pass = "";
    const onData = (d: Buffer) => {
      for (const ch of d.toString("latin1")) {
        if (ch === "\r" || ch === "\n") {
          stdin.off("data", onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stdout.write("\n");
          resolve(pass);
          return;
        }
        if (ch === "\x03") process.exit(1);
        if (ch === "\x7f" || ch === "\b") {
          if (pass.length > 0) {
            pass = pass.slice(0, -1);
            process.stdout.write("\b \b");
          }
          continue;
        }
        pass += ch;
        process.stdout.write("*");
      }
    };
    stdin.on("data", onData);
  });
}

export function printOptions(o: CliOptions): PrintOptions {
  return { output: o.output, delims: { element: o.elementDelim, reply: o.replyDelim }, errorsToStderr: o.exitOnError };
}

/** One-shot mode: run the command line's command (-r times, -i apart). */
async function commandMode(o: CliOptions): Promise<number> {
  let args = o.command;
  if (o.quotedInput) {
    const unq: string[] = [];
    for (const a of args) {
      const u = unquoteArg(a);
      if (u === null) {
        err("Invalid quoted string specified for --quoted-input.\n");
        return 1;
      }
      unq.push(u);
    }
    args = unq;
  }
  if (o.stdinLast || o.stdinTag !== null) {
    const input = await readStdin();
    if (o.stdinTag !== null) {
      const at = args.indexOf(o.stdinTag);
      if (at < 0) {
        err(`Cannot find the tag ${o.stdinTag} in the arguments.\n`);
        return 1;
      }
      args = args.map((a, i) => (i === at ? input : a));
    } else {
      args = [...args, input];
    }
  }
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const p = printOptions(o);
  let status = 0;
  for (let n = 0; o.repeat < 0 || n < o.repeat; n++) {
    if (n > 0 && o.intervalMs > 0) await sleep(o.intervalMs);
    if (!s.connected && !(await s.connect())) return 1;
    const r = await runCommand(s, args, p);
    if (r === "disconnected") {
      const name = (args[0] ?? "").toLowerCase();
      return name === "shutdown" || name === "quit" ? 0 : 1;
    }
    if (r === "error-reply" && o.exitOnError) status = 1;
  }
  s.close();
  return status;
}

/** --eval file [key ...] [, arg ...]: EVAL the script with the keys and arguments given. */
async function evalMode(o: CliOptions): Promise<number> {
  let script: string;
  try {
    script = latin1(readFileSync(o.evalFile!));
  } catch (e) {
    err(`Can't open file '${o.evalFile}': ${(e as Error).message}\n`);
    return 1;
  }
  const comma = o.command.indexOf(",");
  const keys = comma < 0 ? o.command : o.command.slice(0, comma);
  const argv = comma < 0 ? [] : o.command.slice(comma + 1);
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const r = await runCommand(s, ["EVAL", script, String(keys.length), ...keys, ...argv], printOptions(o));
  s.close();
  return r === "error-reply" && o.exitOnError ? 1 : r === "disconnected" ? 1 : 0;
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  if ("exit" in parsed) {
    if (parsed.stdout !== undefined) out(parsed.stdout);
    if (parsed.stderr !== undefined) err(parsed.stderr);
    return parsed.exit;
  }
  const o = parsed.options;
  if (o.askpass) o.pass = Buffer.from(await askPassword(), "utf8").toString("latin1");
  if (o.passOnCommandLine && !o.noAuthWarning) err(AUTH_WARNING);
  switch (o.mode) {
    case "command":
      return commandMode(o);
    case "eval":
      return evalMode(o);
    case "repl":
      return repl(o);
    case "pipe":
      return pipeMode(o);
    case "scan":
      return scanMode(o);
    case "stat":
      return statMode(o);
    case "latency":
    case "latency-history":
      return latencyMode(o);
    case "bigkeys":
    case "memkeys":
      return bigKeysMode(o);
  }
}

main().then(
  (code) => exit(code),
  async (e: unknown) => {
    err(`kedis-cli: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    await exit(1);
  },
);
