import { useState, type FormEvent, type ReactNode } from 'react'
import { href } from '../../app/router.ts'
import { Link } from '../../components/Link.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { DiscoverState } from '../../app/discover-state.ts'
import { savedApi } from './api.ts'
import { toSaved } from './mapping.ts'

/** Discover's "Save search": names the current view and saves it, private or shared with the tenant. */
export function SaveSearch ({ state }: { state: DiscoverState }): ReactNode {
  const { t, timeZone } = useI18n()
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [shared, setShared] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Error | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true); setError(null)
    try {
      const s = await savedApi.create(toSaved(state, timeZone, name.trim(), shared))
      setSaved(s.name); setOpen(false); setName('')
    } catch (err) { setError(err as Error) } finally { setBusy(false) }
  }
  return (
    <div className="save-search">
      <button type="button" aria-expanded={open} aria-controls="save-search-form" onClick={() => { setOpen(!open); setSaved(null); setError(null) }}>{t('saved.save')}</button>
      {open && (
        <form id="save-search-form" className="popover" aria-label={t('saved.save')} onSubmit={e => { void submit(e) }} onKeyDown={e => { if (e.key === 'Escape') setOpen(false) }}>
          <label htmlFor="save-search-name">{t('common.name')}</label>
          <input id="save-search-name" value={name} onChange={e => setName(e.target.value)} maxLength={200} required autoFocus />
          <label className="check"><input type="checkbox" checked={shared} onChange={e => setShared(e.target.checked)} /> {t('saved.share')}</label>
          {error !== null && <ErrorBox error={error} />}
          <div className="form-row end">
            <button type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
            <button type="submit" disabled={busy || name.trim() === ''}>{t('common.save')}</button>
          </div>
        </form>
      )}
      <span role="status">{saved !== null && <>{t('saved.savedAs', { name: saved })} <Link to={href('/saved')}>{t('saved.seeAll')}</Link></>}</span>
    </div>
  )
}
