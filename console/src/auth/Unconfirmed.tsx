import type { ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'

/**
 * The identity could not be read for another reason than a refusal (the service unavailable, a rate limit, the
 * network): the tab keeps its key or session and offers to ask again, instead of sending the person to sign in.
 */
export function Unconfirmed ({ error, onRetry }: { error: Error, onRetry: () => void }): ReactNode {
  const { t } = useI18n()
  return (
    <main className="sign-in" id="main">
      <div className="unconfirmed" role="alert">
        <h1>{t('app.unconfirmedTitle')}</h1>
        <p>{t('app.unconfirmed', { message: error.message })}</p>
        <button type="button" onClick={onRetry}>{t('app.retry')}</button>
      </div>
    </main>
  )
}
