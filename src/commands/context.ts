/**
 * The context every handler receives. Like Redis's `client *c`, it is the client itself:
 * `c.argv`, `c.db`, `c.out` (reply writer), `c.server`, `c.ks`. Commands import it as a type
 * only, so at run time `commands/` still depends on nothing in `server/`.
 */
export type { Client as CommandContext } from "../server/client.ts";
