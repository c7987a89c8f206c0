import { useEffect, useState, type ReactNode } from 'react'
import { api, onUnauthorised } from '../api/client.ts'
import { forgetFields } from '../api/fields.ts'
import type { Me } from '../api/types.ts'
import { MeContext } from '../auth/me.tsx'
import { session } from '../auth/session.ts'
import { SignIn } from '../auth/SignIn.tsx'
import { useI18n } from '../i18n/i18n.tsx'
import { Shell } from './Shell.tsx'
import { Views } from './Views.tsx'

/** Signed in (a key in this tab's session and its identity from /v1/me) or the sign-in form. */
export function App (): ReactNode {
  const { t } = useI18n()
  const [me, setMe] = useState<Me | null>(null)
  const [checking, setChecking] = useState(session.key() !== null)
  const signOut = (): void => { session.signOut(); forgetFields(); setMe(null) }
  useEffect(() => onUnauthorised(signOut), [])
  useEffect(() => {
    if (session.key() === null) return
    api<Me>('/v1/me').then(setMe, () => session.signOut()).finally(() => setChecking(false))
  }, [])
  if (checking) return <p role="status">{t('common.loading')}</p>
  if (me === null) return <SignIn onSignedIn={setMe} />
  return (
    <MeContext.Provider value={me}>
      <Shell onSignOut={signOut}><Views /></Shell>
    </MeContext.Provider>
  )
}
