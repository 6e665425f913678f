/**
 * The groups council services fall into: they pick a service's default back
 * office and route events to partners' subscriptions.
 */
export const serviceGroups = [
  'roads',
  'street-lighting',
  'waste',
  'street-cleansing',
  'parks-and-trees',
  'parking',
  'environmental-health',
  'drainage',
] as const;
export type ServiceGroup = (typeof serviceGroups)[number];
