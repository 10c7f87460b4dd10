/**
 * Current configuration values, keyed by canonical parameter name and kept in normalized text
 * form (what CONFIG GET prints), with numbers parsed once per change. Validation follows Redis
 * 7.0's rules and error texts; CONFIG SET's all-or-nothing semantics (`setMany`) and the apply
 * hooks that make a change take effect live here, away from the command layer.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { globMatch } from "./glob.ts";
import {
  P_HIDDEN,
  P_IMMUTABLE,
  P_PERCENT,
  P_PROTECTED,
  PARAMS,
  PARAM_BY_NAME,
  parseMemory,
  parseStrictInt,
  type LoadState,
  type ParamDef,
} from "./table.ts";

/**
 * Makes a change take effect (rebind, reschedule the cron, resize a structure). Returns an error
 * message to refuse the change; CONFIG SET then restores every parameter it touched.
 */
export type ApplyFn = () => string | null;

/** Why a CONFIG SET pair was refused before any value was parsed. */
export interface SetManyContext {
  /** enable-protected-configs allows this client to change protected parameters. */
  protectedAllowed: boolean;
}

export class Config {
  private readonly values = new Map<string, string>();
  private readonly numbers = new Map<string, number>();
  private readonly applyFns = new Map<string, ApplyFn[]>();
  /** Called after any successful change (name is canonical). */
  readonly listeners: ((name: string, value: string) => void)[] = [];

  constructor() {
    for (const p of PARAMS) this.store(p, p.default);
  }

  /** Definition of a parameter by canonical or alias name (any case), or undefined. */
  def(name: string): ParamDef | undefined {
    // Hot paths pass canonical lowercase literals: try them as given before folding case.
    return PARAM_BY_NAME.get(name) ?? PARAM_BY_NAME.get(name.toLowerCase());
  }

  /** Normalized value of a parameter (canonical or alias name). Throws for unknown names. */
  get(name: string): string {
    const p = this.def(name);
    if (p === undefined) throw new Error(`unknown config '${name}'`);
    return this.values.get(p.name)!;
  }

  /** Numeric value of an int/memory/octal parameter (percent values are negative). */
  getInt(name: string): number {
    const p = this.def(name);
    if (p === undefined) throw new Error(`unknown config '${name}'`);
    const n = this.numbers.get(p.name);
    return n === undefined ? Number(this.values.get(p.name)) : n;
  }

  getBool(name: string): boolean {
    return this.get(name) === "yes";
  }

  /** True when the parameter holds its default value. */
  isDefault(name: string): boolean {
    const p = this.def(name)!;
    return this.values.get(p.name) === p.default;
  }

  /**
   * Validate and store a value without running apply hooks (config loading, tests, and the
   * first phase of CONFIG SET). Returns Redis's error message (without the CONFIG SET prefix)
   * or null. `loading` carries per-file state (save lines add up).
   */
  set(name: string, value: string, loading: LoadState | null = null): string | null {
    const p = this.def(name);
    if (p === undefined) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
    const norm = this.normalize(p, value, loading);
    if (typeof norm !== "string") return norm.error;
    const changed = this.values.get(p.name) !== norm;
    this.store(p, norm);
    if (changed) for (const l of this.listeners) l(p.name, norm);
    return null;
  }

  /** Register `fn` to run when CONFIG SET changes any of `names` (once per CONFIG SET). */
  onApply(names: readonly string[], fn: ApplyFn): void {
    for (const n of names) {
      const p = this.def(n);
      if (p === undefined) throw new Error(`unknown config '${n}'`);
      const list = this.applyFns.get(p.name) ?? [];
      list.push(fn);
      this.applyFns.set(p.name, list);
    }
  }

