import type { ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import type { SearchResponse } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { CheckpointFacts } from './CheckpointFacts.tsx'
import type { Proof } from './types.ts'

type Latest = { kind: 'none' } | { kind: 'pending' } | { kind: 'found', proof: Proof }

/**
 * The tenant's latest signed checkpoint. The API gives it with every inclusion proof (proofs are made against
 * the latest checkpoint), so it is read from the proof of the tenant's first recorded event, the one most surely sealed.
 */
async function latestCheckpoint (tenant: string, platform: boolean, signal: AbortSignal): Promise<Latest> {
  const first = await api<SearchResponse>('/v1/events/search', {
    body: { filters: { period: { from: 'now-10y', to: 'now+1d' }, ...(platform ? { tenant: [tenant] } : {}) }, sort: [{ field: 'event.ingested', order: 'asc' }], size: 1 },
    signal
  })
  const hit = first.events[0]
  if (hit === undefined) return { kind: 'none' }
  try {
    const proof = await api<Proof>(`/v1/integrity/proof/${encodeURIComponent(hit.id)}?tenant=${encodeURIComponent(tenant)}`, { signal })
    return { kind: 'found', proof }
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { kind: 'pending' }
    throw err
  }
}

export function CheckpointPanel ({ tenant, platform }: { tenant: string, platform: boolean }): ReactNode {
  const { t } = useI18n()
  const latest = useApi(`checkpoint|${tenant}`, signal => latestCheckpoint(tenant, platform, signal))
  return (
    <section aria-labelledby="integrity-checkpoint">
      <h2 id="integrity-checkpoint">{t('integrity.checkpoint')}</h2>
      <Status value={latest}>
        {l => l.kind === 'none'
          ? <p className="muted">{t('integrity.noEvents', { tenant })}</p>
          : l.kind === 'pending'
            ? <p className="muted">{t('integrity.notSealed')}</p>
            : <CheckpointFacts checkpoint={l.proof.checkpoint} publicKey={l.proof.checkpoint.publicKey} />}
      </Status>
    </section>
  )
}
