/**
 * Reads node parameters whose value is a plain field reference such as `={{ $json.reference }}`
 * without n8n's expression engine.
 *
 * n8n 2.41.1 evaluates every expression in a V8 isolate by default (`N8N_EXPRESSION_ENGINE=vm`).
 * A CPU profile of template workflow 1 in that version, on a 2-CPU machine, put the cost at an
 * estimated 2 ms per evaluated parameter. The defaults of our nodes' item fields are such field
 * references, so every node paid that cost several times per item. This module resolves them from
 * the item directly, but only when the result equals the engine's: every step must be an own
 * property and the value must be a string. Every other case and every other expression goes to
 * `getNodeParameter`, so n8n's own results and error messages stay the same.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

/** Pattern of `={{ $json.a.b }}`, `={{ $json.a?.b }}` and the same with `?? ""` after the reference. */
const FIELD_REFERENCE = /^=\{\{\s*\$json((?:\??\.[A-Za-z_$][\w$]*)+)\s*(\?\?\s*(?:""|''))?\s*\}\}$/;

/** Pattern of the Audit Logger's default actor, `={{ "workflow " + $workflow.id }}`. */
const WORKFLOW_ACTOR = /^=\{\{\s*(["'])workflow \1\s*\+\s*\$workflow\.id\s*\}\}$/;

interface PathStep {
  name: string;
  /** Whether the step is `?.`, which yields undefined on a null or undefined value instead of throwing. */
  optional: boolean;
}

/** Parsed expressions by text, because the same few parameter values recur on every item. */
const parsedReferences = new Map<string, { steps: PathStep[]; emptyWhenMissing: boolean } | null>();

function parseFieldReference(expression: string): { steps: PathStep[]; emptyWhenMissing: boolean } | null {
  let parsed = parsedReferences.get(expression);
  if (parsed !== undefined) return parsed;

  const match = FIELD_REFERENCE.exec(expression);
  parsed = match
    ? {
        steps: [...match[1].matchAll(/(\?)?\.([A-Za-z_$][\w$]*)/g)].map((step) => ({ name: step[2], optional: step[1] === '?' })),
        emptyWhenMissing: match[2] !== undefined,
      }
    : null;
  if (parsedReferences.size < 1000) parsedReferences.set(expression, parsed);
  return parsed;
}

/**
 * Resolves a parsed field reference against an item's JSON. Returns `undefined` whenever the
 * engine could give a different result or an error, so that the caller asks the engine.
 */
function resolveFieldReference(json: unknown, reference: { steps: PathStep[]; emptyWhenMissing: boolean }): string | undefined {
  let current: unknown = json;
  for (const step of reference.steps) {
    if (current === null || current === undefined) {
      // The engine throws for `a.b` on a missing `a`, and gives undefined for `a?.b`.
      if (!step.optional) return undefined;
      return reference.emptyWhenMissing ? '' : undefined;
    }
    // Properties of primitives and inherited ones (`length`, `constructor`) are left to the engine.
    if (typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, step.name)) {
      if (step.name in current) return undefined;
      current = undefined;
      continue;
    }
    current = (current as Record<string, unknown>)[step.name];
  }
  if (typeof current === 'string') return current;
  if ((current === null || current === undefined) && reference.emptyWhenMissing) return '';
  return undefined;
}

/**
 * Returns the parameter's value as `getNodeParameter(name, itemIndex, fallback)` would, resolving
 * a plain field reference on the input item without the expression engine.
 */
export function getItemParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: unknown): unknown {
  const raw = ctx.getNodeParameter(name, itemIndex, fallback, { rawExpressions: true }) as unknown;
  if (typeof raw !== 'string' || !raw.startsWith('=')) return ctx.getNodeParameter(name, itemIndex, fallback);

  const reference = parseFieldReference(raw);
  if (reference) {
    const json = ctx.getInputData()[itemIndex]?.json;
    const value = json === undefined ? undefined : resolveFieldReference(json, reference);
    if (value !== undefined) return value;
  } else if (WORKFLOW_ACTOR.test(raw)) {
    const id = ctx.getWorkflow().id;
    if (typeof id === 'string') return `workflow ${id}`;
  }
  return ctx.getNodeParameter(name, itemIndex, fallback);
}
