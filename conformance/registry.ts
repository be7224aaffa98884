// Step registry: regular expressions tried in registration order, first match wins (godog's semantics; most of
// Vega's regexes are anchored, a few are not).
import type { Table } from './table.ts';
import type { World } from './world.ts';

export type StepFn = (world: World, args: string[], table: Table | undefined) => void;

export interface StepDef {
  readonly pattern: RegExp;
  readonly fn: StepFn;
}

export class Registry {
  readonly steps: StepDef[] = [];

  define(pattern: RegExp, fn: StepFn): void {
    this.steps.push({ pattern, fn });
  }

  find(text: string): { def: StepDef; args: string[] } | undefined {
    for (const def of this.steps) {
      const m = def.pattern.exec(text);
      if (m) return { def, args: m.slice(1).map((a) => a ?? '') };
    }
    return undefined;
  }
}
