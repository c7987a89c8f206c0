import { useState, type ReactNode } from 'react'
import { Facts } from '../../components/Facts.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { digestLines, type ManifestText } from './manifest.ts'

/**
 * An evidence pack's manifest, for the person to note: who made it and when, the events and their digest, the
 * signed checkpoints its proofs lead to, every file with its SHA-256, and the whole manifest.json as the pack
 * holds it. Both the digests (as `sha256sum` lines) and the manifest copy to the clipboard.
 */
export function PackManifestView ({ value }: { value: ManifestText }): ReactNode {
  const { t, dateTime, number } = useI18n()
  const [copied, setCopied] = useState(false)
  const m = value.manifest
  const copy = async (text: string): Promise<void> => {
    await navigator.clipboard.writeText(text)
    setCopied(true)
  }
  const by = m.created_by.tenant === null ? t('pack.byPlatform', { key: m.created_by.key_id }) : t('pack.byTenant', { key: m.created_by.key_id, tenant: m.created_by.tenant })
  const period = m.period.first === null || m.period.last === null ? '—' : t('pack.periodValue', { first: dateTime(m.period.first), last: dateTime(m.period.last) })
  const checkpoints = m.integrity.checkpoints ?? []
  return (
    <section className="panel pack-manifest" aria-labelledby="pack-manifest-title">
      <h2 id="pack-manifest-title">{t('pack.manifest')}</h2>
      <p className="muted">{t('pack.intro')}</p>
      <Facts items={[
        [t('pack.title'), m.title],
        [t('pack.created'), dateTime(m.created_at)],
        [t('pack.by'), by],
        [t('pack.events'), number(m.events)],
        [t('pack.period'), period],
        [t('pack.personal'), m.masked ? t('pack.masked') : t('pack.clear')],
        [t('pack.proofs'), t('pack.proofsValue', { proofs: m.integrity.proofs, events: m.events })]
      ]}
      />
      <dl className="facts pack-digest"><div className="wide"><dt>{t('pack.eventsDigest')}</dt><dd><code>{m.events_sha256}</code></dd></div></dl>
      <h3>{t('pack.checkpoints')}</h3>
      {checkpoints.length === 0
        ? <p>{t('pack.noCheckpoint')}</p>
        : (
          <ul aria-label={t('pack.checkpoints')}>
            {checkpoints.map(c => (
              <li key={`${c.tenant}#${c.size}#${c.root}`}>
                {t('pack.checkpoint', { tenant: c.tenant, size: c.size, time: dateTime(c.time), key: c.keyId, proofs: c.proofs })} <code>{c.root}</code>
              </li>
            ))}
          </ul>
          )}
      <table className="data pack-files">
        <caption>{t('pack.files')}</caption>
        <thead><tr><th scope="col">{t('pack.path')}</th><th scope="col">{t('pack.bytes')}</th><th scope="col">{t('pack.sha256')}</th></tr></thead>
        <tbody>
          {m.files.map(f => <tr key={f.path}><th scope="row"><code>{f.path}</code></th><td>{number(f.bytes)}</td><td><code>{f.sha256}</code></td></tr>)}
        </tbody>
      </table>
      <div className="form-row">
        <button type="button" onClick={() => { void copy(digestLines(m)) }}>{t('pack.copyDigests')}</button>
        <button type="button" onClick={() => { void copy(value.text) }}>{t('pack.copyManifest')}</button>
        <span role="status">{copied ? t('pack.copied') : ''}</span>
      </div>
      <details>
        <summary>{t('pack.whole')}</summary>
        <pre className="manifest-text">{value.text}</pre>
      </details>
    </section>
  )
}
