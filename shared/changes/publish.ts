/** Publishing the notable ones of the change records a write produced (issue 10). */
import type { ChangeRecord } from './change-record.ts';
import { type ChangeEventPublisher, isNotable } from './events.ts';

/** Where writers send change events, and the smallest move that is one (a band change always is). */
export interface ChangeEvents {
  publisher: ChangeEventPublisher;
  minPoints: number;
}

/** Publishes the notable records; returns how many. Throws what the publisher throws. */
export async function publishNotable(
  events: ChangeEvents | undefined,
  records: readonly ChangeRecord[],
): Promise<number> {
  if (!events) return 0;
  const notable = records.filter((r) => isNotable(r, events.minPoints));
  if (notable.length > 0) await events.publisher.publish(notable);
  return notable.length;
}
