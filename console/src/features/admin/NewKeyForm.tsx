import { useState, type FormEvent, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import type { Scope } from '../../api/types.ts'
import { useMe } from '../../auth/me.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { SCOPES, type CreatedKey } from './types.ts'

/** Creates a key: a name, its scopes and its tenant (a tenant admin makes keys of its own tenant only). */
export function NewKeyForm ({ onCreated }: { onCreated: (created: CreatedKey) => void }): ReactNode {
  const { t } = useI18n()
  const me = useMe()
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<Scope[]>(['read'])
  const [tenant, setTenant] = useState('')
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true); setError(null)
    try {
      // A platform admin leaving the tenant empty makes a platform key; a tenant admin's keys get its tenant.
      const body = { name: name.trim(), scopes, ...(me.tenant === null ? { tenant: tenant.trim() === '' ? null : tenant.trim() } : {}) }
      onCreated(await api<CreatedKey>('/v1/api-keys', { body }))
      setName(''); setScopes(['read']); setTenant('')
    } catch (err) { setError(err as Error) } finally { setBusy(false) }
  }
  const toggle = (s: Scope, on: boolean): void => setScopes(on ? [...scopes, s] : scopes.filter(x => x !== s))
  return (
    <form className="panel new-key" aria-labelledby="new-key-title" onSubmit={e => { void submit(e) }}>
      <h2 id="new-key-title">{t('keys.create')}</h2>
      <div className="form-row">
        <label htmlFor="new-key-name">{t('common.name')}</label>
        <input id="new-key-name" value={name} onChange={e => setName(e.target.value)} maxLength={100} required />
      </div>
      <fieldset className="scopes">
        <legend>{t('keys.scopes')}</legend>
        {SCOPES.map(s => {
          const id = `scope-${s.replace(':', '-')}`
          return (
            <div key={s} className="check">
              <input id={id} type="checkbox" checked={scopes.includes(s)} onChange={e => toggle(s, e.target.checked)} aria-describedby={`${id}-hint`} />
              <label htmlFor={id}><code>{s}</code></label>
              <span id={`${id}-hint`} className="muted">{t(`keys.scope.${s}` as MessageKey)}</span>
            </div>
          )
        })}
      </fieldset>
      <div className="form-row">
        {me.tenant === null
          ? (
            <>
              <label htmlFor="new-key-tenant">{t('keys.tenant')}</label>
              <input id="new-key-tenant" value={tenant} onChange={e => setTenant(e.target.value)} pattern="[a-z0-9][a-z0-9_\-]{0,39}" aria-describedby="new-key-tenant-hint" spellCheck={false} />
              <span id="new-key-tenant-hint" className="muted">{t('keys.tenantHint')}</span>
            </>
            )
          : <span>{t('me.tenant', { tenant: me.tenant })}</span>}
      </div>
      {error !== null && <ErrorBox error={error} />}
      <button type="submit" disabled={busy || name.trim() === '' || scopes.length === 0}>{t('keys.createSubmit')}</button>
    </form>
  )
}
