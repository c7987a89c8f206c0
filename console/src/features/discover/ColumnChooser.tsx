import { useEffect, useState, type ReactNode } from 'react'
import { fields } from '../../api/fields.ts'
import type { FieldInfo } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'

/** Picks the table's columns among the event fields (message and time included). */
export function ColumnChooser ({ columns, onChange }: { columns: string[], onChange: (c: string[]) => void }): ReactNode {
  const { t } = useI18n()
  const [all, setAll] = useState<FieldInfo[]>([])
  const [filter, setFilter] = useState('')
  useEffect(() => { fields().then(setAll, () => setAll([])) }, [])
  // Multi-fields (user.name.text) index a value stored under another name: as a column they would show nothing.
  const names = [...new Set([...columns, ...all.filter(f => f.multiFieldOf === undefined).map(f => f.name)])].filter(n => n.includes(filter))
  return (
    <details className="columns">
      <summary>{t('results.columns')}</summary>
      <label htmlFor="column-filter" className="sr-only">{t('results.columns')}</label>
      <input id="column-filter" type="search" value={filter} onChange={e => setFilter(e.target.value)} placeholder="user." />
      <ul>
        {names.slice(0, 200).map(name => (
          <li key={name}>
            <label>
              <input type="checkbox" checked={columns.includes(name)} onChange={e => onChange(e.target.checked ? [...columns, name] : columns.filter(c => c !== name))} />
              {name}
            </label>
          </li>
        ))}
      </ul>
    </details>
  )
}
