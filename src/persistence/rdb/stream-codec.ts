/**
 * Stream values in RDB files and DUMP payloads.
 *
 * Writing: RDB_TYPE_STREAM_LISTPACKS_2 (19), what Redis 7.0 writes: the node count, each node as
 * its 16-byte big-endian master ID and its listpack bytes (Kedis keeps nodes in Redis's exact
 * layout, so they are written as they are), then length, last ID, first ID, max deleted ID,
 * entries added, and the consumer groups in name order (name, last ID, entries read, the PEL
 * with delivery time and count, then each consumer with its seen time and its PEL IDs).
 *
 * Reading: types 15, 19 and 21 decoded by the RDB reader into a `StreamRaw`; here every node is
 * validated (layout, counts, ID order) and adopted, and the groups rebuilt. Type 15 (Redis 5/6)
 * lacks the 7.0 counters, which are derived the way Redis derives them on load.
 */
import { Stream, StreamFormatError } from "../../datastructures/stream.ts";
import { cmpId, encodeId128, normU64, type U64 } from "../../datastructures/stream-id.ts";
import { ENTRIES_READ_INVALID, Nack, StreamValue, type I64 } from "../../store/types/stream.ts";
import * as F from "./format.ts";
import { RdbFormatError, type StreamRaw } from "./reader.ts";
import type { RdbWriter } from "./writer.ts";

/** Redis's rdbSaveLen for a full 64-bit value (bigint-safe). */
function lengthU64(w: RdbWriter, v: U64 | bigint): void {
  if (typeof v === "number" && v <= 0xffffffff) {
    w.length(v);
    return;
  }
  const b = new Uint8Array(9);
  b[0] = F.LEN_64BIT;
  new DataView(b.buffer).setBigUint64(1, BigInt.asUintN(64, BigInt(v)), false);
  w.raw(b);
}

const idBuf = new Uint8Array(16);

/** Write a stream value's payload (after the type byte). */
export function writeStream(w: RdbWriter, v: StreamValue): void {
  const s = v.s;
  w.length(s.nodes.size);
  s.nodes.forEach((ms, seq, node) => {
    w.string(encodeId128(ms, seq, new Uint8Array(16)));
    w.string(node.listpack());
  });
  w.length(s.length);
  lengthU64(w, s.lastMs);
  lengthU64(w, s.lastSeq);
  lengthU64(w, s.firstMs);
  lengthU64(w, s.firstSeq);
  lengthU64(w, s.maxDelMs);
  lengthU64(w, s.maxDelSeq);
  lengthU64(w, s.entriesAdded);
  const groups = v.sortedGroups();
  w.length(groups.length);
  for (const g of groups) {
    w.string(g.name);
    lengthU64(w, g.lastId.ms);
    lengthU64(w, g.lastId.seq);
    lengthU64(w, typeof g.entriesRead === "bigint" ? g.entriesRead : g.entriesRead < 0 ? BigInt.asUintN(64, BigInt(g.entriesRead)) : g.entriesRead);
    w.length(g.pel.size);
    g.pel.forEach((ms, seq, nack) => {
      w.raw(encodeId128(ms, seq, idBuf).slice());
      w.millis(nack.deliveryTime);
      w.length(nack.deliveryCount);
    });
    const cons = g.sortedConsumers();
    w.length(cons.length);
    for (const c of cons) {
      w.string(c.name);
      w.millis(c.seenTime);
      w.length(c.pel.size);
      c.pel.forEach((ms, seq) => {
        w.raw(encodeId128(ms, seq, idBuf).slice());
      });
    }
  }
}

/** RDB type written for streams. */
export const STREAM_RDB_TYPE = F.T_STREAM_LISTPACKS_2;

function u64(x: number | bigint): U64 {
  return typeof x === "bigint" ? normU64(x) : x;
}

/** Build an in-memory stream from its decoded RDB form; RdbFormatError when inconsistent. */
export function buildStream(raw: StreamRaw): StreamValue {
  const s = new Stream();
  try {
    let total = 0;
    for (const [key, lp] of raw.nodes) {
      const v = new DataView(key.buffer, key.byteOffset, 16);
      const ms = normU64(v.getBigUint64(0, false));
      const seq = normU64(v.getBigUint64(8, false));
      total += s.loadNode(ms, seq, lp);
    }
    if (total !== raw.length) throw new RdbFormatError("stream length does not match its entries");
  } catch (e) {
    if (e instanceof StreamFormatError) throw new RdbFormatError(e.message);
    throw e;
  }
  s.length = raw.length;
  s.lastMs = u64(raw.lastId[0]);
  s.lastSeq = u64(raw.lastId[1]);
  if (raw.firstId !== null && raw.maxDeletedId !== null && raw.entriesAdded !== null) {
    s.firstMs = u64(raw.firstId[0]);
    s.firstSeq = u64(raw.firstId[1]);
    s.maxDelMs = u64(raw.maxDeletedId[0]);
    s.maxDelSeq = u64(raw.maxDeletedId[1]);
    s.entriesAdded = u64(raw.entriesAdded);
  } else {
    // Before 7.0: derive the counters like Redis does when loading an old stream.
    s.refreshFirstId();
    s.entriesAdded = s.length;
  }
  const top = s.lastValidId();
  if (s.length > 0 && cmpId(top.ms, top.seq, s.lastMs, s.lastSeq) > 0) throw new RdbFormatError("stream last ID below its top entry");
  const value = new StreamValue(s);
  for (const gr of raw.groups) {
    let entriesRead: I64;
    if (gr.entriesRead === null) entriesRead = ENTRIES_READ_INVALID;
    else if (typeof gr.entriesRead === "bigint") entriesRead = gr.entriesRead === 18446744073709551615n ? ENTRIES_READ_INVALID : BigInt.asIntN(64, gr.entriesRead);
    else entriesRead = gr.entriesRead;
    const lastId = { ms: u64(gr.lastId[0]), seq: u64(gr.lastId[1]) };
    const g = value.createGroup(gr.name, lastId, entriesRead);
    if (g === null) throw new RdbFormatError("duplicated consumer group name");
    if (gr.entriesRead === null) g.entriesRead = value.estimateEntriesRead(lastId);
    for (const p of gr.pel) {
      const ms = u64(p.id[0]);
      const seq = u64(p.id[1]);
      if (!g.pel.set(ms, seq, new Nack(p.deliveryTime, p.deliveryCount, null))) throw new RdbFormatError("duplicated global PEL entry");
    }
    for (const cr of gr.consumers) {
      const con = g.addConsumer(cr.name, cr.seenTime);
      if (con === null) throw new RdbFormatError("duplicate stream consumer detected");
      for (const id of cr.pel) {
        const ms = u64(id[0]);
        const seq = u64(id[1]);
        const nack = g.pel.get(ms, seq);
        if (nack === undefined) throw new RdbFormatError("consumer entry not found in group global PEL");
        if (nack.consumer !== null) throw new RdbFormatError("duplicated consumer PEL entry");
        nack.consumer = con;
        con.pel.set(ms, seq, nack);
      }
    }
    // Every pending entry must belong to a consumer.
    g.pel.forEach((_ms, _seq, n) => {
      if (n.consumer === null) throw new RdbFormatError("stream PEL entry without a consumer");
    });
  }
  return value;
}
