/** Errors the store raises, so callers can tell an unreachable store from bad input. */

/** The store could not be opened or reached (file not writable, server down, TLS or login failed). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The store configuration is invalid; the message names the field. */
export class StoreConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreConfigError';
  }
}

/** A unique constraint rejected a write; `constraint` names it when the driver reports it. */
export class UniqueViolationError extends Error {
  constructor(
    message: string,
    readonly constraint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UniqueViolationError';
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
