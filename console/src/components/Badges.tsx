import type { ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/catalogue.ts'

const LEVELS = ['low', 'medium', 'high', 'critical']

export function ImportanceBadge ({ level }: { level: unknown }): ReactNode {
  const { t } = useI18n()
  if (typeof level !== 'string' || !LEVELS.includes(level)) return null
  return <span className={`badge level-${level}`}>{t(`level.${level}` as MessageKey)}</span>
}

export function OperatorBadge ({ id }: { id: string }): ReactNode {
  const { t } = useI18n()
  return <span className="badge operator">{t('badge.operator', { id })}</span>
}
