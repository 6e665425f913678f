import { describe, expect, it } from 'vitest';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { ownServiceBus } from '../support/own-service-bus.js';
import { runPartner } from '../../scripts/partner.js';

const bus = ownServiceBus();

describe('npm run partner', () => {
  it('when a back office acknowledges, then the message goes to its own queue and names no sender', async () => {
    const requestId = '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';
    const out = await runPartner(bus.client, ['ack', requestId, '--ref', 'WS-1', '--as', 'waste-contractor']);
    expect(out).toEqual([expect.stringMatching(/^sent acknowledged /)]);
    const own = bus.client.createReceiver(partnerInboundQueue('waste-contractor'), { receiveMode: 'receiveAndDelete' });
    const [message] = await own.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await own.close();
    expect(message?.body).toMatchObject({ kind: 'acknowledged', requestId, partnerReference: 'WS-1' });
    expect(message?.body).not.toHaveProperty('partner');
    const other = bus.client.createReceiver(partnerInboundQueue('highways-contractor'));
    expect(await other.peekMessages(10)).toEqual([]);
    await other.close();
  });
});
