import type { ReactNode } from 'react'
import type { AggregateResponse, Group } from '../../api/types.ts'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useFormats } from '../../components/formats.ts'
import { useKeyLabel } from './keys.ts'
import type { GroupsState } from './state.ts'

/** Groups with their counts and metrics; a second level becomes indented rows under each group. */
export function GroupsTable ({ data, state }: { data: AggregateResponse, state: GroupsState }): ReactNode {
  const { t, number } = useI18n()
  const { decimal } = useFormats()
  const label = useKeyLabel(state)
  const two = state.then !== ''
  const level1 = t(`groups.level.${state.by}` as MessageKey)
  const level2 = two ? t(`groups.level.${state.then}` as MessageKey) : ''
  const figures = (g: Group): ReactNode => (
    <>
      <td className="num">{number(g.count)}</td>
      <td className="num">{number(g.metrics?.uniqueUsers ?? 0)}</td>
      <td className="num">{number(g.metrics?.amount?.sum ?? 0)}</td>
      <td className="num">{g.metrics?.amount?.avg == null ? '—' : decimal(g.metrics.amount.avg)}</td>
    </>
  )
  const rest = (key: string, text: string, count: number): ReactNode => count === 0 ? null : (
    <tr key={key} className="rest"><th scope="row" colSpan={two ? 2 : 1}>{text}</th><td className="num">{number(count)}</td><td colSpan={3} /></tr>
  )
  return (
    <table className="data groups-table">
      <caption>{two ? t('groups.tableTwo', { level1: level1.toLocaleLowerCase(), level2: level2.toLocaleLowerCase() }) : t('groups.tableOne', { level: level1.toLocaleLowerCase() })}</caption>
      <thead>
        <tr>
          <th scope="col">{level1}</th>
          {two && <th scope="col">{level2}</th>}
          <th scope="col" className="num">{t('groups.metric.count')}</th>
          <th scope="col" className="num">{t('groups.metric.uniqueUsers')}</th>
          <th scope="col" className="num">{t('groups.metric.amount')}</th>
          <th scope="col" className="num">{t('groups.amountAvg')}</th>
        </tr>
      </thead>
      {data.groups.map(g => {
        const name = label(state.by, g.key)
        return (
          <tbody key={String(g.key)}>
            <tr className={two ? 'group-row' : undefined}>
              <th scope="row">{name}</th>
              {two && <td className="muted">{t('groups.all')}</td>}
              {figures(g)}
            </tr>
            {two && (g.groups ?? []).map(sub => (
              <tr key={String(sub.key)} className="sub-row">
                <td><span className="sr-only">{name}</span></td>
                <th scope="row">{label(state.then, sub.key)}</th>
                {figures(sub)}
              </tr>
            ))}
            {two && rest('other', t('groups.other'), g.otherCount ?? 0)}
            {two && rest('missing', t('groups.missing'), g.missingCount ?? 0)}
          </tbody>
        )
      })}
      <tbody>
        {rest('other', t('groups.other'), data.otherCount)}
        {rest('missing', t('groups.missing'), data.missingCount)}
      </tbody>
    </table>
  )
}
