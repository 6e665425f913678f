/** The data map of the open data set (see shared/data-map/classification.ts): every column classified `none`. */
import type { RecordMap } from '../data-map/classification.js';
import type { OpenDataRow } from './row.js';

export const openDataRowDataMap: RecordMap<OpenDataRow> = {
  record: 'open-data',
  retention: ['open-data'],
  title: 'Open data: service request changes (Parquet and CSV)',
  kind: 'open-data',
  where: 'the data lake’s `open-data` container: service-requests/date=YYYY-MM-DD/changes-*.parquet and .csv',
  purpose:
    'Publish what residents report and how the council performs (open data, Power BI reporting): anonymous by construction (decision 1120).',
  basis: ['public-task'],
  recipients: ['open-data'],
  fields: {
    request_id: { class: 'none', note: 'Doorstep’s random id' },
    service_code: { class: 'none' },
    service_name: { class: 'none' },
    service_group: { class: 'none' },
    status: { class: 'none' },
    is_open: { class: 'none' },
    source: { class: 'none' },
    ward: { class: 'none', note: 'a ward code: thousands of homes' },
    reported_at: { class: 'none' },
    updated_at: { class: 'none' },
    resolved_at: { class: 'none' },
    expected_days: { class: 'none' },
    lat: { class: 'none', note: 'public services only, rounded to about 10 m as the public view; empty at a home' },
    long: { class: 'none', note: 'public services only, rounded to about 10 m' },
  },
};
