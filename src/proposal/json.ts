// Reading proposal JSON as protobuf's JSON decoder (protojson) reads it: a syntax error is reported with its line and
// column, a field given twice (or under both its JSON name and its proto name, `tickSize` and `tick_size`) is
// refused, `null` means "not set", and proto (snake_case) names are read as their JSON (camelCase) names.
import { formatPath, ProposalValidationError, type PathSegment } from './errors.ts';

/** Proposals are small documents; this bounds the reader's work on a file that is not one. */
export const MAX_PROPOSAL_BYTES = 4 * 1024 * 1024;
/** Deeper nesting than any proposal has (a few levels below the oracle ABI arguments) is refused up front. */
export const MAX_JSON_DEPTH = 64;

/**
 * JSON.parse as protojson reads a message: a syntax error is reported with its line and column; a field given twice,
 * or under both its JSON and its proto name, is refused (protojson: `duplicate field "tickSize"`), as is a document
 * larger or deeper than any proposal.
 */
export function parseJsonText(text: string, source?: string): unknown {
  const fail = (path: string, message: string): never => {
    throw new ProposalValidationError([{ path, message }], source);
  };
  if (text.length > MAX_PROPOSAL_BYTES)
    fail('(document)', `is ${text.length} characters long; a proposal is at most ${MAX_PROPOSAL_BYTES} (4 MiB)`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail('(document)', `not valid JSON: ${jsonErrorWhere(text, e)}`);
  }
  const issues = duplicateFields(text);
  if (issues.length) throw new ProposalValidationError(issues, source);
  return doc;
}

interface Frame {
  readonly path: PathSegment[];
  /** object: field names seen (normalised to the JSON name) → the spelling used */
  readonly keys?: Map<string, string>;
  index: number;
  key?: string;
  expectKey: boolean;
}

/** The JSON name protojson reads a proto (snake_case) field name as. */
export function jsonName(k: string): string {
  return /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k) ? k.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase()) : k;
}

/**
 * Scans JSON text (already known to be valid) for fields given twice in one object, comparing names as protojson
 * does (a proto name and its JSON name are the same field); also enforces MAX_JSON_DEPTH.
 */
function duplicateFields(text: string): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const stack: Frame[] = [];
  const childPath = (): PathSegment[] => {
    const top = stack[stack.length - 1];
    if (!top) return [];
    return top.keys ? [...top.path, top.key ?? ''] : [...top.path, top.index];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '{' || ch === '[') {
      const path = childPath();
      if (stack.length >= MAX_JSON_DEPTH) {
        return [{ path: formatPath(path), message: `nested more than ${MAX_JSON_DEPTH} levels deep: not a proposal` }];
      }
      stack.push(
        ch === '{' ? { path, keys: new Map(), index: 0, expectKey: true } : { path, index: 0, expectKey: false },
      );
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.index++;
    } else if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const name = jsonName(key);
        const earlier = top.keys.get(name);
        if (earlier !== undefined) {
          issues.push({
            path: formatPath([...top.path, name]),
            message:
              earlier === key
                ? `duplicate field "${key}": a field may be given once (protobuf JSON refuses the document)`
                : `duplicate field: "${earlier}" and "${key}" name the same field (protobuf JSON refuses the document)`,
          });
        } else top.keys.set(name, key);
        top.key = name;
        top.expectKey = false;
      }
      i = j;
    }
  }
  return issues;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * protobuf JSON: `null` means "not set", and a field may be written with its proto name (snake_case). Returns a new
 * document with camelCase keys and no nulls (the input is not modified). Throws ProposalValidationError when one
 * object names a field twice (`tickSize` and `tick_size`) or nests deeper than MAX_JSON_DEPTH.
 */
export function normaliseKeys(v: unknown, source?: string): unknown {
  const issues: { path: string; message: string }[] = [];
  const walk = (x: unknown, path: PathSegment[]): unknown => {
    if (path.length > MAX_JSON_DEPTH) {
      issues.push({
        path: formatPath(path),
        message: `nested more than ${MAX_JSON_DEPTH} levels deep: not a proposal`,
      });
      return undefined;
    }
    if (Array.isArray(x)) return x.map((e, i) => walk(e, [...path, i]));
    if (!isObject(x)) return x;
    const out: Record<string, unknown> = {};
    const spelling = new Map<string, string>();
    for (const [k, val] of Object.entries(x)) {
      if (val === null) continue;
      const name = jsonName(k);
      const earlier = spelling.get(name);
      if (earlier !== undefined) {
        issues.push({
          path: formatPath([...path, name]),
          message: `duplicate field: "${earlier}" and "${k}" name the same field (protobuf JSON refuses the document)`,
        });
        continue;
      }
      spelling.set(name, k);
      // defineProperty: a "__proto__" key stays an ordinary (unknown) field
      Object.defineProperty(out, name, {
        value: walk(val, [...path, name]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  const out = walk(v, []);
  if (issues.length) throw new ProposalValidationError(issues, source);
  return out;
}

function jsonErrorWhere(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  if (!m) return /end of JSON input/.test(msg) ? `${msg} (the text ends at line ${text.split('\n').length})` : msg;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${msg.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}
