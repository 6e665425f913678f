/**
 * The OS Places adapter against an OS stand-in on loopback that answers with the
 * recorded and specified shapes in test/contracts/os-places/ (see its SOURCE.md:
 * OS's published technical specification for /postcode and /find, and a recorded
 * answer quoted in DFE-Digital/claim-additional-payments-for-teaching).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { osPlaces } from '../../shared/addresses/os-places.js';
import { AppError } from '../../shared/errors.js';
import { problemResponse } from '../../shared/http/problem.js';
import { parseConfig } from '../../shared/config.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../contracts/os-places', name), 'utf8');

type Answer = (url: URL, res: ServerResponse) => void;
let answer: Answer;
const seen: URL[] = [];
let server: Server;
let base: string;

const json =
  (body: string, status = 200) =>
  (_url: URL, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push(url);
    answer(url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/search/places/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

const lookup = (timeoutMs = 2000) => osPlaces({ apiKey: 'test-key', baseUrl: base, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('OS Places adapter', () => {
  it('when given a postcode, then it asks /postcode in EPSG:4326 with the key and returns UPRN, address and position', async () => {
    answer = json(fixture('postcode-wgs84.json'));
    const found = await lookup().search('SO16 9FX', 50);
    expect(found).toEqual([
      {
        uprn: '100062039919',
        address: 'FLAT 1, MILLBROOK TOWER, WINDERMERE AVENUE, SOUTHAMPTON, SO16 9FX',
        postcode: 'SO16 9FX',
        lat: 50.9357,
        long: -1.4554,
      },
    ]);
    const url = seen[0];
    expect(url?.pathname).toBe('/search/places/v1/postcode');
    expect(url?.searchParams.get('postcode')).toBe('SO16 9FX');
    expect(url?.searchParams.get('output_srs')).toBe('EPSG:4326');
    expect(url?.searchParams.get('maxresults')).toBe('50');
    expect(url?.searchParams.get('key')).toBe('test-key');
  });

  it('when given a street, then it asks /find and reads LPI records (POSTCODE_LOCATOR)', async () => {
    answer = json(fixture('find-lpi.json'));
    const found = await lookup().search('Windermere Avenue', 10);
    expect(seen[0]?.pathname).toBe('/search/places/v1/find');
    expect(seen[0]?.searchParams.get('query')).toBe('Windermere Avenue');
    expect(seen[0]?.searchParams.get('maxresults')).toBe('10');
    expect(found).toEqual([expect.objectContaining({ uprn: '100062039919', postcode: 'SO16 9FX', lat: 50.9357 })]);
  });

  it('when an answer has no LAT/LNG (British National Grid, the recorded default), then no address is offered rather than a wrong position', async () => {
    answer = json(fixture('postcode-bng.json'));
    expect(await lookup().search('SO169FX', 50)).toEqual([]);
  });

  it('when nothing matches (header only, no results), then the list is empty', async () => {
    answer = json(JSON.stringify({ header: { totalresults: 0, output_srs: 'EPSG:4326' } }));
    expect(await lookup().search('ZZ9 9ZZ', 50)).toEqual([]);
  });

  it('when OS refuses the query as malformed (400), then the list is empty, not an outage', async () => {
    answer = json(
      JSON.stringify({
        error: {
          statuscode: 400,
          message:
            'Requested postcode must contain a minimum of the sector plus 1 digit of the district e.g. SO1. Requested postcode was S',
        },
      }),
      400,
    );
    expect(await lookup().search('SO1', 50)).toEqual([]);
  });

  it('when OS fails (401 bad key, 429, 500), then it is dependency-unavailable: a 503 problem+json with Retry-After and no key in it', async () => {
    for (const status of [401, 429, 500]) {
      answer = json(JSON.stringify({ fault: { faultstring: 'Invalid ApiKey' } }), status);
      const error = await failure(lookup().search('SO16 9FX', 50));
      expect(error.code).toBe('dependency-unavailable');
      const response = problemResponse(error);
      expect(response.status).toBe(503);
      expect((response.headers as Record<string, string>)['content-type']).toBe('application/problem+json');
      expect((response.headers as Record<string, string>)['retry-after']).toBe('5');
      const body = response.body as string;
      expect(body).toMatch(/HTTP \d{3}/);
      expect(body).not.toContain('test-key');
    }
  });

  it('when OS does not answer in time, then it gives up at the timeout with dependency-unavailable', async () => {
    answer = () => {
      // Never answered: the adapter's timeout must end the call.
    };
    const error = await failure(lookup(200).search('SO16 9FX', 50));
    expect(error.code).toBe('dependency-unavailable');
    expect(error.detail).toMatch(/no answer in time/);
  });

  it('when the answer is not the documented shape, then it is dependency-unavailable, not a crash', async () => {
    answer = json('{"results":[{"DPA":{"UPRN":12}}]}');
    expect((await failure(lookup().search('SO16 9FX', 50))).code).toBe('dependency-unavailable');
  });
});

describe('ADDRESS_LOOKUP=os-places configuration', () => {
  const local = {
    CosmosDb: 'AccountEndpoint=http://127.0.0.1:8081/;AccountKey=a2V5;',
    ServiceBus:
      'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;',
    Storage:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
    OIDC_ISSUER: 'http://127.0.0.1:7072',
    OIDC_AUDIENCE: 'api://doorstep',
    COUNCIL_BOUNDARY:
      '{"type":"Polygon","coordinates":[[[-2.72,51.40],[-2.50,51.40],[-2.50,51.54],[-2.72,51.54],[-2.72,51.40]]]}',
    GOVUK_PAY_API_KEY: 'api_test_local',
    GOVUK_PAY_WEBHOOK_SIGNING_SECRET: 'local',
    PAYMENT_RETURN_URL: 'http://127.0.0.1:3000/pay/return',
    GOVUK_NOTIFY_API_KEY: 'local-6c1f4a52-3b7e-4d0a-9c5e-2f8b1d7a9e30-d2b1c7e9-58af-4e36-a1f0-94c3b6e2d785',
    MY_ACCOUNT_URL: 'http://127.0.0.1:3000/my-account',
  };

  it('when os-places is chosen without a key, then the app refuses to start and says which setting', () => {
    expect(() => parseConfig({ ...local, ADDRESS_LOOKUP: 'os-places' })).toThrow(/OS_PLACES_API_KEY/);
  });

  it('when os-places is chosen with a key, then the default base URL is OS’s', () => {
    const c = parseConfig({ ...local, ADDRESS_LOOKUP: 'os-places', OS_PLACES_API_KEY: 'abc' });
    expect(c.addressLookup).toBe('os-places');
    expect(c.osPlaces).toEqual({ baseUrl: 'https://api.os.uk/search/places/v1', apiKey: 'abc' });
  });

  it('when the key is still an unresolved Key Vault reference, then it is refused', () => {
    expect(() =>
      parseConfig({
        ...local,
        ADDRESS_LOOKUP: 'os-places',
        OS_PLACES_API_KEY: '@Microsoft.KeyVault(VaultName=kv;SecretName=os-places-api-key)',
      }),
    ).toThrow(/OS_PLACES_API_KEY is an unresolved Key Vault reference/);
  });
});
