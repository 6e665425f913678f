/**
 * Service Bus SQL filter expressions: the subset Doorstep's subscriptions use and a
 * partner is likely to write. Parsed once when the emulator starts; unknown syntax
 * fails loudly rather than matching everything.
 *
 * Supported: comparisons (= <> != > >= < <=), [NOT] IN (...), [NOT] LIKE with % and _,
 * IS [NOT] NULL, EXISTS(prop), AND, OR, NOT, parentheses, string/number/boolean literals,
 * `sys.<property>` (system properties: label/subject, messageid, correlationid, to,
 * replyto, contenttype, sessionid) and `user.<property>` or a bare name (application properties).
 */

export type FilterValue = string | number | boolean | null | undefined;

export interface FilterableMessage {
  readonly system: Readonly<Record<string, FilterValue>>;
  readonly user: Readonly<Record<string, FilterValue>>;
}

type Expr =
  | { t: 'lit'; v: FilterValue }
  | { t: 'prop'; scope: 'sys' | 'user'; name: string }
  | { t: 'cmp'; op: string; l: Expr; r: Expr }
  | { t: 'in'; not: boolean; l: Expr; list: Expr[] }
  | { t: 'like'; not: boolean; l: Expr; pattern: RegExp }
  | { t: 'null'; not: boolean; l: Expr }
  | { t: 'exists'; p: Expr }
  | { t: 'and' | 'or'; l: Expr; r: Expr }
  | { t: 'not'; e: Expr };

const tokenPattern = /\s*(?:('(?:[^']|'')*')|(\d+(?:\.\d+)?)|([A-Za-z_][\w.$]*)|(<>|!=|>=|<=|[=<>(),]))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(tokenPattern.lastIndex))) break;
    const at = tokenPattern.lastIndex;
    const m = tokenPattern.exec(source);
    if (!m) throw new Error(`SQL filter: cannot read '${source.slice(at)}'`);
    tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  }
  return tokens;
}

export function compileSqlFilter(source: string): (message: FilterableMessage) => boolean {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const peekUpper = (): string | undefined => tokens[i]?.toUpperCase();
  const take = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`SQL filter: unexpected end of '${source}'`);
    return t;
  };
  const expect = (word: string): void => {
    const t = take();
    if (t.toUpperCase() !== word) throw new Error(`SQL filter: expected ${word}, found '${t}'`);
  };

  function orExpr(): Expr {
    let l = andExpr();
    while (peekUpper() === 'OR') {
      take();
      l = { t: 'or', l, r: andExpr() };
    }
    return l;
  }
  function andExpr(): Expr {
    let l = notExpr();
    while (peekUpper() === 'AND') {
      take();
      l = { t: 'and', l, r: notExpr() };
    }
    return l;
  }
  function notExpr(): Expr {
    if (peekUpper() === 'NOT') {
      take();
      return { t: 'not', e: notExpr() };
    }
    return predicate();
  }
  function predicate(): Expr {
    if (peekUpper() === 'EXISTS') {
      take();
      expect('(');
      const p = operand();
      expect(')');
      return { t: 'exists', p };
    }
    if (peek() === '(') {
      take();
      const e = orExpr();
      expect(')');
      return e;
    }
    const l = operand();
    const next = peekUpper();
    if (next === 'IS') {
      take();
      let not = false;
      if (peekUpper() === 'NOT') {
        take();
        not = true;
      }
      expect('NULL');
      return { t: 'null', not, l };
    }
    let not = false;
    if (next === 'NOT') {
      take();
      not = true;
    }
    const op = peekUpper();
    if (op === 'IN') {
      take();
      expect('(');
      const list = [operand()];
      while (peek() === ',') {
        take();
        list.push(operand());
      }
      expect(')');
      return { t: 'in', not, l, list };
    }
    if (op === 'LIKE') {
      take();
      const pattern = operand();
      if (pattern.t !== 'lit' || typeof pattern.v !== 'string') throw new Error('SQL filter: LIKE needs a string');
      const escaped = pattern.v
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.');
      return { t: 'like', not, l, pattern: new RegExp(`^${escaped}$`, 's') };
    }
    if (not) throw new Error('SQL filter: NOT must be followed by IN or LIKE here');
    if (op && ['=', '<>', '!=', '>', '>=', '<', '<='].includes(op)) {
      take();
      return { t: 'cmp', op, l, r: operand() };
    }
    throw new Error(`SQL filter: expected a comparison after operand, found '${peek() ?? 'end'}'`);
  }
  function operand(): Expr {
    const t = take();
    if (t.startsWith("'")) return { t: 'lit', v: t.slice(1, -1).replace(/''/g, "'") };
    if (/^\d/.test(t)) return { t: 'lit', v: Number(t) };
    const upper = t.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { t: 'lit', v: upper === 'TRUE' };
    if (upper === 'NULL') return { t: 'lit', v: null };
    if (/^[A-Za-z_]/.test(t)) {
      const [scope, ...rest] = t.split('.');
      if (rest.length > 0 && (scope?.toLowerCase() === 'sys' || scope?.toLowerCase() === 'user')) {
        return { t: 'prop', scope: scope.toLowerCase() as 'sys' | 'user', name: rest.join('.') };
      }
      return { t: 'prop', scope: 'user', name: t };
    }
    throw new Error(`SQL filter: unexpected '${t}'`);
  }

  const tree = orExpr();
  if (i !== tokens.length) throw new Error(`SQL filter: unexpected '${tokens[i] ?? ''}' in '${source}'`);
  return (message) => evaluate(tree, message) === true;
}

