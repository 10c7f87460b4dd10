/**
 * kedis-cli's command line, parsed the way redis-cli parses its own: options come first, and the
 * first argument that is not an option starts the command (so `kedis-cli SET k -1` works); an
 * unknown option, or one whose value is missing, is refused with redis-cli's message. One table
 * describes every option: it drives the option scan, yargs (which types and collects the values)
 * and the --help text.
 */
import yargs from "yargs";
import { KEDIS_VERSION } from "../util/version.ts";
import { splitArgs } from "../protocol/resp/reader.ts";
import type { OutputMode } from "./format.ts";
import { latin1 } from "./reply.ts";

/** What kedis-cli was asked to do. */
export type CliMode = "command" | "repl" | "pipe" | "stat" | "latency" | "latency-history" | "scan" | "bigkeys" | "memkeys" | "eval";

/** Parsed options. Strings that travel to the server are binary strings (one char per byte). */
export interface CliOptions {
  host: string;
  port: number;
  socket: string | null;
  user: string | null;
  pass: string | null;
  askpass: boolean;
  /** The password came from -a/--pass/-u (the command line), which deserves a warning. */
  passOnCommandLine: boolean;
  noAuthWarning: boolean;
  db: number;
  /** -r: times to run the command; -1 forever. */
  repeat: number;
  /** -i in milliseconds. */
  intervalMs: number;
  /** -i was given (--latency-history and --stat use their own default otherwise). */
  intervalGiven: boolean;
  stdinLast: boolean;
  stdinTag: string | null;
  exitOnError: boolean;
  resp: 2 | 3;
  output: OutputMode;
  elementDelim: string;
  replyDelim: string;
  quotedInput: boolean;
  showPushes: boolean;
  mode: CliMode;
  pattern: string;
  count: number | null;
  type: string | null;
  memkeysSamples: number;
  pipeTimeoutMs: number;
  evalFile: string | null;
  verbose: boolean;
  /** The command and its arguments (binary strings). */
  command: string[];
}

/** What the command line asks for when it is not a normal run. */
export type ParseResult = { options: CliOptions } | { exit: number; stdout?: string; stderr?: string };

interface OptionDef {
  /** Flags as typed: "-h", "--raw". */
  flags: readonly string[];
  /** Value placeholder, for options that take one. */
  arg?: string;
  type: "string" | "number" | "boolean";
  /** Help text lines. */
  help: readonly string[];
  /** Refused with this reason (features kedis-cli does not have). */
  unsupported?: string;
}

const NO_TLS = "Kedis has no TLS";

