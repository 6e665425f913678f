/**
 * Reading requests at the edge: bounded bodies, content types, and one schema
 * per input that both validates and types it. Field errors come back as JSON
 * Pointers, so a front end can highlight the field.
 */
import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { AppError, badRequest, validationFailed, type FieldError } from '../errors.js';

export const defaultMaxBodyBytes = 64 * 1024;

const pointer = (path: readonly PropertyKey[]) =>
  `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.slice(0, 50).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { pointer: pointer(issue.path), detail: `Unknown field(s): ${issue.keys.slice(0, 10).join(', ')}` };
    }
    return { pointer: pointer(issue.path), detail: issue.message };
  });
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

/** Reads the raw body, refusing more than `maxBytes` before reading it where the length is declared. */
export async function readBody(request: HttpRequest, maxBytes = defaultMaxBodyBytes): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new AppError('payload-too-large', `The body must be at most ${maxBytes} bytes.`);
  if (!request.body) return '';
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AppError('payload-too-large', `The body must be at most ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badRequest('The body is not valid UTF-8.');
  }
}

function requireContentType(request: HttpRequest, expected: string): void {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== expected) throw new AppError('unsupported-media-type', `Send the body as ${expected}.`);
}

/** A JSON body, validated by `schema` (strict objects reject unknown fields). */
export async function parseJson<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes = defaultMaxBodyBytes,
): Promise<z.output<S>> {
  requireContentType(request, 'application/json');
  const text = await readBody(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.');
  }
  return validate(schema, value);
}

/** Query parameters as a plain object (first value of each), validated by `schema`. */
export function parseQuery<S extends z.ZodType>(request: HttpRequest, schema: S): z.output<S> {
  const query: Record<string, string> = {};
  for (const [k, v] of request.query) {
    if (k.length > 64) throw badRequest('A query parameter name is too long.');
    query[k] ??= v;
  }
  return validate(schema, query);
}

/** An `If-Match` header is required for updates (optimistic concurrency). */
export function requireIfMatch(request: HttpRequest): string {
  const value = request.headers.get('if-match')?.trim();
  if (!value) throw new AppError('precondition-required', 'Send the ETag you last read in an If-Match header.');
  if (value.length > 200) throw badRequest('The If-Match header is too long.');
  return value.replace(/^W\//, '');
}

const idempotencyKeyPattern = /^[A-Za-z0-9._:-]{8,128}$/;

/** The `Idempotency-Key` header, if sent (8-128 URL-safe characters). */
export function idempotencyKey(request: HttpRequest): string | undefined {
  const raw = request.headers.get('idempotency-key');
  if (raw === null) return undefined;
  const key = raw.trim().replace(/^"(.*)"$/, '$1');
  if (!idempotencyKeyPattern.test(key)) {
    throw validationFailed([
      {
        pointer: '/headers/Idempotency-Key',
        detail: 'Use 8 to 128 letters, digits, dots, colons, underscores or hyphens.',
      },
    ]);
  }
  return key;
}
