import { EventInput } from './schema.ts'
import { compileChecker, type ShapeChecker } from '../validation/checker.ts'

/** Structural validation of one event against the event schema. */
export const checkShape: ShapeChecker = compileChecker(EventInput)

// The event's checks report FieldErrors, normalisation's too, so the event model names the type here as well.
export type { FieldError } from '../errors.ts'
