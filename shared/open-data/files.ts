/**
 * The files of the open data set: Parquet for tools (DuckDB, Power BI, Fabric,
 * pandas), CSV alongside for people with a spreadsheet, and a Frictionless data
 * package descriptor (datapackage.json) publishing the schema at the root.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { columnNames, columns, type OpenDataRow } from './row.js';

export function toParquet(rows: readonly OpenDataRow[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: columnNames.map((name) => ({
      name,
      type: columns[name].parquet,
      data: rows.map((r) => r[name]),
    })),
  });
  return new Uint8Array(buffer);
}

const csvCell = (value: OpenDataRow[keyof OpenDataRow]): string => {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(rows: readonly OpenDataRow[]): string {
  const lines = [columnNames.join(','), ...rows.map((r) => columnNames.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** The root of the data set in the lake container. */
export const dataSetPrefix = 'service-requests';

/**
 * The data package (https://datapackage.org/standard/data-package/): one resource
 * per format, listing its files (the standard has no globs), with one Table Schema.
 */
export function dataPackage(
  publisher: string,
  files: { readonly parquet: readonly string[]; readonly csv: readonly string[] },
): Record<string, unknown> {
  const schema = {
    fields: columnNames.map((name) => ({
      name,
      type: columns[name].type,
      description: columns[name].description,
      ...(columns[name].required ? { constraints: { required: true } } : {}),
    })),
    missingValues: [''],
  };
  return {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: 'doorstep-service-requests',
    title: 'Service requests reported to the council',
    description:
      'Anonymous service requests (problems reported by residents, partners and sensors) as changes: one row per change of a request, partitioned by the UTC day of the change. The latest row of each request_id is its current state. No reporter, contact details, free text, photos, addresses or UPRNs; positions rounded to about 10 m and omitted for services at a home.',
    licenses: [
      {
        name: 'OGL-UK-3.0',
        path: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
        title: 'Open Government Licence v3.0',
      },
    ],
    contributors: [{ title: publisher, roles: ['publisher'] }],
    resources: [
      {
        name: 'service-requests-parquet',
        path: files.parquet,
        format: 'parquet',
        mediatype: 'application/vnd.apache.parquet',
        schema,
      },
      {
        name: 'service-requests-csv',
        path: files.csv,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        dialect: { delimiter: ',', header: true, lineTerminator: '\r\n' },
        schema,
      },
    ],
  };
}
