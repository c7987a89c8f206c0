import type { ReactNode } from 'react'
import { href } from '../../app/router.ts'
import { kqlEvents } from '../../api/kql.ts'
import { Link } from '../../components/Link.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { Facts } from '../../components/Facts.tsx'
import { EvidenceTable } from './EvidenceTable.tsx'
import type { FigureText } from './figure.ts'
import type { Signal } from './types.ts'

const SHOWN_USERS = 20

const userLink = (id: string): ReactNode => <Link key={id} to={href(`/users/${encodeURIComponent(id)}`)}>{id}</Link>

/** A KQL query matching exactly the evidence events (by tenant and id), with quotes and backslashes escaped. */
export const evidenceQuery = (s: Signal): string => kqlEvents(s.evidence)

/** Discover on exactly the evidence: its ids, over a period from the first to the last of them. */
export function evidenceHref (s: Signal): string {
  const times = s.evidence.map(e => Date.parse(e['@timestamp'])).filter(n => !Number.isNaN(n))
  return href('/discover', { q: evidenceQuery(s), from: new Date(Math.min(...times)).toISOString(), to: new Date(Math.max(...times)).toISOString() })
}

/** One signal: its key, figure and threshold, the users involved, its evidence and the way to open it in Discover. */
export function SignalCard ({ signal, rank, text }: { signal: Signal, rank: number, text: FigureText }): ReactNode {
  const { t } = useI18n()
  const id = `signal-${rank}`
  const more = signal.users.length - SHOWN_USERS
  return (
    <article className="panel signal" aria-labelledby={id}>
      <h3 id={id}>
        <span className="rank">{t('signals.rank', { rank })}</span> {t(`signals.key.${text.keyKind}`)}{' '}
        {text.keyKind === 'user' ? userLink(signal.key) : <code>{signal.key}</code>}
      </h3>
      <Facts items={[
        [t('signals.figure'), <strong key="f">{text.main}</strong>],
        [t('signals.threshold'), text.threshold],
        ...text.extra
      ]} />
      <p className="signal-users">
        <span>{t('signals.users', { count: signal.users.length })}</span>{' '}
        {signal.users.slice(0, SHOWN_USERS).map(userLink)}
        {more > 0 && <span className="muted">{t('signals.moreUsers', { count: more })}</span>}
      </p>
      <EvidenceTable evidence={signal.evidence} caption={t('signals.evidence', { count: signal.evidence.length })} />
      {signal.evidence.length > 0 && (
        <p><Link to={evidenceHref(signal)} label={t('signals.openLabel', { rank, key: signal.key })}>{t('signals.open')}</Link></p>
      )}
    </article>
  )
}
