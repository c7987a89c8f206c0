import type { ReactNode } from 'react'
import type { Hit } from '../api/types.ts'
import type { Results } from '../api/useSearch.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { PageFailure } from './PageFailure.tsx'
import { ErrorBox } from './Status.tsx'

/**
 * Events read page by page: the loading line or the error, the rows as `children` draws them, then how many of
 * the total are shown and Load more while the cursor has more. A list is never cut off without saying so.
 */
export function PagedList ({ results, children }: { results: Results, children: (rows: Hit[]) => ReactNode }): ReactNode {
  const { t } = useI18n()
  const { rows, total, cursor, loading, error, pageError } = results
  if (error !== null) return <ErrorBox error={error} />
  if (loading && rows.length === 0) return <p className="muted" role="status">{t('common.loading')}</p>
  if (rows.length === 0) return <p className="muted">{t('common.none')}</p>
  return (
    <>
      {children(rows)}
      <div className="more-pages">
        <p role="status">{rows.length < total ? t('results.shown', { shown: rows.length, total }) : ''}</p>
        {cursor !== null && pageError === null && (
          <button type="button" onClick={results.more} disabled={loading}>{loading ? t('results.more') : t('results.loadMore')}</button>
        )}
      </div>
      {pageError !== null && <PageFailure error={pageError} onRetry={results.retry} onRestart={results.restart} />}
    </>
  )
}
