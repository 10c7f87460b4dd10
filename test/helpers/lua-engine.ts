/**
 * An in-memory host for the Lua engine (no server): every command is unknown except a few
 * echo-like ones, enough for scripts that test the language, the libraries and the error shapes.
 */
import { ReplyWriter } from "../../src/protocol/resp/writer.ts";
import { RUN_DONE, RUN_ERROR, ScriptEngine, TICK_CONTINUE, type ScriptHost, type ScriptRun } from "../../src/scripting/engine.ts";
import { latin1Decode } from "./resp.ts";

const enc = new TextEncoder();

export interface TestHost extends ScriptHost {
  logs: string[];
  tickAnswer: (run: ScriptRun) => number;
}

export function testHost(): TestHost {
  const host: TestHost = {
    redisVersion: "7.0.15",
    logs: [],
    tickAnswer: () => TICK_CONTINUE,
    call(_run, argv) {
      const name = latin1Decode(argv[0]!).toLowerCase();
      if (name === "echo" && argv.length === 2) {
        const w = new ReplyWriter(64);
        w.bulk(argv[1]!);
        return w.take();
      }
      if (name === "ping") return enc.encode("+PONG\r\n");
      return "ERR Unknown Redis command called from script";
    },
    tick(run) {
      return host.tickAnswer(run);
    },
    log(level, message) {
      host.logs.push(`${level}:${message}`);
    },
    aclCheck: () => true,
  };
  return host;
}

/** Run a script to completion on `engine`; return the reply bytes as latin1 text. */
export function runScript(engine: ScriptEngine, src: string, keys: string[] = [], args: string[] = [], resp = 2): string {
  const r = engine.loadScript(enc.encode(src));
  const out = new ReplyWriter(1024);
  out.resp = resp;
  if ("error" in r) {
    out.error(r.error);
    return latin1Decode(out.take());
  }
  const run = engine.evalRun(r.sha, keys.map((k) => enc.encode(k)), args.map((a) => enc.encode(a)), false);
  const st = engine.step(run);
  if (st === RUN_DONE) engine.writeResult(run, out);
  else if (st === RUN_ERROR) out.error(run.error!);
  else throw new Error("script paused");
  return latin1Decode(out.take());
}
