/**
 * The explicit list of command families. Adding a family: write `src/commands/<group>.ts` with
 * its table at the bottom, then list it here.
 */
import { bitmapFamily } from "./bitmap.ts";
import { configFamily } from "./config.ts";
import { connectionFamily } from "./connection.ts";
import { genericFamily } from "./generic.ts";
import { serverFamily } from "./server.ts";
import { hashFamily } from "./hash.ts";
import { listFamily } from "./list.ts";
import type { CommandFamily } from "./spec.ts";
import { stringFamily } from "./string.ts";
import { dumpFamily, persistenceFamily } from "./persistence.ts";
import { replicationFamily } from "./replication.ts";

export const FAMILIES: readonly CommandFamily[] = [
  connectionFamily,
  stringFamily,
  bitmapFamily,
  genericFamily,
  serverFamily,
  configFamily,
  persistenceFamily,
  dumpFamily,
  replicationFamily,
  listFamily,
  hashFamily,
];
