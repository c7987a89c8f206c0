import type { ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { CheckpointFacts } from './CheckpointFacts.tsx'
import type { LatestCheckpoint, TrustedKeys } from './types.ts'

type Latest = { kind: 'pending' } | { kind: 'found', checkpoint: LatestCheckpoint }

/** The tenant's latest signed checkpoint (404: none yet, no event of the tenant is covered by one). */
async function latestCheckpoint (tenant: string, signal: AbortSignal): Promise<Latest> {
  try {
    return { kind: 'found', checkpoint: await api<LatestCheckpoint>(`/v1/integrity/checkpoint?tenant=${encodeURIComponent(tenant)}`, { signal }) }
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { kind: 'pending' }
    throw err
  }
}

export function CheckpointPanel ({ tenant, trusted }: { tenant: string, trusted?: TrustedKeys | null }): ReactNode {
  const { t } = useI18n()
  const latest = useApi(`checkpoint|${tenant}`, signal => latestCheckpoint(tenant, signal))
  return (
    <section aria-labelledby="integrity-checkpoint">
      <h2 id="integrity-checkpoint">{t('integrity.checkpoint')}</h2>
      <Status value={latest}>
        {l => l.kind === 'pending'
          ? <p className="muted">{t('integrity.notSealed')}</p>
          : <CheckpointFacts checkpoint={l.checkpoint} {...(trusted === undefined ? {} : { trusted })} />}
      </Status>
    </section>
  )
}
