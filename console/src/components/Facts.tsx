import type { ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import type { MoneyRow } from '../features/users/types.ts'

/** A definition list of labelled facts. */
export function Facts ({ items }: { items: Array<[string, ReactNode]> }): ReactNode {
  return <dl className="facts">{items.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
}

/** Values the API listed (the first of them, `shown`), and how many more there are in all (`count`). */
export function Listed ({ values, count, shown = values.length }: { values: string[], count: number, shown?: number }): ReactNode {
  const { t } = useI18n()
  const listed = values.slice(0, shown)
  return <>{listed.join(', ')}{count > listed.length && <span className="muted"> {t('facts.more', { count: count - listed.length })}</span>}</>
}

/** Money per currency: in and out of the user's balance, net, and amounts of actions without a direction. */
export function MoneyTable ({ rows }: { rows: MoneyRow[] }): ReactNode {
  const { t, number } = useI18n()
  if (rows.length === 0) return null
  return (
    <table className="data">
      <caption>{t('session.money')}</caption>
      <thead><tr><th scope="col">{t('session.currency')}</th><th scope="col" className="num">{t('session.moneyIn')}</th><th scope="col" className="num">{t('session.moneyOut')}</th><th scope="col" className="num">{t('session.net')}</th><th scope="col" className="num">{t('session.other')}</th></tr></thead>
      <tbody>{rows.map(r => <tr key={r.currency}><th scope="row">{r.currency}</th><td className="num">{number(r.in)}</td><td className="num">{number(r.out)}</td><td className="num">{number(r.net)}</td><td className="num">{number(r.other)}</td></tr>)}</tbody>
    </table>
  )
}

export const counts = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')
