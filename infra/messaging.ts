/**
 * Service Bus: exactly the entities of `shared/messaging/topology.ts` (the local
 * emulator runs the same definition), with key auth off, and the app's identity
 * granted send or receive on each entity it uses and nothing else. Each back
 * office's principal (config `partnerPrincipals`) may send only on its own inbound
 * queue and receive only from its own work-orders subscription: the queue a
 * partner message arrives on is who sent it.
 */
import * as pulumi from '@pulumi/pulumi';
import * as servicebus from '@pulumi/azure-native/servicebus/index.js';
import type { PartnerId } from '../shared/catalogue/partners.js';
import { topology, type SubscriptionFilter } from '../shared/messaging/topology.js';
import { deadLetterEntities, isReplayable } from '../shared/operations/dead-letters.js';
import type { InfraConfig } from './config.js';
import type { Networking } from './networking.js';
import { grant } from './roles.js';

function ruleArgs(filter: SubscriptionFilter): Partial<servicebus.RuleArgs> | undefined {
  switch (filter.kind) {
    case 'true':
      return undefined;
    case 'sql':
      return { filterType: 'SqlFilter', sqlFilter: { sqlExpression: filter.expression } };
    case 'correlation':
      return {
        filterType: 'CorrelationFilter',
        correlationFilter: {
          ...(filter.subject ? { label: filter.subject } : {}),
          ...(filter.correlationId ? { correlationId: filter.correlationId } : {}),
          ...(filter.contentType ? { contentType: filter.contentType } : {}),
          ...(filter.to ? { to: filter.to } : {}),
          ...(filter.applicationProperties
            ? {
                properties: Object.fromEntries(
                  Object.entries(filter.applicationProperties).map(([k, v]) => [k, String(v)]),
                ),
              }
            : {}),
        },
      };
  }
}

/** What a back office may do on one entity, as the built-in role that allows exactly that. */
const partnerRoles = { send: 'serviceBusDataSender', receive: 'serviceBusDataReceiver' } as const;

/** A back office's own access to one entity; none if the stack names no principal for it. */
function grantPartner(
  cfg: InfraConfig,
  name: string,
  office: PartnerId | undefined,
  access: keyof typeof partnerRoles,
  scope: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
) {
  const principalId = office ? cfg.partnerPrincipals[office] : undefined;
  if (!principalId) return;
  grant(name, { role: partnerRoles[access], principalId, scope, subscriptionId });
}

export function createMessaging(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  net: Networking | undefined,
  app: { principalId: pulumi.Input<string>; subscriptionId: pulumi.Input<string> },
) {
  const namespace = new servicebus.Namespace('sb', {
    resourceGroupName,
    namespaceName: `sb-${cfg.prefix}-${cfg.env}`,
    // Private endpoints need Premium; Standard is enough without them.
    sku: net ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard' },
    disableLocalAuth: true,
    minimumTlsVersion: '1.2',
  });
  // In prod the app uses the private endpoint; back offices and operators connect over the
  // internet from their allow-listed ranges with their own Entra identities (local auth is off).
  const outside = [...cfg.partnerIps, ...cfg.operatorIps];
  new servicebus.NamespaceNetworkRuleSet('sb-network', {
    resourceGroupName,
    namespaceName: namespace.name,
    publicNetworkAccess: net && outside.length === 0 ? 'Disabled' : 'Enabled',
    defaultAction: net ? 'Deny' : 'Allow',
    ipRules: net ? outside.map((ipMask) => ({ ipMask, action: 'Allow' })) : [],
    trustedServiceAccessEnabled: false,
  });
  const who = { principalId: app.principalId, subscriptionId: app.subscriptionId };
  const queues = topology.queues.map((q) => {
    const queue = new servicebus.Queue(`sbq-${q.name}`, {
      resourceGroupName,
      namespaceName: namespace.name,
      queueName: q.name,
      lockDuration: q.lockDuration,
      maxDeliveryCount: q.maxDeliveryCount,
      defaultMessageTimeToLive: q.defaultMessageTimeToLive,
      deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration,
      requiresDuplicateDetection: q.requiresDuplicateDetection,
      duplicateDetectionHistoryTimeWindow: q.duplicateDetectionHistoryTimeWindow,
    });
    for (const access of q.appAccess)
      grant(`role-sbq-${q.name}-${access}`, {
        ...who,
        role: access === 'send' ? 'serviceBusDataSender' : 'serviceBusDataReceiver',
        scope: queue.id,
      });
    grantPartner(cfg, `role-sbq-${q.name}-partner-send`, q.partnerSends, 'send', queue.id, app.subscriptionId);
    return queue;
  });
  const subscriptions: { entity: string; resource: servicebus.Subscription }[] = [];
  const topics = topology.topics.map((t) => {
    const topic = new servicebus.Topic(`sbt-${t.name}`, {
      resourceGroupName,
      namespaceName: namespace.name,
      topicName: t.name,
      defaultMessageTimeToLive: t.defaultMessageTimeToLive,
      requiresDuplicateDetection: t.requiresDuplicateDetection,
      duplicateDetectionHistoryTimeWindow: t.duplicateDetectionHistoryTimeWindow,
    });
    if (t.appAccess.includes('send'))
      grant(`role-sbt-${t.name}-send`, { ...who, role: 'serviceBusDataSender', scope: topic.id });
    for (const s of t.subscriptions) {
      const subscription = new servicebus.Subscription(`sbs-${t.name}-${s.name}`, {
        resourceGroupName,
        namespaceName: namespace.name,
        topicName: topic.name,
        subscriptionName: s.name,
        lockDuration: s.lockDuration,
        maxDeliveryCount: s.maxDeliveryCount,
        defaultMessageTimeToLive: s.defaultMessageTimeToLive,
        deadLetteringOnMessageExpiration: s.deadLetteringOnMessageExpiration,
        deadLetteringOnFilterEvaluationExceptions: true,
      });
      subscriptions.push({ entity: `${t.name}/${s.name}`, resource: subscription });
      const rule = ruleArgs(s.filter);
      // A new subscription has a match-all `$Default` rule; a filtered one replaces it.
      if (rule) {
        new servicebus.Rule(`sbr-${t.name}-${s.name}`, {
          resourceGroupName,
          namespaceName: namespace.name,
          topicName: topic.name,
          subscriptionName: subscription.name,
          ruleName: '$Default',
          ...rule,
        });
      }
      if (s.appReceives)
        grant(`role-sbs-${t.name}-${s.name}-receive`, {
          ...who,
          role: 'serviceBusDataReceiver',
          scope: subscription.id,
        });
      grantPartner(
        cfg,
        `role-sbs-${t.name}-${s.name}-partner-receive`,
        s.partnerReceives,
        'receive',
        subscription.id,
        app.subscriptionId,
      );
    }
    return topic;
  });
  net?.privateEndpoint('sb', namespace.id, 'namespace');
  return { namespace, queues, topics, subscriptions };
}

