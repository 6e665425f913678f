/**
 * Azure Functions route templates (ASP.NET Core syntax, the subset Functions apps use):
 * literal segments, `{name}`, `{name?}`, `{name:constraint}` (int, long, double,
 * bool, guid, alpha, datetime), `{*rest}`, and a literal suffix on the last
 * parameter such as `{id}.{format}`.
 */

export interface CompiledRoute {
  readonly template: string;
  readonly match: (path: string) => Record<string, string> | undefined;
  /** Lower sorts first: literal segments beat parameters, parameters beat catch-alls. */
  readonly precedence: number[];
}

const constraints: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  double: '-?\\d+(?:\\.\\d+)?',
  float: '-?\\d+(?:\\.\\d+)?',
  decimal: '-?\\d+(?:\\.\\d+)?',
  bool: '(?:true|false)',
  guid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  alpha: '[A-Za-z]+',
  datetime: '[^/]+',
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileRoute(template: string): CompiledRoute {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter(Boolean);
  const names: string[] = [];
  const precedence: number[] = [];
  let pattern = '^';
  for (const segment of segments) {
    let segmentPattern = '';
    let optional = false;
    let kind = 0;
    const parts = segment.split(/(\{[^}]+\})/).filter(Boolean);
    for (const part of parts) {
      if (!part.startsWith('{')) {
        segmentPattern += escapeRegex(part);
        continue;
      }
      const inner = part.slice(1, -1);
      if (inner.startsWith('*')) {
        names.push(inner.slice(1).replace(/\?$/, ''));
        segmentPattern += '(.*)';
        optional = true;
        kind = Math.max(kind, 3);
        continue;
      }
      const [rawName = '', constraint] = inner.split(':');
      optional = rawName.endsWith('?') || (constraint?.endsWith('?') ?? false);
      const name = rawName.replace(/\?$/, '');
      const c = constraint?.replace(/\?$/, '').replace(/\(.*\)$/, '');
      names.push(name);
      segmentPattern += `(${c && constraints[c] ? constraints[c] : '[^/]+?'})`;
      kind = Math.max(kind, c ? 1 : 2);
    }
    pattern += optional ? `(?:/${segmentPattern})?` : `/${segmentPattern}`;
    precedence.push(kind);
  }
  pattern += '/?$';
  const regex = new RegExp(pattern, 'i');
  return {
    template,
    precedence,
    match(path) {
      const m = regex.exec(path.startsWith('/') ? path : `/${path}`);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = m[i + 1];
        if (value !== undefined) params[name] = lenientDecode(value);
      });
      return params;
    },
  };
}

/** Like ASP.NET Core's routing: a malformed escape such as `%ZZ` stays as it is instead of failing. */
export function lenientDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
      try {
        return decodeURIComponent(escape);
      } catch {
        return escape;
      }
    });
  }
}

export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const x = a.precedence[i] ?? -1;
    const y = b.precedence[i] ?? -1;
    if (x !== y) return x - y;
  }
  return b.precedence.length - a.precedence.length;
}
