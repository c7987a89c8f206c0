import type { RaiseSystemAlert } from '../monitor/system-alert.ts'
import type { AlertService } from './alert-service.ts'

/**
 * The pipeline's own alerts (monitor/system-alert.ts) raised as alerts like any other: stored, deduplicated on
 * their condition's key while open, and sent to the webhooks of their tenant (the platform's, for the whole
 * pipeline).
 */
export function systemAlertsTo (alerts: Pick<AlertService, 'raise'>): RaiseSystemAlert {
  return async a => {
    const at = Date.parse(a.at)
    await alerts.raise({
      tenant: a.tenant ?? null, system: a.kind, kind: 'system', title: a.summary, group: null, groupField: null,
      figure: a.details, evidence: [], severity: a.severity, dedupKey: `system:${a.key}`,
      ...(Number.isFinite(at) ? { firstEventAt: at, lastEventAt: at } : {})
    })
  }
}
