#!/usr/bin/env bun
/**
 * Entry point, like redis-server: `kedis [config-file|-] [--name value ...]`.
 * Parse the configuration (file, stdin, then options) → create the Server → start it; SIGTERM
 * and SIGINT shut it down the way shutdown-on-sigterm / shutdown-on-sigint say.
 */
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { Config } from "./config/config.ts";
import { ConfigFileError, ConfigOpenError, loadStartupConfig, parseCommandLine } from "./config/parse.ts";
import { Server } from "./server/server.ts";
import { KEDIS_VERSION, REDIS_VERSION } from "./util/version.ts";
import { Logger } from "./util/log.ts";

const USAGE = `Usage: kedis [/path/to/kedis.conf] [options] [-]
       kedis - (read config from stdin)
       kedis -v or --version
       kedis -h or --help

Examples:
       kedis (run the server with default config)
       kedis /etc/redis/6379.conf
       kedis --port 7777
       kedis --port 7777 --replicaof 127.0.0.1 8888
       kedis /etc/myredis.conf --loglevel verbose -
       kedis /etc/myredis.conf --loglevel verbose
`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cl = parseCommandLine(args.map(toByteString));
  if (cl.version) {
    console.log(`Kedis server v=${KEDIS_VERSION} redis=${REDIS_VERSION} bun=${Bun.version} malloc=libc bits=64`);
    return;
  }
  if (cl.help) {
    process.stderr.write(USAGE);
    return;
  }
  const log = new Logger();
  log.role = "C";
  const config = new Config();
  let extras;
  try {
    extras = loadStartupConfig(config, cl, cl.stdin ? toByteString(await Bun.stdin.text()) : "");
  } catch (e) {
    if (e instanceof ConfigFileError) process.stderr.write(e.message);
    else if (e instanceof ConfigOpenError) log.warning(e.message);
    else throw e;
    process.exit(1);
  }
  if (config.getBool("daemonize") && process.env.KEDIS_DAEMONIZED !== "1") return daemonize();
  if (config.getBool("daemonize") && config.get("pidfile") === "") config.set("pidfile", "/var/run/redis.pid");

  log.file = config.get("logfile");
  log.setLevel(config.get("loglevel"));
  if (log.file !== "") {
    try {
      appendFileSync(log.file, "");
    } catch (e) {
      process.stderr.write(`Can't open the log file: ${(e as { code?: string }).code === "ENOENT" ? "No such file or directory" : String(e)}\n`);
      process.exit(1);
    }
  }
  log.warning("oO0OoO0OoO0Oo Kedis is starting oO0OoO0OoO0Oo");
  log.warning(`Kedis version=${KEDIS_VERSION} (Redis ${REDIS_VERSION} compatible), bun=${Bun.version}, bits=64, pid=${process.pid}, just started`);
  if (args.length === 0) log.warning("Warning: no config file specified, using the default config. In order to specify a config file use kedis /path/to/kedis.conf");
  else log.warning("Configuration loaded");
  for (const [from] of extras.renames) log.warning(`rename-command is not supported by Kedis: '${from}' keeps its name`);
  log.role = "M";

  const server = new Server({
    loadedConfig: config,
    configFile: cl.configFile === null ? null : resolve(cl.configFile),
    configExtras: extras,
    exitOnShutdown: true,
    executable: resolve(process.argv[1] ?? process.execPath),
    logger: log,
  });
  try {
    await server.start();
  } catch (e) {
    log.warning(`Failed listening on port ${config.get("port")} (tcp), aborting: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }

  let shuttingDown = false;
  const onSignal = (signal: "SIGTERM" | "SIGINT") => {
    if (shuttingDown && signal === "SIGINT") {
      log.warning("You insist... exiting now.");
      process.exit(1);
    }
    shuttingDown = true;
    const words = config.get(signal === "SIGTERM" ? "shutdown-on-sigterm" : "shutdown-on-sigint").split(" ");
    const save = words.includes("save") ? true : words.includes("nosave") ? false : null;
    if (!server.shutdown({ save, now: words.includes("now"), force: words.includes("force"), signal })) {
      log.warning(`${signal} received but errors trying to shut down the server, check the logs for more information`);
      shuttingDown = false;
    }
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}

/** Arguments as byte strings (one char per byte), the form configuration values are kept in. */
function toByteString(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** daemonize yes: start a detached copy of this process and leave (Bun cannot fork). */
function daemonize(): void {
  const child = spawn(process.execPath, process.argv.slice(1), {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, KEDIS_DAEMONIZED: "1" },
  });
  child.unref();
  process.exit(0);
}

await main();
