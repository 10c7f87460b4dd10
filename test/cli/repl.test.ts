/**
 * kedis-cli's REPL used the way a person uses it: the client runs in a tmux pane against a Kedis
 * on a free port; keys are typed with `send-keys` and the screen is read with `capture-pane`.
 * Checks the prompt (with [db] and (TX)), replies, hints, TAB completion, history recall with the
 * Up arrow and the history file, HELP, SUBSCRIBE until Ctrl-C, reconnecting after the server
 * restarts, and `quit`. Every wait is bounded; the tmux server (on its own socket) is killed at
 * the end. Skipped with a printed reason when tmux is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startKedis, type KedisHandle } from "../helpers/servers.ts";

const TMUX = Bun.which("tmux");
if (TMUX === null) console.warn("SKIP kedis-cli REPL tests: tmux not found (apt-get install tmux)");

const SOCKET = `kedis-cli-test-${process.pid}`;
const SESSION = "repl";
const CLI = `${import.meta.dir}/../../src/cli/main.ts`;

async function tmux(...args: string[]): Promise<string> {
  const p = Bun.spawn([TMUX!, "-L", SOCKET, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  return out;
}

/** Type keys (tmux key names such as Enter, Up, Tab, C-c are understood). */
async function keys(...k: string[]): Promise<void> {
  await tmux("send-keys", "-t", SESSION, ...k);
}

/** Type text literally (no key-name lookup). */
async function type(text: string): Promise<void> {
  await tmux("send-keys", "-t", SESSION, "-l", text);
}

async function screen(): Promise<string> {
  return tmux("capture-pane", "-p", "-t", SESSION);
}

/** Poll the screen until `check` holds; fail with the screen after `ms`. */
async function waitFor(check: (s: string) => boolean, what: string, ms = 8000): Promise<string> {
  const deadline = Date.now() + ms;
  let s = "";
  while (Date.now() < deadline) {
    s = await screen();
    if (check(s)) return s;
    await Bun.sleep(40);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}

/** Lines of the screen without trailing blanks. */
function lines(s: string): string[] {
  return s
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l, i, all) => l !== "" || all.slice(i).some((x) => x.trim() !== ""));
}

/** The line the cursor is on: the last non-empty one. */
function lastLine(s: string): string {
  return lines(s).at(-1) ?? "";
}

