import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { usePages } from '../../api/usePages.ts'
import { useApi } from '../../api/useApi.ts'
import { useMe } from '../../auth/me.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { href, navigate, useRoute } from '../../app/router.ts'
import { Facts } from '../../components/Facts.tsx'
import { Flyout } from '../../components/Flyout.tsx'
import { Paged } from '../../components/Paged.tsx'
import { ErrorBox, Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { DeadLetter, Replayed } from './types.ts'
import { BusyButton } from '../../components/BusyButton.tsx'

const PAGE = 100
const STATES = ['pending', 'replayed', 'all'] as const
type State = typeof STATES[number]
/** A letter whose event id is stored with other content: a replay would be refused again. */
const ID_CONFLICT = 'id_conflict'
/** Most letters one replay takes (the API's bound). */
const REPLAY_MAX = 1000

/**
 * Events the store refused (or whose id it holds with other content), newest first, filtered in the address by
 * state, error type and (for a platform key) tenant: each inspected whole, and replayed once its cause is fixed,
 * one by one or all those the filter shows.
 */
export function DeadLetters (): ReactNode {
  const { t, dateTime, number } = useI18n()
  const { params } = useRoute()
  const state: State = STATES.find(s => s === params.get('state')) ?? 'pending'
  const errorType = params.get('error_type') ?? ''
  const everyTenant = useMe().tenant === null
  const tenant = everyTenant ? params.get('tenant') ?? '' : ''
  const [text, setText] = useState(errorType)
  const [tenantText, setTenantText] = useState(tenant)
  useEffect(() => { setText(errorType) }, [errorType])
  useEffect(() => { setTenantText(tenant) }, [tenant])
  const [generation, setGeneration] = useState(0)
  const [notice, setNotice] = useState('')
  const [failure, setFailure] = useState<Error | undefined>(undefined)
  const [shown, setShown] = useState<DeadLetter | undefined>(undefined)
  const [skipped, setSkipped] = useState<string[]>([])
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  // Another filter (a link, back or forward): what was said or opened about the previous list goes.
  useEffect(() => { setNotice(''); setSkipped([]); setShown(undefined); setFailure(undefined) }, [state, errorType, tenant])
  const letters = usePages(`${state}|${errorType}|${tenant}|${generation}`, async (after, signal) => {
    const q = new URLSearchParams({ size: String(PAGE), state })
    if (errorType !== '') q.set('error_type', errorType)
    if (tenant !== '') q.set('tenant', tenant)
    if (after !== undefined) q.set('cursor', after)
    const page = await api<{ total: number, letters: DeadLetter[], cursor?: string }>(`/v1/dead-letters?${q.toString()}`, { signal })
    return { items: page.letters, total: page.total, next: page.cursor ?? null }
  })
  const go = (next: { state?: State, errorType?: string, tenant?: string }): void => {
    const s = next.state ?? state
    navigate(href('/admin/dead-letters', { state: s === 'pending' ? undefined : s, error_type: next.errorType ?? errorType, tenant: next.tenant ?? tenant }))
  }
  const filter = (e: FormEvent): void => { e.preventDefault(); go({ errorType: text.trim(), tenant: tenantText.trim() }) }
  const replay = async (path: string, body?: object): Promise<void> => {
    setConfirming(false)
    setNotice('')
    setSkipped([])
    setFailure(undefined)
    setBusy(true)
    try {
      const r = await api<Replayed>(path, { method: 'POST', ...(body === undefined ? {} : { body }) })
      setNotice(t('dead.replayed', { queued: r.queued.length, skipped: r.skipped.length }))
      setSkipped(r.skipped.map(s => s.reason))
      setGeneration(g => g + 1)
    } catch (err) {
      setFailure(err as Error)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <form className="form-row" role="search" onSubmit={filter}>
        <label htmlFor="dead-state">{t('dead.state')}</label>
        <select id="dead-state" value={state} onChange={e => go({ state: e.target.value as State })}>
          {STATES.map(s => <option key={s} value={s}>{t(`dead.state.${s}` as MessageKey)}</option>)}
        </select>
        <label htmlFor="dead-error">{t('dead.errorType')}</label>
        <input id="dead-error" value={text} onChange={e => setText(e.target.value)} maxLength={100} pattern="[a-z_]+" title={t('dead.errorTypeHint')} spellCheck={false} placeholder="document_parsing_exception" />
        {everyTenant && <>
          <label htmlFor="dead-tenant">{t('dead.tenant')}</label>
          <input id="dead-tenant" value={tenantText} onChange={e => setTenantText(e.target.value)} maxLength={40} pattern="[a-z0-9][a-z0-9_\-]*" title={t('dead.tenantHint')} spellCheck={false} placeholder={t('dead.tenantAll')} />
        </>}
        <button type="submit">{t('access.filter')}</button>
        <button type="button" onClick={() => setGeneration(g => g + 1)}>{t('common.refresh')}</button>
      </form>
      <p className="muted">{t('dead.intro')}</p>
      <p role="status" className="notice">{notice}</p>
      {skipped.length > 0 && (
        <details>
          <summary>{t('dead.skippedList')}</summary>
          <ul>{skipped.slice(0, 50).map((reason, i) => <li key={i}>{reason}</li>)}</ul>
        </details>
      )}
      {failure !== undefined && <ErrorBox error={failure} />}
      {state === 'pending' && (letters.total ?? 0) > 0 && (
        <p><BusyButton onClick={() => setConfirming(true)} busy={busy}>{t('dead.replayAll')}</BusyButton></p>
      )}
      {confirming && (
        <Confirm
          title={t('dead.replayAllTitle')}
          message={<>
            <p>{t('dead.replayAllMessage', { count: letters.total ?? 0, filter: `${errorType === '' ? '' : t('dead.replayAllFilter', { type: errorType })}${tenant === '' ? '' : t('dead.replayAllTenant', { tenant })}` })}</p>
            {everyTenant && tenant === '' && <p>{t('dead.replayAllTenants')}</p>}
          </>}
          action={t('dead.replay')} busy={busy}
          onConfirm={() => { void replay('/v1/dead-letters/replay', { ...(errorType === '' ? {} : { error_type: errorType }), ...(tenant === '' ? {} : { tenant }), limit: REPLAY_MAX }) }}
          onCancel={() => setConfirming(false)}
        />
      )}
      {shown !== undefined && <LetterDetail letter={shown} onClose={() => setShown(undefined)} />}
      <Paged pages={letters} none={t(`dead.none.${state}` as MessageKey)} more={t('access.more')}>
        {items => (
          <table className="data wide">
            <caption>{t('dead.caption', { count: items.length, total: letters.total ?? items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dead.refusedAt')}</th><th scope="col">{t('dead.event')}</th><th scope="col">{t('dead.error')}</th>
                <th scope="col">{t('dead.reason')}</th><th scope="col">{t('dead.replays')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map(l => (
                <tr key={l.id}>
                  <th scope="row">{dateTime(l.refused_at)}</th>
                  <td><code>{l.event_id}</code>{everyTenant && <span className="muted block">{l.tenant}</span>}</td>
                  <td><code>{l.error_type}</code> <span className="muted">{l.status}</span></td>
                  <td>{l.reason.length > 160 ? `${l.reason.slice(0, 160)}…` : l.reason}</td>
                  <td>{number(l.replays)}{l.replayed_at !== null && <span className="muted block">{t('dead.replayedAt', { at: dateTime(l.replayed_at) })}</span>}</td>
                  <td className="actions">
                    <button type="button" onClick={() => setShown(l)} aria-label={t('dead.showOf', { id: l.event_id, tenant: l.tenant })}>{t('dead.show')}</button>
                    {' '}
                    {l.error_type === ID_CONFLICT
                      ? <span className="muted">{t('dead.conflict')}</span>
                      : <BusyButton onClick={() => { void replay(`/v1/dead-letters/${encodeURIComponent(l.id)}/replay`) }} busy={busy} aria-label={t('dead.replayOf', { id: l.event_id, tenant: l.tenant })}>{t('dead.replay')}</BusyButton>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Paged>
    </>
  )
}

/** One letter whole: where the event was bound, why it was refused, its replays, and the event as it was queued. */
function LetterDetail ({ letter, onClose }: { letter: DeadLetter, onClose: () => void }): ReactNode {
  const { t, dateTime, number } = useI18n()
  const value = useApi(letter.id, signal => api<DeadLetter & { raw: Record<string, unknown> }>(`/v1/dead-letters/${encodeURIComponent(letter.id)}`, { signal }))
  return (
    <Flyout title={t('dead.letterOf', { id: letter.event_id })} onClose={onClose}>
      <Status value={value}>
        {l => (
          <>
            <Facts items={[
              [t('dead.tenant'), l.tenant], [t('dead.partition'), <code key='p'>{l.target_index}</code>], [t('dead.error'), `${l.error_type} (${l.status})`],
              [t('dead.refusedAt'), dateTime(l.refused_at)], [t('dead.replays'), number(l.replays)],
              [t('dead.lastReplay'), l.replayed_at === null ? '—' : `${dateTime(l.replayed_at)}${l.replayed_by === null ? '' : ` (${l.replayed_by})`}`]
            ]} />
            <h3>{t('dead.reason')}</h3>
            <p>{l.reason}</p>
            <h3 id="dead-raw">{t('dead.raw')}</h3>
            {/* Focusable: a long event scrolls, and the keyboard must reach it. */}
            <pre className="json" role="region" tabIndex={0} aria-labelledby="dead-raw">{JSON.stringify(l.raw, null, 2)}</pre>
          </>
        )}
      </Status>
    </Flyout>
  )
}
