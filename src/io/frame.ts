// A frame: named, typed, equally long columns, written as CSV and as Parquet with the same columns in the same order
// (src/io/parquet.ts gives the types). CSV cells: TIMESTAMP as ISO-8601 UTC, DOUBLE with up to 12 significant digits
// (empty for NaN), STRING quoted when it holds a comma, quote or newline.
import { writeFileSync } from 'node:fs';
import { parquetPathFor, writeParquet, type ParquetColumn } from './parquet.ts';

export type Frame = readonly ParquetColumn[];

export function csvNumber(v: number): string {
  if (Number.isNaN(v)) return '';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}

export function csvString(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvCell(c: ParquetColumn, i: number): string {
  switch (c.type) {
    case 'DOUBLE':
      return csvNumber(c.data[i]!);
    case 'STRING':
      return csvString(c.data[i]!);
    case 'TIMESTAMP':
      return new Date(c.data[i]!).toISOString();
  }
}

export function frameCsv(frame: Frame): string {
  const n = frame[0]?.data.length ?? 0;
  const lines = [frame.map((c) => csvString(c.name)).join(',')];
  for (let i = 0; i < n; i++) lines.push(frame.map((c) => csvCell(c, i)).join(','));
  return lines.join('\n') + '\n';
}

/** Writes `csvPath` and the Parquet file next to it; returns both paths. */
export function writeFrame(csvPath: string, frame: Frame): { csv: string; parquet: string } {
  writeFileSync(csvPath, frameCsv(frame));
  const parquet = parquetPathFor(csvPath);
  writeParquet(parquet, frame);
  return { csv: csvPath, parquet };
}
