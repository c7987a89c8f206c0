import type { ReactNode } from 'react'
import { href } from '../../app/router.ts'
import { Link } from '../../components/Link.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { KeyInfo } from './types.ts'

/** `own`: the key this console is signed in with. */
interface Props { info: KeyInfo, own: boolean, onRotate: () => void, onRevoke: () => void }

/** One API key (never its secret): who made it, its state, and rotate or revoke while it is active. */
export function KeyRow ({ info: k, own, onRotate, onRevoke }: Props): ReactNode {
  const { t, dateTime } = useI18n()
  const active = k.revoked_at === null
  return (
    <tr className={active ? undefined : 'revoked'}>
      <th scope="row">{k.name}</th>
      <td><code>{k.key_id}</code></td>
      <td>{k.scopes.map(s => <code key={s} className="scope">{s}</code>)}</td>
      <td>{k.tenant ?? t('keys.platform')}</td>
      <td>{dateTime(k.created_at)} <span className="muted block">{t('keys.by', { id: k.created_by })}</span></td>
      <td>
        {active
          ? <>{t('keys.active')}{own && <span className="badge own">{t('keys.thisKey')}</span>}</>
          : <>{t('keys.revokedAt', { time: dateTime(k.revoked_at ?? '') })}{k.replaced_by !== null && <span className="muted block">{t('keys.replacedBy', { id: k.replaced_by })}</span>}</>}
      </td>
      <td className="actions">
        <Link to={href('/admin/access-log', { key: k.key_id })} label={t('keys.accessOf', { name: k.name })}>{t('admin.accessLog')}</Link>
        {active && <button type="button" onClick={onRotate} aria-label={t('keys.rotateNamed', { name: k.name })}>{t('keys.rotate')}</button>}
        {active && <button type="button" className="danger" onClick={onRevoke} aria-label={t('keys.revokeNamed', { name: k.name })}>{t('keys.revoke')}</button>}
      </td>
    </tr>
  )
}
