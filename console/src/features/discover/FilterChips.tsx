import { useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { CATEGORIES, DEVICE_TYPES, LEVELS, OUTCOMES } from '../../api/enums.ts'
import { FILTER_KINDS, type DiscoverState, type FilterKind } from '../../app/discover-state.ts'

// Values the API accepts for the closed filters, offered as choices.
const CHOICES: Partial<Record<FilterKind, readonly string[]>> = { category: CATEGORIES, outcome: OUTCOMES, importance: LEVELS, device: DEVICE_TYPES }

type Filter = DiscoverState['filters'][number]

/** The structured filters as removable chips, and a small form to add one. */
export function FilterChips ({ filters, onChange }: { filters: Filter[], onChange: (f: Filter[]) => void }): ReactNode {
  const { t } = useI18n()
  const [kind, setKind] = useState<FilterKind>('category')
  const [value, setValue] = useState('')
  const label = (k: FilterKind): string => t(`filters.${k}` as MessageKey)
  const choices = CHOICES[kind]
  return (
    <section className="filters" aria-label={t('filters.label')}>
      <ul className="chips">
        {filters.map((f, i) => (
          <li key={`${f.kind}=${f.value}`} className="chip">
            <span>{label(f.kind)}: <strong>{f.value}</strong></span>
            <button type="button" aria-label={t('common.remove', { name: `${label(f.kind)}: ${f.value}` })} onClick={() => onChange(filters.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ul>
      <form className="add-filter" onSubmit={e => { e.preventDefault(); if (value.trim() !== '') { onChange([...filters, { kind, value: value.trim() }]); setValue('') } }}>
        <label htmlFor="filter-kind">{t('filters.kind')}</label>
        <select id="filter-kind" value={kind} onChange={e => { setKind(e.target.value as FilterKind); setValue('') }}>
          {FILTER_KINDS.map(k => <option key={k} value={k}>{label(k)}</option>)}
        </select>
        <label htmlFor="filter-value">{t('filters.value')}</label>
        {choices === undefined
          ? <input id="filter-value" value={value} onChange={e => setValue(e.target.value)} inputMode={kind.startsWith('amount') ? 'decimal' : undefined} />
          : (
            <select id="filter-value" value={value} onChange={e => setValue(e.target.value)}>
              <option value="" />
              {choices.map(c => <option key={c} value={c}>{c}</option>)}
            </select>
            )}
        <button type="submit">{t('filters.add')}</button>
      </form>
    </section>
  )
}