  /**
   * CONFIG SET with several pairs, all or nothing. Returns null on success or the full error
   * reply text. Names are checked first (unknown, immutable, protected, duplicate), then values
   * are parsed, then the apply hooks of the changed parameters run once each; any failure
   * restores every previous value and re-applies them.
   */
  setMany(pairs: readonly [string, string][], ctx: SetManyContext): string | null {
    const defs: ParamDef[] = [];
    let unknown: string | null = null;
    let early: string | null = null;
    const seen = new Set<string>();
    for (const [name] of pairs) {
      const p = this.def(name);
      if (p === undefined) {
        if (unknown === null) unknown = name;
        continue;
      }
      defs.push(p);
      if (unknown !== null || early !== null) continue;
      if (p.flags & P_IMMUTABLE) early = failed(name, "can't set immutable config");
      else if (p.flags & P_PROTECTED && !ctx.protectedAllowed) early = failed(name, "can't set protected config");
      else if (seen.has(name.toLowerCase())) early = failed(name, "duplicate parameter");
      seen.add(name.toLowerCase());
    }
    if (unknown !== null) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`;
    if (early !== null) return early;

    const old = new Map<string, string>();
    for (const p of defs) if (!old.has(p.name)) old.set(p.name, this.values.get(p.name)!);
    const changed = new Set<string>();
    for (let i = 0; i < pairs.length; i++) {
      const [name, value] = pairs[i]!;
      const p = defs[i]!;
      const norm = this.normalize(p, value, null);
      if (typeof norm !== "string") {
        this.restore(old);
        return failed(name, norm.error);
      }
      if (norm !== this.values.get(p.name)) changed.add(p.name);
      this.store(p, norm);
    }
    // Run each apply function once, in the order the parameters were given.
    const fns: ApplyFn[] = [];
    const owner = new Map<ApplyFn, string>();
    for (const [name] of pairs) {
      const p = this.def(name)!;
      if (!changed.has(p.name) || this.values.get(p.name) === old.get(p.name)) continue;
      for (const fn of this.applyFns.get(p.name) ?? []) {
        if (!owner.has(fn)) {
          owner.set(fn, name);
          fns.push(fn);
        }
      }
    }
    for (const fn of fns) {
      const err = fn();
      if (err !== null) {
        this.restore(old);
        for (const f of fns) f();
        return failed(owner.get(fn)!, err);
      }
    }
    for (const name of changed) {
      const v = this.values.get(name)!;
      if (v !== old.get(name)) for (const l of this.listeners) l(name, v);
    }
    return null;
  }

  /**
   * CONFIG GET: name/value pairs for every pattern. A plain name is answered under the name as
   * asked (aliases included, hidden parameters too); a glob lists matching public names,
   * canonical and alias alike. Each name appears once (case-insensitively).
   */
  match(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pat of patterns) {
      if (!/[*?[]/.test(pat)) {
        const p = this.def(pat);
        if (p === undefined || seen.has(pat.toLowerCase())) continue;
        seen.add(pat.toLowerCase());
        out.push([pat, this.values.get(p.name)!]);
        continue;
      }
      for (const p of PARAMS) {
        if (p.flags & P_HIDDEN) continue;
        for (const n of [p.name, ...p.aliases]) {
          if (seen.has(n) || !globMatch(pat, n, true)) continue;
          seen.add(n);
          out.push([n, this.values.get(p.name)!]);
        }
      }
    }
    return out;
  }

  private restore(old: Map<string, string>): void {
    for (const [name, v] of old) this.store(PARAM_BY_NAME.get(name)!, v);
  }

  private store(p: ParamDef, v: string): void {
    this.values.set(p.name, v);
    if (p.type === "int" || p.type === "memory") {
      this.numbers.set(p.name, v.endsWith("%") ? -Number(v.slice(0, -1)) : Number(v));
    } else if (p.type === "octal") {
      this.numbers.set(p.name, parseInt(v, 8));
    }
  }

  private normalize(p: ParamDef, v: string, loading: LoadState | null): string | { error: string } {
    switch (p.type) {
      case "bool": {
        const l = v.toLowerCase();
        if (l === "yes" || l === "no") return l;
        return { error: "argument must be 'yes' or 'no'" };
      }
      case "int": {
        const n = parseStrictInt(v);
        if (n === null) return { error: "argument couldn't be parsed into an integer" };
        return inRange(p, n) ?? String(n);
      }
      case "octal": {
        if (!/^[0-7]+$/.test(v)) return { error: "argument couldn't be parsed as an octal number" };
        const n = BigInt(parseInt(v, 8));
        const err = inRange(p, n);
        return err ?? n.toString(8);
      }
      case "memory": {
        if (p.flags & P_PERCENT && v.endsWith("%")) {
          const n = parseStrictInt(v.slice(0, -1));
          if (n === null || n < 0n) return { error: "argument must be a memory or percent value" };
          if (n > 100n) return { error: "percentage argument must be less or equal to 100" };
          return `${n}%`;
        }
        const n = parseMemory(v);
        if (n === null) return { error: p.flags & P_PERCENT ? "argument must be a memory or percent value" : "argument must be a memory value" };
        return inRange(p, n) ?? String(n);
      }
      case "enum": {
        const l = v.toLowerCase();
        if (p.values.includes(l) || p.hiddenValues.includes(l)) return l;
        return { error: "argument(s) must be one of the following: " + p.values.join(", ") };
      }
      case "string": {
        if (p.name === "dir") return normalizeDir(v);
        const err = p.validate?.(v) ?? null;
        return err === null ? v : { error: err };
      }
      case "flags":
      case "special":
        return p.special!.parse(v, this.values.get(p.name) ?? p.default, loading);
    }
  }
}

function inRange(p: ParamDef, n: bigint): { error: string } | null {
  if (n < p.min || n > p.max) return { error: `argument must be between ${p.min} and ${p.max} inclusive` };
  return null;
}

function failed(name: string, msg: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${msg}`;
}

/**
 * `dir` is kept as an absolute path. Kedis does not chdir (tests run several servers in one
 * process); persistence resolves its files against this value instead.
 */
function normalizeDir(v: string): string | { error: string } {
  const abs = resolve(v);
  if (v === "" || !existsSync(abs)) return { error: "No such file or directory" };
  if (!statSync(abs).isDirectory()) return { error: "Not a directory" };
  return abs;
}
