import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import type { AggregateResponse } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'
import { href, navigate, useRoute } from '../../app/router.ts'
import { can, useMe } from '../../auth/me.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { CheckpointPanel } from './CheckpointPanel.tsx'
import { ProofCheck } from './ProofCheck.tsx'
import { PublicKeyPanel } from './PublicKeyPanel.tsx'
import { VerifyPanel } from './VerifyPanel.tsx'
import type { PublicKey } from './types.ts'

/**
 * The signing key, the tenant's latest signed checkpoint, a verification of its log (admin keys) and the check
 * of one event's proof (not for masked readers). A tenant-bound key sees its tenant; a platform key picks one (kept in the address).
 */
export function Integrity (): ReactNode {
  const { t } = useI18n()
  const me = useMe()
  const { params } = useRoute()
  const tenant = me.tenant ?? params.get('tenant') ?? ''
  // Signatures are checked with these keys, never with a key an answer carries beside its checkpoint.
  const key = useApi('public-key', signal => api<PublicKey>('/v1/integrity/public-key', { signal }))
  // null: the list could not be read, so no signature can be checked here.
  const trusted = key.state === 'done' ? { trusted: key.data.trusted } : key.state === 'error' ? { trusted: null } : {}
  return (
    <div className="integrity-view">
      <h1>{t('nav.integrity')}</h1>
      <p className="muted intro">{t('integrity.intro')}</p>
      <PublicKeyPanel value={key} />
      {me.tenant === null && <TenantPicker value={tenant} />}
      {tenant !== '' && (
        <>
          {/* A checkpoint's root and a proof's hashes commit to the clear events: the API refuses them to keys that see them masked. */}
          {me.masked
            ? <p className="muted">{t('integrity.maskedReader')}</p>
            : <CheckpointPanel tenant={tenant} {...trusted} />}
          {can(me, 'admin') && <VerifyPanel key={tenant} tenant={tenant} />}
          {!me.masked && <ProofCheck key={`proof-${tenant}`} tenant={tenant} {...trusted} />}
        </>
      )}
    </div>
  )
}

/** For platform keys: the tenant whose log to show, offered among the tenants that have events. */
function TenantPicker ({ value }: { value: string }): ReactNode {
  const { t } = useI18n()
  const [text, setText] = useState(value)
  const known = useApi('tenants', signal => api<AggregateResponse>('/v1/events/aggregate', {
    body: { filters: { period: { from: 'now-10y', to: 'now+1d' } }, groupBy: [{ field: 'audit.tenant', size: 100 }] }, signal
  }))
  const tenants = known.state === 'done' ? known.data.groups.map(g => String(g.key)) : []
  return (
    <form className="form-row panel" onSubmit={e => { e.preventDefault(); navigate(href('/integrity', { tenant: text.trim() })) }}>
      <label htmlFor="integrity-tenant">{t('integrity.tenant')}</label>
      <input id="integrity-tenant" list="integrity-tenants" value={text} onChange={e => setText(e.target.value)} pattern="[a-z0-9][a-z0-9_\-]*" required spellCheck={false} />
      <datalist id="integrity-tenants">{tenants.map(x => <option key={x} value={x} />)}</datalist>
      <button type="submit">{t('integrity.show')}</button>
      {value === '' && <span className="muted">{t('integrity.pickTenant')}</span>}
    </form>
  )
}
