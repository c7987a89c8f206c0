import { useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { CATEGORIES, DEVICE_TYPES, LEVELS, OUTCOMES } from '../../api/enums.ts'
import { ambiguousAmount, FILTER_KINDS, isAmountKind, parseAmount, type DiscoverState, type FilterKind } from '../../app/discover-state.ts'

// Values the API accepts for the closed filters, offered as choices.
const CHOICES: Partial<Record<FilterKind, readonly string[]>> = { category: CATEGORIES, outcome: OUTCOMES, importance: LEVELS, device: DEVICE_TYPES }

type Filter = DiscoverState['filters'][number]

/** The structured filters as removable chips, and a small form to add one. */
export function FilterChips ({ filters, onChange }: { filters: Filter[], onChange: (f: Filter[]) => void }): ReactNode {
  const { t } = useI18n()
  const [kind, setKind] = useState<FilterKind>('category')
  const [value, setValue] = useState('')
  // Why the value typed was not added (an amount that is not a number), shown by the field.
  const [problem, setProblem] = useState<string | null>(null)
  const label = (k: FilterKind): string => t(`filters.${k}` as MessageKey)
  const choices = CHOICES[kind]
  const add = (): void => {
    const typed = value.trim()
    if (typed === '') return
    const amount = isAmountKind(kind) ? parseAmount(typed) : undefined
    if (amount === null) { setProblem(t(ambiguousAmount(typed) ? 'filters.ambiguousAmount' : 'filters.notAmount', { value: typed })); return }
    // An amount is kept as the API reads it ("1,5" becomes 1.5).
    onChange([...filters, { kind, value: amount === undefined ? typed : String(amount) }])
    setValue('')
  }
  const edit = (next: string): void => { setValue(next); setProblem(null) }
  return (
    <section className="filters" aria-label={t('filters.label')}>
      <ul className="chips">
        {filters.map((f, i) => (
          <li key={`${f.kind}=${f.value}`} className="chip">
            <span>{label(f.kind)}: <strong>{f.value}</strong>{isAmountKind(f.kind) && parseAmount(f.value) === null && <span className="error"> {t('filters.ignored')}</span>}</span>
            <button type="button" aria-label={t('common.remove', { name: `${label(f.kind)}: ${f.value}` })} onClick={() => onChange(filters.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ul>
      <form className="add-filter" onSubmit={e => { e.preventDefault(); add() }}>
        <label htmlFor="filter-kind">{t('filters.kind')}</label>
        <select id="filter-kind" value={kind} onChange={e => { setKind(e.target.value as FilterKind); edit('') }}>
          {FILTER_KINDS.map(k => <option key={k} value={k}>{label(k)}</option>)}
        </select>
        <label htmlFor="filter-value">{t('filters.value')}</label>
        {choices === undefined
          ? (
            <input
              id="filter-value" value={value} onChange={e => edit(e.target.value)} inputMode={isAmountKind(kind) ? 'decimal' : undefined}
              aria-invalid={problem !== null} aria-describedby={problem === null ? undefined : 'filter-problem'}
            />
            )
          : (
            <select id="filter-value" value={value} onChange={e => edit(e.target.value)}>
              <option value="" />
              {choices.map(c => <option key={c} value={c}>{c}</option>)}
            </select>
            )}
        <button type="submit">{t('filters.add')}</button>
        {problem !== null && <p id="filter-problem" role="alert" className="error">{problem}</p>}
      </form>
    </section>
  )
}
