import { type TSchema, Type } from '@sinclair/typebox'
import { maskValue } from '../../auth/masking.ts'
import { BoundsSchema, str } from '../behaviour/request.ts'
import type { ScannedEvent } from '../../store/events/events-scan.ts'

export const MAX_EVIDENCE = 20
export const MAX_USERS = 100

export const signalsSize = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most signals listed, strongest first; `found` counts them all' }))

export const Evidence = Type.Object({
  id: Type.String({ description: 'Event id' }),
  tenant: Type.Optional(Type.String({ description: 'The event\'s tenant (event ids are unique within a tenant only)' })),
  '@timestamp': Type.String(),
  action: Type.String(),
  outcome: Type.Optional(Type.String()),
  userId: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String({ description: 'Masked for readers that see personal data masked' })),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  amount: Type.Optional(Type.Number()),
  currency: Type.Optional(Type.String())
})
export interface Evidence {
  id: string
  tenant?: string
  '@timestamp': string
  action: string
  outcome?: string
  userId?: string
  ip?: string
  country?: string
  city?: string
  amount?: number
  currency?: string
}

/** One finding: who, the figure that crossed the threshold (with the threshold), and the events behind it. */
export const signalSchema = (figure: TSchema, keyDescription: string): TSchema => Type.Object({
  key: Type.String({ description: keyDescription }),
  users: Type.Array(Type.String(), { description: `Users involved (at most ${MAX_USERS}, or 1000 for shared devices and addresses)` }),
  figure,
  evidence: Type.Array(Evidence, { maxItems: MAX_EVIDENCE, description: `Events behind the signal, oldest first, at most ${MAX_EVIDENCE}` })
})

export const signalsResponse = (signal: TSchema, id: string): TSchema => Type.Object({
  signals: Type.Array(signal),
  found: Type.Integer({ description: 'Signals found; the list holds the strongest `size` of them' }),
  bounds: BoundsSchema
}, { $id: id })

export interface Signal<F> { key: string, users: string[], figure: F, evidence: Evidence[] }

/** The fields evidence is made of. */
export const EVIDENCE_FIELDS = ['audit.tenant', 'event.action', 'event.outcome', 'user.id', 'source.ip', 'source.geo.country_iso_code', 'source.geo.city_name', 'audit.money.amount', 'audit.money.currency']

export function evidenceOf (id: string, time: number, fields: Record<string, unknown>): Evidence {
  const e: Evidence = { id, '@timestamp': new Date(time).toISOString(), action: str(fields['event.action']) ?? '' }
  const put = (k: keyof Evidence, v: unknown): void => { if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v }
  put('tenant', str(fields['audit.tenant']))
  put('outcome', str(fields['event.outcome']))
  put('userId', str(fields['user.id']))
  put('ip', str(fields['source.ip']))
  put('country', str(fields['source.geo.country_iso_code']))
  put('city', str(fields['source.geo.city_name']))
  const amount = fields['audit.money.amount']
  if (typeof amount === 'number') put('amount', amount)
  put('currency', str(fields['audit.money.currency']))
  return e
}

export const evidenceOfScanned = (e: ScannedEvent): Evidence => evidenceOf(e.id, e.time, e.fields)

/** Addresses in a signal as a masked reader may see them; `keyIsIp` when the signal's key is an address. */
export function maskSignal<F> (s: Signal<F>, keyIsIp: boolean): Signal<F> {
  return {
    ...s,
    key: keyIsIp ? maskValue('source.ip', s.key) as string : s.key,
    evidence: s.evidence.map(e => e.ip === undefined ? e : { ...e, ip: maskValue('source.ip', e.ip) as string })
  }
}

/** Where a detector puts what it finds, with a score (higher ranks first); `found` counts what it was given. */
export interface Collector<T> {
  found: number
  add: (item: T, score: number) => void
  list: () => T[]
}

/** Keeps the `size` highest-scored items seen (earlier first among equals) and counts every item. */
export class TopN<T> implements Collector<T> {
  private items: Array<{ score: number, seq: number, item: T }> = []
  found = 0

  constructor (private readonly size: number) {}

  add (item: T, score: number): void {
    this.items.push({ score, seq: this.found++, item })
    if (this.items.length >= 2 * this.size + 64) this.trim()
  }

  list (): T[] {
    this.trim()
    return this.items.map(x => x.item)
  }

  private trim (): void {
    this.items.sort((a, b) => b.score - a.score || a.seq - b.seq)
    this.items.length = Math.min(this.items.length, this.size)
  }
}
