import { useState, type FormEvent, type ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { RulesTable } from './types.ts'
import { BusyButton } from '../../components/BusyButton.tsx'

interface Props { table: RulesTable, onSaved: (t: RulesTable) => void, onCancel: () => void, onReload: () => void }

/**
 * The rule table as JSON, sent back with the version it was read at: a change made by someone else since then is
 * a 409, explained, and nothing is overwritten; reloading brings the current table into the editor to reapply the change.
 */
export function RulesEditor ({ table, onSaved, onCancel, onReload }: Props): ReactNode {
  const { t } = useI18n()
  const [text, setText] = useState(() => JSON.stringify(table.rules, null, 2))
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setError(null)
    let rules: unknown
    try { rules = JSON.parse(text) } catch (err) { setError(new Error(t('rules.badJson', { message: (err as Error).message }))); return }
    setBusy(true)
    try { onSaved(await api<RulesTable>('/v1/importance-rules', { method: 'PUT', body: { version: table.version, rules } })) } catch (err) { setError(err as Error) } finally { setBusy(false) }
  }
  const conflict = error instanceof ApiError && error.status === 409
  return (
    <form className="panel rules-editor" onSubmit={e => { void save(e) }}>
      <label htmlFor="rules-json">{t('rules.json', { version: table.version })}</label>
      <p id="rules-json-hint" className="muted">{t('rules.jsonHint')}</p>
      <textarea id="rules-json" value={text} onChange={e => setText(e.target.value)} rows={20} spellCheck={false} aria-describedby="rules-json-hint" aria-invalid={error !== null && !conflict} />
      {conflict
        ? (
          <div role="alert" className="error conflict">
            <p><strong>{t('rules.conflict')}</strong></p>
            <p>{error.message}</p>
            <button type="button" onClick={onReload}>{t('rules.reload')}</button>
          </div>
          )
        : error !== null && <ErrorBox error={error} />}
      <div className="form-row">
        <BusyButton type="submit" busy={busy}>{t('rules.save')}</BusyButton>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  )
}
