/**
 * Runs Lua scripts and functions against the server: the engine's `ScriptHost`.
 *
 * - `redis.call` goes through the registry and `Server.call` with one fake client (CF_SCRIPT,
 *   the caller's db, the script's RESP version) and a capturing reply writer, after the checks
 *   Redis applies to script calls (unknown command, arity, noscript, writes from read-only
 *   scripts or on a read-only replica, OOM hook).
 * - Time is frozen for the whole run (keys do not expire mid-script), and the writes a script
 *   makes are collected and propagated at the end as its effects, wrapped in MULTI/EXEC when
 *   more than one, honouring `redis.set_repl`.
 * - Busy scripts: past `busy-reply-threshold` the engine's count hook pauses the run and it
 *   continues from later macrotasks. Meanwhile the caller is held (CF_BLOCKED), other clients
 *   get BUSY except for `allow_busy` commands, active expiry waits, and SCRIPT KILL / FUNCTION
 *   KILL can stop a script that has not written.
 */
import { F_ALLOW_BUSY, F_DENYOOM, F_NOSCRIPT, F_WRITE, type CommandSpec } from "../commands/spec.ts";
import { lowerName } from "../commands/registry.ts";
import { ReplyWriter } from "../protocol/resp/writer.ts";
import {
  REPL_ALL,
  REPL_AOF,
  REPL_REPLICA,
  RUN_DONE,
  RUN_ERROR,
  RUN_PAUSED,
  SF_ALLOW_OOM,
  SF_ALLOW_STALE,
  SF_EVAL_COMPAT,
  SF_NO_WRITES,
  ScriptEngine,
  TICK_CONTINUE,
  TICK_YIELD,
  type ScriptHost,
  type ScriptRun,
} from "../scripting/engine.ts";
import { CF_BLOCKED, CF_FAKE, CF_PRIMARY, CF_SCRIPT, Client } from "./client.ts";
import type { PolicyHook, Server } from "./server.ts";

/** A write a script made, held until the script ends. */
export interface CapturedWrite {
  db: number;
  argv: Uint8Array[];
  /** REPL_* targets (redis.set_repl at the time of the call). */
  targets: number;
  toReplicas: boolean;
}

export const BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
export const BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
const NOTBUSY = "NOTBUSY No scripts in execution right now.";
const UNKILLABLE_WROTE =
  "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
const UNKILLABLE_PRIMARY = "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.";

/** How long a paused busy script runs per macrotask before letting I/O in again. */
const BUSY_SLICE_MS = 20;

/** The state of the top-level run in progress. */
interface Active {
  run: ScriptRun;
  caller: Client;
  /** performance.now() at start (busy threshold). */
  start: number;
  /** The frozen keyspace clock. */
  now: number;
  sliceStart: number;
  busy: boolean;
  /**
   * Whether the run may pause into the event loop: only a script sent by a connected client as
   * a top-level command. Inside EXEC, from the primary's stream or while loading the AOF, the
   * commands after it must wait for it, so it runs to completion instead.
   */
  canPause: boolean;
  paused: boolean;
  killed: boolean;
  wrote: boolean;
  writes: CapturedWrite[];
  timer: ReturnType<typeof setTimeout> | null;
  /** The BUSY check placed first in the server's policies while the run is paused. */
  busyPolicy: PolicyHook | null;
  /** The caller's command line, copied when the run pauses. */
  argv: Uint8Array[] | null;
}

const MULTI = new TextEncoder().encode("MULTI");
const EXEC = new TextEncoder().encode("EXEC");

export class ScriptRunner implements ScriptHost {
  readonly engine: ScriptEngine;
  /** The script's fake client: its writer captures each call's reply. */
  private readonly lua: Client;
  private readonly luaOut = new ReplyWriter(16 * 1024);
  active: Active | null = null;
  /**
   * OOM check for `denyoom` commands under maxmemory (Redis's performEvictions result). Installed
   * by the eviction layer when it exists; null means "never out of memory".
   */
  oomCheck: (() => boolean) | null = null;

  constructor(private readonly server: Server) {
    this.engine = new ScriptEngine(this);
    this.lua = new Client(server, null, this.luaOut);
    this.lua.flags |= CF_SCRIPT | CF_FAKE;
    this.lua.addr = "lua";
    this.luaOut.onError = server.out.onError;
  }

