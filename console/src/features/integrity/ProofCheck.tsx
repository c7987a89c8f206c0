import { useRef, useState, type FormEvent, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { href } from '../../app/router.ts'
import { Link } from '../../components/Link.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { CheckpointFacts } from './CheckpointFacts.tsx'
import { rootFromPath } from './proof.ts'
import type { Proof, TrustedKeys } from './types.ts'

/** One event's inclusion proof, fetched from the API and its audit path recomputed in the browser up to the signed root. */
export function ProofCheck ({ tenant, trusted }: { tenant: string, trusted?: TrustedKeys | null }): ReactNode {
  const { t } = useI18n()
  const [id, setId] = useState('')
  const [proof, setProof] = useState<{ proof: Proof, root: string | null } | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  // The check asked last: a slower answer to an earlier one must not be shown as this event's.
  const latest = useRef(0)
  const check = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    const asked = ++latest.current
    setError(null); setProof(null); setBusy(true)
    try {
      const p = await api<Proof>(`/v1/integrity/proof/${encodeURIComponent(id.trim())}?tenant=${encodeURIComponent(tenant)}`)
      const root = await rootFromPath(p.seq, p.treeSize, p.leaf, p.auditPath)
      if (asked === latest.current) setProof({ proof: p, root })
    } catch (err) { if (asked === latest.current) setError(err as Error) } finally { if (asked === latest.current) setBusy(false) }
  }
  const leads = proof !== null && proof.root === proof.proof.root && proof.root === proof.proof.checkpoint.root
  return (
    <section aria-labelledby="integrity-proof">
      <h2 id="integrity-proof">{t('integrity.proof')}</h2>
      <p className="muted">{t('integrity.proofIntro')} <Link to={href('/discover')}>{t('integrity.proofDiscover')}</Link></p>
      <form className="form-row" onSubmit={e => { void check(e) }}>
        <label htmlFor="proof-event">{t('integrity.eventId')}</label>
        <input id="proof-event" value={id} onChange={e => setId(e.target.value)} maxLength={128} required spellCheck={false} />
        <button type="submit" disabled={id.trim() === '' || busy} aria-busy={busy}>{t('integrity.check')}</button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {proof !== null && (
        <div className="proof-result">
          <p role="status" className={leads ? 'verdict ok' : 'verdict bad'}>
            <strong>{leads ? t('integrity.pathOk') : t('integrity.pathBad')}</strong>{' '}
            {t('integrity.position', { seq: proof.proof.seq, size: proof.proof.treeSize, steps: proof.proof.auditPath.length })}
          </p>
          <dl className="facts">
            <div className="wide"><dt>{t('integrity.eventId')}</dt><dd><code>{proof.proof.eventId}</code></dd></div>
            <div className="wide"><dt>{t('integrity.partition')}</dt><dd><code>{proof.proof.eventIndex}</code></dd></div>
            <div className="wide"><dt>{t('integrity.leaf')}</dt><dd><code>{proof.proof.leaf}</code></dd></div>
          </dl>
          <h3>{t('integrity.checkpointOfProof')}</h3>
          <CheckpointFacts checkpoint={proof.proof.checkpoint} {...(trusted === undefined ? {} : { trusted })} />
        </div>
      )}
    </section>
  )
}
