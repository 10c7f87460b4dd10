#!/usr/bin/env bun
/**
 * Entry point: `kedis [config-file] [--name value ...]`, like redis-server.
 */
import { Server } from "./server/server.ts";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--")) {
      const vals: string[] = [];
      while (i + 1 < args.length && !args[i + 1]!.startsWith("--")) vals.push(args[++i]!);
      config[a.slice(2)] = vals.join(" ");
    }
  }
  const server = new Server({ config });
  await server.start();
  const shutdown = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

await main();
