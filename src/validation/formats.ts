import { FormatRegistry } from '@sinclair/typebox'
import { isIP } from 'node:net'

// RFC 3339 with a mandatory offset: an audit time without a zone is ambiguous.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/
// The form Fastify's own validator accepts for `uuid` (ajv-formats), so a path id is judged alike on every route.
const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i

/** Registers the string formats the schemas use; idempotent. */
export function registerFormats (): void {
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', v => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)))
  if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', v => EMAIL.test(v))
  if (!FormatRegistry.Has('ip')) FormatRegistry.Set('ip', v => isIP(v) !== 0)
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', v => UUID.test(v))
}
