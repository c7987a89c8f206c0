import { useState, type ChangeEvent, type ReactNode } from 'react'
import { ApiError, download } from '../../api/client.ts'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { savedApi } from './api.ts'
import type { KibanaImport } from './types.ts'

/** Imports a Kibana saved-objects export (NDJSON) and exports the visible saved searches as one. */
export function KibanaTransfer ({ onImported }: { onImported: (notice: string) => void }): ReactNode {
  const { t } = useI18n()
  const [result, setResult] = useState<KibanaImport | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const importFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const input = e.currentTarget
    const file = input.files?.[0]
    if (file === undefined) return
    setBusy(true); setError(null); setResult(null)
    try {
      const r = await savedApi.importKibana(await file.text())
      setResult(r)
      onImported(t('saved.imported', { count: r.imported.length, file: file.name }))
    } catch (err) { setError(err as Error) } finally { setBusy(false); input.value = '' }
  }
  const exportAll = async (): Promise<void> => {
    setError(null)
    try { await download(await savedApi.exportKibana(), 'sillage-saved-searches.ndjson') } catch (err) { setError(err as Error) }
  }
  // Import problems come by line of the file (index), each with its place in the object.
  const lines = error instanceof ApiError ? error.errors : []
  return (
    <section className="panel" aria-labelledby="kibana-title">
      <h2 id="kibana-title">{t('saved.kibana')}</h2>
      <p className="muted">{t('saved.kibanaIntro')}</p>
      <div className="form-row">
        <label htmlFor="kibana-file">{t('saved.importFile')}</label>
        <input id="kibana-file" type="file" accept=".ndjson,application/x-ndjson,application/json" onChange={e => { void importFile(e) }} disabled={busy} />
        <button type="button" onClick={() => { void exportAll() }}>{t('saved.export')}</button>
      </div>
      {error !== null && lines.length === 0 && <ErrorBox error={error} />}
      {lines.length > 0 && (
        <div role="alert" className="error">
          <p>{t('common.error', { message: error?.message ?? '' })}</p>
          <ul>{lines.map((l, i) => <li key={i}>{l.index > 0 && `${t('saved.line', { line: l.index })} `}<code>{l.path}</code> {l.message}</li>)}</ul>
        </div>
      )}
      {result !== null && (
        <div className="import-result">
          {result.imported.length > 0 && (
            <ul aria-label={t('saved.importedList')}>
              {result.imported.map(i => <li key={i.id}>{i.name}{i.notes.length > 0 && <span className="muted"> — {i.notes.join('; ')}</span>}</li>)}
            </ul>
          )}
          {result.skipped.length > 0 && (
            <ul aria-label={t('saved.skippedList')}>
              {result.skipped.map(s => <li key={s.sourceId}>{t('saved.skipped', { type: s.type, id: s.sourceId })} <span className="muted">{s.reason}</span></li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  )
}
