import { Type } from '@sinclair/typebox'
import type { ReadScope } from '../../auth/read-scope.ts'
import { ValidationError } from '../../errors.ts'
import type { Completeness, EntitiesStore } from '../../store/events/entities-store.ts'

export type Source = 'scan' | 'entities'

export const SourceParam = Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('scan'), Type.Literal('entities')], {
  default: 'auto',
  description: '`scan` reads the events (the reference); `entities` reads the entity store (whole histories only: no filters, no query); `auto` (default) takes the entity store for tenant keys when the request has no filters, no query and no scanLimit and the store holds every event of the tenant, the scan otherwise. With platform keys, entities count a user per tenant (the scan joins the same user id across tenants)'
}))

export const SourceSchema = Type.Union([Type.Literal('scan'), Type.Literal('entities')], { description: 'What the answer was computed from' })

interface Selection { filters?: object, query?: string, scanLimit?: number, source?: 'auto' | Source }

const CACHE_MS = 5000

/**
 * Decides where an answer comes from. The entity store holds each user's, device's and address's whole
 * history in the tenant, so it answers only requests that select everything the caller may see (no filters, no
 * KQL), and only once it holds every event of that tenant (it was there from the first event, or rebuilt).
 */
export class EntitySource {
  private cached: { at: number, value: Promise<Completeness> } | undefined

  /** `store` undefined: the entity store is off. */
  constructor (private readonly store: EntitiesStore | undefined, private readonly now: () => number = Date.now) {}

  get entities (): EntitiesStore | undefined { return this.store }

  async choose (req: Selection, scope: ReadScope): Promise<Source> {
    const asked = req.source ?? 'auto'
    if (asked === 'scan') return 'scan'
    // A scan limit asks for the scan's reading order (the first users in id order). Platform keys' scans join
    // the same user id across tenants, where entities are per tenant: they get the store only when they ask.
    if (asked === 'auto' && (req.scanLimit !== undefined || scope.tenant === null)) return 'scan'
    if (req.scanLimit !== undefined) throw new ValidationError([{ index: 0, path: '/scanLimit', message: 'reads events in the scan\'s order: the entity store answers over whole histories, so leave scanLimit out or use source scan' }], 'the request is invalid')
    const why = this.store === undefined ? 'the entity store is off (SILLAGE_ENTITIES=off)' : selects(req) ? 'the entity store holds whole histories: it answers requests without filters or query' : await this.incomplete(scope)
    if (why === undefined) return 'entities'
    if (asked === 'auto') return 'scan'
    throw new ValidationError([{ index: 0, path: '/source', message: `cannot be entities: ${why}; use scan` }], 'the request is invalid')
  }

  private async incomplete (scope: ReadScope): Promise<string | undefined> {
    const c = await this.completeness()
    if (c.all || (scope.tenant !== null && c.tenants.includes(scope.tenant))) return undefined
    return 'the entity store does not hold every event yet (`npm run cli -- entities-rebuild` builds it)'
  }

  private async completeness (): Promise<Completeness> {
    const now = this.now()
    if (this.cached === undefined || now - this.cached.at > CACHE_MS) {
      const value = (this.store as EntitiesStore).completeness()
      this.cached = { at: now, value }
      value.catch(() => { this.cached = undefined })
    }
    return await this.cached.value
  }
}

function selects (req: Selection): boolean {
  const filters = req.filters as Record<string, unknown> | undefined
  return (filters !== undefined && Object.values(filters).some(v => v !== undefined)) || (req.query !== undefined && req.query.trim() !== '')
}
