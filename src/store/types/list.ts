/**
 * List values: a quicklist of packed chunks (src/datastructures/quicklist.ts). Redis 7.0 reports
 * every list as `quicklist` in OBJECT ENCODING, whatever its size (the `listpack` encoding for
 * small lists arrived in 7.2), so the encoding name is constant here.
 */
import { QuickList } from "../../datastructures/quicklist.ts";
import type { Collection } from "../value.ts";

export class ListValue extends QuickList implements Collection {
  get size(): number {
    return this.length;
  }

  encoding(): string {
    return "quicklist";
  }

  clone(): ListValue {
    const l = new ListValue(this.fill);
    this.copyInto(l);
    return l;
  }
}
