/**
 * FixMyStreet's Open311 client, transcribed for contract tests: requests built as
 * it builds them and answers read as it reads them. Source: mysociety/fixmystreet
 * at commit 84d7c80c5d9abd0d330325742c6b9eedc30b19fd:
 * - perllib/Open311.pm: `_request` (jurisdiction_id on every call, api_key only on
 *   POSTs, array values repeated as the same field), `_populate_service_request_params`
 *   and `_generate_service_request_description` (UK: title, detail, url, footer),
 *   `_populate_service_request_update_params` (status OPEN/CLOSED without extended
 *   statuses, update_id = the comment's id), `get_service_request_updates` (api_key
 *   added to the GET by hand), `_get_xml_object` (XML::Simple with ForceArray,
 *   GroupTags, KeyAttr {}, SuppressEmpty undef; a parse failure is undef), `_process_error`;
 * - perllib/Open311/GetServiceRequestUpdates.pm `process_requests` and
 *   UpdatesBase.pm `find_problem`/`check_date`: an update whose update_id is
 *   already a comment's external_id is skipped;
 * - perllib/Open311/PostServiceRequestUpdates.pm: the returned update_id becomes
 *   the comment's external_id;
 * - perllib/Open311/GetServiceRequests.pm `create_problems`: reports without
 *   lat/long are skipped; detail = description || title.
 */

export const fixMyStreetCommit = '84d7c80c5d9abd0d330325742c6b9eedc30b19fd';

type Params = Record<string, string | readonly string[] | undefined>;

/** XML::Simple's result: strings, undef for empty elements, hashes and (forced) arrays. */
export type XmlSimple = string | undefined | XmlSimpleHash | XmlSimple[];
export interface XmlSimpleHash {
  [key: string]: XmlSimple;
}

const groupTags: Readonly<Record<string, string>> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
  service_request_updates: 'request_update',
  groups: 'group',
};
const forceArray = new Set(Object.values(groupTags));

/** XML 1.0's Char production: expat (under XML::Simple) refuses anything else as "not well-formed". */
const isXmlChar = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: Element[];
  text: string;
}

class NotWellFormed extends Error {}

