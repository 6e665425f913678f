/**
 * Checks a report's attribute values against its service's definition: required
 * answers present, types right, list answers among the allowed values, nothing
 * unknown. Returns field errors rather than throwing, so they join the rest.
 */
import type { FieldError } from '../errors.js';
import type { AttributeDefinition, AttributeValue, ServiceDefinition } from './service-definition.js';

const maxText = { string: 200, text: 2000 } as const;

export function checkAttributes(
  service: ServiceDefinition,
  values: Readonly<Record<string, unknown>>,
  base = '/attributes',
): { errors: FieldError[]; clean: Record<string, AttributeValue> } {
  const errors: FieldError[] = [];
  const clean: Record<string, AttributeValue> = {};
  const byCode = new Map(service.attributes.map((a) => [a.code, a]));
  for (const code of Object.keys(values)) {
    if (!byCode.has(code))
      errors.push({ pointer: `${base}/${code}`, detail: `${service.name} has no question "${code.slice(0, 40)}".` });
  }
  for (const attribute of service.attributes) {
    if (!attribute.variable) continue;
    const raw = values[attribute.code];
    const pointer = `${base}/${attribute.code}`;
    if (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0)) {
      if (attribute.required) errors.push({ pointer, detail: `Answer "${attribute.description}".` });
      continue;
    }
    const result = checkOne(attribute, raw);
    if (typeof result === 'string') errors.push({ pointer, detail: result });
    else clean[attribute.code] = result.value;
  }
  return { errors, clean };
}

function checkOne(a: AttributeDefinition, raw: unknown): { value: AttributeValue } | string {
  const allowed = new Set(a.values?.map((v) => v.key));
  switch (a.datatype) {
    case 'string':
    case 'text': {
      if (typeof raw !== 'string') return 'Must be text.';
      const text = raw.trim();
      return text.length > maxText[a.datatype] ? `Must be at most ${maxText[a.datatype]} characters.` : { value: text };
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(n) ? { value: n } : 'Must be a number.';
    }
    case 'datetime': {
      if (
        typeof raw !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ||
        Number.isNaN(Date.parse(raw))
      ) {
        return 'Must be an ISO 8601 date or date-time.';
      }
      return { value: new Date(raw).toISOString() };
    }
    case 'singlevaluelist':
      return typeof raw === 'string' && allowed.has(raw)
        ? { value: raw }
        : `Must be one of: ${[...allowed].join(', ')}.`;
    case 'multivaluelist': {
      const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
      if (!list || list.length > 50 || !list.every((v): v is string => typeof v === 'string' && allowed.has(v))) {
        return `Must be a list of: ${[...allowed].join(', ')}.`;
      }
      return { value: [...new Set(list)] };
    }
  }
}
