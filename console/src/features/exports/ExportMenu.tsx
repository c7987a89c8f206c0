import { useEffect, useState, type ReactNode } from 'react'
import { api, download, request } from '../../api/client.ts'
import { fields } from '../../api/fields.ts'
import type { SearchRequest } from '../../api/types.ts'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { csvColumns } from './csv-columns.ts'
import { manifestOfPack, parseManifest, type ManifestText } from './manifest.ts'
import { PackManifestView } from './PackManifestView.tsx'
import { BusyButton } from '../../components/BusyButton.tsx'

const FORMATS = ['csv', 'ndjson', 'json', 'pdf', 'pack'] as const
type Format = typeof FORMATS[number]

interface Job { id: string, status: string, progress: { rows: number, total: number }, sha256?: string, events_sha256?: string, download_url?: string, manifest_url?: string, error?: string }

const hex = (b: ArrayBuffer): string => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0')).join('')

/**
 * Exports the current search (a CSV with the table's columns): small ones download at once (with the file's
 * SHA-256 shown to note down), large ones become background jobs followed with a progress bar until their
 * download is ready. An evidence
 * pack's manifest is shown too: read from the pack itself when it streamed, from the API when it was a job.
 */
export function ExportMenu ({ search, columns }: { search: SearchRequest, columns: string[] }): ReactNode {
  const { t } = useI18n()
  const [format, setFormat] = useState<Format>('csv')
  const [job, setJob] = useState<Job | null>(null)
  const [done, setDone] = useState<{ name: string, sha256: string } | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const [manifest, setManifest] = useState<ManifestText | Error | null>(null)

  useEffect(() => {
    if (job === null || job.status === 'completed' || job.status === 'failed' || job.status === 'expired') return
    const timer = setTimeout(() => { api<Job>(`/v1/exports/${job.id}`).then(setJob, setError) }, 1000)
    return () => clearTimeout(timer)
  }, [job])
  // A finished background pack: its manifest, before (and without) the download.
  const manifestUrl = job?.status === 'completed' ? job.manifest_url : undefined
  useEffect(() => {
    if (manifestUrl === undefined) return
    const controller = new AbortController()
    request(manifestUrl, { signal: controller.signal }).then(async r => parseManifest(await r.text())).then(setManifest, (err: Error) => { if (!controller.signal.aborted) setManifest(err) })
    return () => controller.abort()
  }, [manifestUrl])

  // A CSV holds the table's columns, as chosen (for Excel, with a byte order mark); other formats whole events.
  const csvOptions = async (): Promise<{ columns?: string[], bom: true }> => {
    if (columns.length === 0) return { bom: true }
    const names = new Set((await fields().catch(() => [])).map(f => f.name))
    return { columns: csvColumns(columns, names), bom: true }
  }
  const start = async (): Promise<void> => {
    setBusy(true); setError(null); setDone(null); setJob(null); setManifest(null)
    try {
      const { filters, query, timeZone, sort } = search
      const body = format === 'pack' ? { filters, query, timeZone } : { format, filters, query, timeZone, sort, ...(format === 'csv' ? await csvOptions() : {}) }
      const response = await request(format === 'pack' ? '/v1/evidence-packs' : '/v1/exports', { body })
      if (response.status === 202) { setJob(await response.json() as Job); return }
      const bytes = await response.clone().arrayBuffer()
      const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes))
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `sillage-export.${format === 'pack' ? 'zip' : format}`
      await download(response, name)
      setDone({ name, sha256 })
      if (format === 'pack') setManifest(await manifestOfPack(bytes).catch((err: Error) => err))
    } catch (err) { setError(err as Error) } finally { setBusy(false) }
  }
  const fetchJob = async (j: Job): Promise<void> => {
    try { await download(await request(`/v1/exports/${j.id}/download`), `sillage-export-${j.id}`) } catch (err) { setError(err as Error) }
  }

  return (
    <section className="export" aria-label={t('export.label')}>
      <label htmlFor="export-format">{t('export.format')}</label>
      <select id="export-format" value={format} onChange={e => setFormat(e.target.value as Format)}>
        {FORMATS.map(f => <option key={f} value={f}>{t(`export.${f}` as MessageKey)}</option>)}
      </select>
      <BusyButton onClick={() => { void start() }} busy={busy}>{t('export.start')}</BusyButton>
      {error !== null && <ErrorBox error={error} />}
      {done !== null && <p role="status">{t('export.downloaded', { name: done.name })} <code>{t('export.digest', { digest: done.sha256 })}</code></p>}
      {job !== null && (
        <div role="status" className="export-job">
          <p>{t('export.queued', { id: job.id, status: t(`export.status.${job.status}` as MessageKey) })}</p>
          <progress aria-label={t('export.progress')} max={Math.max(1, job.progress.total)} value={job.progress.rows} />
          {job.error !== undefined && <p className="error">{job.error}</p>}
          {job.status === 'completed' && (
            <>
              <button type="button" onClick={() => { void fetchJob(job) }}>{t('export.ready')}</button>
              {job.sha256 !== undefined && <code>{t('export.digest', { digest: job.sha256 })}</code>}
            </>
          )}
        </div>
      )}
      {manifest instanceof Error && <p className="error">{t('pack.unreadable', { reason: manifest.message })}</p>}
      {manifest !== null && !(manifest instanceof Error) && <PackManifestView value={manifest} />}
    </section>
  )
}
