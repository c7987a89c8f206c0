import { useState, type FormEvent, type ReactNode } from 'react'
import { api, ApiError } from '../api/client.ts'
import type { Me } from '../api/types.ts'
import { session } from './session.ts'
import { useI18n } from '../i18n/i18n.tsx'

/** Asks for an API key, checks it against /v1/me, and keeps it for this tab only. */
export function SignIn ({ onSignedIn }: { onSignedIn: (me: Me) => void }): ReactNode {
  const { t } = useI18n()
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const me = await api<Me>('/v1/me', { key: key.trim() })
      session.signIn(key.trim())
      onSignedIn(me)
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? t('signIn.noRead') : t('signIn.refused', { message: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }
  return (
    <main className="sign-in" id="main">
      <form onSubmit={e => { void submit(e) }} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p>{t('signIn.intro')}</p>
        <label htmlFor="api-key">{t('signIn.key')}</label>
        <input id="api-key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={e => setKey(e.target.value)} required />
        {error !== null && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || key.trim() === ''}>{t('signIn.submit')}</button>
      </form>
    </main>
  )
}
