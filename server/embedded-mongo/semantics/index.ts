/**
 * MongoDB query semantics for the embedded engine: BSON ordering and hashing, filters, sorts,
 * projections, updates, upsert seeds and aggregation. Pure functions over immutable documents
 * (see ../types.ts for the value model). Imported by the store as `'../semantics'`.
 */
export { compareValues, indexKeyOf } from './bson-values';
export { getPathValues } from './paths';
export { compileFilter, equalityFieldsOf, inFieldsOf } from './filter';
export { compileSort } from './sort';
export { applyProjection } from './projection';
export { applyUpdate, buildUpsertDocument } from './update';
export { runPipeline } from './pipeline';
