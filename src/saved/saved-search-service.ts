import { randomUUID } from 'node:crypto'
import type { Principal } from '../auth/api-keys.ts'
import { seesMasked } from '../auth/scopes.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import { PLATFORM_SCOPE } from '../auth/read-scope.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { buildQuery } from '../query/build-query.ts'
import { dateMathProblem, timeZoneProblem } from '../query/date-math.ts'
import { EVENT_FIELDS } from '../query/fields.ts'
import type { SearchRequest, SearchResponse } from '../query/search-request.ts'
import type { SearchService } from '../search/search-service.ts'
import { checkProjection, compileSort } from '../query/sort.ts'
import { SavedSearchesStore, VersionConflict } from '../store/system/saved-searches-store.ts'
import { SavedSearchInput, type SavedSearch, type StoredSavedSearch } from './schema.ts'
import type { AggregateService } from '../analytics/aggregate-service.ts'
import { planAggregate } from '../analytics/aggregate-body.ts'
import type { AggregateResponse } from '../analytics/aggregate-schema.ts'

const checkInput = compileChecker(SavedSearchInput)

export interface RunOverrides {
  timeRange?: { from: string, to?: string, timeZone?: string }
  size?: number
}

/** Saved searches: private or shared within a tenant, changed only by their owner, with compare-and-set updates. */
export class SavedSearchService {
  constructor (
    private readonly store: SavedSearchesStore<StoredSavedSearch>,
    private readonly search: SearchService,
    private readonly aggregator?: Pick<AggregateService, 'aggregate'>,
    private readonly clock: { now: () => number } = Date
  ) {}

  async create (input: unknown, who: Principal): Promise<SavedSearch> {
    const valid = this.validate(input, seesMasked(who.scopes))
    const now = new Date(this.clock.now()).toISOString()
    return await this.store.create(randomUUID(), { ...valid, shared: valid.shared ?? false, owner: who.keyId, tenant: who.tenant, created_at: now, updated_at: now })
  }

  /**
   * The caller's searches and those shared in its tenant. A key reading masked data sees only those it can
   * run: the others name personal values (an email, an address) it would otherwise read in clear.
   */
  async list (who: Principal): Promise<SavedSearch[]> {
    const all = await this.store.visible(who.tenant, who.keyId)
    return seesMasked(who.scopes) ? all.filter(s => this.problems(s, true).length === 0) : all
  }

  /** A saved search the caller may use (run, export, change if its own); running refuses what it may not search. */
  async get (id: string, who: Principal): Promise<SavedSearch> {
    const s = await this.store.get(id)
    // Another tenant's, or someone else's private search, does not exist for this caller.
    if (s === undefined || s.tenant !== who.tenant || (!s.shared && s.owner !== who.keyId)) throw new NotFoundError(`no saved search ${id}`)
    return s
  }

  /** A saved search as shown to the caller: to a key reading masked data, only one it could run (see list). */
  async read (id: string, who: Principal): Promise<SavedSearch> {
    const s = await this.get(id, who)
    if (seesMasked(who.scopes) && this.problems(s, true).length > 0) throw new ForbiddenError(`saved search ${id} searches fields this key sees masked; it is not shown to it`)
    return s
  }

  async update (id: string, input: unknown, version: string, who: Principal): Promise<SavedSearch> {
    const current = await this.owned(id, who)
    const valid = this.validate(input, seesMasked(who.scopes))
    const doc: StoredSavedSearch = { ...valid, shared: valid.shared ?? false, owner: current.owner, tenant: current.tenant, created_at: current.created_at, updated_at: new Date(this.clock.now()).toISOString() }
    try {
      return await this.store.replace(id, doc, version)
    } catch (err) {
      if (err instanceof VersionConflict) throw new ConflictError(`${err.message}; read it again (current version ${current.version}) and reapply your change`)
      throw err
    }
  }

  async delete (id: string, version: string | undefined, who: Principal): Promise<void> {
    await this.owned(id, who)
    try {
      await this.store.delete(id, version)
    } catch (err) {
      if (err instanceof VersionConflict) throw new ConflictError(err.message)
      throw err
    }
  }

  /** Runs the saved search as a search, with the time range optionally replaced; pages continue with the cursor. */
  async run (id: string, overrides: RunOverrides, who: Principal, scope: ReadScope): Promise<SearchResponse> {
    const s = await this.get(id, who)
    return await this.search.search(toSearchRequest(s, overrides), scope)
  }

