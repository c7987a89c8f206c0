import type { EventInput, StoredEvent } from './schema.ts'
import type { FieldError } from './validate.ts'
import type { ImportanceRule } from './importance-rules.ts'
import type { DeviceDescription, Enrichment } from './enrichment.ts'
import type { RetentionClass } from './retention-classes.ts'
import { classify, RETENTION_OF } from './taxonomy.ts'
import { rateImportance } from './importance.ts'
import { uuidv7 } from './event-id.ts'

export interface NormalizeContext {
  now: number
  defaultTenant: string
  maxFutureSkewMs: number
  retentionDays: Record<RetentionClass, number>
  rules: readonly ImportanceRule[]
}

const DAY_MS = 86_400_000
// Names under which a value would be a credential; such values are refused, never stored.
const SECRET_NAME = /pass(word)?|pwd|secret|token|otp|pin$|^pin|cvv|cvc|card_?number|private_?key|seed/i
const SECRET_ACTIONS = new Set(['password_changed', 'password_reset_completed'])

/**
 * Checks the rules the schema cannot express, then builds the stored document with every server-side field,
 * placing what enrichment found for the event (`found`, see enrich/enrich-event.ts).
 */
export function normalizeEvent (input: EventInput, index: number, ctx: NormalizeContext, found: Enrichment): { event: StoredEvent } | { errors: FieldError[] } {
  const errors: FieldError[] = []
  const fail = (path: string, message: string): void => { errors.push({ index, path, message }) }
  const { category, direction } = classify(input.event.action)
  const retention = RETENTION_OF[category]

  const time = input['@timestamp'] === undefined ? ctx.now : Date.parse(input['@timestamp'])
  if (time > ctx.now + ctx.maxFutureSkewMs) {
    fail('/@timestamp', `is ${Math.round((time - ctx.now) / 1000)} s in the future; at most ${ctx.maxFutureSkewMs / 1000} s of clock skew is accepted`)
  }
  const maxAgeDays = ctx.retentionDays[retention]
  if (time < ctx.now - maxAgeDays * DAY_MS) {
    fail('/@timestamp', `is older than the ${maxAgeDays}-day retention of ${category} events`)
  }

  const audit = input.audit ?? {}
  const actor = audit.actor ?? { type: 'user' as const, id: input.user.id }
  if (actor.type === 'operator' && actor.id === undefined) fail('/audit/actor/id', 'is required when the actor is an operator')

  const change = audit.change
  if (change !== undefined && (change.before !== undefined || change.after !== undefined) &&
      (SECRET_NAME.test(change.field) || SECRET_ACTIONS.has(input.event.action))) {
    fail('/audit/change', `must not carry the value of a secret (field "${change.field}"); send the field name alone`)
  }
  for (const key of Object.keys(audit.details ?? {})) {
    if (SECRET_NAME.test(key)) fail(`/audit/details/${key}`, 'looks like a secret; secrets are never stored')
  }
  if (errors.length > 0) return { errors }

  const outcome = input.event.outcome ?? 'unknown'
  const amount = audit.money?.amount
  const importance = rateImportance(ctx.rules, {
    category, action: input.event.action, outcome, actorType: actor.type, ...(amount === undefined ? {} : { amount })
  })

  const stored: StoredEvent = {
    '@timestamp': new Date(time).toISOString(),
    event: {
      id: input.event.id ?? uuidv7(ctx.now),
      action: input.event.action,
      outcome,
      ...(input.event.reason === undefined ? {} : { reason: input.event.reason }),
      kind: 'event',
      ingested: new Date(ctx.now).toISOString()
    },
    ...(input.message === undefined ? {} : { message: input.message }),
    user: input.user,
    related: { user: related([input.user.id, actor.type === 'operator' ? actor.id : undefined]) },
    audit: {
      tenant: audit.tenant ?? ctx.defaultTenant,
      category,
      retention,
      actor,
      importance,
      device: audit.device === undefined ? { type: 'unknown' } : { type: 'unknown', id: audit.device.id },
      ...pick(audit, ['session', 'game', 'change', 'reference', 'tags', 'details']),
      ...(audit.money === undefined ? {} : { money: direction === undefined ? audit.money : { ...audit.money, direction } })
    }
  }

  if (input.source !== undefined) {
    const located = found.location
    stored.source = { ...input.source, ...(located?.geo === undefined ? {} : { geo: located.geo }) }
    stored.related.ip = [input.source.ip]
    if (located !== undefined) stored.audit.ip_scope = located.scope
  }

  if (input.user_agent !== undefined) {
    const d: DeviceDescription = found.device ?? { type: 'unknown' }
    stored.audit.device.type = d.type
    stored.user_agent = {
      original: input.user_agent.original,
      ...(d.browser === undefined ? {} : { name: d.browser }),
      ...(d.browserVersion === undefined ? {} : { version: d.browserVersion }),
      ...(d.os === undefined ? {} : { os: { name: d.os, ...(d.osVersion === undefined ? {} : { version: d.osVersion }) } }),
      ...(d.deviceName === undefined ? {} : { device: { name: d.deviceName } })
    }
  }
  return { event: stored }
}

function related (values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))]
}

function pick<T extends object, K extends keyof T> (obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {}
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k]
  return out
}
