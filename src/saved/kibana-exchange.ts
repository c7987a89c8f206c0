import type { Principal } from '../auth/api-keys.ts'
import { eventsAlias } from '../store/index-names.ts'
import { fromKibana, toKibana, type KibanaSearchObject } from './kibana.ts'
import type { SavedSearchService } from './saved-search-service.ts'
import type { ValidationError } from '../errors.ts'

export interface ImportReport {
  imported: Array<{ sourceId: string, id: string, name: string, notes: string[] }>
  refused: Array<{ sourceId: string, title: string, problems: string[] }>
  skipped: Array<{ sourceId: string, type: string, reason: string }>
}

const MAX_OBJECTS = 1000

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

  /** Imports every `search` object it can translate without changing its meaning; reports the others one by one. */
  async importNdjson (ndjson: string, who: Principal): Promise<ImportReport> {
    const report: ImportReport = { imported: [], refused: [], skipped: [] }
    const lines = ndjson.split('\n').map(l => l.trim()).filter(Boolean)
    if (lines.length > MAX_OBJECTS + 1) throw new Error(`at most ${MAX_OBJECTS} objects per import`)
    for (const [i, line] of lines.entries()) {
      let o: Partial<KibanaSearchObject> & { type?: string, exportedCount?: number }
      try {
        o = JSON.parse(line) as typeof o
      } catch {
        report.refused.push({ sourceId: `line ${i + 1}`, title: '', problems: ['not a JSON object'] })
        continue
      }
      if (o.exportedCount !== undefined) continue // Kibana's summary line
      if (o.type !== 'search') {
        report.skipped.push({ sourceId: String(o.id ?? `line ${i + 1}`), type: String(o.type), reason: o.type === 'index-pattern' ? 'data views are not needed: searches run on the audit events' : 'only saved searches are imported' })
        continue
      }
      const title = typeof o.attributes?.title === 'string' ? o.attributes.title : ''
      const translated = o.attributes === undefined ? { problems: ['no attributes'], notes: [] } : fromKibana(o as KibanaSearchObject)
      if (translated.input === undefined) {
        report.refused.push({ sourceId: String(o.id), title, problems: translated.problems })
        continue
      }
      try {
        const created = await this.saved.create(translated.input, who)
        report.imported.push({ sourceId: String(o.id), id: created.id, name: created.name, notes: translated.notes })
      } catch (err) {
        const errors = (err as ValidationError).errors
        if (errors === undefined) throw err
        report.refused.push({ sourceId: String(o.id), title, problems: errors.map(e => `${e.path}: ${e.message}`) })
      }
    }
    return report
  }
}