/** Every option, in --help order. */
const OPTIONS: readonly OptionDef[] = [
  { flags: ["-h"], arg: "<hostname>", type: "string", help: ["Server hostname (default: 127.0.0.1)."] },
  { flags: ["-p"], arg: "<port>", type: "number", help: ["Server port (default: 6379)."] },
  { flags: ["-s"], arg: "<socket>", type: "string", help: ["Server socket (overrides hostname and port)."] },
  {
    flags: ["-a"],
    arg: "<password>",
    type: "string",
    help: [
      "Password to use when connecting to the server.",
      "You can also use the KEDISCLI_AUTH (or REDISCLI_AUTH)",
      "environment variable to pass this password more safely",
      "(if both are used, this argument takes precedence).",
    ],
  },
  { flags: ["--user"], arg: "<username>", type: "string", help: ["Used to send ACL style 'AUTH username pass'. Needs -a."] },
  { flags: ["--pass"], arg: "<password>", type: "string", help: ["Alias of -a for consistency with the new --user option."] },
  { flags: ["--askpass"], type: "boolean", help: ["Force user to input password with mask from STDIN.", "If this argument is used, '-a' and KEDISCLI_AUTH", "environment variable will be ignored."] },
  { flags: ["-u"], arg: "<uri>", type: "string", help: ["Server URI: redis://[user[:password]@]host[:port][/db]."] },
  { flags: ["-r"], arg: "<repeat>", type: "number", help: ["Execute specified command N times (-1: forever)."] },
  {
    flags: ["-i"],
    arg: "<interval>",
    type: "number",
    help: ["When -r is used, waits <interval> seconds per command.", "It is possible to specify sub-second times like -i 0.1.", "This interval is also used in --scan, --stat and --latency-history."],
  },
  { flags: ["-n"], arg: "<db>", type: "number", help: ["Database number."] },
  { flags: ["-2"], type: "boolean", help: ["Start session in RESP2 protocol mode."] },
  { flags: ["-3"], type: "boolean", help: ["Start session in RESP3 protocol mode."] },
  { flags: ["-x"], type: "boolean", help: ["Read last argument from STDIN (see example below)."] },
  { flags: ["-X"], arg: "<tag>", type: "string", help: ["Read <tag> argument from STDIN (see example below)."] },
  { flags: ["-d"], arg: "<delimiter>", type: "string", help: ["Delimiter between response bulks for raw formatting (default: \\n)."] },
  { flags: ["-D"], arg: "<delimiter>", type: "string", help: ["Delimiter between responses for raw formatting (default: \\n)."] },
  { flags: ["-c"], type: "boolean", help: ["Enable cluster mode (not supported: Kedis has no cluster)."], unsupported: "Kedis has no cluster mode" },
  { flags: ["-e"], type: "boolean", help: ["Return exit error code when command execution fails."] },
  { flags: ["--tls"], type: "boolean", help: ["Not supported: Kedis has no TLS."], unsupported: NO_TLS },
  { flags: ["--raw"], type: "boolean", help: ["Use raw formatting for replies (default when STDOUT is", "not a tty)."] },
  { flags: ["--no-raw"], type: "boolean", help: ["Force formatted output even when STDOUT is not a tty."] },
  { flags: ["--quoted-input"], type: "boolean", help: ["Force input to be handled as quoted strings."] },
  { flags: ["--csv"], type: "boolean", help: ["Output in CSV format."] },
  { flags: ["--json"], type: "boolean", help: ["Output in JSON format (default RESP3, use -2 if you want to use with RESP2)."] },
  { flags: ["--quoted-json"], type: "boolean", help: ["Same as --json, but produce ASCII-safe quoted strings, not Unicode."] },
  { flags: ["--show-pushes"], arg: "<yn>", type: "string", help: ["Whether to print RESP3 PUSH messages.  Enabled by default when", "STDOUT is a tty but can be overridden with --show-pushes no."] },
  { flags: ["--stat"], type: "boolean", help: ["Print rolling stats about server: mem, clients, ..."] },
  {
    flags: ["--latency"],
    type: "boolean",
    help: [
      "Enter a special mode continuously sampling latency.",
      "If you use this mode in an interactive session it runs",
      "forever displaying real-time stats. Otherwise if --raw or",
      "--csv is specified, or if you redirect the output to a non",
      "TTY, it samples the latency for 1 second (you can use",
      "-i to change the interval), then produces a single output",
      "and exits.",
    ],
  },
  { flags: ["--latency-history"], type: "boolean", help: ["Like --latency but tracking latency changes over time.", "Default time interval is 15 sec. Change it using -i."] },
  { flags: ["--pipe"], type: "boolean", help: ["Transfer raw Redis protocol from stdin to server."] },
  { flags: ["--pipe-timeout"], arg: "<n>", type: "number", help: ["In --pipe mode, abort with error if after sending all data.", "no reply is received within <n> seconds.", "Default timeout: 30. Use 0 to wait forever."] },
  { flags: ["--bigkeys"], type: "boolean", help: ["Sample keys looking for keys with many elements (complexity)."] },
  { flags: ["--memkeys"], type: "boolean", help: ["Sample keys looking for keys consuming a lot of memory."] },
  { flags: ["--memkeys-samples"], arg: "<n>", type: "number", help: ["Sample keys looking for keys consuming a lot of memory.", "And define number of key elements to sample"] },
  { flags: ["--scan"], type: "boolean", help: ["List all keys using the SCAN command."] },
  { flags: ["--pattern"], arg: "<pat>", type: "string", help: ["Keys pattern when using the --scan, --bigkeys or --memkeys", "options (default: *)."] },
  { flags: ["--quoted-pattern"], arg: "<pat>", type: "string", help: ["Same as --pattern, but the specified string can be", "quoted, in order to pass an otherwise non binary-safe string."] },
  { flags: ["--count"], arg: "<count>", type: "number", help: ["Count option when using the --scan, --bigkeys or --memkeys (default: 10)."] },
  { flags: ["--type"], arg: "<type>", type: "string", help: ["Type option when using --scan (string, list, hash, ...)."] },
  { flags: ["--eval"], arg: "<file>", type: "string", help: ["Send an EVAL command using the Lua script at <file>."] },
  { flags: ["--verbose"], type: "boolean", help: ["Verbose mode."] },
  { flags: ["--no-auth-warning"], type: "boolean", help: ["Don't show warning message when using password on command", "line interface."] },
  { flags: ["--help"], type: "boolean", help: ["Output this help and exit."] },
  { flags: ["--version", "-v"], type: "boolean", help: ["Output version and exit."] },
];

