import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useFormats } from '../../components/formats.ts'
import { Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { BREAKDOWNS, filtersOf, type Breakdown, type GroupsState } from './state.ts'
import type { ChangeRow, PeriodSummary } from './types.ts'

interface Props { state: GroupsState, onBreakdown: (b: Breakdown) => void }

/** The period's totals by category, action, outcome or importance against the previous period of the same length. */
export function PeriodSummaryPanel ({ state, onBreakdown }: Props): ReactNode {
  const { t, timeZone, dateTime, number } = useI18n()
  const { signed, signedPercent } = useFormats()
  const body = { filters: filtersOf(state, timeZone), ...(state.query.trim() === '' ? {} : { query: state.query }), timeZone }
  const value = useApi(JSON.stringify(body), signal => api<PeriodSummary>('/v1/analytics/period-summary', { body, signal }))
  const keyName = (row: ChangeRow): string => state.breakdown === 'byImportance' ? t(`level.${row.key}` as MessageKey) : row.key
  const line = (row: ChangeRow, name: string, total = false): ReactNode => (
    <tr key={row.key} className={total ? 'total-row' : undefined}>
      <th scope="row">{name}</th>
      <td className="num">{number(row.current)}</td>
      <td className="num">{number(row.previous)}</td>
      <td className={`num change ${row.change > 0 ? 'up' : row.change < 0 ? 'down' : ''}`}>{signed(row.change)}</td>
      <td className="num">{signedPercent(row.changePct)}</td>
    </tr>
  )
  return (
    <section className="panel period-summary" aria-labelledby="period-summary-title">
      <h2 id="period-summary-title">{t('summary.title')}</h2>
      <div className="form-row">
        <label htmlFor="summary-breakdown">{t('summary.breakdown')}</label>
        <select id="summary-breakdown" value={state.breakdown} onChange={e => onBreakdown(e.target.value as Breakdown)}>
          {BREAKDOWNS.map(b => <option key={b} value={b}>{t(`summary.${b}` as MessageKey)}</option>)}
        </select>
      </div>
      <Status value={value}>
        {s => (
          <>
            <p className="muted">{t('summary.windows', { from: dateTime(s.period.from), to: dateTime(s.period.to), prevFrom: dateTime(s.previous.from), prevTo: dateTime(s.previous.to) })}</p>
            <table className="data summary-table">
              <caption>{t(`summary.${state.breakdown}` as MessageKey)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`summary.key.${state.breakdown}` as MessageKey)}</th>
                  <th scope="col" className="num">{t('common.current')}</th>
                  <th scope="col" className="num">{t('common.previous')}</th>
                  <th scope="col" className="num">{t('common.change')}</th>
                  <th scope="col" className="num">{t('summary.changePct')}</th>
                </tr>
              </thead>
              <tbody>
                {s[state.breakdown].map(row => line(row, keyName(row)))}
                {line(s.totals, t('summary.all'), true)}
              </tbody>
            </table>
            {!s.complete && state.breakdown === 'byAction' && <p className="muted">{t('summary.incomplete')}</p>}
          </>
        )}
      </Status>
    </section>
  )
}
