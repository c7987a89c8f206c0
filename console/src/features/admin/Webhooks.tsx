import { useState, type FormEvent, type ReactNode } from 'react'
import { api, request } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useChange } from '../../api/useChange.ts'
import { Confirm } from '../../components/Confirm.tsx'
import { ErrorBox, Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useMe } from '../../auth/me.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { SecretOnce } from './SecretOnce.tsx'
import type { CreatedWebhook, Severity, Webhook } from './types.ts'
import { WebhookDeliveries } from './WebhookDeliveries.tsx'
import { BusyButton } from '../../components/BusyButton.tsx'

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical']

/**
 * The tenant's webhooks, where its new alerts are POSTed, signed: made here (the signing secret shown once),
 * paused and resumed, deleted, and each one's delivery log opened.
 */
export function Webhooks (): ReactNode {
  const { t } = useI18n()
  // A tenant's administrator sees its own tenant only: naming it on every row says nothing.
  const everyTenant = useMe().tenant === null
  const [reload, setReload] = useState(0)
  const [created, setCreated] = useState<CreatedWebhook | undefined>(undefined)
  const [deleting, setDeleting] = useState<Webhook | undefined>(undefined)
  const [deliveriesOf, setDeliveriesOf] = useState<Webhook | undefined>(undefined)
  const change = useChange(() => setReload(r => r + 1))
  const { notice, failure, run: act } = change
  const value = useApi('webhooks', async signal => (await api<{ webhooks: Webhook[] }>('/v1/webhooks', { signal })).webhooks, reload)
  // One change at a time, and none on rows still shown from before it: they carry the version read then.
  const busy = change.busy || value.state === 'loading'
  const toggle = async (w: Webhook): Promise<void> => {
    const body = { name: w.name, url: w.url, minSeverity: w.minSeverity, enabled: !w.enabled }
    await act(async () => await api(`/v1/webhooks/${encodeURIComponent(w.id)}`, { method: 'PUT', body, headers: { 'if-match': `"${w.version}"` } }),
      t(w.enabled ? 'hooks.paused' : 'hooks.resumed', { name: w.name }))
  }
  const remove = async (w: Webhook): Promise<void> => {
    setDeleting(undefined)
    await act(async () => await request(`/v1/webhooks/${encodeURIComponent(w.id)}`, { method: 'DELETE', headers: { 'if-match': `"${w.version}"` } }), t('hooks.deleted', { name: w.name }))
  }
  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">{t('hooks.title')}</h2>
      <p className="muted">{t('hooks.intro')}</p>
      <NewWebhook onCreated={w => { setCreated(w); change.done('') }} />
      {created !== undefined && (
        <SecretOnce
          secret={created.secret}
          texts={{ title: t('hooks.createdTitle', { name: created.name }), warning: t('hooks.onceWarning'), label: t('hooks.secret', { name: created.name }), copy: t('hooks.copy'), done: t('hooks.copiedDone') }}
          onDone={() => setCreated(undefined)}
        />
      )}
      <p role="status" className="notice">{notice}</p>
      {failure !== undefined && <ErrorBox error={failure} />}
      {deleting !== undefined && (
        <Confirm title={t('hooks.deleteTitle', { name: deleting.name })} message={t('hooks.deleteMessage')} action={t('common.delete')} onConfirm={() => { void remove(deleting) }} onCancel={() => setDeleting(undefined)} />
      )}
      {deliveriesOf !== undefined && <WebhookDeliveries webhook={deliveriesOf} onClose={() => setDeliveriesOf(undefined)} />}
      <Status value={value}>
        {hooks => hooks.length === 0
          ? <p className="muted">{t('hooks.none')}</p>
          : (
            <table className="data wide">
              <caption>{t('hooks.caption', { count: hooks.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th><th scope="col">{t('hooks.url')}</th><th scope="col">{t('hooks.minSeverity')}</th>
                  <th scope="col">{t('hooks.state')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {hooks.map(w => (
                  <tr key={w.id}>
                    <th scope="row">{w.name}{everyTenant && w.tenant !== null && <span className="muted block">{w.tenant}</span>}</th>
                    <td><code>{w.url}</code></td>
                    <td>{t(`level.${w.minSeverity}` as MessageKey)}</td>
                    <td>{w.enabled ? t('hooks.enabled') : t('hooks.disabled')}</td>
                    <td className="actions">
                      <button type="button" onClick={() => setDeliveriesOf(w)} aria-label={t('hooks.deliveriesOf', { name: w.name })}>{t('hooks.deliveries')}</button>{' '}
                      <BusyButton onClick={() => { void toggle(w) }} busy={busy} aria-label={t(w.enabled ? 'hooks.pauseOf' : 'hooks.resumeOf', { name: w.name })}>{t(w.enabled ? 'hooks.pause' : 'hooks.resume')}</BusyButton>{' '}
                      <BusyButton onClick={() => setDeleting(w)} busy={busy} aria-label={t('hooks.deleteOf', { name: w.name })}>{t('common.delete')}</BusyButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            )}
      </Status>
    </section>
  )
}

/** The form of a new webhook: a name, an https address, the lowest severity sent. The API checks the address. */
function NewWebhook ({ onCreated }: { onCreated: (w: CreatedWebhook) => void }): ReactNode {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [url, setUrl] = useState('')
  const [minSeverity, setMinSeverity] = useState<Severity>('medium')
  const { busy, failure, run } = useChange()
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    await run(async () => {
      onCreated(await api<CreatedWebhook>('/v1/webhooks', { body: { name: name.trim(), url: url.trim(), minSeverity } }))
      setName('')
      setUrl('')
    })
  }
  return (
    <form className="panel" aria-labelledby="new-hook-title" onSubmit={e => { void submit(e) }}>
      <h3 id="new-hook-title">{t('hooks.new')}</h3>
      <div className="form-row">
        <label htmlFor="hook-name">{t('common.name')}</label>
        <input id="hook-name" value={name} onChange={e => setName(e.target.value)} maxLength={200} required />
        <label htmlFor="hook-url">{t('hooks.url')}</label>
        <input id="hook-url" type="url" value={url} onChange={e => setUrl(e.target.value)} maxLength={2048} required placeholder="https://hooks.example.com/sillage" spellCheck={false} />
        <label htmlFor="hook-severity">{t('hooks.minSeverity')}</label>
        <select id="hook-severity" value={minSeverity} onChange={e => setMinSeverity(e.target.value as Severity)}>
          {SEVERITIES.map(s => <option key={s} value={s}>{t(`level.${s}` as MessageKey)}</option>)}
        </select>
        <BusyButton type="submit" className="primary" busy={busy}>{t('hooks.create')}</BusyButton>
      </div>
      {failure !== undefined && <ErrorBox error={failure} />}
    </form>
  )
}