  get redisVersion(): string {
    return this.server.redisVersion;
  }

  /** True while a script is past the busy threshold (other clients get BUSY). */
  get busy(): boolean {
    return this.active !== null && this.active.paused;
  }

  // -----------------------------------------------------------------------------------------------
  // Starting runs (called by the scripting command family)

  /**
   * Checks Redis applies before running a script with a shebang or a function (scripts without
   * one are checked per command). Returns an error text or null.
   */
  preflight(c: Client, flags: number, readOnly: boolean): string | null {
    if (flags & SF_EVAL_COMPAT) return null;
    const s = this.server;
    const writes = !(flags & SF_NO_WRITES);
    if (readOnly && writes) return "ERR Can not execute a script with write flag using *_ro command.";
    if (writes && !(c.flags & CF_PRIMARY)) {
      if (s.replica !== null && s.config.getBool("replica-read-only")) return "READONLY You can't write against a read only replica.";
      const minReplicas = s.config.getInt("min-replicas-to-write");
      if (minReplicas > 0 && s.replica === null && s.repl.goodReplicas() < minReplicas) return "NOREPLICAS Not enough good replicas to write.";
      if (!(flags & SF_ALLOW_OOM) && this.oomCheck !== null && this.oomCheck()) return "OOM command not allowed when used memory > 'maxmemory'.";
    }
    if (!(flags & SF_ALLOW_STALE) && s.replica !== null && !s.replica.linkUp && !s.config.getBool("replica-serve-stale-data")) {
      return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    }
    return null;
  }

  /** Run a prepared script/function for `c`; the reply goes to `c.out` now or to `c` later. */
  execute(c: Client, run: ScriptRun): void {
    if (this.active !== null) {
      // Only reachable through a script calling a script, which noscript flags forbid.
      c.out.error("ERR script already running");
      return;
    }
    const s = this.server;
    const now = performance.now();
    const a: Active = {
      run,
      caller: c,
      start: now,
      now: s.ks.now,
      sliceStart: now,
      busy: false,
      canPause: c.socket !== null && !s.executingTransaction && s.callDepth <= 1 && !(c.flags & (CF_PRIMARY | CF_FAKE)),
      paused: false,
      killed: false,
      wrote: false,
      writes: [],
      timer: null,
      busyPolicy: null,
      argv: null,
    };
    this.active = a;
    const lua = this.lua;
    lua.db = c.db;
    lua.authenticated = true;
    lua.user = c.user;
    lua.flags = (lua.flags & ~CF_PRIMARY) | (c.flags & CF_PRIMARY);
    let st: number;
    try {
      st = this.slice(a);
    } catch (err) {
      this.active = null;
      throw err; // call() turns it into an error reply
    }
    if (st === RUN_PAUSED) {
      this.pause(a);
      return;
    }
    this.finish(a, st, c.out);
  }

  /** One resumption of the run with time frozen and writes captured. */
  private slice(a: Active): number {
    const s = this.server;
    const prevCapture = s.propagationCapture;
    s.propagationCapture = a.writes;
    s.callDepth++;
    s.ks.now = a.now;
    a.sliceStart = performance.now();
    try {
      return this.engine.step(a.run);
    } finally {
      s.callDepth--;
      s.propagationCapture = prevCapture;
    }
  }

  /** The run passed the busy threshold: hold its caller, answer BUSY to others, continue later. */
  private pause(a: Active): void {
    const s = this.server;
    if (!a.paused) {
      a.paused = true;
      // The request views die with this command: FUNCTION STATS needs its own copy.
      a.argv = a.caller.argv.map((x) => x.slice());
      a.caller.flags |= CF_BLOCKED;
      const text = a.run.kind === "eval" ? BUSY_EVAL : BUSY_FUNCTION;
      a.busyPolicy = (_c: Client, spec: CommandSpec) => (spec.flags & F_ALLOW_BUSY ? null : text);
      s.policies.unshift(a.busyPolicy);
      s.log.warning(`Slow script detected: still in execution after ${Math.round(performance.now() - a.start)} milliseconds. You can try killing the script using the ${a.run.kind === "eval" ? "SCRIPT" : "FUNCTION"} KILL command. Script name is: ${a.run.name}.`);
    }
    a.timer = setTimeout(() => this.resume(a), 0);
  }

