import type { ReactNode } from 'react'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { WINDOWS, type BehaviourState } from './state.ts'
import { withChosen } from './useActions.ts'

interface Props { state: BehaviourState, actions: string[], onChange: (patch: Partial<BehaviourState>) => void }

const MAX_STEPS = 10

/** Steps (one action each) to add, remove and reorder, and the conversion window. */
export function FunnelBuilder ({ state, actions, onChange }: Props): ReactNode {
  const { t } = useI18n()
  const { steps } = state
  const options = withChosen(actions, steps)
  const setStep = (i: number, action: string): void => onChange({ steps: steps.map((s, j) => j === i ? action : s) })
  const move = (i: number, by: -1 | 1): void => {
    const next = [...steps]
    const [moved] = next.splice(i, 1)
    next.splice(i + by, 0, moved ?? '')
    onChange({ steps: next })
    // Focus follows the step, so that pressing the same button again keeps moving it.
    const target = i + by
    requestAnimationFrame(() => document.getElementById(`step-${target}-${by < 0 && target > 0 ? 'up' : by > 0 && target < steps.length - 1 ? 'down' : 'select'}`)?.focus())
  }
  return (
    <fieldset className="panel funnel-builder">
      <legend>{t('funnel.steps')}</legend>
      <ol>
        {steps.map((s, i) => (
          <li key={i} className="form-row">
            <label htmlFor={`step-${i}-select`}>{t('funnel.step', { n: i + 1 })}</label>
            <select id={`step-${i}-select`} value={s} onChange={e => setStep(i, e.target.value)}>
              <option value="">{t('behaviour.chooseAction')}</option>
              {options.map(a => <option key={a} value={a}>{a}</option>)}
            </select>
            <button type="button" id={`step-${i}-up`} disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('funnel.moveUp', { n: i + 1 })}>{t('funnel.up')}</button>
            <button type="button" id={`step-${i}-down`} disabled={i === steps.length - 1} onClick={() => move(i, 1)} aria-label={t('funnel.moveDown', { n: i + 1 })}>{t('funnel.down')}</button>
            <button type="button" disabled={steps.length <= 2} onClick={() => onChange({ steps: steps.filter((_, j) => j !== i) })} aria-label={t('funnel.remove', { n: i + 1 })}>{t('funnel.removeShort')}</button>
          </li>
        ))}
      </ol>
      <div className="form-row">
        <button type="button" disabled={steps.length >= MAX_STEPS} onClick={() => onChange({ steps: [...steps, ''] })}>{t('funnel.add')}</button>
        <label htmlFor="funnel-window">{t('funnel.window')}</label>
        <select id="funnel-window" value={state.window} onChange={e => onChange({ window: e.target.value })}>
          {WINDOWS.map(w => <option key={w} value={w}>{t(`window.${w}` as MessageKey)}</option>)}
        </select>
      </div>
    </fieldset>
  )
}