/** Options of redis-cli that kedis-cli refuses by name (rather than as unknown). */
const REFUSED: Record<string, string> = {
  "--sni": NO_TLS,
  "--cacert": NO_TLS,
  "--cacertdir": NO_TLS,
  "--insecure": NO_TLS,
  "--cert": NO_TLS,
  "--key": NO_TLS,
  "--tls-ciphers": NO_TLS,
  "--tls-ciphersuites": NO_TLS,
  "--cluster": "Kedis has no cluster mode",
  "--replica": "not implemented in kedis-cli",
  "--rdb": "not implemented in kedis-cli",
  "--functions-rdb": "not implemented in kedis-cli",
  "--lru-test": "not implemented in kedis-cli",
  "--hotkeys": "not implemented in kedis-cli",
  "--intrinsic-latency": "not implemented in kedis-cli",
  "--latency-dist": "not implemented in kedis-cli",
  "--ldb": "not implemented in kedis-cli",
  "--ldb-sync-mode": "not implemented in kedis-cli",
};

const byFlag = new Map<string, OptionDef>();
for (const o of OPTIONS) for (const f of o.flags) byFlag.set(f, o);

/** yargs's key for a flag ("-h" → "h", "--no-raw" → "no-raw"). */
function key(flag: string): string {
  return flag.replace(/^-+/, "");
}

/** The --help text. */
export function usage(): string {
  const lines = [`kedis-cli ${KEDIS_VERSION}`, "", "Usage: kedis-cli [OPTIONS] [cmd [arg [arg ...]]]"];
  for (const o of OPTIONS) {
    const head = `  ${o.flags[0]}${o.arg !== undefined ? ` ${o.arg}` : ""}`;
    const [first, ...rest] = o.help;
    lines.push(head.length < 21 ? `${head.padEnd(21)}${first}` : `${head} ${first}`);
    for (const l of rest) lines.push(`${" ".repeat(21)}${l}`);
  }
  lines.push(
    "",
    "Examples:",
    "  cat /etc/passwd | kedis-cli -x set mypasswd",
    "  kedis-cli -D \"\" --raw dump key > key.dump && kedis-cli -X dump_tag restore key2 0 dump_tag replace < key.dump",
    "  kedis-cli -r 100 lpush mylist x",
    "  kedis-cli -r 100 -i 1 info | grep used_memory_human:",
    "  kedis-cli --quoted-input set '\"null-\\x00-separated\"' value",
    "  kedis-cli --eval myscript.lua key1 key2 , arg1 arg2 arg3",
    "  kedis-cli --scan --pattern '*:12345*'",
    "  kedis-cli -u redis://default:secret@127.0.0.1:6379/2 ping",
    "",
    "  (Note: when using --eval the comma separates KEYS[] from ARGV[] items)",
    "",
    "When no command is given, kedis-cli starts in interactive mode.",
    'Type "help" in interactive mode for information on available commands',
    "and settings.",
    "",
  );
  return lines.join("\n");
}

/** A UTF-8 string from the command line as a binary string (its bytes). */
export function argBytes(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

interface UriParts {
  host: string;
  port: number | null;
  user: string | null;
  pass: string | null;
  db: number | null;
}

/** redis://[[user][:password]@]host[:port][/db]. Returns an error text for a bad URI. */
export function parseUri(uri: string): UriParts | string {
  if (uri.startsWith("rediss://")) return "rediss:// URIs need TLS, which Kedis does not have: use redis://";
  if (!uri.startsWith("redis://")) return "Invalid URI scheme";
  let rest = uri.slice("redis://".length);
  const out: UriParts = { host: "127.0.0.1", port: null, user: null, pass: null, db: null };
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(":");
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    const pass = colon >= 0 ? userinfo.slice(colon + 1) : null;
    // A URI with only a user name (no colon) carries the password there, as redis-cli reads it.
    if (pass === null) out.pass = decodeURIComponent(user);
    else {
      if (user !== "") out.user = decodeURIComponent(user);
      out.pass = decodeURIComponent(pass);
    }
  }
  const slash = rest.indexOf("/");
  let hostport = rest;
  if (slash >= 0) {
    hostport = rest.slice(0, slash);
    const path = rest.slice(slash + 1);
    if (path !== "") {
      if (!/^\d+$/.test(path)) return `Invalid database number in URI: ${path}`;
      out.db = Number(path);
    }
  }
  let host = hostport;
  if (hostport.startsWith("[")) {
    const close = hostport.indexOf("]");
    host = hostport.slice(1, close);
    const p = hostport.slice(close + 1);
    if (p.startsWith(":")) out.port = Number(p.slice(1));
  } else {
    const colon = hostport.lastIndexOf(":");
    if (colon >= 0) {
      host = hostport.slice(0, colon);
      out.port = Number(hostport.slice(colon + 1));
    }
  }
  if (host !== "") out.host = host;
  return out;
}

