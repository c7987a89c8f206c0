import { useEffect, useState, type ReactNode } from 'react'
import { useMe } from '../../auth/me.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { choicesFor, PARAMS, type Kind } from './state.ts'

interface Props { kind: Kind, params: Record<string, string>, onSubmit: (params: Record<string, string>) => void }

/** The main parameters of one signal, applied together when the form is sent; a masked reader groups by no personal field. */
export function SignalParams ({ kind, params, onSubmit }: Props): ReactNode {
  const { t } = useI18n()
  const me = useMe()
  const [values, setValues] = useState(params)
  const key = JSON.stringify(params)
  useEffect(() => setValues(JSON.parse(key) as Record<string, string>), [key])
  return (
    <form className="panel form-row signal-params" onSubmit={e => { e.preventDefault(); onSubmit(values) }} aria-labelledby="signal-params-title">
      <h2 id="signal-params-title" className="sr-only">{t('signals.params')}</h2>
      {PARAMS[kind].map(def => {
        const id = `param-${def.name}`
        const label = t(`signals.param.${kind}.${def.name}` as MessageKey)
        const value = values[def.name] ?? def.fallback
        const set = (v: string): void => setValues({ ...values, [def.name]: v })
        return (
          <span key={def.name} className="param">
            <label htmlFor={id}>{label}</label>
            {def.type === 'select' && (
              <select id={id} value={value} onChange={e => set(e.target.value)}>
                {choicesFor(def, me.masked).map(c => <option key={c} value={c}>{t(`signals.by.${c}` as MessageKey)}</option>)}
              </select>
            )}
            {def.type === 'number' && <input id={id} type="number" min={def.min} max={def.max} value={value} onChange={e => set(e.target.value)} required />}
            {def.type === 'duration' && (
              <input id={id} value={value} onChange={e => set(e.target.value)} pattern="[1-9][0-9]{0,6}[smhdw]" title={t('signals.durationHint')} aria-describedby="duration-hint" spellCheck={false} required size={6} />
            )}
          </span>
        )
      })}
      {PARAMS[kind].some(d => d.type === 'duration') && <span id="duration-hint" className="muted">{t('signals.durationHint')}</span>}
      <button type="submit">{t('signals.find')}</button>
    </form>
  )
}
