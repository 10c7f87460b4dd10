/**
 * The explicit list of command families. Adding a family: write `src/commands/<group>.ts` with
 * its table at the bottom, then list it here.
 */
import { clientFamily } from "./client.ts";
import { commandFamily } from "./command.ts";
import { monitorFamily } from "./monitor.ts";
import type { CommandFamily } from "./spec.ts";
import { bitmapFamily } from "./bitmap.ts";
import { configFamily } from "./config.ts";
import { connectionFamily } from "./connection.ts";
import { dumpFamily, persistenceFamily } from "./persistence.ts";
import { genericFamily } from "./generic.ts";
import { hashFamily } from "./hash.ts";
import { listFamily } from "./list.ts";
import { pubsubFamily } from "./pubsub.ts";
import { replicationFamily } from "./replication.ts";
import { serverFamily } from "./server.ts";
import { streamFamily } from "./stream.ts";
import { hyperloglogFamily } from "./hyperloglog.ts";
import { geoFamily } from "./geo.ts";
import { stringFamily } from "./string.ts";
import { setFamily } from "./set.ts";
import { sortFamily } from "./generic-sort.ts";
import { sortedSetFamily } from "./sorted-set.ts";
import { trackingFamily } from "./client-tracking.ts";
import { transactionsFamily } from "./transactions.ts";
import { scriptingFamily } from "./scripting.ts";

export const FAMILIES: readonly CommandFamily[] = [
  connectionFamily,
  clientFamily,
  commandFamily,
  monitorFamily,
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
  pubsubFamily,
  transactionsFamily,
  trackingFamily,
  setFamily,
  sortedSetFamily,
  sortFamily,
  streamFamily,
  hyperloglogFamily,
  geoFamily,
  scriptingFamily,
];
