import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { api, onUnauthorised, request } from '../api/client.ts'
import { forgetFields } from '../api/fields.ts'
import type { Me } from '../api/types.ts'
import { MeContext, SwitchKeyContext } from '../auth/me.tsx'
import { session } from '../auth/session.ts'
import { SignIn } from '../auth/SignIn.tsx'
import { useI18n } from '../i18n/i18n.tsx'
import { Shell } from './Shell.tsx'
import { Views } from './Views.tsx'

/** Signed in (a key in this tab's session, or a single sign-on session, and its identity from /v1/me) or the sign-in form. */
export function App (): ReactNode {
  const { t } = useI18n()
  const [me, setMe] = useState<Me | null>(null)
  const [checking, setChecking] = useState(true)
  const forget = (): void => { session.signOut(); forgetFields(); setMe(null) }
  const signedIn = (next: Me): void => {
    if (next.session !== undefined) session.useSso(next.session.csrfToken)
    setMe(next)
  }
  // A single sign-on session also ends on the server; a key is only forgotten by this tab.
  const signOut = (): void => {
    if (session.key() !== null) return forget()
    request('/v1/auth/logout', { method: 'POST' }).catch(() => undefined).finally(forget)
  }
  // From now on every request carries the new key; the identity (its key id) is read with it.
  const switchKey = useCallback(async (key: string): Promise<void> => {
    session.signIn(key)
    setMe(await api<Me>('/v1/me'))
  }, [])
  useEffect(() => onUnauthorised(forget), [])
  useEffect(() => {
    // The key of this tab, or else the session cookie (which no script can see) if there is one.
    api<Me>('/v1/me').then(signedIn, () => session.signOut()).finally(() => setChecking(false))
  }, [])
  if (checking) return <p role="status">{t('common.loading')}</p>
  if (me === null) return <SignIn onSignedIn={signedIn} />
  return (
    <MeContext.Provider value={me}>
      <SwitchKeyContext.Provider value={switchKey}>
        <Shell onSignOut={signOut}><Views /></Shell>
      </SwitchKeyContext.Provider>
    </MeContext.Provider>
  )
}
