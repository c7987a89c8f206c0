import { api } from '../../api/client.ts'
import { usePages, type Pages } from '../../api/usePages.ts'
import { alertsPath, type AlertsState } from './state.ts'
import type { Alert, AlertList } from './types.ts'

const PAGE = 50

/** The alerts of the list's filters, page after page; read again from the first page when `reload` changes. */
export function useAlerts (state: AlertsState, reload: number): Pages<Alert> {
  return usePages(`${state.shows}|${state.severity}|${state.rule ?? ''}|${reload}`, async (after, signal) => {
    const page = await api<AlertList>(alertsPath(state, PAGE, after), { signal })
    return { items: page.alerts, total: page.total, next: page.next }
  })
}
