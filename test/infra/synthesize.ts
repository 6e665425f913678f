/**
 * Runs the Pulumi program under `pulumi.runtime.setMocks` (no CLI, no cloud) for a
 * stack's configuration file, and records every resource with its resolved inputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseInfraConfig, type InfraConfig } from '../../infra/config.js';

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly inputs: Record<string, unknown>;
  /** Resource options the mocks never see (recorded by a stack transformation). */
  readonly ignoreChanges: readonly string[];
  readonly dependsOn: readonly string[];
}

export const mocked = {
  subscriptionId: 'sub-mock',
  tenantId: 'tenant-mock',
  principalId: (name: string) => `principal-of-${name}`,
  clientId: (name: string) => `client-of-${name}`,
};

export function stackConfig(stack: 'dev' | 'prod', overrides: Record<string, string> = {}): InfraConfig {
  const file = parse(readFileSync(join(import.meta.dirname, `../../infra/Pulumi.${stack}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  const values = Object.fromEntries(
    Object.entries(file.config)
      .filter(([k]) => k.startsWith('doorstep:'))
      .map(([k, v]) => [k.slice('doorstep:'.length), String(v)]),
  );
  return parseInfraConfig({ ...values, ...overrides });
}

const nameKeys = [
  'name',
  'containerName',
  'queueName',
  'subscriptionName',
  'ruleName',
  'topicName',
  'databaseName',
  'subnetName',
  'privateEndpointName',
  'privateZoneName',
  'eventSubscriptionName',
  'systemTopicName',
  'vaultName',
  'workspaceName',
  'actionGroupName',
  'budgetName',
  'resourceName',
  'namespaceName',
  'accountName',
  'virtualNetworkName',
  'resourceGroupName',
];

/** What Azure would compute: only the outputs the program reads. */
function computed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const own = nameKeys.map((k) => inputs[k]).find((v) => typeof v === 'string');
  const state: Record<string, unknown> = { name: own ?? name };
  if (type === 'azure-native:managedidentity:UserAssignedIdentity')
    Object.assign(state, { principalId: mocked.principalId(name), clientId: mocked.clientId(name) });
  if (type === 'azure-native:cosmosdb:DatabaseAccount')
    state.documentEndpoint = `https://${String(own)}.documents.azure.com:443/`;
  if (type === 'azure-native:storage:StorageAccount')
    state.primaryEndpoints = { blob: `https://${String(own)}.blob.core.windows.net/` };
  if (type === 'azure-native:applicationinsights:Component')
    state.connectionString =
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/';
  if (type === 'azure-native:apimanagement:ApiManagementService')
    state.gatewayUrl = `https://${String(inputs.serviceName)}.azure-api.net`;
  if (type === 'azure-native:web:WebApp') state.defaultHostName = `${String(own)}.azurewebsites.net`;
  if (type === 'azure-native:eventgrid:Topic')
    state.identity = { ...(inputs.identity as object), principalId: mocked.principalId(name) };
  if (type === 'azure-native:network:PublicIPAddress') state.ipAddress = '20.0.113.1';
  return state;
}

type ResourceOptions = { ignoreChanges: string[]; dependsOn: string[] };

/**
 * Mocks that record each resource into `resources` with its inputs. `state` adds what
 * Azure would compute; `options` holds what a stack transformation saw of each resource.
 */
export function recordingMocks(
  resources: Recorded[],
  {
    state = () => ({}),
    call = (args) => args.inputs as Record<string, unknown>,
    options = new Map(),
  }: {
    state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
    call?: pulumi.runtime.Mocks['call'];
    options?: ReadonlyMap<string, ResourceOptions>;
  } = {},
): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const id = `mock:${args.type}:${args.name}`;
      const inputs = args.inputs as Record<string, unknown>;
      const seen = options.get(`${args.type}::${args.name}`);
      resources.push({
        type: args.type,
        name: args.name,
        id,
        inputs,
        ignoreChanges: seen?.ignoreChanges ?? [],
        dependsOn: seen?.dependsOn ?? [],
      });
      return { id, state: { ...inputs, ...state(args.type, args.name, inputs) } };
    },
    call,
  };
}

/** Resources whose inputs depend on others register as those resolve: returns once none arrive. */
export async function allRegistered(resources: readonly Recorded[]): Promise<void> {
  let count = -1;
  while (count !== resources.length) {
    count = resources.length;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function synthesize(
  stack: 'dev' | 'prod',
  /** Stack configuration values to change, as `pulumi config set` would. */
  overrides: Record<string, string> = {},
): Promise<{ resources: Recorded[]; outputs: Record<string, unknown> }> {
  const resources: Recorded[] = [];
  const options = new Map<string, ResourceOptions>();
  await pulumi.runtime.setMocks(
    recordingMocks(resources, {
      state: computed,
      options,
      call(args) {
        if (args.token === 'azure-native:authorization:getClientConfig') {
          return {
            subscriptionId: mocked.subscriptionId,
            tenantId: mocked.tenantId,
            clientId: 'deployer',
            objectId: 'deployer',
          };
        }
        return args.inputs as Record<string, unknown>;
      },
    }),
    'doorstep',
    stack,
    false,
  );
  // Loaded after the mocks exist, so that resources register with them.
  const { createPlatform } = await import('../../infra/platform.js');
  const outputs = await new Promise<Record<string, unknown>>((resolve, reject) => {
    pulumi.runtime
      .runInPulumiStack(() => {
        pulumi.runtime.registerStackTransformation((args) => {
          const dependsOn = ([] as unknown[])
            .concat(args.opts.dependsOn ?? [])
            .map((d) => (d as { __name?: string } | undefined)?.__name) // the resource's logical name
            .filter((n): n is string => typeof n === 'string');
          options.set(`${args.type}::${args.name}`, { ignoreChanges: args.opts.ignoreChanges ?? [], dependsOn });
          return undefined;
        });
        const result = createPlatform(stackConfig(stack, overrides));
        pulumi.output(result).apply((values) => {
          resolve(values);
        });
        return Promise.resolve(undefined);
      })
      .catch(reject);
  });
  await allRegistered(resources);
  return { resources, outputs };
}
