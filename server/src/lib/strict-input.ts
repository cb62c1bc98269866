/**
 * Unknown request parameters are refused, not ignored (ADR 104). zod objects strip keys they do
 * not list, so `GET /api/admin/letters?sort=dueAt` used to answer as if `sort` had not been sent,
 * and a client could not tell a misspelt or unsupported parameter from a supported one.
 * {@link unknownKeys} walks a route's schema beside the raw input and names every key no schema
 * on its way lists, at any depth (objects in arrays, unions, pipes, optional and default
 * wrappers). Objects declared loose (`z.looseObject`, a catch-all) accept any key on purpose.
 */
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys an object schema (behind any wrappers) lists, or null when it accepts any key. */
function objectKeys(schema: AnySchema, depth = 0): Set<string> | null {
  if (depth > 20) return null;
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const catchall = def.catchall as AnySchema | undefined;
      if (catchall && defOf(catchall).type !== 'never') return null;
      return new Set(Object.keys(def.shape as Record<string, unknown>));
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return objectKeys(def.innerType as AnySchema, depth + 1);
    case 'pipe':
      return objectKeys(def.in as AnySchema, depth + 1);
    case 'lazy':
      return objectKeys((def.getter as () => AnySchema)(), depth + 1);
    case 'intersection': {
      const left = objectKeys(def.left as AnySchema, depth + 1);
      const right = objectKeys(def.right as AnySchema, depth + 1);
      return left === null || right === null ? null : new Set([...left, ...right]);
    }
    default:
      return null;
  }
}

/**
 * Paths (as key lists) of the keys in `value` that `schema` does not list. A value of the wrong
 * type yields nothing here: the schema's own parse reports it.
 */
export function unknownKeys(schema: AnySchema, value: unknown, path: readonly (string | number)[] = [], depth = 0): (string | number)[][] {
  if (depth > 40 || value === undefined || value === null) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value)) return [];
      const shape = def.shape as Record<string, AnySchema>;
      const known = objectKeys(schema);
      const found: (string | number)[][] = [];
      for (const [key, child] of Object.entries(value)) {
        const childSchema = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (childSchema) found.push(...unknownKeys(childSchema, child, [...path, key], depth + 1));
        else if (known !== null) found.push([...path, key]);
      }
      return found;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return unknownKeys(def.innerType as AnySchema, value, path, depth + 1);
    case 'pipe':
      return unknownKeys(def.in as AnySchema, value, path, depth + 1);
    case 'lazy':
      return unknownKeys((def.getter as () => AnySchema)(), value, path, depth + 1);
    case 'array':
      if (!Array.isArray(value)) return [];
      return value.flatMap((item, i) => unknownKeys(def.element as AnySchema, item, [...path, i], depth + 1));
    case 'record':
      if (!isPlainObject(value)) return [];
      return Object.entries(value).flatMap(([key, item]) => unknownKeys(def.valueType as AnySchema, item, [...path, key], depth + 1));
    case 'intersection': {
      if (!isPlainObject(value)) return [];
      const known = objectKeys(schema);
      if (known === null) return [];
      return Object.keys(value)
        .filter((key) => !known.has(key))
        .map((key) => [...path, key]);
    }
    case 'union': {
      // Judge by the option the value matches (the first, as zod does); when none does, the
      // parse reports the value and unknown keys would only add noise.
      const options = def.options as AnySchema[];
      const match = options.find((option) => (option as z.ZodType).safeParse(value).success);
      return match ? unknownKeys(match, value, path, depth + 1) : [];
    }
    default:
      return [];
  }
}
