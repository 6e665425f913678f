/**
 * A council service residents can report against, with Open311-style attributes
 * (the questions a report of that kind must answer).
 */
import { z } from 'zod';
import { backOfficeIds } from './back-offices.js';
import { serviceGroups } from './service-groups.js';

export { serviceGroups, type ServiceGroup } from './service-groups.js';

export const attributeDatatypes = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;

export const attributeDefinitionSchema = z
  .strictObject({
    code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower case letters, digits and _, starting with a letter'),
    description: z.string().trim().min(1).max(200).describe('The question shown to the resident'),
    datatype: z.enum(attributeDatatypes),
    required: z.boolean(),
    variable: z.boolean().default(true),
    datatypeDescription: z.string().max(200).optional(),
    order: z.int().min(1).max(100),
    values: z
      .array(z.strictObject({ key: z.string().regex(/^[a-z0-9_-]{1,40}$/), name: z.string().trim().min(1).max(100) }))
      .min(1)
      .max(50)
      .optional(),
  })
  .refine((a) => (a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') === (a.values !== undefined), {
    message: 'list datatypes need values; other datatypes must not have them',
    path: ['values'],
  });

export const serviceDefinitionSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower case letters, digits and -, starting with a letter'),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500),
  group: z.enum(serviceGroups),
  keywords: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  type: z.enum(['realtime', 'batch', 'blackbox']).default('realtime'),
  attributes: z
    .array(attributeDefinitionSchema)
    .max(30)
    .default([])
    .refine((as) => new Set(as.map((a) => a.code)).size === as.length, 'attribute codes must be unique'),
  active: z.boolean().default(true),
  /**
   * Whether reports of this service may be shown to the public (Open311 readers
   * without access to the report). False for services whose location is a
   * resident's home, such as a missed bin: FixMyStreet's non-public categories.
   */
  public: z.boolean().default(true),
  agencyResponsible: z.string().trim().max(100).optional(),
  /** Target days to resolve, shown to residents as an expected date. */
  expectedDays: z.int().min(0).max(365).optional(),
  /** The council system new reports go to; defaults by group (see back-offices.ts). */
  backOffice: z.enum(backOfficeIds).optional(),
});

export type ServiceDefinition = z.output<typeof serviceDefinitionSchema>;
export type AttributeDefinition = z.output<typeof attributeDefinitionSchema>;
export type AttributeValue = string | number | readonly string[];
