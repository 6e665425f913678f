/**
 * The Pulumi program: reads the stack's `doorstep:` configuration and provisions
 * the platform. `pulumi up` runs this file (see Pulumi.yaml).
 */
import * as pulumi from '@pulumi/pulumi';
import { configKeys, parseInfraConfig } from './config.js';
import { createPlatform } from './platform.js';

const config = new pulumi.Config('doorstep');
const outputs = createPlatform(parseInfraConfig(Object.fromEntries(configKeys.map((key) => [key, config.get(key)]))));

export const resourceGroupName = outputs.resourceGroupName;
export const functionAppName = outputs.functionAppName;
export const apiUrl = outputs.apiUrl;
export const deploymentContainer = outputs.deploymentContainer;
export const keyVaultName = outputs.keyVaultName;
export const identityClientId = outputs.identityClientId;
export const scanResultsTopicName = outputs.scanResultsTopicName;
/** Prod: the app's one outbound address (NAT), for partners and providers that allow-list. */
export const egressIp = outputs.egressIp;
