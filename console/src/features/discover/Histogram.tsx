import type { ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import type { AggregateResponse } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'
import { BarChart, type Bar } from '../../components/BarChart.tsx'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { histogramInterval } from '../../app/period.ts'
import { toFilters, type DiscoverState } from '../../app/discover-state.ts'

/** Matching events over the period; clicking a bar or dragging across bars narrows the period to them. */
export function Histogram ({ state, onZoom, refresh = 0 }: { state: DiscoverState, onZoom: (from: string, to: string) => void, refresh?: number }): ReactNode {
  const { t, timeZone, dateTime } = useI18n()
  const interval = histogramInterval(state.from, state.to)
  const body = {
    filters: toFilters(state, timeZone),
    ...(state.query.trim() === '' ? {} : { query: state.query }),
    timeZone,
    groupBy: [{ field: 'date', interval: interval.name }]
  }
  const value = useApi(`${refresh}|${JSON.stringify(body)}`, signal => api<AggregateResponse>('/v1/events/aggregate', { body, signal }))
  // A query or filters refused (400) are reported once, above the table, as the search is refused them too; any
  // other failure, such as too many bars, is the histogram's own.
  const refused = value.state === 'error' && value.error instanceof ApiError && value.error.status === 400 && !value.error.errors.some(e => e.path.startsWith('/groupBy'))
  return (
    <section className="histogram" aria-label={t('histogram.label')}>
      {!refused && <Status value={value}>
        {data => {
          const bars: Bar[] = data.groups.map(g => ({ key: String(g.key), label: dateTime(String(g.key)), value: g.count }))
          return (
            <>
              <p className="muted">{t('histogram.zoom')}</p>
              <BarChart
                bars={bars} title={t('histogram.label')}
                describe={b => t('histogram.bar', { time: b.label, count: b.value })}
                onSelect={(first, last) => {
                  const next = bars[bars.indexOf(last) + 1]
                  const end = next === undefined ? Date.parse(last.key) + interval.ms - 1 : Date.parse(next.key) - 1
                  onZoom(new Date(Date.parse(first.key)).toISOString(), new Date(end).toISOString())
                }}
              />
            </>
          )
        }}
      </Status>}
    </section>
  )
}
