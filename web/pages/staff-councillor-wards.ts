/**
 * The admin's page for which wards each councillor serves (wards change at elections
 * and boundary reviews): find the councillor by their directory Object ID, see the wards
 * they serve today, tick the council's wards (at most 10) and save. The Object ID rides
 * in the form body, never the page's address. The API checks the admin role again.
 * No script of its own: every step is a plain form post.
 */
import { z } from 'zod';
import { ok, type DoorstepApi } from '../api/client.js';
import type { StaffPageHandler, StaffPageRequest, StaffPageResult } from '../staff/staff-page.js';
import { formErrorData, type FormError } from '../staff/form-errors.js';

/** The API's own shape (shared/casework/councillor-wards.ts `councillorSubPattern`). */
const subPattern = /^[A-Za-z0-9._@-]{1,128}$/;
/** The API's own bound (shared/casework/model.ts `councillorWardsSchema`). */
const maxWards = 10;
const path = '/staff/admin/councillor-wards';

const wardsView = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) });
const councillorWardsView = z.object({ councillor: z.string(), wards: z.array(z.string()) });

const councilWards = async (api: DoorstepApi) => wardsView.parse(ok(await api.GET('/wards'))).items;

function findStep(errors: readonly FormError[], councillor = ''): StaffPageResult {
  return {
    view: 'staff-councillor-wards',
    status: errors.length ? 400 : 200,
    data: { step: 'find', councillor, ...formErrorData(errors) },
  };
}

async function chooseStep(
  page: StaffPageRequest,
  councillor: string,
  chosen: readonly string[] | undefined,
  errors: readonly FormError[] = [],
): Promise<StaffPageResult> {
  const api = page.api();
  const [wards, current] = await Promise.all([
    councilWards(api),
    api
      .GET('/admin/councillors/{sub}/wards', { params: { path: { sub: councillor } } })
      .then((r) => councillorWardsView.parse(ok(r)).wards),
  ]);
  const ticked = new Set(chosen ?? current);
  const names = new Map(wards.map((w) => [w.code, w.name]));
  return {
    view: 'staff-councillor-wards',
    status: errors.length ? 400 : 200,
    data: {
      step: 'choose',
      councillor,
      // A ward no longer in the council's list (a boundary review) is still shown by its code.
      current: current.map((code) => names.get(code) ?? code),
      wardItems: wards.map((w) => ({ value: w.code, text: w.name, checked: ticked.has(w.code) })),
      maxWards,
      ...formErrorData(errors),
    },
  };
}

export const councillorWards: StaffPageHandler = async (page) => {
  if (page.request.method !== 'POST') return findStep([]);
  const councillor = (page.form.get('councillor') ?? '').trim();
  if (!subPattern.test(councillor))
    return findStep(
      [
        {
          field: 'councillor',
          text: councillor
            ? 'Enter the councillor’s Object ID as the directory shows it, like 00000000-0000-0000-0000-000000000000'
            : 'Enter the councillor’s Object ID',
        },
      ],
      councillor.slice(0, 200),
    );
  if (page.form.get('action') !== 'save') return chooseStep(page, councillor, undefined);

  const chosen = [...new Set(page.form.getAll('wards'))];
  if (chosen.length > maxWards)
    return chooseStep(page, councillor, chosen, [
      { field: 'wards', text: `Select ${String(maxWards)} wards or fewer` },
    ]);
  const api = page.api();
  const saved = await api.PUT('/admin/councillors/{sub}/wards', {
    params: { path: { sub: councillor } },
    body: { wards: chosen },
  });
  // A ward code the council does not have (an old form, or a tampered one).
  if (saved.response.status === 422)
    return chooseStep(page, councillor, [], [{ field: 'wards', text: 'Select wards from the list' }]);
  const { wards } = councillorWardsView.parse(ok(saved));
  const names = new Map((await councilWards(api)).map((w) => [w.code, w.name]));
  const list = wards.map((code) => names.get(code) ?? code).join(', ');
  page.session = {
    ...page.session,
    flash: wards.length
      ? `Saved: councillor ${councillor} serves ${list}`
      : `Saved: councillor ${councillor} serves no wards`,
  };
  return { redirect: path };
};