  private resume(a: Active): void {
    a.timer = null;
    if (this.active !== a) return;
    if (a.killed) {
      const text = this.engine.abandon(a.run);
      this.finishAsync(a, (out) => out.error(text));
      return;
    }
    let st: number;
    try {
      st = this.slice(a);
    } catch (err) {
      // Never let a script take the server down from a timer: fail it like a handler bug.
      const msg = err instanceof Error ? err.message : String(err);
      this.server.log.warning(`Unexpected error running script ${a.run.name}: ${err instanceof Error ? err.stack : msg}`);
      this.finishAsync(a, (out) => out.error(`ERR internal error running script: ${msg}`));
      return;
    }
    if (st === RUN_PAUSED) {
      this.pause(a);
      return;
    }
    this.finishAsync(a, (out) => this.writeOutcome(a, st, out));
  }

  private writeOutcome(a: Active, st: number, out: ReplyWriter): void {
    if (st === RUN_DONE) this.engine.writeResult(a.run, out);
    else if (st === RUN_ERROR) out.error(a.run.error!);
  }

  /** A run that finished inside the command: reply in place, propagate its effects. */
  private finish(a: Active, st: number, out: ReplyWriter): void {
    this.writeOutcome(a, st, out);
    this.active = null;
    this.propagateWrites(a);
  }

  /** A run that finished after pausing: reply to the held caller, release everything. */
  private finishAsync(a: Active, write: (out: ReplyWriter) => void): void {
    const s = this.server;
    const c = a.caller;
    const out = new ReplyWriter(1024);
    out.resp = c.resp;
    out.onError = s.out.onError;
    write(out);
    this.active = null;
    if (a.busyPolicy !== null) {
      const i = s.policies.indexOf(a.busyPolicy);
      if (i >= 0) s.policies.splice(i, 1);
      a.busyPolicy = null;
    }
    this.propagateWrites(a);
    c.flags &= ~CF_BLOCKED;
    const bytes = out.takeCopy();
    if (s.aof.pending) s.aof.beforeReply(c, bytes);
    else c.write(bytes);
    for (let i = 0; i < s.afterCommand.length; i++) s.afterCommand[i]!(c);
    s.resumeClient(c);
  }

  /** Redis 7.0 effect replication: the script's writes, in MULTI/EXEC when more than one. */
  private propagateWrites(a: Active): void {
    const s = this.server;
    const w = a.writes.filter((x) => x.targets !== 0);
    if (w.length === 0) return;
    const wrap = w.length > 1 && !s.executingTransaction && s.propagationCapture === null;
    const toReplicas = !(a.caller.flags & CF_PRIMARY);
    if (wrap) s.propagate(w[0]!.db, [MULTI], toReplicas);
    for (const x of w) {
      if (x.targets === REPL_ALL) s.propagate(x.db, x.argv, x.toReplicas && toReplicas);
      else if (x.targets === REPL_AOF) s.propagateTo(x.db, x.argv, true, false);
      else if (x.targets === REPL_REPLICA) s.propagateTo(x.db, x.argv, false, x.toReplicas && toReplicas);
    }
    if (wrap) s.propagate(w[0]!.db, [EXEC], toReplicas);
    a.caller.woff = s.repl.offset;
  }

  /** SCRIPT KILL (eval = true) / FUNCTION KILL: returns the reply error text, or null for OK. */
  kill(evalKill: boolean): string | null {
    const a = this.active;
    if (a === null || !a.paused) return NOTBUSY;
    if (a.caller.flags & CF_PRIMARY) return UNKILLABLE_PRIMARY;
    if (a.wrote) return UNKILLABLE_WROTE;
    if (evalKill && a.run.kind !== "eval") return BUSY_FUNCTION;
    if (!evalKill && a.run.kind === "eval") return BUSY_EVAL;
    a.killed = true;
    return null;
  }

