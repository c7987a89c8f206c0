import type { ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import type { MoneyRow } from '../features/users/types.ts'

/** A definition list of labelled facts. */
export function Facts ({ items }: { items: Array<[string, ReactNode]> }): ReactNode {
  return <dl className="facts">{items.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
}

export function MoneyTable ({ rows }: { rows: MoneyRow[] }): ReactNode {
  const { t, number } = useI18n()
  if (rows.length === 0) return null
  return (
    <table className="data">
      <caption>{t('session.money')}</caption>
      <thead><tr><th scope="col">{t('session.currency')}</th><th scope="col" className="num">{t('session.moneyIn')}</th><th scope="col" className="num">{t('session.moneyOut')}</th><th scope="col" className="num">{t('session.net')}</th></tr></thead>
      <tbody>{rows.map(r => <tr key={r.currency}><th scope="row">{r.currency}</th><td className="num">{number(r.in)}</td><td className="num">{number(r.out)}</td><td className="num">{number(r.net)}</td></tr>)}</tbody>
    </table>
  )
}

export const counts = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')
