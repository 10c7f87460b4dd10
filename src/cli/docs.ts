/**
 * Command documentation for the REPL's HELP, hints and TAB completion.
 *
 * The connected server's COMMAND DOCS is the source (summary, since, group, arguments, and
 * subcommands such as CONFIG GET). A server whose docs give no argument list for a command (Kedis
 * documents summaries first) is completed from `SYNOPSES`, argument syntax taken from Redis 7.0's
 * documented interface by gen-synopses.ts. Synopses are written in redis-cli 7.0's style:
 * `key value [NX|XX] [GET] [EX seconds|PX milliseconds|...]`.
 */
import type { Reply } from "./reply.ts";
import { SYNOPSES } from "./synopses.ts";

/** Help for one command or subcommand. */
export interface CommandHelp {
  /** Upper case, subcommands after their container: "SET", "CONFIG GET". */
  readonly name: string;
  readonly group: string;
  readonly since: string;
  readonly summary: string;
  /** Argument syntax, "" for none. */
  readonly synopsis: string;
}

/** One argument of COMMAND DOCS, reduced to what rendering needs. */
export interface DocArg {
  name: string;
  type: string;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  args?: DocArg[];
}

/** Render one argument in redis-cli 7.0's help style. */
function renderArg(a: DocArg): string {
  let inner: string;
  if (a.type === "pure-token") inner = a.token ?? a.name;
  else if (a.type === "oneof") inner = (a.args ?? []).map(renderArg).join("|");
  else if (a.type === "block") inner = (a.args ?? []).map(renderArg).join(" ");
  else inner = a.name;
  const token = a.type !== "pure-token" && a.token !== undefined ? a.token : null;
  if (a.multiple === true) {
    if (token !== null && a.multipleToken === true) inner = `${token} ${inner} [${token} ${inner} ...]`;
    else inner = `${token !== null ? `${token} ` : ""}${inner} [${inner} ...]`;
  } else if (token !== null) {
    inner = `${token} ${inner}`;
  }
  return a.optional === true ? `[${inner}]` : inner;
}

/** The synopsis of an argument list. */
export function renderSynopsis(args: readonly DocArg[]): string {
  return args.map(renderArg).join(" ");
}

/** Key/value pairs of a RESP3 map or a RESP2 flat array. */
function pairs(r: Reply | undefined): [string, Reply][] {
  if (r === undefined || !("items" in r)) return [];
  const out: [string, Reply][] = [];
  for (let i = 0; i + 1 < r.items.length; i += 2) {
    const k = r.items[i]!;
    out.push(["s" in k ? k.s : "", r.items[i + 1]!]);
  }
  return out;
}

function text(r: Reply | undefined): string {
  return r !== undefined && "s" in r ? r.s : "";
}

/** Parse one argument description of COMMAND DOCS. */
export function parseDocArg(r: Reply): DocArg {
  const a: DocArg = { name: "", type: "string" };
  for (const [k, v] of pairs(r)) {
    if (k === "name") a.name = text(v);
    else if (k === "display_text") a.name = text(v);
    else if (k === "type") a.type = text(v);
    else if (k === "token") a.token = text(v);
    else if (k === "flags" && "items" in v) {
      for (const f of v.items) {
        const t = text(f);
        if (t === "optional") a.optional = true;
        else if (t === "multiple") a.multiple = true;
        else if (t === "multiple_token") a.multipleToken = true;
      }
    } else if (k === "arguments" && "items" in v) a.args = v.items.map(parseDocArg);
  }
  return a;
}

/** Raw docs of one command, as COMMAND DOCS gives them. */
export interface RawDoc {
  name: string;
  summary: string;
  since: string;
  group: string;
  args: DocArg[] | null;
  subcommands: RawDoc[];
}

/** Parse a COMMAND DOCS reply (RESP2 or RESP3). */
export function parseCommandDocs(r: Reply): RawDoc[] {
  const out: RawDoc[] = [];
  for (const [name, body] of pairs(r)) {
    const d: RawDoc = { name, summary: "", since: "", group: "", args: null, subcommands: [] };
    for (const [k, v] of pairs(body)) {
      if (k === "summary") d.summary = text(v);
      else if (k === "since") d.since = text(v);
      else if (k === "group") d.group = text(v);
      else if (k === "arguments" && "items" in v) d.args = v.items.map(parseDocArg);
      else if (k === "subcommands") d.subcommands = parseCommandDocs(v);
    }
    out.push(d);
  }
  return out;
}

