// Data tables of Vega's feature dialect, parsed strictly: an unknown header or a missing required header is an
// error (as Vega's StrictParseTable), and every column the table gives must be read by the step that receives
// it — the runner fails a step whose table has a column the step never looked at, so no column is ignored.

export class StepError extends Error {}

export class Row {
  constructor(
    private readonly table: Table,
    readonly cells: ReadonlyMap<string, string>,
    readonly index: number,
  ) {}

  /** Column present in the table header (whether or not the cell is empty). */
  has(col: string): boolean {
    this.table.touch(col);
    return this.cells.has(col);
  }

  /** Cell value of a required column. */
  str(col: string): string {
    this.table.touch(col);
    const v = this.cells.get(col);
    if (v === undefined) throw new StepError(`row ${this.index + 1}: missing column "${col}"`);
    return v;
  }

  /** Cell value of an optional column, undefined when the column is absent or the cell empty. */
  opt(col: string): string | undefined {
    this.table.touch(col);
    const v = this.cells.get(col);
    return v === undefined || v === '' ? undefined : v;
  }

  int(col: string): bigint {
    return parseIntCell(this.str(col), col, this.index);
  }

  optInt(col: string): bigint | undefined {
    const v = this.opt(col);
    return v === undefined ? undefined : parseIntCell(v, col, this.index);
  }

  num(col: string): number {
    return parseSafeInt(this.str(col), col, this.index);
  }

  optNum(col: string): number | undefined {
    const v = this.opt(col);
    return v === undefined ? undefined : parseSafeInt(v, col, this.index);
  }

  bool(col: string): boolean {
    const v = this.str(col);
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new StepError(`row ${this.index + 1}: column "${col}": "${v}" is not true/false`);
  }
}

function parseIntCell(v: string, col: string, i: number): bigint {
  if (!/^-?\d+$/.test(v.trim())) throw new StepError(`row ${i + 1}: column "${col}": "${v}" is not an integer`);
  return BigInt(v.trim());
}

function parseSafeInt(v: string, col: string, i: number): number {
  const b = parseIntCell(v, col, i);
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new StepError(`row ${i + 1}: column "${col}": ${v} is out of range`);
  }
  return Number(b);
}

export class Table {
  readonly header: readonly string[];
  readonly rows: readonly Row[];
  private readonly touched = new Set<string>();

  constructor(raw: readonly (readonly string[])[]) {
    if (raw.length === 0) throw new StepError('empty table');
    this.header = raw[0]!.map((h) => h.trim());
    this.rows = raw.slice(1).map((cells, i) => {
      const m = new Map<string, string>();
      this.header.forEach((h, j) => m.set(h, (cells[j] ?? '').trim()));
      return new Row(this, m, i);
    });
  }

  /** Checks the header against the columns a step supports. */
  expect(required: readonly string[], optional: readonly string[] = []): this {
    const known = new Set([...required, ...optional]);
    for (const h of this.header) {
      if (!known.has(h)) throw new StepError(`unsupported column "${h}" (supported: ${[...known].join(', ')})`);
    }
    for (const r of required) {
      if (!this.header.includes(r)) throw new StepError(`missing required column "${r}"`);
    }
    return this;
  }

  touch(col: string): void {
    this.touched.add(col);
  }

  /** Columns of the header that no step code read (empty when every column was checked). */
  untouched(): string[] {
    if (this.rows.length === 0) return [];
    return this.header.filter((h) => !this.touched.has(h));
  }
}
