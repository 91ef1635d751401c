/**
 * A compact text form of an aggregate (portfolio-aggregate.ts), for the delta log and its snapshot: the store bills
 * writes by item size, so a delta is a JSON array of cells, each `[id, n, s, w, u, [tenths, count, …]]`, with every
 * sum a number while it is a safe integer and a decimal string beyond (sums of a million spends × scores pass 2^53).
 * Pure; decode(encode(a)) equals normalise(a).
 */
import { MineralRiskError } from '../errors.ts';
import { type Aggregate, type Cell, normalise } from './portfolio-aggregate.ts';

type Num = number | string;
type EncodedCell = [string, Num, Num, Num, Num, Num[]];

const num = (v: bigint): Num =>
  v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v);

export function encodeAggregate(agg: Aggregate): string {
  const cells: EncodedCell[] = [];
  for (const [id, c] of normalise(agg)) {
    const h: Num[] = [];
    for (const [tenths, k] of c.h) h.push(tenths, num(k));
    cells.push([id, num(c.n), num(c.s), num(c.w), num(c.u), h]);
  }
  return JSON.stringify(cells);
}

/** A stored aggregate that is not this form: a bug or a foreign item, not something a retry mends. */
export class MalformedAggregateError extends MineralRiskError {
  readonly retryable = false;
}

export function decodeAggregate(text: string): Aggregate {
  const cells = JSON.parse(text) as unknown;
  if (!Array.isArray(cells)) throw new MalformedAggregateError('an encoded aggregate is an array of cells');
  const out: Aggregate = new Map();
  for (const raw of cells as EncodedCell[]) {
    const [id, n, s, w, u, h] = raw;
    const cell: Cell = { n: BigInt(n), s: BigInt(s), w: BigInt(w), u: BigInt(u), h: new Map() };
    for (let i = 0; i + 1 < h.length; i += 2) cell.h.set(Number(h[i]), BigInt(h[i + 1] as Num));
    out.set(String(id), cell);
  }
  return out;
}