  /** Runs the saved search's grouping (or the one given) over its events. */
  async groups (id: string, overrides: RunOverrides & { grouping?: SavedSearch['grouping'] }, who: Principal, scope: ReadScope): Promise<AggregateResponse> {
    if (this.aggregator === undefined) throw new Error('grouping is not wired')
    const s = await this.get(id, who)
    const grouping = overrides.grouping ?? s.grouping
    if (grouping === undefined) throw new ValidationError([{ index: 0, path: '/grouping', message: 'this saved search has no grouping: send one' }])
    const { filters, query, timeZone } = toSearchRequest(s, overrides)
    return await this.aggregator.aggregate({
      ...(filters === undefined ? {} : { filters }), ...(query === undefined ? {} : { query }), ...(timeZone === undefined ? {} : { timeZone }),
      groupBy: [{ field: grouping.by, ...(grouping.interval === undefined ? {} : { interval: grouping.interval }) }]
    }, scope)
  }

  private async owned (id: string, who: Principal): Promise<SavedSearch> {
    const s = await this.get(id, who)
    if (s.owner !== who.keyId && !who.scopes.includes('admin')) throw new ForbiddenError('only its owner (or an admin of the tenant) changes a saved search')
    return s
  }

  /** The same checks a search makes (as its author would run it), so a saved search that is accepted always runs for its author. */
  validate (input: unknown, masked: boolean): SavedSearchInput {
    const invalid = checkInput(input, 0)
    if (invalid.length > 0) throw new ValidationError(invalid, 'the saved search is invalid')
    const s = input as SavedSearchInput
    const errors = this.problems(s, masked)
    if (errors.length > 0) throw new ValidationError(errors, 'the saved search is invalid')
    return s
  }

  /** Why a saved search (of a valid shape) would not run for a key that reads masked data or not. */
  private problems (s: SavedSearchInput, masked: boolean): FieldError[] {
    const errors: FieldError[] = []
    buildQuery({ ...(s.filters === undefined ? {} : { filters: s.filters }), ...(s.query === undefined ? {} : { query: s.query }) }, { ...PLATFORM_SCOPE, masked }, errors)
    compileSort(s.sort, errors, masked)
    if (s.grouping !== undefined) errors.push(...groupingProblems(s.grouping, masked, this.clock.now()))
    checkProjection(s.columns?.map(c => c), EVENT_FIELDS.keys(), errors)
    errors.push(...checkTimeRange(s.timeRange))
    for (const e of errors) if (e.path === '/fields' || e.path.startsWith('/fields/')) e.path = e.path.replace('/fields', '/columns')
    return errors
  }
}

/** The checks `POST /v1/events/aggregate` makes of the same grouping, on the saved search's paths. */
function groupingProblems (g: NonNullable<SavedSearchInput['grouping']>, masked: boolean, now: number): FieldError[] {
  const errors: FieldError[] = []
  planAggregate({ groupBy: [{ field: g.by, ...(g.interval === undefined ? {} : { interval: g.interval }) }] }, masked, now, errors)
  return errors.map(e => ({ ...e, path: e.path.replace('/groupBy/0/field', '/grouping/by').replace('/groupBy/0', '/grouping') }))
}

function checkTimeRange (r: SavedSearchInput['timeRange']): FieldError[] {
  if (r === undefined) return []
  const problems: Array<[string, string | undefined]> = [
    ['from', dateMathProblem(r.from)],
    ['to', r.to === undefined ? undefined : dateMathProblem(r.to)],
    ['timeZone', r.timeZone === undefined ? undefined : timeZoneProblem(r.timeZone)]
  ]
  return problems.flatMap(([key, message]) => message === undefined ? [] : [{ index: 0, path: `/timeRange/${key}`, message }])
}

export function toSearchRequest (s: SavedSearch, o: RunOverrides = {}): SearchRequest {
  const range = o.timeRange ?? s.timeRange
  const filters = { ...(s.filters ?? {}), ...(range === undefined ? {} : { period: { from: range.from, to: range.to ?? 'now', ...(range.timeZone === undefined ? {} : { timeZone: range.timeZone }) } }) }
  return {
    ...(Object.keys(filters).length === 0 ? {} : { filters }),
    ...(s.query === undefined ? {} : { query: s.query }),
    ...(range?.timeZone === undefined ? {} : { timeZone: range.timeZone }),
    ...(s.sort === undefined ? {} : { sort: s.sort }),
    ...(s.columns === undefined ? {} : { fields: s.columns }),
    size: o.size ?? 50
  }
}
