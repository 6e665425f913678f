/**
 * The OS Places API behind the one `AddressLookup` interface (ADDRESS_LOOKUP=os-places).
 *
 * A postcode (or its outward part) goes to `/postcode`, anything else to `/find`
 * (free text). Results are asked for in EPSG:4326, so each DPA or LPI record carries
 * `LAT`/`LNG` beside its UPRN; records without a position are left out, since a
 * report needs one. The shapes are OS's published technical specification
 * (docs.os.uk, os-places-api/technical-specification/postcode.md and find.md); the
 * contract test replays a recorded answer (test/contracts/os-places/).
 *
 * Every call is bounded by a timeout; an upstream failure of any kind becomes
 * `dependency-unavailable` (503 problem+json with Retry-After), never a made-up list.
 * The key travels as OS's documented `key` query parameter: this module never logs
 * a URL, and errors carry only the status.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { maxAddresses, type Address, type AddressLookup } from './addresses.js';

export const osPlacesBaseUrl = 'https://api.os.uk/search/places/v1';

/** One DPA (Royal Mail delivery point) or LPI (local authority gazetteer) record: the fields Doorstep reads. */
const record = z.object({
  UPRN: z.string().regex(/^\d{1,12}$/),
  ADDRESS: z.string().min(1),
  POSTCODE: z.string().optional(),
  POSTCODE_LOCATOR: z.string().optional(),
  LAT: z.number().min(-90).max(90).optional(),
  LNG: z.number().min(-180).max(180).optional(),
});

export const osPlacesResponse = z.object({
  header: z.object({ totalresults: z.number().int().min(0), output_srs: z.string() }),
  // OS leaves `results` out altogether when nothing matched.
  results: z.array(z.object({ DPA: record.optional(), LPI: record.optional() })).default([]),
});

export interface OsPlacesOptions {
  readonly apiKey: string;
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

// A full postcode, or its outward code alone (`SO16`), which OS's /postcode accepts.
const postcodePattern = /^[A-Z]{1,2}\d[A-Z\d]?(\s*\d[A-Z]{2})?$/i;

const upstreamFailure = (detail: string, cause?: unknown) =>
  new AppError('dependency-unavailable', `The address service is unavailable (${detail}). Try again shortly.`, {
    retryAfterSeconds: 5,
    cause,
  });

export function osPlaces(options: OsPlacesOptions): AddressLookup {
  const doFetch = options.fetch ?? fetch;
  const base = (options.baseUrl ?? osPlacesBaseUrl).replace(/\/$/, '');
  return {
    async search(query, limit) {
      const q = query.trim();
      const isPostcode = postcodePattern.test(q);
      const url = new URL(`${base}/${isPostcode ? 'postcode' : 'find'}`);
      url.searchParams.set(isPostcode ? 'postcode' : 'query', q);
      url.searchParams.set('output_srs', 'EPSG:4326');
      url.searchParams.set('maxresults', String(Math.max(1, Math.min(limit, maxAddresses))));
      url.searchParams.set('key', options.apiKey);
      let response: Response;
      try {
        response = await doFetch(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw upstreamFailure(
          error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : 'unreachable',
          error,
        );
      }
      // OS answers 400 to a query it cannot read (a malformed postcode): that is "no addresses", not an outage.
      if (response.status === 400) {
        await response.body?.cancel();
        return [];
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw upstreamFailure(`HTTP ${response.status}`);
      }
      let parsed: z.infer<typeof osPlacesResponse>;
      try {
        parsed = osPlacesResponse.parse(await response.json());
      } catch (error) {
        throw upstreamFailure('an answer Doorstep could not read', error);
      }
      const seen = new Set<string>();
      const found: Address[] = [];
      for (const result of parsed.results) {
        const r = result.DPA ?? result.LPI;
        if (!r || r.LAT === undefined || r.LNG === undefined || seen.has(r.UPRN)) continue;
        seen.add(r.UPRN);
        found.push({
          uprn: r.UPRN,
          address: r.ADDRESS,
          postcode: r.POSTCODE ?? r.POSTCODE_LOCATOR ?? '',
          lat: r.LAT,
          long: r.LNG,
        });
      }
      return found.slice(0, Math.min(limit, maxAddresses));
    },
  };
}
