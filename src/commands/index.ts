/**
 * The explicit list of command families. Adding a family: write `src/commands/<group>.ts` with
 * its table at the bottom, then list it here.
 */
import { clientFamily } from "./client.ts";
import { commandFamily } from "./command.ts";
import { connectionFamily } from "./connection.ts";
import { monitorFamily } from "./monitor.ts";
import type { CommandFamily } from "./spec.ts";
import { stringFamily } from "./string.ts";

export const FAMILIES: readonly CommandFamily[] = [connectionFamily, clientFamily, commandFamily, monitorFamily, stringFamily];
