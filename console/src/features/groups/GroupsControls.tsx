import type { ReactNode } from 'react'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { CHART_METRICS, INTERVALS, LEVELS, SIZES, type GroupsState, type Level } from './state.ts'

/** Levels, date interval, top-N and the chart's metric; each change goes to the address at once. */
export function GroupsControls ({ state, onChange }: { state: GroupsState, onChange: (patch: Partial<GroupsState>) => void }): ReactNode {
  const { t } = useI18n()
  const levelName = (l: Level): string => t(`groups.level.${l}` as MessageKey)
  const hasDate = state.by === 'date' || state.then === 'date'
  const hasField = state.by !== 'date' || (state.then !== '' && state.then !== 'date')
  return (
    <fieldset className="form-row group-controls">
      <legend className="sr-only">{t('groups.controls')}</legend>
      <label htmlFor="group-by">{t('groups.by')}</label>
      <select id="group-by" value={state.by} onChange={e => { const by = e.target.value as Level; onChange({ by, then: state.then === by ? '' : state.then }) }}>
        {LEVELS.map(l => <option key={l} value={l}>{levelName(l)}</option>)}
      </select>
      <label htmlFor="group-then">{t('groups.then')}</label>
      <select id="group-then" value={state.then} onChange={e => onChange({ then: e.target.value as Level | '' })}>
        <option value="">{t('groups.none')}</option>
        {LEVELS.filter(l => l !== state.by).map(l => <option key={l} value={l}>{levelName(l)}</option>)}
      </select>
      {hasDate && (
        <>
          <label htmlFor="group-interval">{t('groups.interval')}</label>
          <select id="group-interval" value={state.interval} onChange={e => onChange({ interval: e.target.value as GroupsState['interval'] })}>
            {INTERVALS.map(i => <option key={i} value={i}>{t(`groups.interval.${i}` as MessageKey)}</option>)}
          </select>
        </>
      )}
      {hasField && (
        <>
          <label htmlFor="group-size">{t('groups.size')}</label>
          <select id="group-size" value={state.size} onChange={e => onChange({ size: Number(e.target.value) })}>
            {SIZES.map(n => <option key={n} value={n}>{n}</option>)}
          </select>
        </>
      )}
      <label htmlFor="group-metric">{t('groups.chartMetric')}</label>
      <select id="group-metric" value={state.metric} onChange={e => onChange({ metric: e.target.value as GroupsState['metric'] })}>
        {CHART_METRICS.map(m => <option key={m} value={m}>{t(`groups.metric.${m}` as MessageKey)}</option>)}
      </select>
    </fieldset>
  )
}
