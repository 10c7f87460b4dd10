/**
 * The command registry: every family's table, indexed for allocation-free lookup by the raw
 * command-name bytes (case-insensitive), plus by name for COMMAND and config-driven renames.
 */
import { buildSpec, type CommandFamily, type CommandSpec } from "./spec.ts";

function foldHash(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function matches(b: Uint8Array, name: string): boolean {
  if (b.length !== name.length) return false;
  for (let i = 0; i < b.length; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** Lowercased latin1 text of a name (edge decode: names, subcommands, options). */
export function lowerName(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c |= 0x20;
    s += String.fromCharCode(c);
  }
  return s;
}

export class Registry {
  /** Top-level commands by lowercase name. */
  readonly commands = new Map<string, CommandSpec>();
  /** Every spec including subcommands, in id order (stats are indexed by id). */
  readonly specs: CommandSpec[] = [];
  private byHash = new Map<number, CommandSpec | CommandSpec[]>();

  constructor(families: readonly CommandFamily[]) {
    for (const fam of families) {
      for (const line of fam.commands) this.add(buildSpec(fam.group, line));
    }
  }

  private add(spec: CommandSpec): void {
    if (this.commands.has(spec.name)) throw new Error(`duplicate command '${spec.name}'`);
    this.commands.set(spec.name, spec);
    this.index(spec);
    const h = strHash(spec.name);
    const prev = this.byHash.get(h);
    if (prev === undefined) this.byHash.set(h, spec);
    else this.byHash.set(h, Array.isArray(prev) ? [...prev, spec] : [prev, spec]);
  }

  private index(spec: CommandSpec): void {
    spec.id = this.specs.length;
    this.specs.push(spec);
    if (spec.subcommands !== null) for (const s of spec.subcommands.values()) this.index(s);
  }

  /** Find a top-level command by its name bytes, any case. */
  lookup(name: Uint8Array): CommandSpec | null {
    const hit = this.byHash.get(foldHash(name));
    if (hit === undefined) return null;
    if (!Array.isArray(hit)) return matches(name, hit.name) ? hit : null;
    for (const s of hit) if (matches(name, s.name)) return s;
    return null;
  }

  /** Find a command or "parent|sub" by lowercase text. */
  byName(name: string): CommandSpec | null {
    const bar = name.indexOf("|");
    if (bar < 0) return this.commands.get(name) ?? null;
    const parent = this.commands.get(name.slice(0, bar));
    return parent?.subcommands?.get(name.slice(bar + 1)) ?? null;
  }
}
