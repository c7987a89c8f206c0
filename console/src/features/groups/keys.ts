import { useMemo } from 'react'
import type { Group } from '../../api/types.ts'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { dateInterval, type ChartMetric, type GroupsState, type Level } from './state.ts'

/** How a group's key reads: dates in the person's zone at the interval's precision, levels translated. */
export function useKeyLabel (state: GroupsState): (level: Level | '', key: Group['key']) => string {
  const { t, locale, timeZone, dateTime } = useI18n()
  const interval = dateInterval(state).name
  return useMemo(() => {
    const tag = locale === 'fr' ? 'fr-FR' : 'en-GB'
    const date = interval === 'month'
      ? new Intl.DateTimeFormat(tag, { timeZone, month: 'long', year: 'numeric' })
      : interval === 'day' || interval === 'week' ? new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'medium' }) : null
    return (level, key) => {
      if (key === null || key === '') return t('groups.noValue')
      if (level === 'date') return date === null ? dateTime(String(key)) : date.format(new Date(String(key)))
      if (level === 'importance') return t(`level.${String(key)}` as MessageKey)
      return String(key)
    }
  }, [t, locale, timeZone, dateTime, interval])
}

/** The figure of a group that the chart draws. */
export function metricOf (g: Group, metric: ChartMetric): number {
  if (metric === 'uniqueUsers') return g.metrics?.uniqueUsers ?? 0
  if (metric === 'amount') return g.metrics?.amount?.sum ?? 0
  return g.count
}
