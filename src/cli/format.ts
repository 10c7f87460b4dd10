/**
 * Reply formatting for kedis-cli, the way redis-cli 7.0 prints replies:
 *
 * - "tty" (the default on a terminal, or --no-raw): `(integer) 1`, `"quoted"` strings, `(nil)`,
 *   numbered aggregates with nested indentation, `1# "k" => "v"` for maps, `1~` for sets.
 * - "raw" (the default when stdout is not a terminal, or --raw): payloads as they are, aggregate
 *   elements one per line, map entries as `key value`, errors followed by an empty line.
 * - "csv": elements separated by commas, strings quoted with Redis's escapes.
 * - "json": JSON values (maps as objects, errors as `error:"..."` like redis-cli).
 *
 * Everything works on binary strings (one char per byte, see reply.ts): bytes that are not text
 * pass through unchanged in raw output and are escaped as `\xHH` in quoted output.
 */
import { repr } from "../util/repr.ts";
import type { Reply } from "./reply.ts";

/** Output styles, as redis-cli's --raw / --no-raw / --csv / --json / --quoted-json. */
export type OutputMode = "tty" | "raw" | "csv" | "json" | "quoted-json";

/** Options of the raw style: redis-cli's -d (between elements) and -D (after each reply). */
export interface RawDelimiters {
  readonly element: string;
  readonly reply: string;
}

const DEFAULT_DELIMS: RawDelimiters = { element: "\n", reply: "\n" };

/** A binary string quoted the way redis-cli quotes it (sdscatrepr). */
export function quote(s: string): string {
  return repr(Buffer.from(s, "latin1"));
}

const EMPTY: Record<string, string> = {
  array: "(empty array)",
  map: "(empty hash)",
  set: "(empty set)",
  push: "(empty push)",
};

/** One reply in the terminal style; `prefix` is the indentation of nested lines. Ends with \n. */
export function formatTTY(r: Reply, prefix = ""): string {
  switch (r.t) {
    case "error":
      return `(error) ${r.s}\n`;
    case "status":
      return `${r.s}\n`;
    case "int":
      return `(integer) ${r.s}\n`;
    case "double":
      return `(double) ${r.s}\n`;
    case "bignum":
      return `(big number) ${r.s}\n`;
    case "bulk":
      return `${quote(r.s)}\n`;
    case "verb":
      return `${r.s}\n`;
    case "nil":
      return "(nil)\n";
    case "bool":
      return r.v ? "(true)\n" : "(false)\n";
    default: {
      if (r.items.length === 0) return `${EMPTY[r.t]}\n`;
      const isMap = r.t === "map";
      const count = isMap ? r.items.length / 2 : r.items.length;
      const width = String(count).length;
      const mark = isMap ? "#" : r.t === "set" ? "~" : ")";
      const pad = prefix + " ".repeat(width + 2);
      let out = "";
      for (let i = 0; i < count; i++) {
        if (i > 0) out += prefix;
        out += `${String(i + 1).padStart(width)}${mark} `;
        if (isMap) {
          const key = formatTTY(r.items[2 * i]!, pad);
          const value = r.items[2 * i + 1]!;
          out += `${key.slice(0, -1)} => `;
          // A nested aggregate starts on its own line, aligned with the nested entries.
          if ("items" in value && value.items.length > 0) out += `\n${pad}`;
          out += formatTTY(value, pad);
        } else {
          out += formatTTY(r.items[i]!, pad);
        }
      }
      return out;
    }
  }
}

/** One reply in the raw style, without the final reply delimiter. */
export function formatRaw(r: Reply, d: RawDelimiters = DEFAULT_DELIMS): string {
  switch (r.t) {
    case "error":
      return `${r.s}\n`;
    case "status":
    case "int":
    case "double":
    case "bignum":
    case "bulk":
    case "verb":
      return r.s;
    case "nil":
      return "";
    case "bool":
      return r.v ? "(true)" : "(false)";
    case "map": {
      const parts: string[] = [];
      for (let i = 0; i + 1 < r.items.length; i += 2) {
        parts.push(`${formatRaw(r.items[i]!, d)} ${formatRaw(r.items[i + 1]!, d)}`);
      }
      return parts.join(d.element);
    }
    default:
      return r.items.map((e) => formatRaw(e, d)).join(d.element);
  }
}

/** One reply in CSV, without the final newline. */
export function formatCSV(r: Reply): string {
  switch (r.t) {
    case "error":
      return `ERROR,${quote(r.s)}`;
    case "status":
    case "bulk":
    case "verb":
      return quote(r.s);
    case "int":
    case "double":
    case "bignum":
      return r.s;
    case "nil":
      return "NULL";
    case "bool":
      return r.v ? "true" : "false";
    default:
      return r.items.map(formatCSV).join(",");
  }
}

/** A binary string as a JSON string literal; bytes of 0x80 and above pass through (UTF-8 text). */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      default:
        out += c < 0x20 ? `\\u${c.toString(16).padStart(4, "0")}` : s[i]!;
    }
  }
  return out + '"';
}

/**
 * One reply as JSON, without the final newline. `quoted` (--quoted-json) writes strings in
 * Redis's quoted form (`\xHH` escapes) so that the output is pure ASCII.
 */
export function formatJSON(r: Reply, quoted = false): string {
  const str = (s: string) => (quoted ? jsonString(quote(s).slice(1, -1)) : jsonString(s));
  switch (r.t) {
    case "error":
      return `error:${jsonString(r.s)}`;
    case "status":
    case "bulk":
    case "verb":
      return str(r.s);
    case "int":
    case "bignum":
      return r.s;
    case "double":
      // JSON has no inf/nan: those become strings.
      return /^-?(inf|nan)$/i.test(r.s) ? jsonString(r.s) : r.s;
    case "nil":
      return "null";
    case "bool":
      return r.v ? "true" : "false";
    case "map": {
      const parts: string[] = [];
      for (let i = 0; i + 1 < r.items.length; i += 2) {
        const k = r.items[i]!;
        const key = k.t === "bulk" || k.t === "status" || k.t === "verb" ? str(k.s) : jsonString(formatJSON(k, quoted));
        parts.push(`${key}:${formatJSON(r.items[i + 1]!, quoted)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      return `[${r.items.map((e) => formatJSON(e, quoted)).join(",")}]`;
  }
}

/** A reply in the given mode, with the reply delimiter (newline) redis-cli prints after it. */
export function formatReply(r: Reply, mode: OutputMode, d: RawDelimiters = DEFAULT_DELIMS): string {
  switch (mode) {
    case "tty":
      return formatTTY(r);
    case "raw":
      return formatRaw(r, d) + d.reply;
    case "csv":
      return `${formatCSV(r)}\n`;
    case "json":
      return `${formatJSON(r)}\n`;
    case "quoted-json":
      return `${formatJSON(r, true)}\n`;
  }
}
