import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { Stream } from './types.ts'

/** Where each log stream's delivery stands: delivered, how far behind, failing since when and why. */
export function StreamsStatus (): ReactNode {
  const { t, dateTime, number } = useI18n()
  const [reload, setReload] = useState(0)
  const value = useApi(`streams ${reload}`, async signal => (await api<{ streams: Stream[] }>('/v1/streams', { signal })).streams)
  return (
    <section aria-labelledby="streams-title">
      <h2 id="streams-title">{t('streams.title')}</h2>
      <p className="muted">{t('streams.intro')}</p>
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
                </tr>
              </thead>
              <tbody>
                {streams.map(s => (
                  <tr key={s.id}>
                    <th scope="row">{s.name}<span className="muted block">{s.tenant}</span></th>
                    <td><code>{s.destination.type === 'http' ? s.destination.url : `syslog${s.destination.tls ? '+tls' : ''}://${s.destination.host}:${s.destination.port}`}</code></td>
                    <td>{s.enabled ? t('streams.enabled') : t('streams.disabled')}</td>
                    <td className="num">{number(s.state.deliveredTotal)}</td>
                    <td>{s.state.deliveredAt === null ? '—' : dateTime(s.state.deliveredAt)}</td>
                    <td className="num">{t('streams.seconds', { n: Math.round(s.state.lagSeconds) })}</td>
                    <td className={s.state.failingSince === null ? undefined : 'error'}>
                      {s.state.failingSince === null
                        ? t('streams.healthy')
                        : <>{t('streams.failingSince', { at: dateTime(s.state.failingSince), count: s.state.consecutiveFailures })}{s.state.lastError !== null && <span className="block">{s.state.lastError.message}</span>}</>}
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
