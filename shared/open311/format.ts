/**
 * Open311 GeoReport v2 wire formats: every path ends in `.json` or `.xml`, and
 * errors are a list of `{ code, description }` in either.
 */
import type { HttpResponseInit } from '@azure/functions';

export type Format = 'json' | 'xml';

export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 422 | 503,
    readonly description: string,
  ) {
    super(description);
  }
}

export function formatOf(value: string | undefined): Format {
  if (value === 'json' || value === 'xml') return value;
  throw new Open311Error(400, 'The format must be json or xml.');
}

/**
 * XML 1.0 allows only these characters (its `Char` production), escaped or not: one
 * control character in a resident's text would make the whole document unreadable
 * to every client, so anything else becomes U+FFFD (lone surrogates included).
 */
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const escapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be read back as LF (XML's line-end normalisation).
  '\r': '&#13;',
};

export const escapeXml = (s: string) => s.replace(notXmlChar, '\uFFFD').replace(/[&<>"'\r]/g, (c) => escapes[c] ?? c);

type XmlValue = string | number | boolean | null | undefined | XmlNode | readonly XmlValue[];
interface XmlNode {
  readonly [name: string]: XmlValue;
}

/** Lists nest as <plural><singular>…</singular></plural>, as the spec's XML does. */
const singular: Record<string, string> = { attributes: 'attribute', values: 'value', keywords: 'keyword' };

function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const child = singular[name] ?? 'item';
    return `<${name}>${(value as readonly XmlValue[]).map((v) => element(child, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as XmlNode)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function toXml(root: string, item: string, items: readonly XmlNode[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><${root}>${items.map((i) => element(item, i)).join('')}</${root}>`;
}

export function respond(
  format: Format,
  status: number,
  root: string,
  item: string,
  body: readonly XmlNode[] | XmlNode,
): HttpResponseInit {
  if (format === 'json') return { status, jsonBody: body, headers: { 'cache-control': 'no-store' } };
  const items = Array.isArray(body) ? (body as readonly XmlNode[]) : [body as XmlNode];
  return {
    status,
    body: toXml(root, item, items),
    headers: { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' },
  };
}

export function errorResponse(format: Format, error: Open311Error): HttpResponseInit {
  return respond(format, error.status, 'errors', 'error', [{ code: error.status, description: error.description }]);
}
