// Parquet files next to the CSV files perpsim writes (simulation series, agents, liquidity days and providers,
// sweeps), with the same columns: written with hyparquet-writer (MIT, pure JavaScript, snappy-compressed), read back
// with hyparquet. Column types: TIMESTAMP (INT64 milliseconds, UTC) for ISO times, DOUBLE for numbers (null where the
// CSV cell is empty), STRING (UTF-8) for text and for exact decimal amounts (kept as the exact decimal string).
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { parquetReadObjects } from 'hyparquet';

export type ParquetColumn =
  | { readonly name: string; readonly type: 'DOUBLE'; readonly data: readonly number[] }
  | { readonly name: string; readonly type: 'STRING'; readonly data: readonly string[] }
  /** unix milliseconds */
  | { readonly name: string; readonly type: 'TIMESTAMP'; readonly data: readonly number[] };

/** The Parquet file of a set of equally long columns; NaN numbers are written as null. */
export function parquetBuffer(columns: readonly ParquetColumn[]): ArrayBuffer {
  const n = columns[0]?.data.length ?? 0;
  for (const c of columns)
    if (c.data.length !== n) throw new RangeError(`parquet column ${c.name}: ${c.data.length} values, expected ${n}`);
  const columnData: ColumnSource[] = columns.map((c) => {
    switch (c.type) {
      case 'DOUBLE':
        return { name: c.name, type: 'DOUBLE', data: c.data.map((v) => (Number.isNaN(v) ? null : v)) };
      case 'STRING':
        return { name: c.name, type: 'STRING', data: [...c.data] };
      case 'TIMESTAMP':
        return { name: c.name, type: 'TIMESTAMP', data: c.data.map((v) => new Date(v)) };
    }
  });
  return parquetWriteBuffer({ columnData, createdBy: 'perpsim' });
}

export function writeParquet(file: string, columns: readonly ParquetColumn[]): void {
  writeFileSync(file, new Uint8Array(parquetBuffer(columns)));
}

/** The Parquet path next to a CSV path: x.csv → x.parquet. */
export function parquetPathFor(csvPath: string): string {
  return csvPath.replace(/\.csv$/i, '') + '.parquet';
}

/**
 * Columns from records as a CSV writer sees them (csv-stringify's input): numbers → DOUBLE, strings → STRING,
 * booleans → STRING ('true'/'false'), absent → null/''. A column's type is DOUBLE only if every present value is a
 * number.
 */
export function columnsFromRecords(
  records: readonly Record<string, unknown>[],
  names: readonly string[] = Object.keys(records[0] ?? {}),
): ParquetColumn[] {
  return names.map((name) => {
    const values = records.map((r) => r[name]);
    const numeric = values.every((v) => v === undefined || v === null || typeof v === 'number');
    if (numeric)
      return { name, type: 'DOUBLE', data: values.map((v) => (typeof v === 'number' ? v : Number.NaN)) } as const;
    return {
      name,
      type: 'STRING',
      data: values.map((v) => (v === undefined || v === null ? '' : String(v))),
    } as const;
  });
}

/** Every row of a Parquet file as an object (column name → value; TIMESTAMP as Date, DOUBLE as number or null). */
export async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const buf = await readFile(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Columns from a CSV table's header and its cells (as written): a column whose non-empty cells are all numbers is
 * DOUBLE (empty cells null), any other column is STRING.
 */
export function columnsFromCells(header: readonly string[], rows: readonly (readonly string[])[]): ParquetColumn[] {
  return header.map((name, j) => {
    const cells = rows.map((r) => r[j] ?? '');
    if (cells.every((c) => c === '' || NUMERIC.test(c)))
      return { name, type: 'DOUBLE', data: cells.map((c) => (c === '' ? Number.NaN : Number(c))) } as const;
    return { name, type: 'STRING', data: cells } as const;
  });
}
