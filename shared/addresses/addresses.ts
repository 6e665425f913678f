/**
 * Address lookup for residents saying where a problem is: postcode or street in,
 * addresses with UPRN and position out. One interface; locally a generated
 * gazetteer inside the local council boundary (no real addresses), in Azure an
 * adapter for the council's address service (for example OS Places) behind the
 * same interface.
 */
import { z } from 'zod';

export const addressSearchQuery = z.strictObject({
  q: z.string().trim().min(2, 'Enter a postcode or a street name').max(100),
});

export interface Address {
  readonly uprn: string;
  readonly address: string;
  readonly postcode: string;
  readonly lat: number;
  readonly long: number;
}

export interface AddressLookup {
  /** At most `limit` addresses matching a postcode (or its start) or a street name. */
  search(query: string, limit: number): Promise<readonly Address[]>;
}

export const maxAddresses = 50;

const streets = [
  'Mill Lane',
  'Church Street',
  'Station Road',
  'Victoria Park',
  'High Street',
  'Orchard Close',
  'Quarry Road',
  'Harbour Walk',
] as const;

/**
 * A made-up gazetteer in the local stack's council area (the box
 * -2.72,51.40,-2.50,51.54): 8 streets of 40 houses, postcodes DB1 1AA…DB8 1AD
 * (ten houses to a postcode). Deterministic, so tests can name addresses.
 */
export function localGazetteer(): AddressLookup {
  const addresses: Address[] = streets.flatMap((street, s) =>
    Array.from({ length: 40 }, (_, i) => {
      const number = i + 1;
      return {
        uprn: String(100_000_000_000 + s * 1000 + number),
        address: `${number} ${street}, Doorstep`,
        postcode: `DB${s + 1} 1A${String.fromCharCode(65 + Math.floor(i / 10))}`,
        lat: Number((51.42 + s * 0.012 + i * 0.0002).toFixed(6)),
        long: Number((-2.69 + s * 0.02 + i * 0.0003).toFixed(6)),
      };
    }),
  );
  const compact = (s: string) => s.toUpperCase().replace(/\s+/g, '');
  return {
    search(query, limit) {
      const q = query.trim();
      const asPostcode = compact(q);
      const words = q.toLowerCase().split(/\s+/).filter(Boolean);
      const found = addresses.filter(
        (a) =>
          (asPostcode.length >= 3 && compact(a.postcode).startsWith(asPostcode)) ||
          words.every((w) => a.address.toLowerCase().includes(w)),
      );
      return Promise.resolve(found.slice(0, Math.min(limit, maxAddresses)));
    },
  };
}
