/**
 * A JSON message body as Service Bus hands it over: already an object (the SDK sent
 * JSON as an AMQP value), or text or bytes (other senders). Undefined if it is not JSON.
 */
export function jsonBody(body: unknown): unknown {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) body = Buffer.from(body).toString('utf8');
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
