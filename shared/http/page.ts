import type { Page } from '../data/page-token.js';

/** A page as every list answers it: `items`, and `continuation` only when there is more. */
export function pageBody<T, V>(page: Page<T>, view: (item: T) => V): { items: V[]; continuation?: string } {
  return {
    items: page.items.map(view),
    ...(page.continuation ? { continuation: page.continuation } : {}),
  };
}
