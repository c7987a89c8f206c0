import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useFormats } from '../../components/formats.ts'
import { HBars } from '../../components/HBars.tsx'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { Truncated } from './Truncated.tsx'
import type { Funnel } from './types.ts'

/** Users reaching each step, conversions and the median time between steps, as charts and a table. */
export function FunnelResult ({ body }: { body: object }): ReactNode {
  const { t, number } = useI18n()
  const { percent, duration } = useFormats()
  const value = useApi(JSON.stringify(body), signal => api<Funnel>('/v1/behaviour/funnel', { body, signal }))
  return (
    <Status value={value}>
      {f => {
        // A no-break space keeps the step's number with its first action when the name wraps.
        const name = (s: Funnel['steps'][number]): string => `${s.step}.\u00a0${s.actions.join(', ')}`
        return (
          <section aria-labelledby="funnel-result" className="funnel-result">
            <h2 id="funnel-result">{t('funnel.result')}</h2>
            <Truncated bounds={f.bounds} />
            <div className="chart-pair">
              <HBars title={t('funnel.chartUsers')} bars={f.steps.map(s => ({
                key: String(s.step), label: name(s), value: s.users,
                text: t('funnel.usersShare', { users: s.users, share: percent(s.conversionFromFirst) })
              }))} />
              <HBars title={t('funnel.chartTime')} bars={f.steps.slice(1).map(s => ({
                key: String(s.step), label: t('funnel.between', { from: s.step - 1, to: s.step }), value: s.medianMsFromPrevious ?? 0, text: duration(s.medianMsFromPrevious)
              }))} />
            </div>
            <table className="data funnel-table">
              <caption>{t('funnel.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('funnel.stepCol')}</th>
                  <th scope="col" className="num">{t('funnel.users')}</th>
                  <th scope="col" className="num">{t('funnel.fromPrevious')}</th>
                  <th scope="col" className="num">{t('funnel.fromFirst')}</th>
                  <th scope="col" className="num">{t('funnel.median')}</th>
                </tr>
              </thead>
              <tbody>
                {f.steps.map(s => (
                  <tr key={s.step}>
                    <th scope="row">{name(s)}</th>
                    <td className="num">{number(s.users)}</td>
                    <td className="num">{percent(s.conversionFromPrevious)}</td>
                    <td className="num">{percent(s.conversionFromFirst)}</td>
                    <td className="num">{duration(s.medianMsFromPrevious)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )
      }}
    </Status>
  )
}