/** "config|get" → "CONFIG GET". */
function displayName(name: string): string {
  return name.replace("|", " ").toUpperCase();
}

/** Every command the REPL knows, for HELP, hints and completion. */
export class CommandTable {
  readonly commands = new Map<string, CommandHelp>();

  /** A table from the built-in synopses alone (used before or without a server). */
  static builtin(): CommandTable {
    const t = new CommandTable();
    for (const [name, group, since, synopsis] of SYNOPSES) t.commands.set(name, { name, group, since, summary: "", synopsis });
    return t;
  }

  /** Add the server's docs: they win, except for argument lists they lack. */
  addServerDocs(docs: readonly RawDoc[]): void {
    const add = (d: RawDoc) => {
      const name = displayName(d.name);
      const known = this.commands.get(name);
      const synopsis = d.args !== null && d.args.length > 0 ? renderSynopsis(d.args) : (known?.synopsis ?? "");
      this.commands.set(name, {
        name,
        group: d.group !== "" ? d.group : (known?.group ?? ""),
        since: d.since !== "" ? d.since : (known?.since ?? ""),
        summary: d.summary !== "" ? d.summary : (known?.summary ?? ""),
        synopsis,
      });
      for (const s of d.subcommands) add(s);
    };
    for (const d of docs) add(d);
  }

  /** Help for a command name (one or two words, any case). */
  get(name: string): CommandHelp | undefined {
    return this.commands.get(name.toUpperCase());
  }

  /** Groups, sorted. */
  groups(): string[] {
    return [...new Set([...this.commands.values()].map((c) => c.group).filter((g) => g !== ""))].sort();
  }

  /** Commands of a group, sorted by name. */
  inGroup(group: string): CommandHelp[] {
    return [...this.commands.values()].filter((c) => c.group === group).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Top-level command names (no subcommands), sorted. */
  names(): string[] {
    return [...this.commands.keys()].filter((n) => !n.includes(" ")).sort();
  }

  /** Subcommand names of a container ("CONFIG" → ["GET", "SET", ...]), sorted. */
  subcommands(container: string): string[] {
    const prefix = `${container.toUpperCase()} `;
    return [...this.commands.keys()]
      .filter((n) => n.startsWith(prefix))
      .map((n) => n.slice(prefix.length))
      .sort();
  }
}

// -------------------------------------------------------------------------------------------------
// Hints

/** Split a synopsis into top-level tokens, keeping bracketed groups whole. */
export function synopsisTokens(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "[" || ch === "<") depth++;
    else if (ch === "]" || ch === ">") depth--;
    if (ch === " " && depth === 0) {
      if (cur !== "") out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur !== "") out.push(cur);
  return out;
}

/**
 * The hint shown after what the user typed, greyed: the arguments still to come. `words` is the
 * typed line split into words; `endsWithSpace` says whether the cursor is past the last word.
 * Typed arguments consume the required tokens of the synopsis; optional ones stay.
 */
export function hintFor(table: CommandTable, words: readonly string[], endsWithSpace: boolean): string | null {
  if (words.length === 0) return null;
  let help = words.length >= 2 ? table.get(`${words[0]} ${words[1]}`) : undefined;
  let used = 2;
  if (help === undefined) {
    help = table.get(words[0]!);
    used = 1;
    // A container whose subcommand is not typed yet: no hint beyond the container's own.
    if (help !== undefined && words.length === 1 && help.synopsis === "" && table.subcommands(words[0]!).length > 0) {
      return null;
    }
  }
  if (help === undefined || help.synopsis === "") return null;
  const typed = words.length - used;
  let tokens = synopsisTokens(help.synopsis);
  let drop = typed;
  while (drop > 0 && tokens.length > 0 && !tokens[0]!.startsWith("[")) {
    const t = tokens[0]!;
    // "key [key ...]": the repeatable part stays as the hint.
    const rep = / \[(.+) \.\.\.\]$/.exec(t);
    tokens = rep !== null ? [`[${rep[1]} ...]`, ...tokens.slice(1)] : tokens.slice(1);
    drop--;
  }
  // Past the required arguments the typed words may be any of the options: drop as many.
  if (drop > 0) tokens = tokens.slice(drop);
  if (tokens.length === 0) return null;
  return (endsWithSpace ? "" : " ") + tokens.join(" ");
}
