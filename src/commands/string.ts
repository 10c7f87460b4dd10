/**
 * String commands. Values are Uint8Array with Redis's encoding tag (int, embstr, raw).
 */
import { OBJ_STRING } from "../store/value.ts";
import { E, fail } from "../protocol/errors.ts";
import { WRONGTYPE } from "../store/database.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

function getCommand(c: CommandContext): void {
  const v = c.db.readTyped<Uint8Array>(c.argv[1]!, OBJ_STRING);
  if (v === null) c.out.nullBulk();
  else if (v === WRONGTYPE) fail(E.WRONGTYPE);
  else c.out.bulk(v);
}

function setCommand(c: CommandContext): void {
  c.db.setString(c.argv[1]!, c.argv[2]!.slice());
  c.server.dirty++;
  c.out.ok();
}

export const stringFamily: CommandFamily = {
  group: "string",
  commands: [
    ["get", 2, "readonly fast", [1, 1, 1], getCommand],
    ["set", -3, "write denyoom", [1, 1, 1], setCommand],
  ],
};
