/**
 * Partners' own access to Service Bus, under Pulumi mocks: each back office's
 * principal may send only on its own inbound queue and receive only from its own
 * work-orders subscription, so the queue a message arrives on is who sent it.
 * Role ids in service-bus-access.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInfraConfig } from '../../infra/config.js';
import { partnerInboundQueue, topology } from '../../shared/messaging/topology.js';
import type { Recorded } from './synthesize.js';
import { receiver, sender, serviceBusAccess, type ServiceBusAccess } from './service-bus-access.js';

const highways = '11111111-1111-4111-8111-111111111111';
const waste = '22222222-2222-4222-8222-222222222222';

let resources: Recorded[];
let assignmentsOf: ServiceBusAccess['assignmentsOf'];

beforeAll(async () => {
  // council-crm is left out: it gets nothing.
  ({ resources, assignmentsOf } = await serviceBusAccess('partners', {
    'highways-contractor': highways,
    'waste-contractor': waste,
  }));
}, 240_000);

describe("partners' access to Service Bus", () => {
  it('when a back office has a principal, then it may send only on its own inbound queue and receive only from its own work orders', () => {
    expect(assignmentsOf(highways)).toEqual([
      { role: sender, target: partnerInboundQueue('highways-contractor') },
      { role: receiver, target: 'work-orders/highways-contractor' },
    ]);
    expect(assignmentsOf(waste)).toEqual([
      { role: sender, target: partnerInboundQueue('waste-contractor') },
      { role: receiver, target: 'work-orders/waste-contractor' },
    ]);
  });

  it('when a back office has no principal configured, then nothing is granted for it, and the app keeps only receive on inbound queues', () => {
    const partnerGrants = resources.filter(
      (r) => r.type === 'azure-native:authorization:RoleAssignment' && r.inputs.principalId !== 'app',
    );
    expect(partnerGrants).toHaveLength(4);
    expect(partnerGrants.map((g) => g.name).join(' ')).not.toContain('council-crm');
    const inbound = topology.queues.filter((q) => q.partnerSends);
    expect(inbound.map((q) => q.name)).toEqual([
      'partner-inbound-highways-contractor',
      'partner-inbound-waste-contractor',
      'partner-inbound-council-crm',
      'partner-inbound-records-system',
    ]);
    for (const q of inbound) expect(q.appAccess).toEqual(['receive']);
  });

  it('refuses a partnerPrincipals setting naming an unknown back office or not an object id', () => {
    const base = {
      env: 'dev',
      prefix: 'doorstep',
      cosmosMode: 'serverless',
      oidcIssuer: 'https://login.example/v2.0',
      oidcAudience: 'api://doorstep',
      councilName: 'Council',
      councilBoundary: '-2.72,51.40,-2.50,51.54',
      alertEmail: 'ops@council.example',
      monthlyBudgetGbp: '50',
      paymentReturnUrl: 'https://council.example/pay',
      myAccountUrl: 'https://council.example/me',
      webOrigins: 'https://council.example',
      webClientId: '22222222-2222-4222-8222-222222222222',
    };
    const withPrincipals = (json: string) => () => parseInfraConfig({ ...base, partnerPrincipals: json });
    expect(
      withPrincipals('{"highways-contractor":"11111111-1111-4111-8111-111111111111"}')().partnerPrincipals,
    ).toEqual({
      'highways-contractor': highways,
    });
    expect(withPrincipals('{"street-party-co":"11111111-1111-4111-8111-111111111111"}')).toThrow(/partnerPrincipals/);
    expect(withPrincipals('{"waste-contractor":"waste-app"}')).toThrow(/partnerPrincipals/);
    expect(withPrincipals('not json')).toThrow(/partnerPrincipals/);
    expect(parseInfraConfig(base).partnerPrincipals).toEqual({});
  });
});
