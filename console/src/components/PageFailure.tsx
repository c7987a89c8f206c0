import type { ReactNode } from 'react'
import { ApiError } from '../api/client.ts'
import { useI18n } from '../i18n/i18n.tsx'

interface Props { error: Error, onRetry: () => void, onRestart: () => void }

/**
 * The next page of results failed; more pages load again only when asked. An expired cursor (410) cannot be
 * retried: the search is run again from its first page.
 */
export function PageFailure ({ error, onRetry, onRestart }: Props): ReactNode {
  const { t } = useI18n()
  const expired = error instanceof ApiError && error.status === 410
  return (
    <div role="alert" className="error">
      <p>{expired ? t('results.expired') : t('results.moreFailed', { message: error.message })}</p>
      {expired
        ? <button type="button" onClick={onRestart}>{t('results.searchAgain')}</button>
        : <button type="button" onClick={onRetry}>{t('results.retryMore')}</button>}
    </div>
  )
}
