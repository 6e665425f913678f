/**
 * Defender for Storage's malware-scan results → the `scan-upload` function.
 *
 * Defender publishes each verdict (`Microsoft.Security.MalwareScanningResult`) to a custom
 * Event Grid topic that this program owns; `scan-upload` is subscribed to it with a
 * dead-letter container, so an undeliverable verdict is kept rather than dropped. The
 * program creates no system topic on the documents account: Defender creates its own
 * there, and Azure allows one system topic per source.
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid/index.js';
import type { InfraConfig } from './config.js';
import { scanDeadLetterContainer } from './data.js';

/** The function the verdicts go to (functions/index.ts); the name is the contract with the app. */
export const scanFunctionName = 'scan-upload';
export const scanResultEventType = 'Microsoft.Security.MalwareScanningResult';

export function createScanResultsTopic(cfg: InfraConfig, resourceGroupName: pulumi.Input<string>) {
  return new eventgrid.Topic('egt-scan-results', {
    resourceGroupName,
    topicName: `egt-${cfg.prefix}-scan-results-${cfg.env}`,
    location: cfg.location,
    inputSchema: 'EventGridSchema',
    // Its identity writes undeliverable events to the dead-letter container (shared keys are off).
    identity: { type: 'SystemAssigned' },
    // Defender publishes from Microsoft's service, which does not reach private endpoints.
    publicNetworkAccess: 'Enabled',
  });
}

/**
 * The subscription, created only once the code is deployed (`doorstep:uploadEvents`):
 * Event Grid validates an Azure Function destination when the subscription is made.
 */
export function subscribeScanUpload(
  resourceGroupName: pulumi.Input<string>,
  inputs: {
    topicName: pulumi.Input<string>;
    appId: pulumi.Input<string>;
    quarantineUrl: pulumi.Input<string>;
    deadLetterAccountId: pulumi.Input<string>;
  },
  opts?: pulumi.CustomResourceOptions,
) {
  return new eventgrid.TopicEventSubscription(
    'egsub-scan-upload',
    {
      resourceGroupName,
      topicName: inputs.topicName,
      eventSubscriptionName: scanFunctionName,
      eventDeliverySchema: 'EventGridSchema',
      destination: {
        endpointType: 'AzureFunction',
        resourceId: pulumi.interpolate`${inputs.appId}/functions/${scanFunctionName}`,
        maxEventsPerBatch: 1,
      },
      filter: {
        includedEventTypes: [scanResultEventType],
        // Defender scans every container; only quarantine's verdicts are the scanner's business.
        advancedFilters: [{ operatorType: 'StringBeginsWith', key: 'data.blobUri', values: [inputs.quarantineUrl] }],
      },
      retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
      deadLetterWithResourceIdentity: {
        identity: { type: 'SystemAssigned' },
        deadLetterDestination: {
          endpointType: 'StorageBlob',
          resourceId: inputs.deadLetterAccountId,
          blobContainerName: scanDeadLetterContainer,
        },
      },
    },
    opts,
  );
}
