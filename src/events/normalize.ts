import type { EventInput, StoredEvent } from './schema.ts'
import type { FieldError } from './validate.ts'
import type { ImportanceRule } from './importance-rules.ts'
import type { DeviceDescription, Enrichment } from './enrichment.ts'
import { olderThanRetention, type RetentionClass } from './retention-classes.ts'
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
  if (olderThanRetention(time, maxAgeDays, ctx.now)) {
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

  // Every object is built with its keys in sorted order, the order of the canonical form the event is stored
  // in: canonicalisation then writes it without copying (test/unit/events/normalize-key-order.test.ts).
  const located = input.source === undefined ? undefined : found.location
  const ua = input.user_agent === undefined ? undefined : userAgent(input.user_agent.original, found.device ?? { type: 'unknown' })
  const money = audit.money === undefined ? undefined : inKeyOrder(direction === undefined ? audit.money : { ...audit.money, direction })
  const stored: StoredEvent = {
    '@timestamp': new Date(time).toISOString(),
    audit: {
      actor: audit.actor === undefined ? { id: input.user.id, type: 'user' } : inKeyOrder(audit.actor),
      category,
      ...(audit.change === undefined ? {} : { change: inKeyOrder(audit.change) }),
      ...pick(audit, ['details']),
      device: { ...(audit.device === undefined ? {} : { id: audit.device.id }), type: ua?.type ?? 'unknown' },
      ...(audit.game === undefined ? {} : { game: inKeyOrder(audit.game) }),
      importance,
      ...(located === undefined ? {} : { ip_scope: located.scope }),
      ...(money === undefined ? {} : { money }),
      ...pick(audit, ['reference']),
      retention,
      ...pick(audit, ['session', 'tags']),
      tenant: audit.tenant ?? ctx.defaultTenant
    },
    event: {
      action: input.event.action,
      id: input.event.id ?? uuidv7(ctx.now),
      ingested: new Date(ctx.now).toISOString(),
      kind: 'event',
      outcome,
      ...(input.event.reason === undefined ? {} : { reason: input.event.reason })
    },
    ...(input.message === undefined ? {} : { message: input.message }),
    related: {
      ...(input.source === undefined ? {} : { ip: [input.source.ip] }),
      user: related([input.user.id, actor.type === 'operator' ? actor.id : undefined])
    },
    ...(input.source === undefined ? {} : { source: located?.geo === undefined ? inKeyOrder(input.source) : { geo: located.geo, ...inKeyOrder(input.source) } }),
    user: inKeyOrder(input.user),
    ...(ua === undefined ? {} : { user_agent: ua.fields })
  }
  return { event: stored }
}

/** A client's flat object with its keys in sorted order: itself when they already are, else a sorted copy. */
function inKeyOrder<T extends object> (obj: T): T {
  const keys = Object.keys(obj)
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      const out: Record<string, unknown> = {}
      for (const k of keys.sort()) out[k] = (obj as Record<string, unknown>)[k]
      return out as T
    }
  }
  return obj
}

/** The stored `user_agent` (keys in sorted order) and the device type it tells. */
function userAgent (original: string, d: DeviceDescription): { type: DeviceDescription['type'], fields: NonNullable<StoredEvent['user_agent']> } {
  return {
    type: d.type,
    fields: {
      ...(d.deviceName === undefined ? {} : { device: { name: d.deviceName } }),
      ...(d.browser === undefined ? {} : { name: d.browser }),
      original,
      ...(d.os === undefined ? {} : { os: { name: d.os, ...(d.osVersion === undefined ? {} : { version: d.osVersion }) } }),
      ...(d.browserVersion === undefined ? {} : { version: d.browserVersion })
    }
  }
}

function related (values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))]
}

function pick<T extends object, K extends keyof T> (obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {}
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k]
  return out
}
