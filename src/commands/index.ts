/**
 * The explicit list of command families. Adding a family: write `src/commands/<group>.ts` with
 * its table at the bottom, then list it here.
 */
import { configFamily } from "./config.ts";
import { connectionFamily } from "./connection.ts";
import { serverFamily } from "./server.ts";
import type { CommandFamily } from "./spec.ts";
import { stringFamily } from "./string.ts";

export const FAMILIES: readonly CommandFamily[] = [connectionFamily, stringFamily, serverFamily, configFamily];
