import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { fetchEvent } from '../../api/event.ts'
import type { Hit, StoredEvent } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'
import { FieldName } from '../../components/FieldName.tsx'
import { Flyout } from '../../components/Flyout.tsx'
import { Link } from '../../components/Link.tsx'
import { sessionHref, userHref } from '../users/links.ts'
import { ErrorBox, Status } from '../../components/Status.tsx'
import { href } from '../../app/router.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { filterable } from '../../api/personal-fields.ts'
import { display, flatten, valueAt } from '../../api/values.ts'
import { useMe } from '../../auth/me.tsx'

interface Proof { seq: number, treeSize: number, root: string, checkpoint: { time: string, keyId: string } }

type OnFilter = (field: string, value: unknown, negate: boolean) => void

/**
 * One event in full, with filter for/out per value, a JSON copy, links to the people and the session, and its
 * proof. The table's row holds only the fields it draws: the whole event is read when the row is opened.
 */
export function EventFlyout ({ hit, onClose, onFilter }: { hit: Hit, onClose: () => void, onFilter: OnFilter }): ReactNode {
  const { t, dateTime } = useI18n()
  const me = useMe()
  const [proof, setProof] = useState<Proof | Error | null>(null)
  const tenant = valueAt(hit.event, 'audit.tenant')
  const event = useApi(hit.id, signal => fetchEvent(hit.id, typeof tenant === 'string' ? tenant : undefined, signal))
  const loadProof = async (): Promise<void> => {
    // The row's tenant: a key that sees several tenants must say whose log the proof is from.
    const query = typeof tenant === 'string' ? `?tenant=${encodeURIComponent(tenant)}` : ''
    try { setProof(await api<Proof>(`/v1/integrity/proof/${encodeURIComponent(hit.id)}${query}`)) } catch (err) { setProof(err as Error) }
  }
  return (
    <Flyout title={t('flyout.title', { id: hit.id })} onClose={onClose}>
      <nav className="flyout-links" aria-label={t('flyout.title', { id: hit.id })}>
        {event.state === 'done' && <EventLinks event={event.data} />}
        {/* A proof's hashes commit to the clear event: keys that see it masked get none. */}
        {!me.masked && <button type="button" onClick={() => { void loadProof() }}>{t('flyout.proof')}</button>}
      </nav>
      {proof instanceof Error && <ErrorBox error={proof} />}
      {proof !== null && !(proof instanceof Error) && (
        <p role="status" className="proof">{t('flyout.proofOk', { seq: proof.seq, size: proof.treeSize, time: dateTime(proof.checkpoint.time) })} <code>{proof.root}</code></p>
      )}
      <Status value={event}>{data => <EventFields event={data} masked={me.masked} onFilter={onFilter} />}</Status>
    </Flyout>
  )
}

/** Links to the user's timeline, the session and the operator's actions, and the JSON copy. */
function EventLinks ({ event }: { event: StoredEvent }): ReactNode {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const user = valueAt(event, 'user.id')
  const sessionId = valueAt(event, 'audit.session.id')
  const actor = valueAt(event, 'audit.actor') as { type?: string, id?: string } | undefined
  const copy = async (): Promise<void> => {
    await navigator.clipboard.writeText(JSON.stringify(event, null, 2))
    setCopied(true)
  }
  return (
    <>
      {typeof user === 'string' && <Link to={userHref(user, valueAt(event, 'audit.tenant'))}>{t('flyout.user')}</Link>}
      {typeof sessionId === 'string' && <Link to={sessionHref(sessionId, valueAt(event, 'audit.tenant'))}>{t('flyout.session')}</Link>}
      {actor?.type === 'operator' && actor.id !== undefined && <Link to={href('/discover', { operator: actor.id, from: 'now-90d', to: 'now' })}>{t('flyout.operator')}</Link>}
      <button type="button" onClick={() => { void copy() }}>{copied ? t('flyout.copied') : t('flyout.copy')}</button>
    </>
  )
}

/**
 * Every field of the event, each value with filter for and filter out; not on what a masked reader sees masked
 * or may not search (the API would refuse the filter).
 */
function EventFields ({ event, masked, onFilter }: { event: StoredEvent, masked: boolean, onFilter: OnFilter }): ReactNode {
  const { t } = useI18n()
  const rows = flatten(event)
  return (
    <table className="fields">
      <thead><tr><th scope="col">{t('common.field')}</th><th scope="col">{t('common.value')}</th><th scope="col"><span className="sr-only">{t('filters.label')}</span></th></tr></thead>
      <tbody>
        {rows.map(([field, value]) => (
          <tr key={field}>
            <th scope="row"><code><FieldName name={field} /></code></th>
            <td>{display(value)}</td>
            <td className="actions">
              {value !== null && typeof value !== 'object' && filterable(field, masked) && (
                <>
                  <button type="button" aria-label={t('flyout.filterFor', { field })} title={t('flyout.filterFor', { field })} onClick={() => onFilter(field, value, false)}>+</button>
                  <button type="button" aria-label={t('flyout.filterOut', { field })} title={t('flyout.filterOut', { field })} onClick={() => onFilter(field, value, true)}>−</button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
