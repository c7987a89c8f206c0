import { type Static, Type } from '@sinclair/typebox'
import type { ReadScope } from '../../auth/read-scope.ts'
import { maskValue } from '../../auth/masking.ts'
import { NotFoundError, ValidationError } from '../../errors.ts'
import { fromDoc, type EntityDoc } from '../../entities/codec.ts'
import { entityId, MONEY_SCALE, type Span } from '../../entities/model.ts'
import { firstOf } from '../../entities/occurrences.ts'
import { LEVELS } from '../../events/schema.ts'
import type { EntitySource } from './source.ts'

const Time = Type.String({ format: 'date-time' })
const Seen = { first: Time, last: Time }
const Linked = (name: string, description: string) => Type.Object({
  items: Type.Array(Type.Object({ [name]: Type.String(), ...Seen, users: Type.Union([Type.Integer(), Type.Null()], { description: 'Users seen on it (at least this many when usersComplete is false); null when unknown' }), usersComplete: Type.Boolean() })),
  more: Type.Boolean({ description: `More ${description} were seen than listed (the list keeps the first 100 in value order)` })
})

export const UserProfile = Type.Object({
  userId: Type.String(),
  tenant: Type.String(),
  firstSeen: Time,
  lastSeen: Time,
  events: Type.Integer(),
  activeDays: Type.Integer({ description: 'UTC days with at least one event' }),
  byLevel: Type.Record(Type.String(), Type.Integer(), { description: 'Events per importance level' }),
  actions: Type.Array(Type.Object({ action: Type.String(), ...Seen }), { description: 'First and last time of each action, by first time' }),
  countries: Type.Array(Type.Object({ country: Type.String(), ...Seen })),
  devices: Linked('id', 'devices'),
  ips: Linked('ip', 'addresses'),
  money: Type.Array(Type.Object({ action: Type.String(), currency: Type.String(), total: Type.Number(), count: Type.Integer() }), { description: 'Totals per action and currency' }),
  lastSignIn: Type.Union([Type.Object({
    time: Time, eventId: Type.String(), ip: Type.Optional(Type.String()), country: Type.Optional(Type.String()), city: Type.Optional(Type.String()),
    location: Type.Optional(Type.Object({ lat: Type.Number(), lon: Type.Number() }))
  }), Type.Null()], { description: 'The latest successful login' })
}, { $id: 'UserProfile' })
export type UserProfile = Static<typeof UserProfile>

const iso = (ms: number): string => new Date(ms).toISOString()
const seen = (s: Span): { first: string, last: string } => ({ first: iso(s.f), last: iso(s.l) })

interface IpItem { ip: string, first: string, last: string, users: number | null, usersComplete: boolean }

/**
 * The addresses as a reader of masked data sees them: one item per masked value, first and last times over
 * the addresses it covers, and no count of the users of each clear address (which would tell them apart).
 */
function maskedIps (items: IpItem[]): IpItem[] {
  const byValue = new Map<string, IpItem>()
  for (const i of items) {
    const known = byValue.get(i.ip)
    byValue.set(i.ip, known === undefined
      ? { ...i, users: null, usersComplete: false }
      : { ...known, first: i.first < known.first ? i.first : known.first, last: i.last > known.last ? i.last : known.last })
  }
  return [...byValue.values()]
}

/** A user's profile card, read from the entity store (one document, plus those of the user's devices and addresses). */
export class ProfileService {
  constructor (private readonly source: EntitySource) {}

  async profile (userId: string, tenantAsked: string | undefined, scope: ReadScope): Promise<UserProfile> {
    const store = this.source.entities
    if (store === undefined) throw new NotFoundError('the entity store is off (SILLAGE_ENTITIES=off): profiles are not kept')
    const tenant = scope.tenant ?? tenantAsked
    if (tenant === undefined) throw new ValidationError([{ index: 0, path: '/tenant', message: 'is required for platform keys' }], 'the request is invalid')
    if (scope.tenant !== null && tenantAsked !== undefined && tenantAsked !== scope.tenant) throw new ValidationError([{ index: 0, path: '/tenant', message: `this key reads tenant "${scope.tenant}" only` }], 'the request is invalid')
    const [doc] = await store.read([entityId(tenant, 'user', userId)])
    if (doc === undefined) throw new NotFoundError(`no events of user "${userId}" in tenant "${tenant}"`)
    const s = fromDoc(doc.source as unknown as EntityDoc)
    const devices = [...s.devices.items]
    const ips = [...s.ips.items]
    const linked = await store.read([...devices.map(([d]) => entityId(tenant, 'device', d)), ...ips.map(([ip]) => entityId(tenant, 'ip', ip))])
    const users = (i: number): { users: number | null, usersComplete: boolean } => {
      const e = linked[i]?.source as unknown as EntityDoc | undefined
      return e === undefined ? { users: null, usersComplete: false } : { users: e.user_count ?? 0, usersComplete: e.users_more !== true }
    }
    const ip = (v: string): string => scope.masked ? maskValue('source.ip', v) as string : v
    const ipItems: IpItem[] = ips.map(([v, span], i) => ({ ip: ip(v), ...seen(span), ...users(devices.length + i) }))
    const login = s.login
    return {
      userId, tenant,
      firstSeen: iso(s.first.t), lastSeen: iso(s.last.t),
      events: s.totals.events,
      activeDays: s.activeDays.size,
      byLevel: Object.fromEntries(LEVELS.filter(l => s.totals.levels[l] > 0).map(l => [l, s.totals.levels[l]])),
      actions: [...s.actions].sort((a, b) => firstOf(a[1]).t - firstOf(b[1]).t || (a[0] < b[0] ? -1 : 1)).map(([action, v]) => ({ action, first: iso(firstOf(v).t), last: iso(v.l.t) })),
      countries: [...s.countries].sort((a, b) => a[1].f - b[1].f).map(([country, v]) => ({ country, ...seen(v) })),
      devices: { items: devices.map(([id, v], i) => ({ id, ...seen(v), ...users(i) })), more: s.devices.more },
      ips: { items: scope.masked ? maskedIps(ipItems) : ipItems, more: s.ips.more },
      money: [...s.totals.money].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([k, m]) => {
        const [action, currency] = k.split('|') as [string, string]
        return { action, currency, total: Number(m.units) / MONEY_SCALE, count: m.n }
      }),
      lastSignIn: login === undefined
        ? null
        : {
            time: iso(login.stamp.t), eventId: login.stamp.id,
            ...(login.ip === undefined ? {} : { ip: ip(login.ip) }),
            ...(login.country === undefined ? {} : { country: login.country }),
            ...(login.city === undefined ? {} : { city: login.city }),
            ...(login.lat === undefined || login.lon === undefined ? {} : { location: { lat: login.lat, lon: login.lon } })
          }
    }
  }
}
