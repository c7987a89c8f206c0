import { useState, type ReactNode } from 'react'
import { href, navigate, useRoute } from '../../app/router.ts'
import { ImportanceBadge } from '../../components/Badges.tsx'
import { Paged } from '../../components/Paged.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { AlertDetail, sourceOf } from './AlertDetail.tsx'
import { SubNav } from '../../components/SubNav.tsx'
import { alertsParams, readAlerts, SEVERITIES, SHOWS, watchStart, type AlertsState } from './state.ts'
import { useAlerts } from './useAlerts.ts'
import { WatchRules } from './WatchRules.tsx'

/** Alerts and the watch rules that raise them, as two panels. */
export function AlertsView ({ tab }: { tab: string | undefined }): ReactNode {
  const { t } = useI18n()
  const params = useRoute().params
  return (
    <div className="alerts-view">
      <h1>{t('alerts.title')}</h1>
      <SubNav label={t('alerts.panels')} items={[
        { to: href('/alerts'), text: t('alerts.title'), current: tab !== 'rules' },
        { to: href('/alerts/rules'), text: t('watch.title'), current: tab === 'rules' }
      ]} />
      {tab === 'rules' ? <WatchRules {...(params.get('watch') === '1' ? { start: watchStart(params) } : {})} /> : <AlertList />}
    </div>
  )
}

/** The alerts inbox: filtered by status, severity and rule, newest first, each opened beside the list to work on it. */
function AlertList (): ReactNode {
  const { t, dateTime, number } = useI18n()
  const state = readAlerts(useRoute().params)
  const set = (patch: Partial<AlertsState>): void => navigate(href('/alerts', alertsParams({ ...state, ...patch })))
  const [reload, setReload] = useState(0)
  const list = useAlerts(state, reload)
  const { id, ...filters } = state
  const close = (): void => navigate(href('/alerts', alertsParams(filters)))
  return (
    <>
      <p className="muted">{t('alerts.intro')}</p>
      <div className="toolbar">
        <label>{t('alerts.shows')} <select value={state.shows} onChange={e => set({ shows: e.target.value as AlertsState['shows'], id: undefined })}>
          {SHOWS.map(s => <option key={s} value={s}>{t(`alerts.shows.${s}` as MessageKey)}</option>)}
        </select></label>
        <label>{t('alerts.severity')} <select value={state.severity} onChange={e => set({ severity: e.target.value as AlertsState['severity'], id: undefined })}>
          {SEVERITIES.map(s => <option key={s} value={s}>{t(`alerts.severity.${s}` as MessageKey)}</option>)}
        </select></label>
        {state.rule !== undefined && (
          <p className="rule-filter">{t('alerts.ofRule', { name: list.items[0]?.rule_name ?? state.rule })} <button type="button" className="link" onClick={() => set({ rule: undefined, id: undefined })}>{t('alerts.everyRule')}</button></p>
        )}
      </div>
      <Paged pages={list} none={t('alerts.none')} more={t('alerts.more')}>
        {alerts => (
          <table className="data wide alerts">
            <caption>{t('alerts.caption', { shown: alerts.length, total: list.total ?? alerts.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('alerts.raised')}</th>
                <th scope="col">{t('alerts.severity')}</th>
                <th scope="col">{t('alerts.alert')}</th>
                <th scope="col">{t('alerts.source')}</th>
                <th scope="col">{t('alerts.group')}</th>
                <th scope="col">{t('alerts.status')}</th>
                <th scope="col" className="num">{t('alerts.repeats')}</th>
                <th scope="col">{t('alerts.lastSeen')}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map(a => (
                <tr key={a.id} aria-current={a.id === id ? 'true' : undefined}>
                  <td>{dateTime(a.created_at)}</td>
                  <td><ImportanceBadge level={a.severity} /></td>
                  <th scope="row"><button type="button" className="link" onClick={() => set({ id: a.id })}>{a.title}</button></th>
                  <td>{sourceOf(a, t)}</td>
                  <td>{a.group === null ? '—' : <><code>{a.group_field}</code> {a.group}</>}</td>
                  <td><span className={`badge status-${a.status}`}>{t(`alerts.status.${a.status}` as MessageKey)}</span></td>
                  <td className="num">{number(a.repeats)}</td>
                  <td>{dateTime(a.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Paged>
      {id !== undefined && <AlertDetail id={id} onClose={close} onChanged={() => setReload(r => r + 1)} />}
    </>
  )
}
