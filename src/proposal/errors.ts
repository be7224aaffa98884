// Validation errors of governance-proposal parsing: every problem names the field path as it appears in the input
// document (`terms.newMarket.changes.priceMonitoringParameters.triggers[1].probability`) and the reason.

export type PathSegment = string | number;

export interface ProposalIssue {
  /** path of the field in the input document, e.g. `terms.newMarket.changes.logNormal.tau` */
  readonly path: string;
  readonly message: string;
  /**
   * Set when the value can be read anyway (stray whitespace around a number, a number given as a JSON number where
   * a string is required): where it is (`segments`, in the key-normalised document) and the value to read instead.
   */
  readonly repair?: {
    readonly kind: 'whitespace' | 'type';
    readonly segments: readonly PathSegment[];
    readonly value: unknown;
  };
}

/** `['a', 'b', 0, 'c']` → `a.b[0].c` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(document)' : out;
}

/** Thrown when a proposal does not validate; `issues` lists every problem found, `message` one per line. */
export class ProposalValidationError extends Error {
  readonly issues: readonly ProposalIssue[];

  constructor(issues: readonly ProposalIssue[], source?: string) {
    const head = source ? `${source}: invalid proposal` : 'invalid proposal';
    super(`${head}\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ProposalValidationError';
    this.issues = issues;
  }
}

/** Collects issues under a base path (the location of the `changes` object in the input). */
export class IssueCollector {
  readonly issues: ProposalIssue[] = [];

  constructor(private readonly base: readonly PathSegment[]) {}

  add(path: readonly PathSegment[], message: string): void {
    this.issues.push({ path: formatPath([...this.base, ...path]), message });
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }
}
