/**
 * Monitoring: a Log Analytics workspace, workspace-based Application Insights
 * (Entra-authenticated ingestion only), diagnostic settings on every data
 * service, alerts for dead letters, 5xx and payment failures, and a budget.
 */
import * as pulumi from '@pulumi/pulumi';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights/index.js';
import * as consumption from '@pulumi/azure-native/consumption/index.js';
import * as monitor from '@pulumi/azure-native/monitor/index.js';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights/index.js';
import type { InfraConfig } from './config.js';

/**
 * The metric categories each resource type offers to diagnostic settings: a category it
 * does not offer fails the setting with 400 (`AllMetrics` is not one of blob services' or
 * Cosmos DB's). Sources are cited in test/infra/platform-constraints.ts.
 */
export const metricCategories = {
  'Microsoft.DocumentDB/databaseAccounts': ['Requests'],
  'Microsoft.Storage/storageAccounts/blobServices': ['Transaction'],
  'Microsoft.ServiceBus/namespaces': ['AllMetrics'],
  'Microsoft.KeyVault/vaults': ['AllMetrics'],
  'Microsoft.Web/sites': ['AllMetrics'],
} as const;
export type DiagnosedType = keyof typeof metricCategories;

/** Azure refuses to change a budget's start date, so only the first run sets it. */
export const budgetImmutableProperties = ['timePeriod.startDate'];

export function createMonitoring(cfg: InfraConfig, resourceGroupName: pulumi.Input<string>) {
  const workspace = new operationalinsights.Workspace('log', {
    resourceGroupName,
    workspaceName: `log-${cfg.prefix}-${cfg.env}`,
    sku: { name: 'PerGB2018' },
    retentionInDays: cfg.env === 'prod' ? 90 : 30,
  });
  const appInsights = new applicationinsights.Component('appi', {
    resourceGroupName,
    resourceName: `appi-${cfg.prefix}-${cfg.env}`,
    kind: 'web',
    applicationType: 'web',
    ingestionMode: 'LogAnalytics',
    workspaceResourceId: workspace.id,
    // Telemetry is accepted only from Entra-authenticated senders (the app's identity).
    disableLocalAuth: true,
  });
  const actionGroup = new monitor.ActionGroup('ag', {
    resourceGroupName,
    actionGroupName: `ag-${cfg.prefix}-${cfg.env}`,
    groupShortName: `${cfg.prefix}${cfg.env}`.slice(0, 12),
    enabled: true,
    location: 'Global',
    emailReceivers: [{ name: 'platform-team', emailAddress: cfg.alertEmail, useCommonAlertSchema: true }],
  });

  /** Sends a resource's logs and the metric categories its type offers to the workspace. */
  const diagnostics = (name: string, type: DiagnosedType, resourceUri: pulumi.Input<string>) =>
    new monitor.DiagnosticSetting(`diag-${name}`, {
      name: 'to-log-analytics',
      resourceUri,
      workspaceId: workspace.id,
      logs: [{ categoryGroup: 'allLogs', enabled: true }],
      metrics: metricCategories[type].map((category) => ({ category, enabled: true })),
    });

  const metricAlert = (
    name: string,
    description: string,
    scope: pulumi.Input<string>,
    metric: { namespace: string; name: string; aggregation: string; threshold: number; operator: string },
    window = 'PT15M',
  ) =>
    new monitor.MetricAlert(`alert-${name}`, {
      resourceGroupName,
      ruleName: `alert-${name}-${cfg.env}`,
      description,
      location: 'global',
      enabled: true,
      severity: 2,
      scopes: [scope],
      evaluationFrequency: 'PT5M',
      windowSize: window,
      criteria: {
        odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion',
            name: metric.name,
            metricNamespace: metric.namespace,
            metricName: metric.name,
            operator: metric.operator,
            threshold: metric.threshold,
            timeAggregation: metric.aggregation,
          },
        ],
      },
      actions: [{ actionGroupId: actionGroup.id }],
    });

  // Azure wants a budget to start on the first of a month. The date is computed on every
  // run, but only the first run's value is sent: later months would otherwise fail the update.
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const budget = (scope: pulumi.Input<string>) =>
    new consumption.Budget(
      'budget',
      {
        budgetName: `budget-${cfg.prefix}-${cfg.env}`,
        scope,
        amount: cfg.monthlyBudgetGbp,
        category: 'Cost',
        timeGrain: 'Monthly',
        timePeriod: { startDate: monthStart },
        notifications: {
          actual80: {
            enabled: true,
            operator: 'GreaterThan',
            threshold: 80,
            contactEmails: [cfg.alertEmail],
            thresholdType: 'Actual',
          },
          forecast100: {
            enabled: true,
            operator: 'GreaterThan',
            threshold: 100,
            contactEmails: [cfg.alertEmail],
            thresholdType: 'Forecasted',
          },
        },
      },
      { ignoreChanges: budgetImmutableProperties },
    );

  const paymentFailures = () =>
    new monitor.ScheduledQueryRule('alert-payment-failures', {
      resourceGroupName,
      ruleName: `alert-payment-failures-${cfg.env}`,
      description: 'Payments are failing at GOV.UK Pay or in Doorstep.',
      enabled: true,
      severity: 1,
      scopes: [appInsights.id],
      evaluationFrequency: 'PT5M',
      windowSize: 'PT15M',
      criteria: {
        allOf: [
          {
            query:
              "union traces, exceptions | where message has 'payment.failed' or customDimensions.event == 'payment.failed'",
            timeAggregation: 'Count',
            operator: 'GreaterThan',
            threshold: 3,
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
          },
        ],
      },
      actions: { actionGroups: [actionGroup.id] },
    });

  return { workspace, appInsights, actionGroup, diagnostics, metricAlert, budget, paymentFailures };
}
