// The engine snapshot's object-graph codec (issue 11: Exchange.snapshot / Exchange.restore). The engine's state is a
// graph of class instances, plain objects, arrays, maps, sets, bigints and immutable decimals, with shared references
// (an order sits in the book, the registry and its party's list at once) and, here and there, wiring: host
// interfaces whose methods are closures over the market or the exchange. The codec writes the data of that graph as
// a JSON-safe node table (every object once, references by node number, bigints as decimal strings) and restores it
// over a freshly constructed engine, the "skeleton": each class instance and each function of the snapshot is paired
// with the skeleton's object at the same path from the same root, so the skeleton's wiring (its closures, which
// capture the skeleton's own market and exchange) stays in place and only the data is replaced. Containers of plain
// data are always rebuilt fresh, never written into, so a module constant the skeleton happens to reference is never
// mutated. Caches held in weak maps are not state (they are rebuilt on demand) and restore empty.
//
// Value encoding inside a node: a string, boolean, null or finite number stands for itself; anything else is a
// short tagged array: ['r', n] node n, ['b', '123'] a bigint, ['u'] undefined, ['n', 'NaN' | 'Infinity' |
// '-Infinity' | '-0'] a special number, ['k', name] a well-known shared constant (identity matters for those).
// Node kinds: ['O', {fields}] plain object, ['N', {fields}] null-prototype object, ['C', class, {fields}] class
// instance, ['A', [values]] array, ['M', [k1, v1, k2, v2 …]] map, ['S', [values]] set, ['D', coef, scale] decimal,
// ['W', 'WeakMap' | 'WeakSet'] an (empty) weak cache, ['F'] a function (wiring: restored from the skeleton).
import { Decimal } from '../num/decimal.ts';

export type SnapshotValue = string | number | boolean | null | readonly unknown[];
export type SnapshotNode = readonly unknown[];

/** One part of the snapshot: a root (a mechanism of the exchange or of a market) and the node range it added. */
export interface SnapshotPart {
  readonly name: string;
  readonly root: number;
  /** nodes first reached from this root: [from, to) */
  readonly from: number;
  readonly to: number;
}

export interface EncodedGraph {
  readonly parts: SnapshotPart[];
  readonly nodes: SnapshotNode[];
}

/** A snapshot that cannot be restored: another format or version, or damaged; the message says where. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(`snapshot: ${message}`);
    this.name = 'SnapshotError';
  }
}

export interface CodecOptions {
  /** classes by name (every class whose instances can be part of the state) */
  readonly classes: ReadonlyMap<string, { prototype: object }>;
  /** shared constants whose identity the engine compares (written by name) */
  readonly constants: ReadonlyMap<string, object>;
  /** fields that are wiring, not state, per class name (never written; the skeleton's stay) */
  readonly skipFields: ReadonlyMap<string, ReadonlySet<string>>;
}

const hasOwn = Object.prototype.hasOwnProperty;

// ------------------------------------------------------------------ encoding

