// govuk-frontend ships no type declarations; the site uses only this.
declare module 'govuk-frontend' {
  export function initAll(config?: Record<string, unknown>): void;
}