/**
 * Rights for dead-letter work (decisions 1002 and 1070): a dead-letter queue is a sub-queue of
 * its entity, and Service Bus RBAC stops at the entity (namespace, queue, topic, subscription),
 * so reading one takes Data Receiver on its queue or subscription, and replaying one takes Data
 * Sender on its queue. Exactly the entities `shared/operations/dead-letters.ts` serves: receive
 * on each, send only on those it replays to (queues; never a topic, which would reach every
 * subscriber). Rights the principal already holds are not granted twice (Azure refuses a
 * duplicate assignment).
 */
export function grantDeadLetterWork(
  messaging: {
    queues: readonly servicebus.Queue[];
    subscriptions: readonly { entity: string; resource: servicebus.Subscription }[];
  },
  who: {
    name: string;
    principalId: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    principalType?: 'ServicePrincipal' | 'Group';
    /** What the principal holds already, by entity (the app's own use of the topology). */
    holds?: (entity: string, access: 'send' | 'receive') => boolean;
  },
): void {
  const held = who.holds ?? (() => false);
  const scopes = new Map<string, pulumi.Input<string>>([
    ...topology.queues.map((q, i) => [q.name, messaging.queues[i]?.id ?? ''] as const),
    ...messaging.subscriptions.map((s) => [s.entity, s.resource.id] as const),
  ]);
  for (const entity of deadLetterEntities()) {
    const scope = scopes.get(entity);
    if (!scope) throw new Error(`the dead-letter entity ${entity} is not provisioned`);
    const label = entity.replace('/', '-');
    const base = { principalId: who.principalId, subscriptionId: who.subscriptionId, scope };
    const principal = who.principalType ? { principalType: who.principalType } : {};
    if (!held(entity, 'receive'))
      grant(`role-${who.name}-dlq-${label}-receive`, { ...base, ...principal, role: 'serviceBusDataReceiver' });
    if (isReplayable(entity) && !held(entity, 'send'))
      grant(`role-${who.name}-dlq-${label}-send`, { ...base, ...principal, role: 'serviceBusDataSender' });
  }
}

/** What the app's own use of the topology already grants it on an entity (queue or topic/subscription). */
export function appHolds(entity: string, access: 'send' | 'receive'): boolean {
  const queue = topology.queues.find((q) => q.name === entity);
  if (queue) return queue.appAccess.includes(access);
  const [topic, name] = entity.split('/');
  const subscription = topology.topics.find((t) => t.name === topic)?.subscriptions.find((s) => s.name === name);
  return access === 'receive' && subscription?.appReceives === true;
}