export function encodeGraph(roots: readonly (readonly [string, object])[], opts: CodecOptions): EncodedGraph {
  const ids = new Map<object, number>();
  const nodes: SnapshotNode[] = [];
  const pending: object[] = [];
  const constantNames = new Map<object, string>();
  for (const [name, c] of opts.constants) constantNames.set(c, name);

  const ref = (o: object): SnapshotValue => {
    const k = constantNames.get(o);
    if (k !== undefined) return ['k', k];
    let id = ids.get(o);
    if (id === undefined) {
      id = ids.size;
      ids.set(o, id);
      pending.push(o);
    }
    return ['r', id];
  };
  const value = (v: unknown, where: () => string): SnapshotValue => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (Number.isFinite(v) && !Object.is(v, -0)) return v;
        return ['n', Object.is(v, -0) ? '-0' : String(v)];
      case 'bigint':
        return ['b', v.toString()];
      case 'undefined':
        return ['u'];
      case 'object':
        return v === null ? null : ref(v);
      case 'function':
        return ref(v);
      default:
        throw new SnapshotError(`cannot write a ${typeof v} at ${where()}`);
    }
  };
  const fields = (o: object, cls: string): Record<string, SnapshotValue> => {
    const skip = opts.skipFields.get(cls);
    const out: Record<string, SnapshotValue> = {};
    for (const key of Object.keys(o)) {
      if (skip?.has(key)) continue;
      const v = value((o as Record<string, unknown>)[key], () => `${cls}.${key}`);
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true });
      else out[key] = v;
    }
    return out;
  };
  const encode = (o: object): SnapshotNode => {
    if (typeof o === 'function') return ['F'];
    if (o instanceof Decimal) return ['D', o.coef.toString(), o.scale];
    if (Array.isArray(o)) return ['A', o.map((v, i) => value(v, () => `[${i}]`))];
    if (o instanceof Map) {
      const flat: SnapshotValue[] = [];
      for (const [k, v] of o)
        flat.push(
          value(k, () => 'a map key'),
          value(v, () => `map entry ${String(k)}`),
        );
      return ['M', flat];
    }
    if (o instanceof Set) return ['S', [...o].map((v) => value(v, () => 'a set member'))];
    if (o instanceof WeakMap) return ['W', 'WeakMap'];
    if (o instanceof WeakSet) return ['W', 'WeakSet'];
    const proto: unknown = Object.getPrototypeOf(o);
    if (proto === Object.prototype) return ['O', fields(o, 'Object')];
    if (proto === null) return ['N', fields(o, 'Object')];
    const cls = (o as { constructor?: { name?: string } }).constructor?.name ?? '?';
    if (opts.classes.get(cls)?.prototype !== proto)
      throw new SnapshotError(`class ${cls} is not registered in the snapshot codec (src/core/exchange/snapshot.ts)`);
    return ['C', cls, fields(o, cls)];
  };

  const parts: SnapshotPart[] = [];
  for (const [name, root] of roots) {
    const from = nodes.length;
    const r = ref(root) as readonly unknown[];
    if (r[0] !== 'r') throw new SnapshotError(`root ${name} is a shared constant`);
    for (let i = 0; i < pending.length; i++) nodes.push(encode(pending[i]!));
    pending.length = 0;
    parts.push({ name, root: r[1] as number, from, to: nodes.length });
  }
  return { parts, nodes };
}

// ------------------------------------------------------------------ decoding

interface Graph {
  readonly nodes: readonly unknown[];
  readonly opts: CodecOptions;
}

function nodeAt(g: Graph, id: unknown, where: string): SnapshotNode {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= g.nodes.length)
    throw new SnapshotError(`${where}: reference ${String(id)} is outside the node table`);
  const n = g.nodes[id];
  if (!Array.isArray(n) || typeof n[0] !== 'string') throw new SnapshotError(`node ${id} is malformed`);
  return n;
}

/** Node ids a node refers to, with the key that leads there (for pairing with the skeleton). */
function* children(n: SnapshotNode, id: number): Generator<[key: string | undefined, child: number]> {
  const refOf = (v: unknown): number | undefined =>
    Array.isArray(v) && v[0] === 'r' && typeof v[1] === 'number' ? v[1] : undefined;
  switch (n[0]) {
    case 'O':
    case 'N':
    case 'C': {
      const f = (n[0] === 'C' ? n[2] : n[1]) as Record<string, unknown> | undefined;
      if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new SnapshotError(`node ${id} is malformed`);
      for (const k of Object.keys(f)) {
        const r = refOf(f[k]);
        if (r !== undefined) yield [k, r];
      }
      return;
    }
    case 'A':
    case 'S':
    case 'M': {
      const list = n[1];
      if (!Array.isArray(list)) throw new SnapshotError(`node ${id} is malformed`);
      if (n[0] === 'M') {
        if (list.length % 2 !== 0) throw new SnapshotError(`node ${id}: a map with an odd entry list`);
        for (let i = 0; i < list.length; i += 2) {
          const kr = refOf(list[i]);
          if (kr !== undefined) yield [undefined, kr];
          const vr = refOf(list[i + 1]);
          const key = list[i];
          if (vr !== undefined)
            yield [typeof key === 'string' || typeof key === 'number' ? `\u0000${key}` : undefined, vr];
        }
        return;
      }
      for (let i = 0; i < list.length; i++) {
        const r = refOf(list[i]);
        if (r !== undefined) yield [n[0] === 'A' ? String(i) : undefined, r];
      }
      return;
    }
    default:
      return;
  }
}

