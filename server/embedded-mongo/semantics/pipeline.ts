/**
 * Aggregation pipelines. `$match`, `$sort`, `$skip`, `$limit` and `$count` run natively (our
 * filter and sort semantics, BSON types kept); runs of the other stages go to mingo on converted
 * copies of the documents (see mingo-bridge.ts for what the conversion loses). Stages the engine
 * cannot run are refused before anything executes, including inside nested pipelines.
 */
import { Aggregator } from 'mingo';
import { badValue, MongoCommandError } from '../errors';
import type { Doc } from '../types';
import { isPlainObject } from './bson-values';
import { compileFilter } from './filter';
import { MINGO_BASE_OPTIONS, toMingoDoc, toMingoValue, viaMingo } from './mingo-bridge';
import { isNumeric, toDouble } from './numeric';
import { compileSort } from './sort';

const NATIVE_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count']);

/** Stages mingo runs for us (mingo 7's registered pipeline operators we allow). */
const MINGO_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$lookup',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
]);

/** Stages MongoDB has but the embedded engine cannot run, with the reason given to the client. */
const REFUSED_STAGES: Record<string, string> = {
  $out: 'writing aggregation results to a collection',
  $merge: 'writing aggregation results to a collection',
  $geoNear: 'geospatial queries',
  $search: 'Atlas Search',
  $searchMeta: 'Atlas Search',
  $vectorSearch: 'Atlas Vector Search',
  $listSearchIndexes: 'Atlas Search',
  $changeStream: 'change streams',
  $changeStreamSplitLargeEvent: 'change streams',
  $collStats: 'storage statistics stages',
  $indexStats: 'index statistics',
  $currentOp: 'operation introspection',
  $listSessions: 'session introspection',
  $listLocalSessions: 'session introspection',
  $planCacheStats: 'plan cache introspection',
  $shardedDataDistribution: 'sharding',
  $querySettings: 'query settings',
};

function stageName(stage: unknown): string {
  if (!isPlainObject(stage)) throw new MongoCommandError('TypeMismatch', "Each element of the 'pipeline' array must be an object");
  const keys = Object.keys(stage);
  if (keys.length !== 1) throw new MongoCommandError('Location40323', 'A pipeline stage specification object must contain exactly one field.');
  return keys[0];
}

/** Checks every stage (recursively through $lookup, $facet and $unionWith) before running any. */
function validatePipeline(pipeline: unknown): void {
  if (!Array.isArray(pipeline)) throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const name = stageName(stage);
    const reason = REFUSED_STAGES[name];
    if (reason) throw new MongoCommandError('CommandNotSupported', `${name} is not supported by the embedded engine (${reason})`);
    if (!NATIVE_STAGES.has(name) && !MINGO_STAGES.has(name)) {
      throw new MongoCommandError('Location40324', `Unrecognized pipeline stage name: '${name}'`);
    }
    const spec = (stage as Doc)[name];
    if ((name === '$lookup' || name === '$unionWith') && isPlainObject(spec) && spec.pipeline !== undefined) validatePipeline(spec.pipeline);
    if (name === '$facet' && isPlainObject(spec)) for (const sub of Object.values(spec)) validatePipeline(sub);
  }
}

function wholeNumber(v: unknown): number | null {
  const n = isNumeric(v) ? toDouble(v) : NaN;
  return Number.isInteger(n) ? n : null;
}

function runNative(name: string, spec: unknown, docs: Doc[]): Doc[] {
  switch (name) {
    case '$match': {
      if (!isPlainObject(spec)) throw badValue('the match filter must be an expression in an object');
      const m = compileFilter(spec);
      return docs.filter((d) => m(d));
    }
    case '$sort': {
      if (!isPlainObject(spec)) throw new MongoCommandError('Location15974', 'the $sort key specification must be an object');
      if (Object.keys(spec).length === 0) throw new MongoCommandError('Location15976', '$sort stage must have at least one sort key');
      return docs.slice().sort(compileSort(spec));
    }
    case '$skip': {
      const n = wholeNumber(spec);
      if (n === null || n < 0) throw badValue(`invalid argument to $skip stage: Expected a non-negative number in: $skip: ${String(spec)}`);
      return n === 0 ? docs : docs.slice(n);
    }
    case '$limit': {
      const n = wholeNumber(spec);
      if (n === null || n <= 0) throw new MongoCommandError('Location15958', 'the limit must be positive');
      return docs.length <= n ? docs : docs.slice(0, n);
    }
    case '$count': {
      if (typeof spec !== 'string' || spec === '') throw badValue('the count field must be a non-empty string');
      if (spec.startsWith('$')) throw badValue('the count field cannot be a $-prefixed path');
      if (spec.includes('.')) throw badValue("the count field cannot contain '.'");
      // MongoDB returns no document at all when nothing was counted.
      return docs.length === 0 ? [] : [{ [spec]: docs.length }];
    }
    default:
      throw new Error(`internal: ${name} is not a native stage`);
  }
}

/**
 * Runs an aggregation pipeline over `docs`. `options.lookup(name)` returns the documents of
 * another collection of the same database, for `$lookup`, `$graphLookup` and `$unionWith`.
 * Results may contain plain JS numbers where mingo computed values (the wire encoder writes them
 * as int32 or double).
 */
export function runPipeline(docs: Doc[], pipeline: Doc[], options: { lookup(name: string): Doc[] }): Doc[] {
  validatePipeline(pipeline);
  const resolved = new Map<string, Doc[]>();
  const collectionResolver = (name: string): Doc[] => {
    let c = resolved.get(name);
    if (!c) {
      c = options.lookup(name).map(toMingoDoc);
      resolved.set(name, c);
    }
    return c;
  };
  let current = docs;
  let converted = false;
  let i = 0;
  while (i < pipeline.length) {
    const name = stageName(pipeline[i]);
    if (NATIVE_STAGES.has(name)) {
      current = runNative(name, pipeline[i][name], current);
      i++;
      continue;
    }
    let j = i;
    while (j < pipeline.length && !NATIVE_STAGES.has(stageName(pipeline[j]))) j++;
    const segment = pipeline.slice(i, j).map((s) => toMingoValue(s) as Doc);
    const input = converted ? current : current.map(toMingoDoc);
    current = viaMingo(() => new Aggregator(segment, { ...MINGO_BASE_OPTIONS, collectionResolver }).run(input) as Doc[]);
    converted = true;
    i = j;
  }
  return current;
}