/** Parse kedis-cli's arguments (process.argv without the runtime and script). */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>, stdoutIsTTY: boolean): ParseResult {
  // 1. Scan options like redis-cli: stop at the first argument that is not one.
  const optionArgs: string[] = [];
  const seenAt = new Map<string, number>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-") break;
    const def = byFlag.get(a);
    const refused = REFUSED[a];
    if (refused !== undefined) return { exit: 1, stderr: `kedis-cli: ${a} is not supported: ${refused}\n` };
    if (def === undefined || (def.arg !== undefined && i + 1 >= argv.length)) {
      return { exit: 1, stderr: `Unrecognized option or bad number of args for: '${a}'\n` };
    }
    if (def.unsupported !== undefined) return { exit: 1, stderr: `kedis-cli: ${a} is not supported: ${def.unsupported}\n` };
    seenAt.set(key(def.flags[0]!), i);
    // yargs reads "--x=y" and "-p7" too; give it the plain "--key value" form.
    optionArgs.push(`--${key(def.flags[0]!)}`);
    if (def.arg !== undefined) optionArgs.push(argv[++i]!);
  }
  const command = argv.slice(i).map(argBytes);

  // 2. Let yargs type the values.
  let failure: string | null = null;
  let y = yargs(optionArgs)
    .help(false)
    .version(false)
    .exitProcess(false)
    .parserConfiguration({
      "halt-at-non-option": true,
      "short-option-groups": false,
      "camel-case-expansion": false,
      "boolean-negation": false,
      "dot-notation": false,
      "duplicate-arguments-array": false,
      "parse-positional-numbers": false,
    })
    .strict()
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? "bad arguments";
    });
  for (const o of OPTIONS) y = y.option(key(o.flags[0]!), { type: o.type, requiresArg: o.arg !== undefined });
  const v = y.parseSync();
  if (failure !== null) return { exit: 1, stderr: `kedis-cli: ${failure as string}\n` };
  const str = (k: string): string | undefined => (typeof v[k] === "string" ? (v[k] as string) : typeof v[k] === "number" ? String(v[k]) : undefined);
  const num = (k: string): number | undefined => {
    const s = str(k);
    if (s === undefined) return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : 0;
  };
  const flag = (k: string): boolean => v[k] === true;

  if (flag("help")) return { exit: 0, stdout: usage() };
  if (flag("version")) return { exit: 0, stdout: `kedis-cli ${KEDIS_VERSION}\n` };

  const o: CliOptions = {
    host: "127.0.0.1",
    port: 6379,
    socket: null,
    user: null,
    pass: null,
    askpass: flag("askpass"),
    passOnCommandLine: false,
    noAuthWarning: flag("no-auth-warning"),
    db: 0,
    repeat: 1,
    intervalMs: 0,
    intervalGiven: false,
    stdinLast: flag("x"),
    stdinTag: null,
    exitOnError: flag("e"),
    resp: 2,
    output: stdoutIsTTY ? "tty" : "raw",
    elementDelim: "\n",
    replyDelim: "\n",
    quotedInput: flag("quoted-input"),
    showPushes: stdoutIsTTY,
    mode: "command",
    pattern: "*",
    count: null,
    type: null,
    memkeysSamples: 0,
    pipeTimeoutMs: 30_000,
    evalFile: null,
    verbose: flag("verbose"),
    command,
  };

  // -u first, then the explicit options given after it win (redis-cli applies them in order).
  const uriAt = seenAt.get("u") ?? -1;
  const after = (k: string) => (seenAt.get(k) ?? -1) > uriAt;
  const uri = str("u");
  let uriPass: string | null = null;
  if (uri !== undefined) {
    const parts = parseUri(uri);
    if (typeof parts === "string") return { exit: 1, stderr: `${parts}\n` };
    o.host = parts.host;
    if (parts.port !== null) o.port = parts.port;
    if (parts.db !== null) o.db = parts.db;
    if (parts.user !== null) o.user = argBytes(parts.user);
    uriPass = parts.pass;
  }
  if (str("h") !== undefined && (uri === undefined || after("h"))) o.host = str("h")!;
  if (num("p") !== undefined && (uri === undefined || after("p"))) o.port = num("p")!;
  if (num("n") !== undefined && (uri === undefined || after("n"))) o.db = Math.trunc(num("n")!);
  if (str("s") !== undefined) o.socket = str("s")!;
  if (str("user") !== undefined) o.user = argBytes(str("user")!);
  const cliPass = str("pass") ?? str("a");
  if (cliPass !== undefined && (uriPass === null || after("a") || after("pass"))) o.pass = argBytes(cliPass);
  else if (uriPass !== null) o.pass = argBytes(uriPass);
  o.passOnCommandLine = o.pass !== null;
  if (o.pass === null) {
    const envPass = env.KEDISCLI_AUTH ?? env.REDISCLI_AUTH;
    if (envPass !== undefined) o.pass = argBytes(envPass);
  }
  if (o.askpass) {
    o.pass = null;
    o.passOnCommandLine = false;
  }

  if (num("r") !== undefined) o.repeat = Math.trunc(num("r")!);
  if (num("i") !== undefined) {
    o.intervalMs = Math.max(0, num("i")! * 1000);
    o.intervalGiven = true;
  }
  if (str("X") !== undefined) o.stdinTag = argBytes(str("X")!);
  if (str("d") !== undefined) o.elementDelim = unescapeDelimiter(str("d")!);
  if (str("D") !== undefined) o.replyDelim = unescapeDelimiter(str("D")!);

  if (flag("2")) o.resp = 2;
  if (flag("3")) o.resp = 3;
  if (flag("raw")) o.output = "raw";
  if (flag("no-raw")) o.output = "tty";
  if (flag("csv")) o.output = "csv";
  if (flag("json") || flag("quoted-json")) {
    o.output = flag("quoted-json") ? "quoted-json" : "json";
    // Like redis-cli: JSON output speaks RESP3 (maps become objects) unless -2 says otherwise.
    if (!flag("2")) o.resp = 3;
  }
  const pushes = str("show-pushes");
  if (pushes !== undefined) o.showPushes = /^(y|yes|1|true)$/i.test(pushes);

  const pat = str("quoted-pattern") ?? str("pattern");
  if (str("quoted-pattern") !== undefined) {
    const unq = unquoteArg(argBytes(pat!));
    if (unq === null) return { exit: 1, stderr: `Invalid quoted string specified for --quoted-pattern.\n` };
    o.pattern = unq;
  } else if (pat !== undefined) o.pattern = argBytes(pat);
  if (num("count") !== undefined) o.count = Math.max(1, Math.trunc(num("count")!));
  if (str("type") !== undefined) o.type = str("type")!;
  if (num("memkeys-samples") !== undefined) o.memkeysSamples = Math.max(0, Math.trunc(num("memkeys-samples")!));
  if (num("pipe-timeout") !== undefined) o.pipeTimeoutMs = Math.max(0, num("pipe-timeout")! * 1000);
  if (str("eval") !== undefined) o.evalFile = str("eval")!;

  if (flag("pipe")) o.mode = "pipe";
  else if (flag("stat")) o.mode = "stat";
  else if (flag("latency-history")) o.mode = "latency-history";
  else if (flag("latency")) o.mode = "latency";
  else if (flag("scan")) o.mode = "scan";
  else if (flag("bigkeys")) o.mode = "bigkeys";
  else if (flag("memkeys") || num("memkeys-samples") !== undefined) o.mode = "memkeys";
  else if (o.evalFile !== null) o.mode = "eval";
  else if (command.length === 0) o.mode = "repl";
  return { options: o };
}

/** -d / -D values understand the usual backslash escapes (`-d '\t'`). */
function unescapeDelimiter(s: string): string {
  return s.replace(/\\([nrt\\])/g, (_m, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : "\\"));
}

/** A whole argument given in quoted form (--quoted-input, --quoted-pattern), or null. */
export function unquoteArg(s: string): string | null {
  const parts = splitLine(s);
  if (parts === null || parts.length !== 1) return null;
  return parts[0]!;
}

/**
 * Split a typed line into arguments with redis-cli's rules, which are Redis's inline-command rules
 * (sdssplitargs): the same splitter the server uses for inline requests. Null for unbalanced quotes.
 */
export function splitLine(line: string): string[] | null {
  const b = Buffer.from(line, "latin1");
  const parts = splitArgs(b, 0, b.length);
  return parts === null ? null : parts.map((p) => latin1(p));
}
