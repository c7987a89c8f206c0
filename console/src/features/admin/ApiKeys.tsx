import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useMe, useSwitchKey } from '../../auth/me.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { ErrorBox, Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { KeyRow } from './KeyRow.tsx'
import { NewKeyForm } from './NewKeyForm.tsx'
import { SecretOnce } from './SecretOnce.tsx'
import type { CreatedKey, KeyInfo } from './types.ts'

type Pending = { kind: 'revoke' | 'rotate', info: KeyInfo }

/**
 * The managed API keys: create (secret shown once), rotate (the new secret shown once), revoke; each asked first.
 * The key the console is signed in with is marked: rotating it switches the console to the new key.
 */
export function ApiKeys (): ReactNode {
  const { t } = useI18n()
  const me = useMe()
  const switchKey = useSwitchKey()
  const [generation, setGeneration] = useState(0)
  const keys = useApi('keys', signal => api<{ keys: KeyInfo[] }>('/v1/api-keys', { signal }), generation)
  const [secret, setSecret] = useState<{ created: CreatedKey, title: string, note?: string } | null>(null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [notice, setNotice] = useState('')
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const reload = (): void => setGeneration(g => g + 1)
  const act = async ({ kind, info }: Pending): Promise<void> => {
    setBusy(true); setError(null)
    try {
      if (kind === 'revoke') {
        // Revoking the key in use signs the console out at the next request (it was warned of).
        await api<KeyInfo>(`/v1/api-keys/${info.key_id}`, { method: 'DELETE' })
        setNotice(t('keys.revoked', { name: info.name }))
      } else {
        const created = await api<CreatedKey>(`/v1/api-keys/${info.key_id}/rotate`, { method: 'POST' })
        const own = info.key_id === me.keyId
        setSecret({ created, title: t('keys.rotated', { name: info.name }), ...(own ? { note: t('keys.switched') } : {}) })
        // The old key is refused from now on: the console carries on with the new one before asking anything.
        if (own) await switchKey(created.key)
      }
      reload()
    } catch (err) { setError(err as Error) } finally { setBusy(false); setPending(null) }
  }
  return (
    <>
      {secret !== null && <SecretOnce secret={secret.created.key} texts={{ title: secret.title, warning: t('keys.onceWarning'), label: t('keys.secret', { name: secret.created.info.name }), copy: t('keys.copy'), done: t('keys.copiedDone'), note: secret.note }} onDone={() => setSecret(null)} />}
      <p role="status" className="notice">{notice}</p>
      {error !== null && <ErrorBox error={error} />}
      <Status value={keys}>
        {({ keys: list }) => list.length === 0
          ? <p className="muted">{t('keys.none')}</p>
          : (
            <table className="data wide">
              <caption>{t('keys.caption', { count: list.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th><th scope="col">{t('keys.id')}</th><th scope="col">{t('keys.scopes')}</th>
                  <th scope="col">{t('keys.tenant')}</th><th scope="col">{t('keys.created')}</th><th scope="col">{t('keys.state')}</th>
                  <th scope="col">{t('saved.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map(k => <KeyRow key={k.key_id} info={k} own={k.key_id === me.keyId} onRotate={() => setPending({ kind: 'rotate', info: k })} onRevoke={() => setPending({ kind: 'revoke', info: k })} />)}
              </tbody>
            </table>
            )}
      </Status>
      <p className="muted">{t('keys.bootstrap')}</p>
      <NewKeyForm onCreated={created => { setSecret({ created, title: t('keys.createdTitle', { name: created.info.name }) }); setNotice(''); reload() }} />
      {pending !== null && (
        <Confirm
          title={t(pending.kind === 'revoke' ? 'keys.revokeTitle' : 'keys.rotateTitle', { name: pending.info.name })}
          message={(
            <>
              <p>{t(pending.kind === 'revoke' ? 'keys.revokeText' : 'keys.rotateText', { id: pending.info.key_id })}</p>
              {pending.info.key_id === me.keyId && <p><strong>{t(pending.kind === 'revoke' ? 'keys.revokeOwn' : 'keys.rotateOwn')}</strong></p>}
            </>
          )}
          action={t(pending.kind === 'revoke' ? 'keys.revoke' : 'keys.rotate')} busy={busy}
          onConfirm={() => { void act(pending) }} onCancel={() => setPending(null)}
        />
      )}
    </>
  )
}
