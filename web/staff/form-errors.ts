/**
 * A staff form's errors as every staff view reads them: the GOV.UK error summary's list, each
 * linking to its field, and the message beside each field.
 */
export interface FormError {
  readonly field: string;
  readonly text: string;
}

export const formErrorData = (errors: readonly FormError[]) => ({
  errors,
  errorList: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
  errorFor: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
});
