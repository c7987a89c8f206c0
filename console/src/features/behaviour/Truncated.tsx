import type { ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import type { Bounds } from './types.ts'

/** What the answer read, and a warning when the scan limit cut it short. */
export function Truncated ({ bounds, weeks = false }: { bounds: Bounds, weeks?: boolean }): ReactNode {
  const { t } = useI18n()
  if (bounds.truncated) return <p role="note" className="warning">{t('behaviour.truncated', { scanned: bounds.scanned, limit: bounds.limit })}</p>
  return <p className="muted">{t(weeks ? 'behaviour.scannedWeeks' : 'behaviour.scanned', { scanned: bounds.scanned })}</p>
}
