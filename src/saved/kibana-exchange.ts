import type { Principal } from '../auth/api-keys.ts'
import { eventsAlias } from '../store/events/index-names.ts'
import { seesMasked } from '../auth/scopes.ts'
import { ValidationError } from '../errors.ts'
import type { FieldError } from '../errors.ts'
import { fromKibana, toKibana } from './kibana.ts'
import { isObject, type ObjectProblem } from './kibana-object.ts'
import type { SavedSearchInput } from './schema.ts'
import type { SavedSearchService } from './saved-search-service.ts'

export interface ImportReport {
  imported: Array<{ sourceId: string, id: string, name: string, notes: string[] }>
  skipped: Array<{ sourceId: string, type: string, reason: string }>
}

/** The most saved objects one import takes, besides Kibana's closing summary line. */
export const MAX_OBJECTS = 1000

interface Candidate { sourceId: string, input: SavedSearchInput, notes: string[] }

/**
 * Exchange with Kibana's saved objects API (`_export` / `_import` NDJSON). The export holds the data view
 * the searches refer to, the searches, and Kibana's closing summary line.
 */
export class KibanaExchange {
  constructor (private readonly saved: SavedSearchService, private readonly indexPrefix: string) {}

  async exportNdjson (who: Principal): Promise<{ ndjson: string, notes: Array<{ id: string, notes: string[] }> }> {
    const dataViewId = `${this.indexPrefix}-events`
    const dataView = {
      id: dataViewId,
      type: 'index-pattern',
      attributes: { title: `${eventsAlias(this.indexPrefix)}`, name: 'Sillage audit events', timeFieldName: '@timestamp' },
      references: []
    }
    const searches = (await this.saved.list(who)).map(s => ({ id: s.id, ...toKibana(s, dataViewId) }))
    const lines = [dataView, ...searches.map(s => s.object)].map(o => JSON.stringify(o))
    lines.push(JSON.stringify({ excludedObjects: [], excludedObjectsCount: 0, exportedCount: lines.length, missingRefCount: 0, missingReferences: [] }))
    return { ndjson: lines.join('\n') + '\n', notes: searches.filter(s => s.notes.length > 0).map(s => ({ id: s.id, notes: s.notes })) }
  }

  /**
   * All or nothing: every line is read, translated and checked as a saved search first; if any line is wrong,
   * nothing is saved and the 400 lists each problem with its line number (1 for the first line) as `index`.
   * Data views and other object types are skipped, and said so.
   */
  async importNdjson (ndjson: string, who: Principal): Promise<ImportReport> {
    const lines = ndjson.split('\n')
    const filled = lines.filter(l => l.trim() !== '').length
    if (filled > MAX_OBJECTS + 1) throw refused([{ index: 0, path: '/', message: `at most ${MAX_OBJECTS} saved objects (and Kibana's summary line) per import; this file has ${filled} lines` }])
    const errors: FieldError[] = []
    const candidates: Candidate[] = []
    const skipped: ImportReport['skipped'] = []
    for (const [i, text] of lines.entries()) {
      if (text.trim() === '') continue
      const line = this.readLine(text, i + 1, who)
      if ('problems' in line) errors.push(...line.problems.map(p => ({ index: i + 1, ...p })))
      else if ('skipped' in line) skipped.push(line.skipped)
      else if ('candidate' in line) candidates.push(line.candidate)
    }
    if (errors.length > 0) throw refused(errors)
    return { imported: await this.saveAll(candidates, who), skipped }
  }

  /** Saves every checked search; if one save fails, those already saved are removed again. */
  private async saveAll (candidates: Candidate[], who: Principal): Promise<ImportReport['imported']> {
    const imported: ImportReport['imported'] = []
    try {
      for (const c of candidates) {
        const created = await this.saved.create(c.input, who)
        imported.push({ sourceId: c.sourceId, id: created.id, name: created.name, notes: c.notes })
      }
      return imported
    } catch (err) {
      await Promise.allSettled(imported.map(async s => { await this.saved.delete(s.id, undefined, who) }))
      throw err
    }
  }

  private readLine (text: string, line: number, who: Principal): { problems: ObjectProblem[] } | { skipped: ImportReport['skipped'][number] } | { candidate: Candidate } | { summary: true } {
    let o: unknown
    try {
      o = JSON.parse(text)
    } catch {
      return { problems: [{ path: '/', message: 'is not JSON' }] }
    }
    if (!isObject(o)) return { problems: [{ path: '/', message: 'must be a JSON object (a Kibana saved object)' }] }
    if (o.type === undefined && o.exportedCount !== undefined) return { summary: true }
    if (typeof o.type !== 'string') return { problems: [{ path: '/type', message: o.type === undefined ? 'is required' : 'must be a string' }] }
    if (o.id !== undefined && typeof o.id !== 'string') return { problems: [{ path: '/id', message: 'must be a string' }] }
    const sourceId = typeof o.id === 'string' ? o.id : `line ${line}`
    if (o.type !== 'search') {
      return { skipped: { sourceId, type: o.type, reason: o.type === 'index-pattern' ? 'data views are not needed: searches run on the audit events' : 'only saved searches are imported' } }
    }
    const translated = fromKibana(o)
    if (translated.input === undefined) return { problems: translated.problems }
    const problems = this.check(translated.input, who)
    return problems.length > 0 ? { problems } : { candidate: { sourceId, input: translated.input, notes: translated.notes } }
  }

  private check (input: SavedSearchInput, who: Principal): Array<{ path: string, message: string }> {
    try {
      this.saved.validate(input, seesMasked(who.scopes))
      return []
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      // The paths are those of the saved search the object became.
      return err.errors.map(e => ({ path: '/', message: `the saved search it becomes is invalid at ${e.path}: ${e.message}` }))
    }
  }
}

const refused = (errors: FieldError[]): ValidationError =>
  new ValidationError(errors, 'the import was refused and nothing was imported; each error\'s index is its line number')
