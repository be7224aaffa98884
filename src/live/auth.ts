// Who may act for which party, and how often. A key identifies one party (a party acts only for itself); keys
// come from a parties file (`--parties FILE`) or are issued by the admin endpoint (behind `--admin-token`) and
// kept beside the journal. The rate limit follows Vega's proof-of-work spam protection defaults (spec 0072-SPPW):
// each transaction is tied to one of the last `spam.pow.numberOfPastBlocks` (100) blocks, and a party may tie at
// most `spam.pow.numberOfTxPerBlock` (2) transactions to any one block (`spam.pow.increaseDifficulty` 0: no
// harder proofs beyond that). So a party can send a burst of up to 200 transactions, and 2 per block sustained.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const partiesFile = z.strictObject({
  parties: z
    .array(
      z.strictObject({
        party: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _.:-'),
        key: z.string().min(16, 'must be at least 16 characters').max(256),
      }),
    )
    .max(100_000),
});

export class KeyStore {
  private readonly byKey = new Map<string, string>();

  constructor(private readonly persistTo?: string) {
    if (persistTo && existsSync(persistTo)) this.load(persistTo);
  }

  /** Reads a parties file (YAML or JSON: `parties: [{ party, key }]`); errors name the file and field. */
  load(file: string): void {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: cannot read the parties file: ${(e as Error).message}`, { cause: e });
    }
    const r = partiesFile.safeParse(doc);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new Error(`${file}: ${i.path.map(String).join('.') || '(document)'}: ${i.message}`);
    }
    for (const p of r.data.parties) {
      const other = this.byKey.get(p.key);
      if (other !== undefined && other !== p.party) throw new Error(`${file}: a key is given to two parties`);
      this.byKey.set(p.key, p.party);
    }
  }

  /** The party of a key, or undefined. */
  party(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** Issues a new key for a party (the admin endpoint). */
  issue(party: string): string {
    const key = randomBytes(24).toString('hex');
    this.byKey.set(key, party);
    if (this.persistTo) {
      const tmp = `${this.persistTo}.tmp`;
      const parties = [...this.byKey].map(([k, p]) => ({ party: p, key: k }));
      writeFileSync(tmp, JSON.stringify({ parties }, null, 2), { mode: 0o600 });
      renameSync(tmp, this.persistTo);
    }
    return key;
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** Constant-time comparison of a presented secret with the expected one. */
export function secretMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (presented === undefined || expected === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SpamLimits {
  /** spam.pow.numberOfTxPerBlock */
  readonly txPerBlock: number;
  /** spam.pow.numberOfPastBlocks */
  readonly pastBlocks: number;
}

export const VEGA_SPAM_DEFAULTS: SpamLimits = { txPerBlock: 2, pastBlocks: 100 };

/**
 * Per-party transaction budget: a transaction takes a free slot of the oldest block still in the window (which
 * leaves the newer blocks' slots for later), and is refused when every block of the window is used up.
 */
export class SpamLimiter {
  private readonly used = new Map<string, { blocks: Int32Array; counts: Int32Array }>();
  private block = 0;

  constructor(readonly limits: SpamLimits) {}

  onBlock(block: number): void {
    this.block = block;
  }

  /** Takes one slot for `party`; false when the party has used its budget. */
  take(party: string): boolean {
    const { txPerBlock, pastBlocks } = this.limits;
    let u = this.used.get(party);
    if (!u) {
      u = { blocks: new Int32Array(pastBlocks).fill(-1), counts: new Int32Array(pastBlocks) };
      this.used.set(party, u);
    }
    for (let b = Math.max(0, this.block - pastBlocks + 1); b <= this.block; b++) {
      const i = b % pastBlocks;
      if (u.blocks[i] !== b) {
        u.blocks[i] = b;
        u.counts[i] = 0;
      }
      if (u.counts[i]! < txPerBlock) {
        u.counts[i]!++;
        return true;
      }
    }
    return false;
  }
}