  /** The function currently running (FUNCTION STATS running_script), if any. */
  runningInfo(): { name: string; command: Uint8Array[]; durationMs: number } | null {
    const a = this.active;
    if (a === null || a.run.kind !== "function") return null;
    return { name: a.run.name, command: a.argv ?? a.caller.argv, durationMs: Math.round(performance.now() - a.start) };
  }

  // -----------------------------------------------------------------------------------------------
  // Function libraries

  /** Libraries' code, in load order (snapshots, FUNCTION DUMP). */
  functionPayloads(): Uint8Array[] {
    return [...this.engine.libraries.values()].map((l) => l.code);
  }

  /**
   * Load libraries from a snapshot (start-up, full sync), replacing all when `flush`. A library
   * that fails to load is logged and skipped.
   */
  restoreFunctions(codes: readonly Uint8Array[], flush = false): void {
    if (flush) this.engine.flushFunctions();
    for (const code of codes) {
      const lib = this.engine.compileLibrary(code);
      const err = typeof lib === "string" ? lib : this.engine.installLibrary(lib, true);
      if (err !== null) this.server.log.warning(`Failed loading library from RDB: ${err}`);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // ScriptHost

  call(run: ScriptRun, argv: Uint8Array[]): Uint8Array | string {
    const s = this.server;
    const a = this.active;
    let spec = s.registry.lookup(argv[0]!);
    if (spec !== null && spec.subcommands !== null && argv.length >= 2) spec = spec.subcommands.get(lowerName(argv[1]!)) ?? null;
    if (spec === null) return "ERR Unknown Redis command called from script";
    const argc = argv.length;
    if ((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity) return "ERR Wrong number of args calling Redis command from script";
    if (spec.flags & F_NOSCRIPT) return "ERR This Redis command is not allowed from script";
    const lua = this.lua;
    if (spec.flags & F_WRITE) {
      if (run.readOnly || run.flags & SF_NO_WRITES) return "ERR Write commands are not allowed from read-only scripts.";
      if (!(lua.flags & CF_PRIMARY)) {
        if (s.replica !== null && s.config.getBool("replica-read-only")) return "READONLY You can't write against a read only replica.";
        const minReplicas = s.config.getInt("min-replicas-to-write");
        if (minReplicas > 0 && s.replica === null && s.repl.goodReplicas() < minReplicas) return "NOREPLICAS Not enough good replicas to write.";
      }
    }
    // Under maxmemory, a denyoom command may not start the script's writing (Redis lets a
    // script that already wrote go on: it cannot stop halfway).
    if (spec.flags & F_DENYOOM && !(run.flags & SF_ALLOW_OOM) && a !== null && !a.wrote && this.oomCheck !== null && this.oomCheck()) {
      return "OOM command not allowed when used memory > 'maxmemory'.";
    }
    const out = this.luaOut;
    out.len = 0;
    out.resp = run.resp;
    lua.resp = run.resp;
    lua.argv = argv;
    lua.cmd = spec;
    const dirty = s.dirty;
    const capture = s.propagationCapture;
    const before = capture === null ? 0 : capture.length;
    s.call(lua, spec);
    if (capture !== null && run.repl !== REPL_ALL) for (let i = before; i < capture.length; i++) capture[i]!.targets = run.repl;
    if (s.dirty !== dirty && a !== null) a.wrote = true;
    return out.take();
  }

  tick(run: ScriptRun): number {
    const a = this.active;
    if (a === null || a.run !== run) return TICK_CONTINUE;
    const now = performance.now();
    if (!a.canPause) return TICK_CONTINUE;
    if (!a.busy) {
      if (now - a.start < this.server.config.getInt("busy-reply-threshold")) return TICK_CONTINUE;
      a.busy = true;
      return TICK_YIELD;
    }
    return now - a.sliceStart >= BUSY_SLICE_MS ? TICK_YIELD : TICK_CONTINUE;
  }

  log(level: number, message: string): void {
    const l = this.server.log;
    if (level === 0) l.debug(message);
    else if (level === 1) l.verbose(message);
    else if (level === 2) l.notice(message);
    else l.warning(message);
  }

  aclCheck(_run: ScriptRun, argv: Uint8Array[]): boolean | null {
    const spec = this.server.registry.lookup(argv[0]!);
    return spec === null ? null : true;
  }
}