describe.skipIf(TMUX === null)("kedis-cli REPL under tmux", () => {
  let kedis: KedisHandle;
  let port: number;
  let dir: string;
  let histFile: string;
  let prompt: string;

  beforeAll(async () => {
    port = freePort();
    kedis = await startKedis({ ephemeralPort: false, config: { port: String(port) } });
    dir = mkdtempSync(join(tmpdir(), "kedis-cli-repl-"));
    histFile = join(dir, "history");
    prompt = `127.0.0.1:${port}>`;
    await tmux(
      "new-session",
      "-d",
      "-s",
      SESSION,
      "-x",
      "160",
      "-y",
      "50",
      `env KEDISCLI_HISTFILE=${histFile} HOME=${dir} TERM=xterm ${process.execPath} ${CLI} -p ${port}`,
    );
    await waitFor((s) => lastLine(s) === prompt, "the first prompt");
  });

  afterAll(async () => {
    if (TMUX !== null) await tmux("kill-server");
    await kedis?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Clear the screen and the line, so each test reads only its own output. */
  async function fresh(): Promise<void> {
    await keys("C-u");
    await type("clear");
    await keys("Enter");
    await waitFor((s) => lines(s).length === 1 && lastLine(s).endsWith(">"), "a cleared screen");
  }

  test("a command and its reply, then the prompt again", async () => {
    await fresh();
    await type("SET greeting 'hello world'");
    await keys("Enter");
    await waitFor((s) => lines(s).length >= 3, "the reply");
    await type("GET greeting");
    await keys("Enter");
    const s = await waitFor((x) => x.includes('"hello world"'), "the GET reply");
    expect(lines(s)).toEqual([`${prompt} SET greeting 'hello world'`, "OK", `${prompt} GET greeting`, '"hello world"', prompt]);
  });

  test("typing `SET ` shows the arguments greyed as a hint", async () => {
    await fresh();
    await type("SET ");
    const s = await waitFor((x) => x.includes("key value"), "the hint");
    expect(lastLine(s)).toStartWith(`${prompt} SET key value [NX|XX] [GET] [EX seconds`);
    // Greyed: the hint is drawn in the terminal's bright-black colour.
    const colored = await tmux("capture-pane", "-p", "-e", "-t", SESSION);
    expect(colored).toContain(`${prompt} SET \x1b[90mkey value`);
    // The hint follows what is typed: after the key, only the value and options are left.
    await type("mykey ");
    const s2 = await waitFor((x) => lastLine(x).includes("mykey value"), "the shorter hint");
    expect(lastLine(s2)).toStartWith(`${prompt} SET mykey value [NX|XX]`);
    await keys("C-u");
    await waitFor((x) => lastLine(x) === prompt, "an empty line");
  });

  test("MULTI shows (TX) in the prompt until EXEC", async () => {
    await fresh();
    await type("MULTI");
    await keys("Enter");
    await waitFor((s) => lastLine(s) === `127.0.0.1:${port}(TX)>`, "the (TX) prompt");
    await type("INCR counter");
    await keys("Enter");
    await waitFor((s) => s.includes("QUEUED"), "QUEUED");
    await type("EXEC");
    await keys("Enter");
    const s = await waitFor((x) => x.includes("1) (integer) 1"), "the EXEC reply");
    expect(lastLine(s)).toBe(prompt);
  });

  test("SELECT shows the database in the prompt", async () => {
    await fresh();
    await type("SELECT 2");
    await keys("Enter");
    await waitFor((s) => lastLine(s) === `127.0.0.1:${port}[2]>`, "the [2] prompt");
    await type("SELECT 0");
    await keys("Enter");
    await waitFor((s) => lastLine(s) === prompt, "the plain prompt");
  });

  test("the Up arrow recalls earlier commands, and the history file keeps them", async () => {
    await fresh();
    await type("ECHO first");
    await keys("Enter");
    await waitFor((s) => s.includes('"first"'), "the first reply");
    await type("ECHO second");
    await keys("Enter");
    await waitFor((s) => s.includes('"second"'), "the second reply");
    await keys("Up");
    await waitFor((s) => lastLine(s) === `${prompt} ECHO second`, "the last command recalled");
    await keys("Up");
    await waitFor((s) => lastLine(s) === `${prompt} ECHO first`, "the one before recalled");
    await keys("Down");
    await waitFor((s) => lastLine(s) === `${prompt} ECHO second`, "Down going forward again");
    await keys("Enter");
    await waitFor((s) => s.split('"second"').length === 3, "the recalled command run");
    const saved = readFileSync(histFile, "utf8").split("\n");
    expect(saved).toContain("ECHO first");
    expect(saved).toContain("ECHO second");
  });

  test("TAB completes command names", async () => {
    await fresh();
    await type("LRAN");
    await keys("Tab");
    await waitFor((s) => lastLine(s).startsWith(`${prompt} LRANGE`), "LRANGE completed");
    await keys("C-u");
    await type("config ge");
    await keys("Tab");
    await waitFor((s) => lastLine(s).startsWith(`${prompt} config get`), "a subcommand completed");
    await keys("C-u");
  });

  test("quoting and escapes follow redis-cli's rules", async () => {
    await fresh();
    await type('SET q "a\\x41\\tb"');
    await keys("Enter");
    await type("GET q");
    await keys("Enter");
    await waitFor((s) => s.includes('"aA\\tb"'), "double quotes with \\x41 and \\t");
    await type("ECHO 'it\\'s'");
    await keys("Enter");
    await waitFor((s) => s.includes('"it\'s"'), "single quotes with \\'");
    await type('ECHO "unbalanced');
    await keys("Enter");
    const s = await waitFor((x) => x.includes("Invalid argument(s)"), "the quoting error");
    expect(lastLine(s)).toBe(prompt);
  });

  test("HELP shows a command's syntax and group", async () => {
    await fresh();
    await type("HELP LPUSH");
    await keys("Enter");
    const s = await waitFor((x) => x.includes("group: list"), "the help text");
    expect(s).toContain("LPUSH key element [element ...]");
  });

  test("SUBSCRIBE streams messages until Ctrl-C, then the prompt is back", async () => {
    await fresh();
    await type("SUBSCRIBE news");
    await keys("Enter");
    await waitFor((s) => s.includes("Reading messages") && s.includes('2) "news"'), "the subscription");
    const c = await kedis.client();
    await c.call("PUBLISH", "news", "extra");
    await waitFor((s) => s.includes('3) "extra"'), "the message");
    await keys("C-c");
    await waitFor((s) => lastLine(s) === prompt, "the prompt after Ctrl-C");
    await type("PING");
    await keys("Enter");
    await waitFor((s) => s.includes("PONG"), "a command after the subscription");
  });

  test("Ctrl-C gives up on a blocked command and returns to the prompt", async () => {
    await fresh();
    await type("BLPOP nothing-here 0");
    await keys("Enter");
    await waitFor((s) => lines(s).length === 1 && lastLine(s).endsWith("BLPOP nothing-here 0"), "the command running");
    await keys("C-c");
    await waitFor((s) => lastLine(s) === prompt, "the prompt after Ctrl-C");
    await type("ECHO after");
    await keys("Enter");
    await waitFor((s) => s.includes('"after"'), "a command on the new connection");
  });

  test("RESP3 invalidation pushes are shown before the next reply", async () => {
    await fresh();
    await type("HELLO 3");
    await keys("Enter");
    await waitFor((s) => s.includes('"proto" => (integer) 3'), "the HELLO 3 map");
    await fresh();
    await type("CLIENT TRACKING on");
    await keys("Enter");
    await waitFor((s) => s.includes("OK"), "tracking on");
    await type("GET tracked");
    await keys("Enter");
    await waitFor((s) => s.includes("(nil)"), "the GET");
    const c = await kedis.client();
    await c.call("SET", "tracked", "1");
    await type("PING");
    await keys("Enter");
    const s = await waitFor((x) => x.includes("PONG"), "PONG");
    expect(lines(s).slice(-3)).toEqual(["-> invalidate: 'tracked'", "PONG", prompt]);
  });

  test("a server that goes away: `not connected>`, then reconnects when it is back", async () => {
    await fresh();
    await kedis.stop();
    await type("PING");
    await keys("Enter");
    const s = await waitFor((x) => lastLine(x) === "not connected>", "the not connected prompt");
    expect(s).toContain(`Could not connect to Redis at 127.0.0.1:${port}: Connection refused`);
    kedis = await startKedis({ ephemeralPort: false, config: { port: String(port) } });
    await type("PING");
    await keys("Enter");
    await waitFor((x) => x.includes("PONG") && lastLine(x) === prompt, "PONG after the restart");
  });

  test("quit ends the session", async () => {
    await fresh();
    await type("quit");
    await keys("Enter");
    const deadline = Date.now() + 8000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      const p = Bun.spawn([TMUX!, "-L", SOCKET, "has-session", "-t", SESSION], { stdout: "ignore", stderr: "ignore" });
      alive = (await p.exited) === 0;
      if (alive) await Bun.sleep(40);
    }
    expect(alive).toBe(false);
  });
});
