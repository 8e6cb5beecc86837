/**
 * Fault injection for the simulators: makes the server misbehave for the next N requests or for a
 * share of them, so clients can be tested against delays, throttling, server errors and lost responses.
 */
import { z } from 'zod/v4';

export const FAULT_MODES = ['delay', '429', '500', '503', 'drop', 'store-then-drop'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** Body of `POST /__sim/faults`. Without `count` or `share` the fault applies to every request until cleared. */
export const FaultSpecSchema = z
  .object({
    mode: z.enum(FAULT_MODES),
    /** Apply to the next `count` requests, then stop. */
    count: z.number().int().positive().optional(),
    /** Apply to each request with this probability (0 to 1). */
    share: z.number().min(0).max(1).optional(),
    /** Delay in milliseconds for `delay` (default 1000); also waited before the other modes when set. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** `Retry-After` value in seconds sent with `429` and `503` (default 1). */
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    /** Only requests whose path starts with this prefix are affected (default: every contract path). */
    pathPrefix: z.string().startsWith('/').optional(),
  })
  .strict();
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

export interface ActiveFault extends FaultSpec {
  /** Requests this fault has still to affect; undefined when unlimited. */
  remaining?: number;
}

export class FaultInjector {
  private fault: ActiveFault | undefined;
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  set(spec: FaultSpec): void {
    this.fault = { ...spec, remaining: spec.count };
  }

  clear(): void {
    this.fault = undefined;
  }

  current(): ActiveFault | undefined {
    return this.fault ? { ...this.fault } : undefined;
  }

  /** Returns the fault to apply to this request, if any, and counts it against `count`. */
  take(path: string): FaultSpec | undefined {
    const fault = this.fault;
    if (!fault) return undefined;
    if (fault.pathPrefix !== undefined && !path.startsWith(fault.pathPrefix)) return undefined;
    if (fault.share !== undefined && this.random() >= fault.share) return undefined;

    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.fault = undefined;
    }
    return fault;
  }
}
