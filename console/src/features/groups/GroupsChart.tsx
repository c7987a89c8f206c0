import type { ReactNode } from 'react'
import type { AggregateResponse } from '../../api/types.ts'
import { BarChart, type Bar } from '../../components/BarChart.tsx'
import { HBars } from '../../components/HBars.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { metricOf, useKeyLabel } from './keys.ts'
import { dateInterval, type GroupsState } from './state.ts'

interface Props { data: AggregateResponse, state: GroupsState, onZoom: (from: string, to: string) => void }

/** The first level as bars of the chosen metric: over time when it is the date (click or drag to zoom), else ranked. */
export function GroupsChart ({ data, state, onZoom }: Props): ReactNode {
  const { t, number } = useI18n()
  const label = useKeyLabel(state)
  const title = t('groups.chartTitle', { metric: t(`groups.metric.${state.metric}` as MessageKey), level: t(`groups.level.${state.by}` as MessageKey).toLocaleLowerCase() })
  if (state.by !== 'date') {
    return (
      <HBars title={title} bars={data.groups.map(g => {
        const value = metricOf(g, state.metric)
        return { key: String(g.key), label: label(state.by, g.key), value, text: number(value) }
      })} />
    )
  }
  const bars: Bar[] = data.groups.map(g => ({ key: String(g.key), label: label('date', g.key), value: metricOf(g, state.metric) }))
  const step = dateInterval(state).ms
  return (
    <figure className="hbars">
      <figcaption>{title}</figcaption>
      <p className="muted hint">{t('histogram.zoom')}</p>
      <BarChart
        bars={bars} title={title} describe={b => `${b.label}: ${number(b.value)}`}
        onSelect={(first, last) => {
          const next = bars[bars.indexOf(last) + 1]
          const end = next !== undefined ? Date.parse(next.key) - 1 : step !== null ? Date.parse(last.key) + step - 1 : null
          onZoom(new Date(Date.parse(first.key)).toISOString(), end === null ? state.to : new Date(end).toISOString())
        }}
      />
    </figure>
  )
}
