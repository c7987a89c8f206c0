import type { ReactNode } from 'react'
import { href } from '../../app/router.ts'
import { Link } from '../../components/Link.tsx'
import { useFormats } from '../../components/formats.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { Evidence } from './types.ts'

/** The events behind a signal, oldest first, each user linked to their timeline. */
export function EvidenceTable ({ evidence, caption }: { evidence: Evidence[], caption: string }): ReactNode {
  const { t, dateTime } = useI18n()
  const { decimal } = useFormats()
  return (
    <table className="data evidence">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('signals.ev.time')}</th>
          <th scope="col">{t('signals.ev.action')}</th>
          <th scope="col">{t('signals.ev.outcome')}</th>
          <th scope="col">{t('signals.ev.user')}</th>
          <th scope="col">{t('signals.ev.ip')}</th>
          <th scope="col">{t('signals.ev.place')}</th>
          <th scope="col" className="num">{t('signals.ev.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {evidence.map(e => (
          <tr key={e.id}>
            <th scope="row"><time dateTime={e['@timestamp']}>{dateTime(e['@timestamp'])}</time></th>
            <td>{e.action}</td>
            <td className={`outcome ${e.outcome ?? ''}`}>{e.outcome ?? ''}</td>
            <td>{e.userId === undefined ? '' : <Link to={href(`/users/${encodeURIComponent(e.userId)}`)}>{e.userId}</Link>}</td>
            <td><code>{e.ip ?? ''}</code></td>
            <td>{[e.city, e.country].filter(x => x !== undefined).join(', ')}</td>
            <td className="num">{e.amount === undefined ? '' : `${decimal(e.amount)} ${e.currency ?? ''}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
