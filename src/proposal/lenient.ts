// Lenient reading of a proposal for analysis: values that Vega would reject but whose meaning is plain (a number with
// stray whitespace such as "0.1095 ", a decimal written as a JSON number) are read as intended and reported as
// repairs, each with its path, so that an analysis can still run and say what must be fixed before submission. Any
// other problem is an error as in parseProposal.
import { ProposalValidationError, type PathSegment, type ProposalIssue } from './errors.ts';
import { normaliseKeys, parseProposal, type ParseOptions, type ParsedProposal } from './parse.ts';

export interface ProposalRepair {
  /** path of the field in the input document */
  readonly path: string;
  readonly kind: 'whitespace' | 'type';
  /** the parser's reason for rejecting the value as written */
  readonly message: string;
  /** the value as written and the value that was read instead */
  readonly original: unknown;
  readonly value: unknown;
}

export interface LenientParse {
  readonly parsed: ParsedProposal;
  /** the problems read past; empty when the proposal is valid as written */
  readonly repairs: readonly ProposalRepair[];
  /** the document with protobuf JSON's snake_case keys normalised and the repairs applied */
  readonly document: unknown;
  /** the document with its keys normalised, as written (before the repairs) */
  readonly written: unknown;
  /**
   * Rules Vega would reject the proposal for that do not change what the analysis computes (the opening auction's
   * length against market.auction.minimumDuration / maximumDuration): reported, and the rest analysed.
   */
  readonly rejections: readonly ProposalIssue[];
}

const AUCTION_RULE = /^proposal opening auction duration is too (short|long)/;

/** At most this many rounds of repair (one usually suffices: the schema reports every field at once). */
const MAX_ROUNDS = 4;

/**
 * Parses like parseProposal, but reads past repairable values (see ProposalIssue.repair). Throws
 * ProposalValidationError when something is wrong that cannot be repaired; its issues then include the repairable ones.
 */
export function parseProposalLenient(input: unknown, opts: ParseOptions = {}): LenientParse {
  const doc = normaliseKeys(input, opts.source);
  const written = normaliseKeys(input, opts.source);
  const repairs: ProposalRepair[] = [];
  const repairIssues: ProposalIssue[] = [];
  for (let round = 0; ; round++) {
    try {
      return { parsed: parseProposal(doc, opts), repairs, document: doc, written, rejections: [] };
    } catch (e) {
      if (!(e instanceof ProposalValidationError)) throw e;
      if (e.issues.length > 0 && e.issues.every((i) => AUCTION_RULE.test(i.message))) {
        const wide = {
          ...opts,
          network: { ...opts.network, auctionMinimumDuration: 0, auctionMaximumDuration: Infinity },
        };
        return { parsed: parseProposal(doc, wide), repairs, document: doc, written, rejections: e.issues };
      }
      const fixable = e.issues.filter((i) => i.repair !== undefined);
      if (fixable.length === 0 || fixable.length < e.issues.length || round >= MAX_ROUNDS) {
        if (repairIssues.length === 0) throw e;
        throw new ProposalValidationError([...repairIssues, ...e.issues], opts.source);
      }
      for (const issue of fixable) {
        const r = issue.repair!;
        const original = setAt(doc, r.segments, r.value);
        repairs.push({ path: issue.path, kind: r.kind, message: issue.message, original, value: r.value });
        repairIssues.push(issue);
      }
    }
  }
}

/** Replaces the value at `segments` and returns the old one. */
function setAt(doc: unknown, segments: readonly PathSegment[], value: unknown): unknown {
  if (segments.length === 0) throw new Error('cannot repair the document root');
  let node = doc as Record<string | number, unknown>;
  for (const seg of segments.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = segments[segments.length - 1]!;
  const old = node[last];
  node[last] = value;
  return old;
}