/** A strict parser for the XML Open311 servers send (elements, attributes, text, entity and character references). */
export function parseXml(xml: string): Element {
  for (const ch of xml) {
    if (!isXmlChar(ch.codePointAt(0) ?? 0)) throw new NotWellFormed(`invalid character U+${ch.codePointAt(0)}`);
  }
  let i = 0;
  const name = /[A-Za-z_][\w.-]*/y;
  const readName = () => {
    name.lastIndex = i;
    const m = name.exec(xml);
    if (!m) throw new NotWellFormed(`name expected at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const decode = (raw: string) =>
    raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) throw new NotWellFormed('bare &');
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[ref]) return named[ref];
      const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
      if (!m?.[1]) throw new NotWellFormed(`undefined entity ${whole}`);
      const code = m[1].startsWith('x') ? parseInt(m[1].slice(1), 16) : parseInt(m[1], 10);
      if (!isXmlChar(code)) throw new NotWellFormed(`reference to invalid character number ${code}`);
      return String.fromCodePoint(code);
    });
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i] ?? '')) i++;
  };
  if (xml.startsWith('<?xml', i)) {
    const end = xml.indexOf('?>', i);
    if (end < 0) throw new NotWellFormed('unterminated declaration');
    i = end + 2;
  }
  skipSpace();
  const element = (): Element => {
    if (xml[i] !== '<') throw new NotWellFormed(`< expected at ${i}`);
    i++;
    const el: Element = { name: readName(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attr = readName();
      skipSpace();
      if (xml[i] !== '=') throw new NotWellFormed('= expected');
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") throw new NotWellFormed('quote expected');
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) throw new NotWellFormed('unterminated attribute');
      const value = xml.slice(i + 1, end);
      if (value.includes('<')) throw new NotWellFormed('< in attribute');
      el.attributes[attr] = decode(value);
      i = end + 1;
    }
    for (;;) {
      if (i >= xml.length) throw new NotWellFormed(`unclosed <${el.name}>`);
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== el.name) throw new NotWellFormed(`mismatched tag </${closing}> for <${el.name}>`);
        skipSpace();
        if (xml[i] !== '>') throw new NotWellFormed('> expected');
        i++;
        return el;
      }
      if (xml[i] === '<') {
        el.children.push(element());
        continue;
      }
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next < 0 ? xml.length : next);
      if (raw.includes(']]>')) throw new NotWellFormed(']]> in text');
      el.text += decode(raw);
      i += raw.length;
    }
  };
  const root = element();
  skipSpace();
  if (i !== xml.length) throw new NotWellFormed('content after the root element');
  return root;
}

/** XML::Simple's "collapse" with FixMyStreet's options. */
function collapse(el: Element): XmlSimple {
  const hasAttributes = Object.keys(el.attributes).length > 0;
  if (el.children.length === 0 && !hasAttributes) return el.text === '' ? undefined : el.text;
  const hash: XmlSimpleHash = { ...el.attributes };
  for (const child of el.children) {
    const value = collapse(child);
    const existing = hash[child.name];
    if (child.name in hash) hash[child.name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    else hash[child.name] = forceArray.has(child.name) ? [value] : value;
  }
  if (el.text.trim() !== '' && el.children.length > 0) hash.content = el.text;
  const tag = groupTags[el.name];
  if (tag && Object.keys(hash).length === 1 && tag in hash) return hash[tag];
  return hash;
}

/** `_get_xml_object`: the root element's content, or undefined when the document does not parse (its eval). */
export function xmlObject(xml: string | undefined): XmlSimpleHash | undefined {
  if (xml === undefined) return undefined;
  try {
    const root = parseXml(xml);
    const hash: XmlSimpleHash = { ...root.attributes };
    // GroupTags has no effect on the root element.
    for (const child of root.children) {
      const value = collapse(child);
      const existing = hash[child.name];
      if (child.name in hash) hash[child.name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
      else hash[child.name] = forceArray.has(child.name) ? [value] : value;
    }
    return hash;
  } catch (error) {
    if (error instanceof NotWellFormed) return undefined;
    throw error;
  }
}

const first = (value: XmlSimple): XmlSimpleHash | undefined =>
  Array.isArray(value) ? (value[0] as XmlSimpleHash | undefined) : undefined;
/** `return $x unless ref $x`: a plain (non-empty) string only. */
const scalar = (value: XmlSimple): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** W3CDTF as DateTime::Format::W3CDTF writes a UTC time with nanoseconds set to 0. */
export const w3cdtf = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** `Utils::truncate_coordinate`: six decimal places. */
const truncateCoordinate = (n: number) => String(Math.round(n * 1e6) / 1e6);

export interface Problem {
  readonly title: string;
  readonly detail: string;
  readonly name: string;
  readonly email: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly uprn?: string;
  /** `get_extra_fields`: answers to the service's questions; a multi-value answer is an array. */
  readonly extra: readonly { readonly name: string; readonly value: string | readonly string[] }[];
  readonly url: string;
  readonly imageUrl?: string;
}

export interface Comment {
  readonly id: number;
  readonly text: string;
  readonly name: string;
  readonly email: string;
  readonly confirmed: Date;
  /** The problem's state in FixMyStreet when the comment was made (e.g. 'confirmed', 'fixed - user'). */
  readonly problemState: string;
  readonly problemExternalId: string;
}

const openStates = new Set(['confirmed', 'investigating', 'in progress', 'action scheduled', 'planned']);

export class Open311 {
  /** The last failure, as `$self->error` holds it. */
  error = '';
  success = false;
  constructor(
    readonly options: { readonly endpoint: string; readonly jurisdiction: string; readonly apiKey: string },
  ) {}

  /** `_request`. */
  async request(method: 'GET' | 'POST', path: string, params: Params = {}): Promise<string | undefined> {
    const all: Params = { ...params };
    if (this.options.jurisdiction) all.jurisdiction_id = this.options.jurisdiction;
    if (method === 'POST' && this.options.apiKey) all.api_key = this.options.apiKey;
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(all)) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) form.append(key, v);
    }
    const url = new URL(this.options.endpoint + path);
    const response =
      method === 'GET'
        ? await fetch(`${url.origin}${url.pathname}?${form.toString()}`)
        : await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
          });
    const content = await response.text();
    this.success = response.ok;
    if (response.ok) return content;
    this.error = `request failed: ${response.status}\nerror: ${this.processError(content)}`;
    return undefined;
  }

  /** `_process_error`. */
  processError(content: string): string {
    const obj = xmlObject(content);
    const errors = obj?.error;
    if (!Array.isArray(errors)) return 'unknown error';
    return (
      errors
        .map((e) => {
          const h = (e ?? {}) as XmlSimpleHash;
          return `${scalar(h.code) ?? '???'}: ${scalar(h.description) ?? 'unknown error'}\n`;
        })
        .join('') || 'unknown error'
    );
  }

  /** `send_service_request` with `_populate_service_request_params` (extended description, UK cobrand). */
  async sendServiceRequest(problem: Problem, serviceCode: string): Promise<string | 0> {
    const [firstName, lastName] = splitName(problem.name);
    const params: Params = {
      description:
        `title: ${problem.title}\n\n` +
        `detail: ${problem.detail}\n\n` +
        `url: ${problem.url}\n\n` +
        'Submitted via FixMyStreet\n',
      service_code: serviceCode,
      first_name: firstName,
      last_name: lastName,
      email: problem.email,
      lat: truncateCoordinate(problem.latitude),
      long: truncateCoordinate(problem.longitude),
      ...(problem.imageUrl ? { media_url: problem.imageUrl } : {}),
    };
    for (const attr of problem.extra) params[`attribute[${attr.name.replace(/fms_extra_/, '')}]`] = attr.value;
    if (problem.uprn) params['attribute[uprn]'] = problem.uprn;
    const response = await this.request('POST', 'requests.xml', params);
    const id = first(xmlObject(response)?.request);
    return scalar(id?.service_request_id) ?? 0;
  }

  /** `get_service_requests`. */
  async getServiceRequests(args: {
    readonly report_ids?: readonly string[];
    readonly start_date?: string;
    readonly end_date?: string;
  }): Promise<XmlSimpleHash[] | undefined> {
    const params: Params = {
      ...(args.report_ids ? { service_request_id: args.report_ids.join(',') } : {}),
      ...(args.start_date ? { start_date: args.start_date } : {}),
      ...(args.end_date ? { end_date: args.end_date } : {}),
    };
    const requests = xmlObject(await this.request('GET', 'requests.xml', params))?.request;
    return Array.isArray(requests) ? (requests as XmlSimpleHash[]) : undefined;
  }

  /** `get_service_request_updates`: the key goes on this GET by hand. */
  async getServiceRequestUpdates(start: string, end: string): Promise<XmlSimpleHash[] | undefined> {
    const params: Params = { api_key: this.options.apiKey || '', start_date: start, end_date: end };
    const updates = xmlObject(await this.request('GET', 'servicerequestupdates.xml', params))?.request_update;
    return Array.isArray(updates) ? (updates as XmlSimpleHash[]) : undefined;
  }

  /** `post_service_request_update` with `_populate_service_request_update_params` (no extended statuses). */
  async postServiceRequestUpdate(comment: Comment): Promise<string | 0> {
    const [firstName, lastName] = splitName(comment.name);
    const params: Params = {
      updated_datetime: w3cdtf(comment.confirmed),
      service_request_id: comment.problemExternalId,
      status: openStates.has(comment.problemState) ? 'OPEN' : 'CLOSED',
      description: comment.text,
      last_name: lastName || '-',
      first_name: firstName,
      email: comment.email,
      update_id: String(comment.id),
    };
    const response = await this.request('POST', 'servicerequestupdates.xml', params);
    const update = first(xmlObject(response)?.request_update);
    return scalar(update?.update_id) ?? 0;
  }
}

/** `split_name`. */
function splitName(name: string): [string, string] {
  const m = /(\S+)(?:\.?\s+(.+))?/.exec(name);
  return [m?.[1] ?? '', m?.[2] ?? ''];
}

/**
 * `GetServiceRequestUpdates::process_requests`: the updates FixMyStreet would turn
 * into new comments, given the external ids of its problems and of the comments
 * it already has (its own posted updates carry the update_id the server answered).
 */
export function updatesFixMyStreetWouldCreate(
  updates: readonly XmlSimpleHash[],
  known: { readonly problems: ReadonlySet<string>; readonly commentExternalIds: ReadonlySet<string> },
  window: readonly [string, string],
): XmlSimpleHash[] {
  return updates.filter((u) => {
    const updateId = scalar(u.update_id);
    if (updateId === undefined) return false;
    const when = scalar(u.updated_datetime);
    if (!when || Number.isNaN(Date.parse(when))) return false;
    const updated = w3cdtf(new Date(when));
    if (updated < window[0] || updated > window[1]) return false;
    if (!known.problems.has(scalar(u.service_request_id) ?? '')) return false;
    return !known.commentExternalIds.has(updateId);
  });
}
