import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { api, ApiError, onUnauthorised, request } from '../api/client.ts'
import { forgetFields } from '../api/fields.ts'
import type { Me } from '../api/types.ts'
import { MeContext, SwitchKeyContext } from '../auth/me.tsx'
import { session } from '../auth/session.ts'
import { SignIn } from '../auth/SignIn.tsx'
import { Unconfirmed } from '../auth/Unconfirmed.tsx'
import { useI18n } from '../i18n/i18n.tsx'
import { Shell } from './Shell.tsx'
import { Views } from './Views.tsx'

/** Signed in (a key in this tab's session, or a single sign-on session, and its identity from /v1/me) or the sign-in form. */
export function App (): ReactNode {
  const { t } = useI18n()
  const [me, setMe] = useState<Me | null>(null)
  const [checking, setChecking] = useState(true)
  const [unconfirmed, setUnconfirmed] = useState<Error | null>(null)
  const [signOutError, setSignOutError] = useState<Error | null>(null)
  const forget = (): void => { session.signOut(); forgetFields(); setSignOutError(null); setMe(null) }
  const signedIn = (next: Me): void => {
    if (next.session !== undefined) session.useSso(next.session.csrfToken)
    setMe(next)
  }
  // A single sign-on session also ends on the server; a key is only forgotten by this tab. While the server's
  // session lives, the tab stays signed in and says that signing out failed.
  const signOut = (): void => {
    if (session.key() !== null) return forget()
    setSignOutError(null)
    request('/v1/auth/logout', { method: 'POST' }).then(forget, (err: Error) => setSignOutError(err))
  }
  // From now on every request carries the new key; the identity (its key id) is read with it.
  const switchKey = useCallback(async (key: string): Promise<void> => {
    session.signIn(key)
    setMe(await api<Me>('/v1/me'))
  }, [])
  useEffect(() => onUnauthorised(forget), [])
  // The key of this tab, or else the session cookie (which no script can see) if there is one. Only a refusal
  // signs out (401, or 403: a key without read); an outage or a limit keeps the key for a retry.
  const check = useCallback((): void => {
    setChecking(true)
    setUnconfirmed(null)
    api<Me>('/v1/me').then(signedIn, (err: Error) => {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) session.signOut()
      else setUnconfirmed(err)
    }).finally(() => setChecking(false))
  }, [])
  useEffect(check, [check])
  if (checking) return <p role="status">{t('common.loading')}</p>
  if (unconfirmed !== null) return <Unconfirmed error={unconfirmed} onRetry={check} />
  if (me === null) return <SignIn onSignedIn={signedIn} />
  return (
    <MeContext.Provider value={me}>
      <SwitchKeyContext.Provider value={switchKey}>
        <Shell onSignOut={signOut} signOutError={signOutError}><Views /></Shell>
      </SwitchKeyContext.Provider>
    </MeContext.Provider>
  )
}
