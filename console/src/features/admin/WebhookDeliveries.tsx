import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { Flyout } from '../../components/Flyout.tsx'
import { Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { Delivery, Webhook } from './types.ts'

const SHOWN = 50

/** A webhook's delivery log in a side panel, newest first: one line per alert, with its attempts and their answers. */
export function WebhookDeliveries ({ webhook, onClose }: { webhook: Webhook, onClose: () => void }): ReactNode {
  const { t, dateTime, number } = useI18n()
  const [reload, setReload] = useState(0)
  const value = useApi(webhook.id, async signal => (await api<{ deliveries: Delivery[] }>(`/v1/webhooks/${encodeURIComponent(webhook.id)}/deliveries?size=${SHOWN}`, { signal })).deliveries, reload)
  return (
    <Flyout title={t('hooks.deliveriesOf', { name: webhook.name })} onClose={onClose}>
      <p><button type="button" onClick={() => setReload(r => r + 1)}>{t('common.refresh')}</button></p>
      <Status value={value}>
        {deliveries => deliveries.length === 0
          ? <p className="muted">{t('hooks.noDelivery')}</p>
          : (
            <table className="data">
              <caption>{t('hooks.deliveriesCaption', { count: deliveries.length })}</caption>
              <thead>
                <tr><th scope="col">{t('hooks.alert')}</th><th scope="col">{t('hooks.deliveryStatus')}</th><th scope="col">{t('hooks.attempts')}</th><th scope="col">{t('hooks.lastAnswer')}</th></tr>
              </thead>
              <tbody>
                {deliveries.map(d => {
                  const last = d.attempts.at(-1)
                  return (
                    <tr key={d.id}>
                      <th scope="row">{dateTime(d.created_at)}<span className="muted block"><code>{d.alert_id}</code></span></th>
                      <td className={d.status === 'failed' ? 'error' : undefined}>{t(`hooks.delivery.${d.status}` as MessageKey)}</td>
                      <td>{number(d.attempts.length)}</td>
                      <td>{last === undefined ? '—' : <>{last.httpStatus ?? last.error ?? '—'}<span className="muted block">{dateTime(last.at)}, {number(Math.round(last.durationMs))} ms</span></>}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
            )}
      </Status>
    </Flyout>
  )
}
