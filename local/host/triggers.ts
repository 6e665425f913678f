/**
 * Trigger start-up: every non-HTTP trigger the app registered, driven from the local
 * stack as the host drives it from Azure. Returns the functions that stop them.
 */
import { blobEventSubscriptions } from '../../shared/events/event-subscriptions.js';
import { startBlobEvents } from './blob-events.js';
import { startChangeFeed } from './change-feed-trigger.js';
import { timerPayload, typed, type Invoke, type RegisteredFunction } from './registry.js';
import { startServiceBusTrigger } from './service-bus-trigger.js';
import { startTimerTrigger } from './timer-trigger.js';

export async function startTriggers(
  functions: readonly RegisteredFunction[],
  byName: ReadonlyMap<string, RegisteredFunction>,
  invoke: Invoke,
  log: (line: string) => void,
): Promise<(() => Promise<void>)[]> {
  const stops: (() => Promise<void>)[] = [];
  for (const fn of functions.filter((f) => f.trigger.type === 'serviceBusTrigger')) {
    stops.push(await startServiceBusTrigger(fn, (data, meta) => invoke(fn, data, meta), log));
  }
  for (const fn of functions.filter((f) => f.trigger.type === 'timerTrigger')) {
    stops.push(startTimerTrigger(fn, () => invoke(fn, timerPayload()), log));
  }
  for (const fn of functions.filter((f) => f.trigger.type === 'cosmosDBTrigger')) {
    stops.push(await startChangeFeed(fn, (documents) => invoke(fn, typed(documents)), log));
  }
  // Event Grid does not exist locally: watch the containers its subscriptions cover.
  for (const subscription of blobEventSubscriptions) {
    const fn = byName.get(subscription.functionName.toLowerCase());
    if (fn?.trigger.type === 'eventGridTrigger')
      stops.push(await startBlobEvents(subscription, (event) => invoke(fn, typed(event)), log));
  }
  return stops;
}
