import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { api, ApiError } from '../api/client.ts'
import type { AuthMethods, Me } from '../api/types.ts'
import { session } from './session.ts'
import { useI18n } from '../i18n/i18n.tsx'

/** Where single sign-on begins; the provider's answer brings the person back to this same view. */
function ssoHref (): string {
  // Browsers leave a backslash unencoded in a query; the API takes printable ASCII without one.
  const here = (window.location.pathname + window.location.search).replace(/\\/g, '%5C')
  const back = here.startsWith('/console/') && here.length < 1900 ? here : '/console/'
  return `/v1/auth/oidc/login?return_to=${encodeURIComponent(back)}`
}

/**
 * Offers single sign-on when the API has it; asks for an API key otherwise or besides, checks it against
 * /v1/me, and keeps it for this tab only.
 */
export function SignIn ({ onSignedIn }: { onSignedIn: (me: Me) => void }): ReactNode {
  const { t } = useI18n()
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [sso, setSso] = useState(false)
  useEffect(() => { api<AuthMethods>('/v1/auth/methods').then(m => setSso(m.sso), () => setSso(false)) }, [])
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
        {sso && <a className="sso" href={ssoHref()}>{t('signIn.sso')}</a>}
        {sso && <p className="or">{t('signIn.orKey')}</p>}
        <p>{t('signIn.intro')}</p>
        <label htmlFor="api-key">{t('signIn.key')}</label>
        <input id="api-key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={e => setKey(e.target.value)} required />
        {error !== null && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || key.trim() === ''}>{t('signIn.submit')}</button>
      </form>
    </main>
  )
}