/** The skeleton's object at `key` of `target` ('\0k' is map key k), if any. */
function counterpart(target: unknown, key: string): unknown {
  if (target === null || typeof target !== 'object') return undefined;
  if (target instanceof Map) {
    if (!key.startsWith('\u0000')) return undefined;
    const k = key.slice(1);
    if (target.has(k)) return target.get(k);
    const num = Number(k);
    return target.get(num);
  }
  if (key.startsWith('\u0000')) return undefined;
  return hasOwn.call(target, key) ? (target as Record<string, unknown>)[key] : undefined;
}

/** Whether skeleton object `t` can stand for node `n` (same class; a function for a function). */
function pairs(n: SnapshotNode, t: unknown): boolean {
  if (n[0] === 'F') return typeof t === 'function';
  if (t === null || typeof t !== 'object') return false;
  if (n[0] === 'C') return (t as { constructor?: { name?: string } }).constructor?.name === n[1];
  if (n[0] === 'W') return (n[1] === 'WeakMap' && t instanceof WeakMap) || (n[1] === 'WeakSet' && t instanceof WeakSet);
  // plain containers are rebuilt, but walked to pair what they hold
  if (n[0] === 'O') return Object.getPrototypeOf(t) === Object.prototype;
  if (n[0] === 'A') return Array.isArray(t);
  if (n[0] === 'M') return t instanceof Map;
  return false;
}

/**
 * Restores the graph over the skeleton: `skeleton` gives, for each part name, the skeleton's object for that root.
 * Returns the restored object of each part.
 */
