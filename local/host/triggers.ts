/**
 * Trigger start-up: every non-HTTP trigger the app registered, driven from the local
 * stack as the host drives it from Azure. Returns the functions that stop them.
 */
import { startPoller } from '../poller.js';
import { startChangeFeed } from './change-feed-trigger.js';
import { startMalwareScanning } from './malware-scanning.js';
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
  // Neither Defender for Storage nor Event Grid exists locally: a stand-in scans quarantine
  // and delivers Defender's scan-result event to the function subscribed to it.
  const scanUpload = byName.get('scan-upload');
  if (process.env.UPLOAD_SCANNER === 'signatures' && scanUpload?.trigger.type === 'eventGridTrigger')
    stops.push(
      await startMalwareScanning('scan-upload', (event) => invoke(scanUpload, typed(event)), startPoller, log),
    );
  return stops;
}
