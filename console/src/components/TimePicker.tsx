import { useEffect, useState, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/catalogue.ts'

const QUICK: Array<{ from: string, label: MessageKey }> = [
  { from: 'now-15m', label: 'time.last15m' }, { from: 'now-1h', label: 'time.last1h' }, { from: 'now-24h', label: 'time.last24h' },
  { from: 'now-7d', label: 'time.last7d' }, { from: 'now-30d', label: 'time.last30d' }, { from: 'now-90d', label: 'time.last90d' },
  { from: 'now/d', label: 'time.today' }
]

interface Props { from: string, to: string, zone?: string | undefined, onChange: (from: string, to: string) => void }

/** Quick ranges, or any ISO time or Kibana date math in the two fields; the zone is `zone`, else the person's. */
export function TimePicker ({ from, to, zone, onChange }: Props): ReactNode {
  const { t, timeZone: own } = useI18n()
  const timeZone = zone ?? own
  const [f, setF] = useState(from)
  const [u, setU] = useState(to)
  useEffect(() => { setF(from); setU(to) }, [from, to])
  const quick = QUICK.find(q => q.from === from && to === 'now')?.from ?? ''
  return (
    <fieldset className="time-picker">
      <legend>{t('time.label')} <span className="muted">({timeZone})</span></legend>
      <label htmlFor="quick-range" className="sr-only">{t('time.quick')}</label>
      <select id="quick-range" value={quick} onChange={e => { if (e.target.value !== '') onChange(e.target.value, 'now') }}>
        <option value="">{t('time.quick')}</option>
        {QUICK.map(q => <option key={q.from} value={q.from}>{t(q.label)}</option>)}
      </select>
      <form onSubmit={e => { e.preventDefault(); onChange(f.trim(), u.trim()) }}>
        <label htmlFor="period-from">{t('time.from')}</label>
        <input id="period-from" value={f} onChange={e => setF(e.target.value)} title={t('time.hint')} spellCheck={false} required />
        <label htmlFor="period-to">{t('time.to')}</label>
        <input id="period-to" value={u} onChange={e => setU(e.target.value)} title={t('time.hint')} spellCheck={false} required />
        <button type="submit">{t('time.apply')}</button>
      </form>
    </fieldset>
  )
}
