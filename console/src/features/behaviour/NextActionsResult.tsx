import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useFormats } from '../../components/formats.ts'
import { HBars } from '../../components/HBars.tsx'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { Facts } from '../../components/Facts.tsx'
import { Truncated } from './Truncated.tsx'
import type { NextActions } from './types.ts'

/** The next actions after one action: occurrences, how many were followed, and the most frequent next actions. */
export function NextActionsResult ({ body }: { body: object }): ReactNode {
  const { t, number } = useI18n()
  const { percent } = useFormats()
  const value = useApi(JSON.stringify(body), signal => api<NextActions>('/v1/behaviour/next-actions', { body, signal }))
  return (
    <Status value={value}>
      {r => (
        <section aria-labelledby="next-result">
          <h2 id="next-result">{t('next.result', { action: r.action })}</h2>
          <Truncated bounds={r.bounds} />
          <Facts items={[
            [t('next.occurrences'), number(r.occurrences)],
            [t('next.followed'), number(r.followed)],
            [t(r.sameSession ? 'next.endedSession' : 'next.ended'), `${number(r.ended)} (${percent(r.endedShare)})`]
          ]} />
          <HBars title={t('next.chart', { action: r.action })} bars={r.next.map(n => ({ key: n.action, label: n.action, value: n.count, text: `${number(n.count)} (${percent(n.share)})` }))} />
          <table className="data">
            <caption>{t('next.table', { action: r.action })}</caption>
            <thead><tr><th scope="col">{t('next.action')}</th><th scope="col" className="num">{t('common.count')}</th><th scope="col" className="num">{t('next.share')}</th></tr></thead>
            <tbody>
              {r.next.map(n => <tr key={n.action}><th scope="row">{n.action}</th><td className="num">{number(n.count)}</td><td className="num">{percent(n.share)}</td></tr>)}
              {r.otherCount > 0 && <tr className="rest"><th scope="row">{t('next.others', { n: r.otherActions })}</th><td className="num">{number(r.otherCount)}</td><td className="num">{percent(r.occurrences === 0 ? null : r.otherCount / r.occurrences)}</td></tr>}
            </tbody>
          </table>
        </section>
      )}
    </Status>
  )
}
