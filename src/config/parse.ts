/**
 * redis.conf-style configuration text and redis-server-style command lines.
 *
 * A file holds one directive per line: a name and its arguments, split like Redis's
 * sdssplitargs (double quotes with \n \r \t \b \a \\ \" \xHH escapes, single quotes with \'),
 * `#` comments, `include <file-or-glob>`. Command-line `--name value ...` options become lines
 * appended after the file, so they override it, and error messages quote them the way
 * redis-server does (`>>> 'hz "abc"'`). Errors are ConfigFileError with Redis's FATAL text.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Config } from "./config.ts";
import { DEPRECATED_DIRECTIVES, P_MULTI_ARG, type LoadState } from "./table.ts";
import { REDIS_VERSION } from "../util/version.ts";

/** A configuration error at start-up, printed as Redis's "FATAL CONFIG FILE ERROR" block. */
export class ConfigFileError extends Error {
  constructor(
    readonly line: number,
    readonly lineText: string,
    readonly reason: string,
  ) {
    super(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nReading the configuration file, at line ${line}\n>>> '${lineText}'\n${reason}\n`);
  }
}

/** A file that cannot be read (Redis: "Fatal error, can't open config file ..."). */
export class ConfigOpenError extends Error {}

/** Directives that are not parameters, kept for the subsystems that use them. */
export interface ConfigExtras {
  /** `user ...` lines (ACL), arguments after the directive name. */
  users: string[][];
  /** `rename-command old new` pairs. */
  renames: [string, string][];
}

/**
 * Split one line into arguments like Redis's sdssplitargs. Returns null on unbalanced quotes
 * or a closing quote not followed by a space.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string | undefined) => c === " " || c === "\n" || c === "\r" || c === "\t" || c === "\v" || c === "\f";
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = "";
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === "\\" && line[i + 1] === "x" && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < n) {
          i++;
          const e = line[i]!;
          cur += e === "n" ? "\n" : e === "r" ? "\r" : e === "t" ? "\t" : e === "b" ? "\b" : e === "a" ? "\x07" : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else cur += c;
      } else if (insq) {
        if (c === undefined) return null;
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        } else cur += c;
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /[0-9a-fA-F]/.test(c);
}

/** Redis's sdscatrepr: a double-quoted form that splitArgs reads back to the same string. */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (c < 32 || c === 127) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/** What a redis-server-style command line asks for. */
export interface CommandLine {
  configFile: string | null;
  /** Read configuration from standard input (`-` as first or last argument). */
  stdin: boolean;
  /** The `--name value` options as configuration text (one directive per line). */
  options: string;
  version: boolean;
  help: boolean;
}

/**
 * Parse `kedis [configfile] [--name value ...]` the way redis-server 7.0 does: the first
 * argument is a config file unless it starts with `-`; `--name` starts a directive and the
 * following words are its (quoted) arguments; `--save` followed by another option means
 * `save ""`.
 */
export function parseCommandLine(args: readonly string[]): CommandLine {
  const res: CommandLine = { configFile: null, stdin: false, options: "", version: false, help: false };
  if (args.length === 0) return res;
  const first = args[0]!;
  if (first === "-v" || first === "--version") return { ...res, version: true };
  if (first === "-h" || first === "--help") return { ...res, help: true };
  let j = 0;
  if (first === "-") {
    res.stdin = true;
    j = 1;
  } else if (first[0] !== "-") {
    res.configFile = first;
    j = 1;
  }
  let opts = "";
  let handledLast = true;
  for (; j < args.length; j++) {
    const a = args[j]!;
    if (j === args.length - 1 && a === "-" && j > 0) {
      res.stdin = true;
      continue;
    }
    if (a.startsWith("--") && handledLast) {
      if (opts.length > 0) opts += "\n";
      opts += a.slice(2) + " ";
      const parts = splitArgs(a) ?? [];
      if (parts.length === 1) {
        handledLast = false;
        const next = args[j + 1];
        if (a.toLowerCase() === "--save" && (next === undefined || next.startsWith("--"))) {
          opts += '""';
          handledLast = true;
        }
      } else handledLast = true;
    } else {
      opts += quoteArg(a) + " ";
      handledLast = true;
    }
  }
  res.options = opts;
  return res;
}

/**
 * Load configuration text into `config` (includes are followed, at most 16 deep).
 * Throws ConfigFileError (Redis's text) on the first bad line.
 */
export function loadConfigText(config: Config, text: string, extras: ConfigExtras, state: LoadState = { seen: new Set() }, depth = 0): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    if (line === "" || line[0] === "#") continue;
    const argv = splitArgs(line);
    const fail = (msg: string): never => {
      throw new ConfigFileError(i + 1, line, msg);
    };
    if (argv === null) fail("Unbalanced quotes in configuration line");
    if (argv!.length === 0) continue;
    const args = argv!;
    const name = args[0]!.toLowerCase();
    if (name === "include" && args.length === 2) {
      if (depth > 16) fail("Too many nested includes");
      // Relative includes resolve against the working directory, as in Redis.
      for (const file of expandInclude(args[1]!, process.cwd())) {
        let content: string;
        try {
          content = readFileSync(file, "latin1");
        } catch (e) {
          throw new ConfigOpenError(`Fatal error, can't open config file '${file}': ${errnoText(e)}`);
        }
        loadConfigText(config, content, extras, state, depth + 1);
      }
      continue;
    }
    if (name === "rename-command" && args.length === 3) {
      extras.renames.push([args[1]!, args[2]!]);
      continue;
    }
    if (name === "user" && args.length >= 2) {
      extras.users.push(args.slice(1));
      continue;
    }
    if (DEPRECATED_DIRECTIVES.has(name)) continue;
    const def = config.def(name);
    if (def === undefined) fail("Bad directive or wrong number of arguments");
    const multi = (def!.flags & P_MULTI_ARG) !== 0;
    if (!multi && args.length !== 2) fail("wrong number of arguments");
    const value = multi ? args.slice(1).join(" ") : args[1]!;
    const err = config.set(name, value, state);
    if (err !== null) fail(err);
  }
}

/** Files an `include` names: a path, or a glob on its last component (sorted, as Redis does). */
function expandInclude(pattern: string, baseDir: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!/[*?[]/.test(abs)) return [abs];
  const dir = dirname(abs);
  const glob = new Bun.Glob(abs.slice(dir.length + 1));
  return [...glob.scanSync({ cwd: dir, onlyFiles: true })].sort().map((f) => resolve(dir, f));
}

/** strerror-like text for a Node fs error. */
export function errnoText(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "EACCES") return "Permission denied";
  if (code === "EISDIR") return "Is a directory";
  if (code === "ENOTDIR") return "Not a directory";
  return e instanceof Error ? e.message : String(e);
}

/**
 * Read the configuration a command line names: the file (if any), standard input (if asked),
 * then the options, joined as redis-server joins them (so line numbers in errors match).
 */
export function loadStartupConfig(config: Config, cl: CommandLine, stdinText = ""): ConfigExtras {
  const extras: ConfigExtras = { users: [], renames: [] };
  let text = "";
  if (cl.configFile !== null) {
    const file = resolve(cl.configFile);
    try {
      text = readFileSync(file, "latin1");
    } catch (e) {
      throw new ConfigOpenError(`Fatal error, can't open config file '${file}': ${errnoText(e)}`);
    }
  }
  if (cl.stdin) text += stdinText;
  if (cl.options !== "") text += "\n" + cl.options;
  loadConfigText(config, text, extras, { seen: new Set() });
  return extras;
}
