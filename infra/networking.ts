/**
 * Networking, on by configuration (prod): a VNet with a subnet delegated to the
 * Flex Consumption app and one for private endpoints; each data service gets a
 * private endpoint and a private DNS zone, and its public network access is off.
 */
import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network/index.js';
import * as privatedns from '@pulumi/azure-native/privatedns/index.js';
import type { InfraConfig } from './config.js';

export interface Networking {
  readonly appSubnetId: pulumi.Output<string>;
  /** The app's one outbound address (GOV.UK Pay and Notify see this; partners can allow-list it). */
  readonly egressIp: pulumi.Output<string | undefined>;
  /** Adds a private endpoint (and its DNS) for `groupId` of the resource. */
  privateEndpoint(
    name: string,
    resourceId: pulumi.Input<string>,
    groupId: 'Sql' | 'blob' | 'namespace' | 'vault',
  ): network.PrivateEndpoint;
}

const dnsZones = {
  Sql: 'privatelink.documents.azure.com',
  blob: 'privatelink.blob.core.windows.net',
  namespace: 'privatelink.servicebus.windows.net',
  vault: 'privatelink.vaultcore.azure.net',
} as const;

export function createNetworking(cfg: InfraConfig, resourceGroupName: pulumi.Input<string>): Networking | undefined {
  if (!cfg.networking) return undefined;
  const [a, b] = cfg.vnetAddressSpace.split('.');
  const vnet = new network.VirtualNetwork('vnet', {
    resourceGroupName,
    virtualNetworkName: `vnet-${cfg.prefix}-${cfg.env}`,
    addressSpace: { addressPrefixes: [cfg.vnetAddressSpace] },
  });
  // All the app's traffic goes through the VNet, and a subnet has no default outbound
  // access to the internet: GOV.UK Pay, Notify and the token issuer are reached through NAT.
  const egressIp = new network.PublicIPAddress('pip-egress', {
    resourceGroupName,
    publicIpAddressName: `pip-${cfg.prefix}-egress-${cfg.env}`,
    sku: { name: 'Standard', tier: 'Regional' },
    publicIPAllocationMethod: 'Static',
    publicIPAddressVersion: 'IPv4',
  });
  const nat = new network.NatGateway('nat', {
    resourceGroupName,
    natGatewayName: `nat-${cfg.prefix}-${cfg.env}`,
    sku: { name: 'Standard' },
    publicIpAddresses: [{ id: egressIp.id }],
    idleTimeoutInMinutes: 4,
  });
  const appSubnet = new network.Subnet('snet-app', {
    resourceGroupName,
    virtualNetworkName: vnet.name,
    subnetName: 'snet-app',
    addressPrefix: `${a}.${b}.1.0/24`,
    // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
    delegations: [{ name: 'flex', serviceName: 'Microsoft.App/environments' }],
    natGateway: { id: nat.id },
    defaultOutboundAccess: false,
  });
  const endpointSubnet = new network.Subnet(
    'snet-endpoints',
    {
      resourceGroupName,
      virtualNetworkName: vnet.name,
      subnetName: 'snet-private-endpoints',
      addressPrefix: `${a}.${b}.2.0/24`,
      privateEndpointNetworkPolicies: 'Disabled',
    },
    { dependsOn: [appSubnet] },
  );

  const zones = new Map<string, privatedns.PrivateZone>();
  const zoneFor = (groupId: keyof typeof dnsZones) => {
    let zone = zones.get(groupId);
    if (!zone) {
      zone = new privatedns.PrivateZone(`dns-${groupId.toLowerCase()}`, {
        resourceGroupName,
        privateZoneName: dnsZones[groupId],
        location: 'Global',
      });
      new privatedns.VirtualNetworkLink(`dns-link-${groupId.toLowerCase()}`, {
        resourceGroupName,
        privateZoneName: zone.name,
        location: 'Global',
        registrationEnabled: false,
        virtualNetwork: { id: vnet.id },
      });
      zones.set(groupId, zone);
    }
    return zone;
  };

  return {
    appSubnetId: appSubnet.id,
    egressIp: egressIp.ipAddress,
    privateEndpoint(name, resourceId, groupId) {
      const endpoint = new network.PrivateEndpoint(`pe-${name}`, {
        resourceGroupName,
        privateEndpointName: `pe-${name}-${cfg.env}`,
        subnet: { id: endpointSubnet.id },
        privateLinkServiceConnections: [{ name: `pe-${name}`, privateLinkServiceId: resourceId, groupIds: [groupId] }],
      });
      new network.PrivateDnsZoneGroup(`pe-${name}-dns`, {
        resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: 'default',
        privateDnsZoneConfigs: [{ name: groupId, privateDnsZoneId: zoneFor(groupId).id }],
      });
      return endpoint;
    },
  };
}
