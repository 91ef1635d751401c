/** The change-event settings of a deployed writer (score, rescore worker, API), read from its environment. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { MissingConfigurationError, SDK_MAX_ATTEMPTS } from '../aws-clients.ts';
import { EventBridgeChangePublisher } from './eventbridge-publisher.ts';
import { CHANGE_EVENT } from './events.ts';
import type { ChangeEvents } from './publish.ts';

/** CHANGE_EVENT_BUS_NAME (the stage's bus) and CHANGE_EVENT_MIN_POINTS (default CHANGE_EVENT.defaultMinPoints). */
export function changeEventsFromEnv(env: NodeJS.ProcessEnv = process.env): ChangeEvents {
  const raw = env.CHANGE_EVENT_MIN_POINTS;
  const minPoints = raw === undefined || raw === '' ? CHANGE_EVENT.defaultMinPoints : Number(raw);
  if (!Number.isFinite(minPoints) || minPoints < 0)
    throw new MissingConfigurationError(`CHANGE_EVENT_MIN_POINTS must be a number of points ≥ 0, not "${raw}"`);
  const bus = env.CHANGE_EVENT_BUS_NAME;
  if (!bus) throw new MissingConfigurationError('environment variable CHANGE_EVENT_BUS_NAME is not set');
  return {
    publisher: new EventBridgeChangePublisher(new EventBridgeClient({ maxAttempts: SDK_MAX_ATTEMPTS }), bus),
    minPoints,
  };
}
