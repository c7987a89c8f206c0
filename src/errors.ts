/** One problem with one value: which one (index in a batch), which field (JSON pointer), why. */
export interface FieldError {
  index: number
  path: string
  message: string
  /** Character offset in a query string, for query syntax errors. */
  position?: number
}

/** The request is wrong; `errors` say where and why. Nothing of it was accepted. */
export class ValidationError extends Error {
  readonly statusCode = 400
  constructor (readonly errors: FieldError[], message = 'the request has invalid events; nothing was accepted') {
    super(message)
  }
}

/** The queue is deeper than its bound: the client should come back later. */
export class BackpressureError extends Error {
  readonly statusCode = 429
  constructor (readonly retryAfterSeconds: number, readonly depth: number, message?: string) {
    super(message ?? `the ingest queue holds ${depth} batches, above its bound; retry after ${retryAfterSeconds} s`)
  }
}

/** A dependency (queue, store) cannot take the request now; nothing was accepted. */
export class UnavailableError extends Error {
  readonly statusCode = 503
  constructor (message: string, readonly retryAfterSeconds = 5) {
    super(message)
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends Error {
  readonly statusCode = 404
}

/** A cursor whose point in time has expired: the search must start again. */
export class GoneError extends Error {
  readonly statusCode = 410
}

/** Authenticated, but this action is not the caller's to take. */
export class ForbiddenError extends Error {
  readonly statusCode = 403
  constructor (message: string, readonly errors?: FieldError[]) {
    super(message)
  }
}

/** The request contradicts what is stored (a stale version, an id already taken); `errors` may say where. */
export class ConflictError extends Error {
  readonly statusCode = 409
  constructor (message: string, readonly errors?: FieldError[]) {
    super(message)
  }
}
