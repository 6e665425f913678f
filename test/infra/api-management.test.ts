/**
 * #13 item 3, Azure side: API Management enforces exactly the rules the app enforces
 * locally (shared/http/rate-limits.ts), each keyed by the right caller.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rateLimitPolicy } from '../../infra/api-management.js';
import { rateLimitRules } from '../../shared/http/rate-limits.js';
import { stackConfig, synthesize, type Recorded } from './synthesize.js';

let resources: Recorded[];
beforeAll(async () => {
  ({ resources } = await synthesize('prod'));
}, 240_000);

const one = (type: string) => {
  const found = resources.filter((r) => r.type === `azure-native:apimanagement:${type}`);
  expect(found, type).toHaveLength(1);
  return found[0] as Recorded;
};

describe('API Management in front of the function app', () => {
  it('when the prod stack is built, then a Basic v2 gateway fronts the function app without subscription keys', () => {
    const service = one('ApiManagementService');
    expect(service.inputs.sku).toEqual({ name: 'BasicV2', capacity: 1 });
    const api = one('Api');
    expect(api.inputs).toMatchObject({ path: 'api', protocols: ['https'], subscriptionRequired: false });
    expect(api.inputs.serviceUrl).toBe('https://func-doorstep-prod.azurewebsites.net/api');
    expect(resources.filter((r) => r.type === 'azure-native:apimanagement:ApiOperation')).toHaveLength(7);
  });

  it('when the policy is generated, then it is well-formed and has one limit per shared rule with the same numbers and caller key', () => {
    const xml = one('ApiPolicy').inputs.value as string;
    expect(xml).toContain('<validate-jwt');
    expect(rateLimitPolicy(rateLimitRules, [{ issuer: 'https://i.example/v2.0', audience: 'api://d' }])).toContain(
      'https://i.example/v2.0/.well-known/openid-configuration',
    );
    // Well-formed: every element closes in order (attribute values are escaped, so no raw < or & inside).
    const open: string[] = [];
    for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([a-z-]+)(?:\s[^<>]*?)?(\/?)>/g)) {
      if (selfClosing) continue;
      if (closing) expect(open.pop()).toBe(name);
      else open.push(name ?? '');
    }
    expect(open).toEqual([]);
    expect(xml.replace(/<[^<>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
    const inbound = xml.slice(xml.indexOf('<inbound>'), xml.indexOf('</inbound>'));
    const blocks = [...inbound.matchAll(/<choose><when [^>]*>(.*?)<\/when><\/choose>/g)].map((m) => m[1] ?? '');
    expect(blocks).toHaveLength(rateLimitRules.length);
    const attribute = (element: string, name: string) =>
      new RegExp(`${name}="([^"]*)"`)
        .exec(element)?.[1]
        ?.replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<');
    rateLimitRules.forEach((rule, i) => {
      const block = blocks[i] ?? '';
      const limit =
        new RegExp(`<${rule.kind === 'quota' ? 'quota-by-key' : 'rate-limit-by-key'} [^>]*/>`).exec(block)?.[0] ?? '';
      expect(attribute(limit, 'calls'), rule.name).toBe(String(rule.limit));
      expect(attribute(limit, 'renewal-period'), rule.name).toBe(String(rule.windowSeconds));
      const key = attribute(limit, 'counter-key') ?? '';
      expect(key).toContain(`${rule.name}|`);
      if (rule.by === 'address') expect(key).toContain('context.Request.IpAddress');
      if (rule.by === 'subject') {
        expect(key).toContain('"doorstep-token"');
        expect(block).toContain('<validate-jwt');
      }
      if (rule.by === 'open311-key') expect(key).toContain('api_key=');
    });
    expect(xml).toMatch(/RateLimitExceeded/);
    expect(xml).toMatch(/application\/problem\+json/);
  });

  it("when the council has a workforce directory, then per-person limits accept its tokens as well as residents', so finance can read a payment to refund it", () => {
    const cfg = stackConfig('prod');
    expect(cfg.workforceOidcIssuer, 'the prod stack file configures the workforce directory').toBeTruthy();
    const xml = one('ApiPolicy').inputs.value as string;
    // The staff refund pages read GET /api/payments/{id}, which has a per-person rule (decision 0600).
    const paymentReads = rateLimitRules.find((r) => r.by === 'subject' && new RegExp(r.path).test('/api/payments/abc'));
    expect(paymentReads?.name).toBe('payment-reads');
    const validations = [...xml.matchAll(/<validate-jwt [^>]*>(.*?)<\/validate-jwt>/g)].map((m) => m[1] ?? '');
    expect(validations).toHaveLength(rateLimitRules.filter((r) => r.by === 'subject').length);
    const unescape = (s: string) => s.replace(/&amp;/g, '&');
    for (const body of validations) {
      const configs = [...body.matchAll(/<openid-config url="([^"]*)"/g)].map((m) => unescape(m[1] ?? ''));
      const audiences = [...body.matchAll(/<audience>([^<]*)<\/audience>/g)].map((m) => unescape(m[1] ?? ''));
      const issuers = [...body.matchAll(/<issuer>([^<]*)<\/issuer>/g)].map((m) => unescape(m[1] ?? ''));
      expect(issuers).toEqual([cfg.oidcIssuer, cfg.workforceOidcIssuer]);
      expect(audiences).toEqual([cfg.oidcAudience, cfg.workforceOidcAudience]);
      expect(configs).toEqual(
        [cfg.oidcIssuer, String(cfg.workforceOidcIssuer)].map(
          (i) => `${i.replace(/\/?$/, '/')}.well-known/openid-configuration`,
        ),
      );
    }
  });

  it('when no issuer is given, then no policy is made (a validate-jwt with no issuer would refuse every resident)', () => {
    expect(() => rateLimitPolicy(rateLimitRules, [])).toThrow(/at least one/);
  });
});