function lookup(e: Extract<Expr, { t: 'prop' }>, m: FilterableMessage): FilterValue {
  if (e.scope === 'sys') {
    const key = e.name.toLowerCase();
    return m.system[key === 'label' ? 'subject' : key];
  }
  return m.user[e.name];
}

function value(e: Expr, m: FilterableMessage): FilterValue {
  if (e.t === 'lit') return e.v;
  if (e.t === 'prop') return lookup(e, m);
  const r = evaluate(e, m);
  return r === undefined ? null : r;
}

// Three-valued logic as in SQL: comparisons with a missing value are unknown (undefined).
function evaluate(e: Expr, m: FilterableMessage): boolean | undefined {
  switch (e.t) {
    case 'and': {
      const l = evaluate(e.l, m);
      const r = evaluate(e.r, m);
      if (l === false || r === false) return false;
      return l === true && r === true ? true : undefined;
    }
    case 'or': {
      const l = evaluate(e.l, m);
      const r = evaluate(e.r, m);
      if (l === true || r === true) return true;
      return l === false && r === false ? false : undefined;
    }
    case 'not': {
      const v = evaluate(e.e, m);
      return v === undefined ? undefined : !v;
    }
    case 'exists':
      return e.p.t === 'prop' && lookup(e.p, m) !== undefined;
    case 'null': {
      const v = value(e.l, m);
      const isNull = v === null || v === undefined;
      return e.not ? !isNull : isNull;
    }
    case 'in': {
      const v = value(e.l, m);
      if (v === null || v === undefined) return undefined;
      const found = e.list.some((x) => value(x, m) === v);
      return e.not ? !found : found;
    }
    case 'like': {
      const v = value(e.l, m);
      if (typeof v !== 'string') return undefined;
      const ok = e.pattern.test(v);
      return e.not ? !ok : ok;
    }
    case 'cmp': {
      const l = value(e.l, m);
      const r = value(e.r, m);
      if (l === null || l === undefined || r === null || r === undefined) return undefined;
      switch (e.op) {
        case '=':
          return l === r;
        case '<>':
        case '!=':
          return l !== r;
        case '>':
          return l > r;
        case '>=':
          return l >= r;
        case '<':
          return l < r;
        default:
          return l <= r;
      }
    }
    case 'lit':
      return typeof e.v === 'boolean' ? e.v : undefined;
    case 'prop': {
      const v = lookup(e, m);
      return typeof v === 'boolean' ? v : undefined;
    }
  }
}
