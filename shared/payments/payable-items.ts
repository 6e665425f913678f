/**
 * What residents can pay for. The price is always the council's: a fixed amount,
 * a price per unit, or (penalty notices) the amount owed on that reference.
 */
import { z } from 'zod';

export const pricingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), amountPence: z.int().min(1).max(10_000_000) }),
  z.strictObject({
    kind: z.literal('per-unit'),
    unitPence: z.int().min(1).max(1_000_000),
    maxUnits: z.int().min(1).max(100),
  }),
  z.strictObject({ kind: z.literal('penalty-notice') }),
]);

export const payableItemSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(255),
  pricing: pricingSchema,
  active: z.boolean().default(true),
});
export type PayableItem = z.output<typeof payableItemSchema>;

export const starterPayableItems: readonly z.input<typeof payableItemSchema>[] = [
  {
    code: 'bulky-waste',
    name: 'Bulky waste collection',
    description: 'Collection of up to 3 large household items.',
    pricing: { kind: 'per-unit', unitPence: 1500, maxUnits: 6 },
  },
  {
    code: 'garden-waste',
    name: 'Garden waste subscription',
    description: 'A year of fortnightly garden waste collections.',
    pricing: { kind: 'fixed', amountPence: 5200 },
  },
  {
    code: 'parking-penalty',
    name: 'Penalty charge notice',
    description: 'Pay a parking penalty charge notice (PCN).',
    pricing: { kind: 'penalty-notice' },
  },
  {
    code: 'street-trading-licence',
    name: 'Street trading licence',
    description: 'An annual street trading consent.',
    pricing: { kind: 'fixed', amountPence: 12000 },
  },
];

/** Penalty notices Doorstep can take payment for (from the council's parking system). */
export interface PenaltyNotice {
  readonly reference: string;
  readonly amountPence: number;
  readonly paid: boolean;
  /** Refunded on its payment so far (a notice refunded in full is no longer paid). */
  readonly refundedPence?: number;
}

export const starterPenaltyNotices: readonly PenaltyNotice[] = [
  { reference: 'BS12345678', amountPence: 7000, paid: false },
  { reference: 'BS87654321', amountPence: 3500, paid: false },
  // Made-up notices the website's browser tests pay (test/web/pay.test.ts), one per pass, and one already paid.
  { reference: 'WB10000001', amountPence: 7000, paid: false },
  { reference: 'WB10000002', amountPence: 7000, paid: false },
  { reference: 'WB10000009', amountPence: 5000, paid: true },
];
