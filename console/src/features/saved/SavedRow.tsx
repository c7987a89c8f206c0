import { useState, type FormEvent, type ReactNode } from 'react'
import { ApiError } from '../../api/client.ts'
import { BASE } from '../../app/router.ts'
import { can, useMe } from '../../auth/me.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { Link } from '../../components/Link.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { inputOf, savedApi } from './api.ts'
import { discoverPath } from './mapping.ts'
import type { SavedSearch } from './types.ts'

interface Props { search: SavedSearch, onStart: () => void, onDone: (notice: string) => void, onReload: () => void }

/** One saved search: open it in Discover; its owner (or an admin) renames it in place or deletes it. */
export function SavedRow ({ search: s, onStart, onDone, onReload }: Props): ReactNode {
  const { t, dateTime } = useI18n()
  const me = useMe()
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState(s.name)
  const [deleting, setDeleting] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Error | null>(null)
  const mine = s.owner === me.keyId || can(me, 'admin')
  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true); setError(null); onStart()
    try { await work() } catch (err) { setError(err as Error); setDeleting(false) } finally { setBusy(false) }
  }
  const rename = (e: FormEvent): void => {
    e.preventDefault()
    void run(async () => { await savedApi.update(s, { ...inputOf(s), name: name.trim() }); onDone(t('saved.renamed', { name: name.trim() })) })
  }
  const remove = (): void => { void run(async () => { await savedApi.remove(s); onDone(t('saved.deleted', { name: s.name })) }) }
  const conflict = error instanceof ApiError && error.status === 409
  return (
    <>
      <tr>
        <th scope="row">
          {renaming
            ? (
              <form className="inline-form" onSubmit={rename} onKeyDown={e => { if (e.key === 'Escape') setRenaming(false) }}>
                <label htmlFor={`rename-${s.id}`} className="sr-only">{t('saved.newName', { name: s.name })}</label>
                <input id={`rename-${s.id}`} value={name} onChange={e => setName(e.target.value)} maxLength={200} required autoFocus />
                <button type="submit" disabled={busy || name.trim() === ''}>{t('common.save')}</button>
                <button type="button" onClick={() => { setRenaming(false); setName(s.name) }}>{t('common.cancel')}</button>
              </form>
              )
            : <>{s.name}{s.description !== undefined && <span className="muted block">{s.description}</span>}</>}
        </th>
        <td><code>{s.query ?? ''}</code></td>
        <td>{s.timeRange === undefined ? '—' : `${s.timeRange.from} → ${s.timeRange.to ?? 'now'}`}</td>
        <td>{s.shared ? t('saved.shared') : t('saved.private')}</td>
        <td>{s.owner === me.keyId ? t('saved.you') : <code>{s.owner}</code>}</td>
        <td>{dateTime(s.updated_at)}</td>
        <td className="actions">
          <Link to={`${BASE}${discoverPath(s)}`} label={t('saved.openNamed', { name: s.name })}>{t('common.open')}</Link>
          {mine && !renaming && <button type="button" aria-label={t('saved.renameNamed', { name: s.name })} onClick={() => { setRenaming(true); setError(null) }}>{t('common.rename')}</button>}
          {mine && <button type="button" aria-label={t('saved.deleteNamed', { name: s.name })} onClick={() => setDeleting(true)}>{t('common.delete')}</button>}
        </td>
      </tr>
      {error !== null && (
        <tr>
          <td colSpan={7}>
            {conflict
              ? (
                <div role="alert" className="error conflict">
                  <p>{t('saved.conflict', { name: s.name })}</p>
                  <p className="muted">{error.message}</p>
                  <button type="button" onClick={onReload}>{t('saved.reload')}</button>
                </div>
                )
              : <ErrorBox error={error} />}
          </td>
        </tr>
      )}
      {deleting && (
        <Confirm
          title={t('saved.deleteTitle', { name: s.name })} message={<p>{t('saved.deleteText')}</p>} action={t('common.delete')} busy={busy}
          onConfirm={remove} onCancel={() => setDeleting(false)}
        />
      )}
    </>
  )
}
