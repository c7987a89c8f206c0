import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { VerifyReport } from './types.ts'
import { BusyButton } from '../../components/BusyButton.tsx'

/** Admin keys: recompute the tenant's whole log now (every event against its leaf, the root against the signature). */
export function VerifyPanel ({ tenant }: { tenant: string }): ReactNode {
  const { t, number, dateTime } = useI18n()
  const [report, setReport] = useState<VerifyReport | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const verify = async (): Promise<void> => {
    setBusy(true); setError(null); setReport(null)
    try { setReport(await api<VerifyReport>(`/v1/integrity/verify?tenant=${encodeURIComponent(tenant)}`)) } catch (err) { setError(err as Error) } finally { setBusy(false) }
  }
  return (
    <section aria-labelledby="integrity-verify">
      <h2 id="integrity-verify">{t('integrity.verify')}</h2>
      <p className="muted">{t('integrity.verifyIntro')}</p>
      <BusyButton onClick={() => { void verify() }} busy={busy}>{t('integrity.verifyNow')}</BusyButton>
      <div role="status" aria-live="polite">
        {busy && <p className="muted">{t('integrity.verifying')}</p>}
        {report !== null && (
          <p className={report.ok ? 'verdict ok' : 'verdict bad'}>
            <strong>{report.ok ? t('integrity.intact') : t('integrity.problems', { count: report.problems.length + report.omitted })}</strong>{' '}
            {t('integrity.checked', { checked: report.checked, expired: report.expired, scanned: report.insertionsScanned, from: report.from, to: report.to })}
          </p>
        )}
      </div>
      {error !== null && <ErrorBox error={error} />}
      {report !== null && report.problems.length > 0 && (
        <table className="data wide">
          <caption>{t('integrity.problemsCaption', { count: report.problems.length })}</caption>
          <thead><tr><th scope="col">{t('integrity.kind')}</th><th scope="col">{t('integrity.seq')}</th><th scope="col">{t('integrity.eventId')}</th><th scope="col">{t('integrity.detail')}</th></tr></thead>
          <tbody>
            {report.problems.map((p, i) => (
              <tr key={i}><th scope="row"><code>{p.kind}</code></th><td className="num">{p.seq === undefined ? '—' : number(p.seq)}</td><td><code>{p.eventId ?? '—'}</code></td><td>{p.detail}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {report?.checkpoint != null && (
        <p className="muted">{t('integrity.checkedAgainst', { size: report.checkpoint.size, time: dateTime(report.checkpoint.time), key: report.checkpoint.keyId })} <code>{report.checkpoint.root}</code></p>
      )}
    </section>
  )
}
