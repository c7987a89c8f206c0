import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { fields } from '../api/fields.ts'
import type { FieldInfo } from '../api/types.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { suggestions, tokenAt } from '../api/suggest.ts'

interface Props {
  value: string
  /** The period value suggestions are counted over; `zone`: the view's own zone (a saved search's), else the person's. */
  period: { from: string, to: string, zone?: string }
  /** Position (0-based) of a syntax error the API reported in this query. */
  errorAt?: number
  onSubmit: (query: string) => void
}

/** KQL input with field and value suggestions (an ARIA combobox) and the error marked where the API found it. */
export function QueryBar ({ value, period, errorAt, onSubmit }: Props): ReactNode {
  const { t, timeZone } = useI18n()
  const [text, setText] = useState(value)
  const [items, setItems] = useState<string[]>([])
  const [active, setActive] = useState(-1)
  const [all, setAll] = useState<FieldInfo[]>([])
  const input = useRef<HTMLInputElement>(null)
  // The suggestions being fetched: a newer keystroke cancels them, so a slow older answer never replaces newer ones.
  const pending = useRef<AbortController | null>(null)
  // Leaving the field closes the list a moment later (a click on a suggestion lands first); coming back cancels it.
  const closing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => setText(value), [value])
  useEffect(() => { fields().then(setAll, () => setAll([])) }, [])

  const refresh = (q: string, caret: number): void => {
    pending.current?.abort()
    const controller = new AbortController()
    pending.current = controller
    const token = tokenAt(q, caret)
    if (token.field === undefined && token.prefix.length < 1) { setItems([]); return }
    suggestions(all, token, { from: period.from, to: period.to, timeZone: period.zone ?? timeZone }, controller.signal).then(
      s => { if (!controller.signal.aborted) { setItems(s); setActive(-1) } },
      () => { if (!controller.signal.aborted) setItems([]) }
    )
  }
  const accept = (s: string): void => {
    const el = input.current
    const caret = el?.selectionStart ?? text.length
    const token = tokenAt(text, caret)
    const next = text.slice(0, token.start) + s + (s.endsWith(':') ? '' : ' ') + text.slice(caret)
    setText(next)
    setItems([])
    requestAnimationFrame(() => { el?.focus(); const pos = token.start + s.length + (s.endsWith(':') ? 0 : 1); el?.setSelectionRange(pos, pos); if (s.endsWith(':')) refresh(next, pos) })
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (items.length > 0 && e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % items.length) } else if (items.length > 0 && e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + items.length) % items.length) } else if (e.key === 'Escape') setItems([])
    else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0 && items[active] !== undefined) { e.preventDefault(); accept(items[active]) }
  }

  return (
    <form className="query-bar" role="search" onSubmit={e => { e.preventDefault(); setItems([]); onSubmit(text) }}>
      <label htmlFor="kql">{t('query.label')}</label>
      <div className="combo">
        <input
          id="kql" ref={input} type="search" value={text} placeholder={t('query.placeholder')} spellCheck={false} autoComplete="off"
          role="combobox" aria-expanded={items.length > 0} aria-controls="kql-suggestions" aria-autocomplete="list"
          aria-activedescendant={active >= 0 ? `kql-s-${active}` : undefined} aria-invalid={errorAt !== undefined}
          aria-describedby={errorAt !== undefined ? 'kql-error' : undefined}
          onChange={e => { setText(e.target.value); refresh(e.target.value, e.target.selectionStart ?? e.target.value.length) }}
          onKeyDown={onKey} onFocus={() => clearTimeout(closing.current)} onBlur={() => { closing.current = setTimeout(() => setItems([]), 150) }}
        />
        {items.length > 0 && (
          <ul id="kql-suggestions" role="listbox" aria-label={t('query.suggestions')} className="suggestions">
            {items.map((s, i) => (
              <li key={s} id={`kql-s-${i}`} role="option" aria-selected={i === active} onMouseDown={e => { e.preventDefault(); accept(s) }}>{s}</li>
            ))}
          </ul>
        )}
      </div>
      <button type="submit">{t('query.submit')}</button>
      {errorAt !== undefined && (
        <p id="kql-error" className="query-error" aria-hidden="true">
          <code>{value.slice(0, errorAt)}<mark>{value.slice(errorAt, errorAt + 1) || ' '}</mark>{value.slice(errorAt + 1)}</code>
        </p>
      )}
    </form>
  )
}
