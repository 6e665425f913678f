/** How the refund form reads an amount typed in pounds: exactly, or not at all. */
import { describe, expect, it } from 'vitest';
import { pence } from '../../web/pages/staff-refunds.js';

describe('the refund form’s amount', () => {
  it('when pounds are typed with or without pence, a pound sign or a thousands comma, then they are read as pence', () => {
    expect(pence('120')).toBe(12_000);
    expect(pence('120.50')).toBe(12_050);
    expect(pence('£0.01')).toBe(1);
    expect(pence('1,200.00')).toBe(120_000);
  });

  it('when the amount is not pounds and pence, then it is not read at all (never rounded)', () => {
    for (const text of ['', '12.5', '12.505', '-3', '1e3', 'ten', '12.50p', '1234567'])
      expect(pence(text), text).toBeUndefined();
  });
});
