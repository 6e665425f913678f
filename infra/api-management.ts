/**
 * API Management in front of the function app: the per-caller limits of
 * `shared/http/rate-limits.ts`, turned into policies (see
 * docs/decisions/0600-rate-limits-in-api-management.md for the choice and its cost).
 *
 * `rate-limit-by-key` and `quota-by-key` take any counter key, so anonymous callers
 * are counted by `context.Request.IpAddress` (the socket address the gateway sees),
 * residents by the `sub` of a token the gateway has itself validated, and Open311
 * clients by their API key. The Consumption tier has neither policy; Basic v2 is the
 * smallest tier with an SLA that has both.
 */
import * as pulumi from '@pulumi/pulumi';
import * as apimanagement from '@pulumi/azure-native/apimanagement/index.js';
import { rateLimitRules, type RateLimitRule } from '../shared/http/rate-limits.js';
import type { InfraConfig } from './config.js';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The C# expression that names a caller for one rule. */
function counterKey(rule: RateLimitRule): string {
  switch (rule.by) {
    case 'address':
      return `@("${rule.name}|" + context.Request.IpAddress)`;
    case 'subject':
      return `@("${rule.name}|" + ((Jwt)context.Variables["doorstep-token"]).Subject)`;
    case 'open311-key':
      // Open311 posts carry api_key in the form body; read without consuming it for the backend.
      return `@{ var m = System.Text.RegularExpressions.Regex.Match(context.Request.Body?.As<string>(preserveContent: true) ?? "", "(?:^|&)api_key=([^&]*)"); return "${rule.name}|" + (m.Success ? m.Groups[1].Value : context.Request.IpAddress); }`;
  }
}

function condition(rule: RateLimitRule): string {
  const path = `System.Text.RegularExpressions.Regex.IsMatch(context.Request.OriginalUrl.Path, "${rule.path.replace(/\\/g, '\\\\')}")`;
  return rule.method === '*' ? `@(${path})` : `@(context.Request.Method == "${rule.method}" && ${path})`;
}

/**
 * The inbound policy for the API: one `choose` per rule; a per-person rule validates the
 * token first, against every directory the app accepts (residents', and the workforce's
 * when configured, decision 1000): staff pages call some of the same routes (finance reads
 * `GET /api/payments/{id}` to refund), and a gateway that knew only the resident issuer
 * would answer them 401 before the app could decide. The gateway only keys the counter;
 * the app still decides who may do what. Like the app, creations count only when they
 * succeed. Refusals leave as problem+json with Retry-After (on-error).
 */
export function rateLimitPolicy(
  rules: readonly RateLimitRule[],
  identities: readonly { readonly issuer: string; readonly audience: string }[],
): string {
  if (identities.length === 0) throw new Error('rateLimitPolicy needs at least one token issuer');
  const configs = identities
    .map((i) => `<openid-config url="${escape(i.issuer.replace(/\/?$/, '/'))}.well-known/openid-configuration" />`)
    .join('');
  const audiences = [...new Set(identities.map((i) => i.audience))]
    .map((a) => `<audience>${escape(a)}</audience>`)
    .join('');
  const issuers = identities.map((i) => `<issuer>${escape(i.issuer)}</issuer>`).join('');
  const blocks = rules.map((rule) => {
    const attributes = [
      `calls="${rule.limit}"`,
      `renewal-period="${rule.windowSeconds}"`,
      `counter-key="${escape(counterKey(rule))}"`,
      ...(rule.by === 'subject' ? [`increment-condition="${escape('@(context.Response.StatusCode < 400)')}"`] : []),
    ];
    const limit =
      rule.kind === 'quota'
        ? `<quota-by-key ${attributes.join(' ')} />`
        : `<rate-limit-by-key ${attributes.join(' ')} retry-after-variable-name="retry-after" />`;
    const validate =
      rule.by === 'subject'
        ? `<validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="401" output-token-variable-name="doorstep-token">${configs}<audiences>${audiences}</audiences><issuers>${issuers}</issuers></validate-jwt>`
        : '';
    return `<choose><when condition="${escape(condition(rule))}">${validate}${limit}</when></choose>`;
  });
  const problem = `@{ var wait = context.Variables.GetValueOrDefault<int>("retry-after", 60); return new JObject(new JProperty("type", "https://doorstep.council.example/problems/rate-limited"), new JProperty("title", "Too many requests"), new JProperty("status", 429), new JProperty("detail", "Too many requests of this kind. Try again in " + wait + " s.")).ToString(); }`;
  return [
    '<policies>',
    '<inbound><base />',
    ...blocks,
    '</inbound>',
    '<backend><base /></backend>',
    '<outbound><base /></outbound>',
    '<on-error><base />',
    `<choose><when condition="${escape('@(context.LastError.Reason == "RateLimitExceeded" || context.LastError.Reason == "QuotaExceeded")')}">`,
    '<return-response><set-status code="429" reason="Too Many Requests" />',
    '<set-header name="Retry-After" exists-action="override"><value>@(context.Variables.GetValueOrDefault&lt;int&gt;("retry-after", 60).ToString())</value></set-header>',
    '<set-header name="Content-Type" exists-action="override"><value>application/problem+json</value></set-header>',
    `<set-body>${escape(problem)}</set-body>`,
    '</return-response></when></choose>',
    '</on-error>',
    '</policies>',
  ].join('\n');
}

export function createApiManagement(cfg: InfraConfig, rg: pulumi.Input<string>, functionHost: pulumi.Input<string>) {
  const service = new apimanagement.ApiManagementService('apim', {
    resourceGroupName: rg,
    serviceName: `apim-${cfg.prefix}-${cfg.env}`,
    location: cfg.location,
    sku: { name: cfg.apiManagementSku, capacity: 1 },
    publisherName: cfg.councilName,
    publisherEmail: cfg.alertEmail,
  });
  const api = new apimanagement.Api('apim-api', {
    resourceGroupName: rg,
    serviceName: service.name,
    apiId: 'doorstep',
    displayName: 'Doorstep',
    path: 'api',
    protocols: ['https'],
    serviceUrl: pulumi.interpolate`https://${functionHost}/api`,
    // Residents and Open311 clients authenticate to Doorstep itself, not with gateway subscription keys.
    subscriptionRequired: false,
  });
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
    new apimanagement.ApiOperation(`apim-op-${method.toLowerCase()}`, {
      resourceGroupName: rg,
      serviceName: service.name,
      apiId: api.name,
      operationId: `all-${method.toLowerCase()}`,
      displayName: `${method} anything`,
      method,
      urlTemplate: '/*',
    });
  }
  new apimanagement.ApiPolicy('apim-policy', {
    resourceGroupName: rg,
    serviceName: service.name,
    apiId: api.name,
    policyId: 'policy',
    format: 'xml',
    value: rateLimitPolicy(rateLimitRules, [
      { issuer: cfg.oidcIssuer, audience: cfg.oidcAudience },
      ...(cfg.workforceOidcIssuer && cfg.workforceOidcAudience
        ? [{ issuer: cfg.workforceOidcIssuer, audience: cfg.workforceOidcAudience }]
        : []),
    ]),
  });
  return { service, gatewayUrl: pulumi.interpolate`${service.gatewayUrl}/api` };
}
