/**
 * The explicit list of command families. Adding a family: write `src/commands/<group>.ts` with
 * its table at the bottom, then list it here.
 */
import { connectionFamily } from "./connection.ts";
import type { CommandFamily } from "./spec.ts";
import { stringFamily } from "./string.ts";
import { sortFamily } from "./generic-sort.ts";
import { setFamily } from "./set.ts";
import { sortedSetFamily } from "./sorted-set.ts";

export const FAMILIES: readonly CommandFamily[] = [connectionFamily, stringFamily, setFamily, sortedSetFamily, sortFamily];
