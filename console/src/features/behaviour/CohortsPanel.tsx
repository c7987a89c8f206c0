import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useFormats } from '../../components/formats.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { WEEKS, type BehaviourState } from './state.ts'
import { Truncated } from './Truncated.tsx'
import type { Cohorts } from './types.ts'

/** Shade steps of a retention cell: 0 (none), then five steps of 20 %; the text keeps AA contrast on each. */
const heat = (r: number | null): string => r === null ? 'heat-none' : `heat-${r <= 0 ? 0 : Math.min(5, Math.ceil(r * 5))}`

interface Props { state: BehaviourState, selection: object, onChange: (patch: Partial<BehaviourState>) => void }

/** Users by the week they were first seen, and the share of them active in each following week. */
export function CohortsPanel ({ state, selection, onChange }: Props): ReactNode {
  const { t, number } = useI18n()
  const { percent } = useFormats()
  const body = { ...selection, weeks: state.weeks }
  const value = useApi(JSON.stringify(body), signal => api<Cohorts>('/v1/behaviour/cohorts', { body, signal }))
  const columns = Array.from({ length: state.weeks + 1 }, (_, k) => k)
  return (
    <>
      <div className="panel form-row">
        <label htmlFor="cohort-weeks">{t('cohorts.weeks')}</label>
        <select id="cohort-weeks" value={state.weeks} onChange={e => onChange({ weeks: Number(e.target.value) })}>
          {WEEKS.map(w => <option key={w} value={w}>{w}</option>)}
        </select>
        <span className="muted">{t('cohorts.rule')}</span>
      </div>
      <Status value={value}>
        {c => (
          <section aria-labelledby="cohorts-result">
            <h2 id="cohorts-result">{t('cohorts.result', { zone: c.timeZone })}</h2>
            <Truncated bounds={c.bounds} weeks />
            {c.cohorts.length === 0 ? <p className="muted">{t('common.none')}</p> : (
              <div className="scroll-x" tabIndex={0} role="region" aria-label={t('cohorts.caption')}>
                <table className="data retention">
                  <caption>{t('cohorts.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('cohorts.week')}</th>
                      <th scope="col" className="num">{t('cohorts.users')}</th>
                      {columns.map(k => <th key={k} scope="col" className="num">{t('cohorts.weekN', { k })}</th>)}
                    </tr>
                  </thead>
                  <tbody>
                    {c.cohorts.map(row => (
                      <tr key={row.week}>
                        <th scope="row">{row.week} <span className="muted">{row.start}</span></th>
                        <td className="num">{number(row.users)}</td>
                        {columns.map(k => {
                          const r = row.retention[k] ?? null
                          const a = row.active[k] ?? null
                          return (
                            <td key={k} className={`num heat ${heat(r)}`}>
                              {r === null ? <><span aria-hidden="true">·</span><span className="sr-only">{t('cohorts.future')}</span></> : <>{percent(r)} <small>({number(a ?? 0)})</small></>}
                            </td>
                          )
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        )}
      </Status>
    </>
  )
}
