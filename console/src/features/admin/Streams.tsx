import { useState, type ReactNode } from 'react'
import { api, request } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useChange } from '../../api/useChange.ts'
import { useMe } from '../../auth/me.tsx'
import { BusyButton } from '../../components/BusyButton.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { Flyout } from '../../components/Flyout.tsx'
import { ErrorBox, Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { StreamForm } from './StreamForm.tsx'
import { inputOf } from './stream-input.ts'
import type { Stream, StreamDestination } from './types.ts'

const H = 3_600_000
/** Where delivery can be moved to: again from the start, from some time back, or on from now (skipping the rest). */
const POSITIONS = ['beginning', '1h', '24h', '7d', 'now'] as const
type Position = typeof POSITIONS[number]
const BACK: Record<string, number> = { '1h': H, '24h': 24 * H, '7d': 7 * 24 * H }

/** The `from` the API takes: a time back is sent as the ISO time it names, now. */
const fromOf = (p: Position): string => BACK[p] === undefined ? p : new Date(Date.now() - (BACK[p] as number)).toISOString()

const addressOf = (d: StreamDestination): string => d.type === 'http' ? d.url : `syslog${d.tls ? '+tls' : ''}://${d.host}:${d.port}`

/**
 * The log streams that send the tenant's events to a SIEM: made here, paused and resumed, moved (delivered again
 * from a time, or skipped to now), deleted; and where each one's delivery stands: delivered, how far behind,
 * failing since when and why.
 */
export function Streams (): ReactNode {
  const { t, dateTime, number } = useI18n()
  // A tenant's administrator sees its own tenant only: naming it on every row says nothing.
  const everyTenant = useMe().tenant === null
  const [reload, setReload] = useState(0)
  const [deleting, setDeleting] = useState<Stream | undefined>(undefined)
  const [moving, setMoving] = useState<Stream | undefined>(undefined)
  const [changing, setChanging] = useState<Stream | undefined>(undefined)
  const [position, setPosition] = useState<Position>('24h')
  const change = useChange(() => setReload(r => r + 1))
  const { notice, failure, run: act } = change
  const value = useApi('streams', async signal => (await api<{ streams: Stream[] }>('/v1/streams', { signal })).streams, reload)
  // One change at a time, and none on rows still shown from before it: they carry the version read then.
  const busy = change.busy || value.state === 'loading'
  const path = (s: Stream): string => `/v1/streams/${encodeURIComponent(s.id)}`
  const toggle = async (s: Stream): Promise<void> => {
    await act(async () => await api(path(s), { method: 'PUT', body: { ...inputOf(s), enabled: !s.enabled }, headers: { 'if-match': `"${s.version}"` } }),
      t(s.enabled ? 'streams.paused' : 'streams.resumed', { name: s.name }))
  }
  const move = async (s: Stream): Promise<void> => {
    setMoving(undefined)
    await act(async () => await api(`${path(s)}/position`, { body: { from: fromOf(position) } }), t(`streams.moved.${position}` as MessageKey, { name: s.name }))
  }
  const remove = async (s: Stream): Promise<void> => {
    setDeleting(undefined)
    await act(async () => await request(path(s), { method: 'DELETE', headers: { 'if-match': `"${s.version}"` } }), t('streams.deleted', { name: s.name }))
  }
  return (
    <section aria-labelledby="streams-title">
      <h2 id="streams-title">{t('streams.title')}</h2>
      <p className="muted">{t('streams.intro')}</p>
      <StreamForm onSaved={s => { change.done(t('streams.created', { name: s.name })) }} />
      {changing !== undefined && (
        <Flyout title={t('streams.changeTitle', { name: changing.name })} onClose={() => setChanging(undefined)}>
          <StreamForm stream={changing} onSaved={s => { setChanging(undefined); change.done(t('streams.saved', { name: s.name })) }} />
        </Flyout>
      )}
      <p role="status" className="notice">{notice}</p>
      {failure !== undefined && <ErrorBox error={failure} />}
      {deleting !== undefined && (
        <Confirm title={t('streams.deleteTitle', { name: deleting.name })} message={t('streams.deleteMessage')} action={t('common.delete')} onConfirm={() => { void remove(deleting) }} onCancel={() => setDeleting(undefined)} />
      )}
      {moving !== undefined && (
        <Confirm
          title={t('streams.moveTitle', { name: moving.name })}
          message={<>
            <p>{t('streams.moveMessage')}</p>
            <p>
              <label htmlFor="stream-position">{t('streams.moveTo')}</label>{' '}
              <select id="stream-position" value={position} onChange={e => setPosition(e.target.value as Position)}>
                {POSITIONS.map(p => <option key={p} value={p}>{t(`streams.position.${p}` as MessageKey)}</option>)}
              </select>
            </p>
          </>}
          action={t('streams.move')} busy={busy}
          onConfirm={() => { void move(moving) }} onCancel={() => setMoving(undefined)}
        />
      )}
      <p><button type="button" onClick={() => setReload(r => r + 1)}>{t('common.refresh')}</button></p>
      <Status value={value}>
        {streams => streams.length === 0
          ? <p className="muted">{t('streams.none')}</p>
          : (
            <table className="data wide">
              <caption>{t('streams.caption', { count: streams.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th><th scope="col">{t('streams.destination')}</th><th scope="col">{t('hooks.state')}</th>
                  <th scope="col" className="num">{t('streams.delivered')}</th><th scope="col">{t('streams.lastDelivery')}</th>
                  <th scope="col" className="num">{t('streams.lag')}</th><th scope="col">{t('streams.failing')}</th>
                  <th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {streams.map(s => (
                  <tr key={s.id}>
                    <th scope="row">{s.name}{everyTenant && <span className="muted block">{s.tenant}</span>}</th>
                    <td><code>{addressOf(s.destination)}</code>{s.query !== undefined && <span className="muted block"><code>{s.query}</code></span>}</td>
                    <td>{s.enabled ? t('streams.enabled') : t('streams.disabled')}</td>
                    <td className="num">{number(s.state.deliveredTotal)}</td>
                    <td>{s.state.deliveredAt === null ? '—' : dateTime(s.state.deliveredAt)}</td>
                    <td className="num">{t('streams.seconds', { n: Math.round(s.state.lagSeconds) })}</td>
                    <td className={s.state.failingSince === null ? undefined : 'error'}>
                      {s.state.failingSince === null
                        ? t('streams.healthy')
                        : <>{t('streams.failingSince', { at: dateTime(s.state.failingSince), count: s.state.consecutiveFailures })}{s.state.lastError !== null && <span className="block">{s.state.lastError.message}</span>}</>}
                    </td>
                    <td className="actions">
                      <BusyButton onClick={() => { void toggle(s) }} busy={busy} aria-label={t(s.enabled ? 'streams.pauseOf' : 'streams.resumeOf', { name: s.name })}>{t(s.enabled ? 'hooks.pause' : 'hooks.resume')}</BusyButton>{' '}
                      <BusyButton onClick={() => setChanging(s)} busy={busy} aria-label={t('streams.changeOf', { name: s.name })}>{t('streams.change')}</BusyButton>{' '}
                      <BusyButton onClick={() => setMoving(s)} busy={busy} aria-label={t('streams.moveOf', { name: s.name })}>{t('streams.move')}</BusyButton>{' '}
                      <BusyButton onClick={() => setDeleting(s)} busy={busy} aria-label={t('streams.deleteOf', { name: s.name })}>{t('common.delete')}</BusyButton>
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
