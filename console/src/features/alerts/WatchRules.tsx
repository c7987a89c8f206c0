import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { href } from '../../app/router.ts'
import { ImportanceBadge } from '../../components/Badges.tsx'
import { Link } from '../../components/Link.tsx'
import { Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { alertsParams } from './state.ts'
import type { WatchRule } from './types.ts'

/** The tenant's watch rules as they run, each with a link to its alerts; they are made and changed through the API. */
export function WatchRules (): ReactNode {
  const { t, dateTime } = useI18n()
  const value = useApi('watch-rules', async signal => (await api<{ rules: WatchRule[] }>('/v1/watch-rules', { signal })).rules)
  return (
    <Status value={value}>
      {rules => rules.length === 0
        ? <p className="muted">{t('watch.none')}</p>
        : (
          <table className="data wide">
            <caption>{t('watch.caption', { count: rules.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('alerts.kind')}</th>
                <th scope="col">{t('alerts.severity')}</th>
                <th scope="col">{t('watch.interval')}</th>
                <th scope="col">{t('watch.state')}</th>
                <th scope="col">{t('saved.updated')}</th>
                <th scope="col">{t('watch.alerts')}</th>
              </tr>
            </thead>
            <tbody>
              {[...rules].sort((a, b) => a.name.localeCompare(b.name)).map(r => (
                <tr key={r.id}>
                  <th scope="row">{r.name}{r.description !== undefined && <p className="muted">{r.description}</p>}</th>
                  <td>{t(`watch.kind.${r.condition.kind}` as MessageKey)}</td>
                  <td><ImportanceBadge level={r.severity ?? 'medium'} /></td>
                  <td>{r.interval ?? '5m'}</td>
                  <td>{r.enabled === false ? t('watch.disabled') : t('watch.enabled')}</td>
                  <td>{dateTime(r.updated_at)}</td>
                  <td><Link to={href('/alerts', alertsParams({ shows: 'all', severity: 'any', rule: r.id }))} label={t('watch.alertsOf', { name: r.name })}>{t('watch.alerts')}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
    </Status>
  )
}
