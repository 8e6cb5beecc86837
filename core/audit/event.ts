/**
 * The audit event model. Actions are the six kinds of processing that the Data Protection Act
 * 2018, Part 3, section 62 requires law enforcement systems to log: collection, alteration,
 * consultation, disclosure (including transfers, with the recipient), combination and erasure.
 * Steps are the processing steps of this package; each step has a default action.
 */
import { z } from 'zod/v4';

export const AUDIT_ACTIONS = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_STEPS = [
  'received',
  'validated',
  'reference-allocated',
  'written-to-chs',
  'written-to-athena',
  'manual-handling',
  'operator-decision',
  'person-decision',
  'erasure',
  'retention-sweep',
  'other',
] as const;
export type AuditStep = (typeof AUDIT_STEPS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure', 'partial', 'rejected'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Default action and recipient for each step. `other` has no default, so the caller must choose. */
export const STEP_DEFAULTS: Record<AuditStep, { action?: AuditAction; recipient?: string }> = {
  received: { action: 'collection' },
  validated: { action: 'consultation' },
  'reference-allocated': { action: 'alteration' },
  'written-to-chs': { action: 'disclosure', recipient: 'CHS' },
  'written-to-athena': { action: 'disclosure', recipient: 'Athena' },
  'manual-handling': { action: 'alteration' },
  'operator-decision': { action: 'alteration' },
  'person-decision': { action: 'combination' },
  erasure: { action: 'erasure' },
  'retention-sweep': { action: 'erasure' },
  other: {},
};

/** The version of the hashed event layout; change it only together with the hash domain. */
export const AUDIT_EVENT_VERSION = 1;

const nonEmpty = (field: string) => z.string().trim().min(1, `${field} must not be empty`);

export const auditActorSchema = z
  .object({
    type: z.enum(['system', 'person']),
    /** System component name, or the person's staff identifier. */
    id: nonEmpty('actor.id'),
    name: z.string().optional(),
    role: z.string().optional(),
  })
  .strict()
  .refine((actor) => actor.type === 'system' || (actor.name?.trim() && actor.role?.trim()), {
    message: 'actor.name and actor.role are required when actor.type is "person"',
    path: ['role'],
  });
export type AuditActor = z.infer<typeof auditActorSchema>;

/** Keyed digest of a value: `hmac-sha256:` followed by 64 lower-case hex digits. */
export const digestSchema = z.string().regex(/^hmac-sha256:[0-9a-f]{64}$/, 'a digest must be "hmac-sha256:" and 64 hex digits');

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a hash must be 64 lower-case hex digits');

/** What a caller supplies to append an event; the audit log fills in sequence, times, digests and hashes. */
export const auditEventInputSchema = z
  .object({
    step: z.enum(AUDIT_STEPS),
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: auditActorSchema,
    submissionId: z.string().optional(),
    reference: z.string().optional(),
    targetSystem: z.string().optional(),
    targetRecordId: z.string().optional(),
    recipient: z.string().optional(),
    outcome: z.enum(AUDIT_OUTCOMES),
    justification: z.string().optional(),
    /** Non-personal metadata such as codes, counts and error names. Stored in the hashed event. */
    details: z.record(z.string(), z.json()).optional(),
    /** Values that are stored only as keyed digests, by field name. */
    digestValues: z.record(z.string(), z.json()).optional(),
    /** Personal data kept beside the event, so that erasure can remove it without breaking the chain. */
    content: z.record(z.string(), z.json()).optional(),
    /** When the processing happened; defaults to the time of the append. */
    occurredAt: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
  })
  .strict();
export type AuditEventInput = z.input<typeof auditEventInputSchema>;

/** The stored, hashed event. Every field except `hash` is covered by the hash. */
export const auditEventSchema = z
  .object({
    version: z.literal(AUDIT_EVENT_VERSION),
    sequence: z.number().int().positive(),
    eventId: z.uuid(),
    occurredAtUtc: z.iso.datetime(),
    occurredAtLondon: z.iso.datetime({ offset: true }),
    step: z.enum(AUDIT_STEPS),
    action: z.enum(AUDIT_ACTIONS),
    actor: auditActorSchema,
    submissionId: z.string().optional(),
    reference: z.string().optional(),
    targetSystem: z.string().optional(),
    targetRecordId: z.string().optional(),
    recipient: z.string().optional(),
    outcome: z.enum(AUDIT_OUTCOMES),
    justification: z.string().optional(),
    details: z.record(z.string(), z.json()),
    digests: z.record(z.string(), digestSchema),
    /** Keyed digest of the content stored beside the event, absent when the event has no content. */
    contentDigest: digestSchema.optional(),
    /** Identifier of the key whose digest salt produced `digests` and `contentDigest`. */
    digestKeyId: z.string().optional(),
    previousHash: hashSchema,
    hash: hashSchema,
  })
  .strict();
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type UnhashedAuditEvent = Omit<AuditEvent, 'hash'>;

/**
 * Validates an append request and resolves its action and recipient from the step defaults.
 * `now` is the occurredAt used when the request has none. Throws an Error naming the invalid field.
 */
export function parseAuditEventInput(input: unknown, index = 0, now: Date = new Date()): ParsedAuditEventInput {
  const result = auditEventInputSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new AuditInputError(`Audit event ${index} is invalid: ${problems.join('; ')}.`);
  }
  const parsed = result.data;

  const defaults = STEP_DEFAULTS[parsed.step];
  const action = parsed.action ?? defaults.action;
  if (!action) {
    throw new AuditInputError(
      `Audit event ${index} has step "${parsed.step}" and no action; choose one of ${AUDIT_ACTIONS.join(', ')}.`,
    );
  }
  const recipient = parsed.recipient ?? (action === defaults.action ? defaults.recipient : undefined);
  if (action === 'disclosure' && !recipient?.trim()) {
    throw new AuditInputError(
      `Audit event ${index} is a disclosure without a recipient; section 62 logs of disclosures must name who received the data.`,
    );
  }

  let occurredAt: Date;
  if (parsed.occurredAt === undefined) occurredAt = now;
  else if (parsed.occurredAt instanceof Date) occurredAt = parsed.occurredAt;
  else occurredAt = new Date(parsed.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) {
    throw new AuditInputError(`Audit event ${index} has an invalid occurredAt date.`);
  }

  return { ...parsed, action, recipient, occurredAt };
}

export type ParsedAuditEventInput = Omit<z.output<typeof auditEventInputSchema>, 'occurredAt'> & {
  action: AuditAction;
  occurredAt: Date;
};

/** Raised for an append request that fails validation; the message names the event and field. */
export class AuditInputError extends Error {
  override name = 'AuditInputError';
}
