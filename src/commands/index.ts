/**
 * The explicit list of command families. Adding a family: write `src/commands/<group>.ts` with
 * its table at the bottom, then list it here.
 */
import { trackingFamily, withTrackingSubcommands } from "./client-tracking.ts";
import { connectionFamily } from "./connection.ts";
import { pubsubFamily } from "./pubsub.ts";
import type { CommandFamily } from "./spec.ts";
import { stringFamily } from "./string.ts";
import { transactionsFamily } from "./transactions.ts";

export const FAMILIES: readonly CommandFamily[] = withTrackingSubcommands([
  connectionFamily,
  stringFamily,
  pubsubFamily,
  transactionsFamily,
  trackingFamily,
]);