export function decodeGraph(
  encoded: { parts: unknown; nodes: unknown },
  skeleton: ReadonlyMap<string, object>,
  opts: CodecOptions,
): Map<string, unknown> {
  if (!Array.isArray(encoded.nodes)) throw new SnapshotError('nodes: not an array');
  if (!Array.isArray(encoded.parts)) throw new SnapshotError('parts: not an array');
  const g: Graph = { nodes: encoded.nodes, opts };
  const parts = encoded.parts as SnapshotPart[];
  // 1. pair class instances, weak caches and functions with the skeleton's, walking from each root
  const paired = new Map<number, unknown>();
  const walked = new Set<number>();
  const queue: [number, unknown][] = [];
  for (const p of parts) {
    if (typeof p !== 'object' || p === null || typeof p.name !== 'string')
      throw new SnapshotError('parts: a malformed entry');
    const t = skeleton.get(p.name);
    if (t === undefined) continue;
    const n = nodeAt(g, p.root, `part ${p.name}`);
    // a mechanism replaced since construction (a market update that changed the mark-price method) is rebuilt
    if (pairs(n, t)) queue.push([p.root, t]);
  }
  while (queue.length > 0) {
    const [id, t] = queue.pop()!;
    if (walked.has(id)) continue;
    walked.add(id);
    const n = nodeAt(g, id, 'pairing');
    if (n[0] === 'C' || n[0] === 'F' || n[0] === 'W') {
      if (paired.has(id)) continue;
      paired.set(id, t);
    }
    for (const [key, child] of children(n, id)) {
      if (key === undefined || walked.has(child) || paired.has(child)) continue;
      const ct = counterpart(t, key);
      if (ct !== undefined && pairs(nodeAt(g, child, `node ${id}.${key}`), ct)) queue.push([child, ct]);
    }
  }
  // 2. one object per node: the paired skeleton object, a shell of the right kind, or the decimal itself
  const objects: unknown[] = new Array(g.nodes.length);
  for (let id = 0; id < g.nodes.length; id++) {
    if (paired.has(id)) {
      objects[id] = paired.get(id);
      continue;
    }
    const n = nodeAt(g, id, 'node table');
    switch (n[0]) {
      case 'O':
        objects[id] = {};
        break;
      case 'N':
        objects[id] = Object.create(null);
        break;
      case 'C': {
        const cls = opts.classes.get(n[1] as string);
        if (!cls) throw new SnapshotError(`node ${id}: unknown class ${String(n[1])}`);
        objects[id] = Object.create(cls.prototype);
        break;
      }
      case 'A':
        objects[id] = [];
        break;
      case 'M':
        objects[id] = new Map();
        break;
      case 'S':
        objects[id] = new Set();
        break;
      case 'W':
        objects[id] = n[1] === 'WeakSet' ? new WeakSet() : new WeakMap();
        break;
      case 'D': {
        if (typeof n[1] !== 'string' || !/^-?\d+$/.test(n[1]) || !Number.isInteger(n[2]) || (n[2] as number) < 0)
          throw new SnapshotError(`node ${id}: a malformed decimal`);
        objects[id] = Decimal.of(BigInt(n[1]), n[2] as number);
        break;
      }
      case 'F':
        throw new SnapshotError(`node ${id}: a function with no counterpart in this engine (wiring changed?)`);
      default:
        throw new SnapshotError(`node ${id}: unknown node kind ${String(n[0])}`);
    }
  }
  // 3. fill
  const val = (v: unknown, where: () => string): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return v;
    if (!Array.isArray(v)) throw new SnapshotError(`${where()}: a malformed value`);
    switch (v[0]) {
      case 'r':
        nodeAt(g, v[1], where());
        return objects[v[1] as number];
      case 'b':
        if (typeof v[1] !== 'string' || !/^-?\d+$/.test(v[1]))
          throw new SnapshotError(`${where()}: a malformed bigint`);
        return BigInt(v[1]);
      case 'u':
        return undefined;
      case 'n':
        if (v[1] === '-0') return -0;
        if (v[1] === 'NaN' || v[1] === 'Infinity' || v[1] === '-Infinity') return Number(v[1]);
        throw new SnapshotError(`${where()}: a malformed number`);
      case 'k': {
        const c = opts.constants.get(v[1] as string);
        if (c === undefined) throw new SnapshotError(`${where()}: unknown constant ${String(v[1])}`);
        return c;
      }
      default:
        throw new SnapshotError(`${where()}: a malformed value`);
    }
  };
  for (let id = 0; id < g.nodes.length; id++) {
    const n = g.nodes[id] as SnapshotNode;
    const o = objects[id];
    switch (n[0]) {
      case 'O':
      case 'N':
      case 'C': {
        const cls = n[0] === 'C' ? (n[1] as string) : 'Object';
        const f = (n[0] === 'C' ? n[2] : n[1]) as Record<string, unknown>;
        const target = o as Record<string, unknown>;
        if (paired.has(id)) {
          // the skeleton's instance must have the same fields as the snapshot's: otherwise the snapshot comes from
          // another build of the engine
          const skip = opts.skipFields.get(cls);
          for (const k of Object.keys(target))
            if (!hasOwn.call(f, k) && !skip?.has(k))
              throw new SnapshotError(`${cls}.${k}: missing from the snapshot (written by another engine version?)`);
          for (const k of Object.keys(f))
            if (!hasOwn.call(target, k))
              throw new SnapshotError(`${cls}.${k}: not a field of this engine (written by another engine version?)`);
        }
        for (const k of Object.keys(f)) {
          const v = val(f[k], () => `node ${id} (${cls}).${k}`);
          if (typeof v === 'function' && typeof target[k] === 'function') continue;
          if (k === '__proto__') Object.defineProperty(target, k, { value: v, enumerable: true, writable: true });
          else target[k] = v;
        }
        break;
      }
      case 'A': {
        const list = n[1] as unknown[];
        const a = o as unknown[];
        for (let i = 0; i < list.length; i++) a.push(val(list[i], () => `node ${id}[${i}]`));
        break;
      }
      case 'M': {
        const list = n[1] as unknown[];
        const m = o as Map<unknown, unknown>;
        for (let i = 0; i < list.length; i += 2)
          m.set(
            val(list[i], () => `node ${id} key`),
            val(list[i + 1], () => `node ${id} entry`),
          );
        break;
      }
      case 'S': {
        const list = n[1] as unknown[];
        const s = o as Set<unknown>;
        for (const v of list) s.add(val(v, () => `node ${id} member`));
        break;
      }
      default:
        break;
    }
  }
  const out = new Map<string, unknown>();
  for (const p of parts) out.set(p.name, objects[p.root]);
  return out;
}
