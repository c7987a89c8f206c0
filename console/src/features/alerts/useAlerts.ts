import { useEffect, useState } from 'react'
import { api } from '../../api/client.ts'
import { alertsPath, type AlertsState } from './state.ts'
import type { Alert, AlertList } from './types.ts'

const PAGE = 50

export interface AlertPages {
  alerts: Alert[]
  total: number
  loading: boolean
  error: Error | null
  /** Asks for the page after the last one read (while `loading`, wait); absent when there is none. */
  more?: () => void
  /** Asks again for the page that failed. */
  retry: () => void
}

/** The alerts of the list's filters, page after page (`after`); read again from the first page when `reload` changes. */
export function useAlerts (state: AlertsState, reload: number): AlertPages {
  const filters = `${state.shows}|${state.severity}|${state.rule ?? ''}|${reload}`
  // Pages and the page asked for belong to the filters they were read under: other filters start afresh.
  const [pages, setPages] = useState<{ filters: string, alerts: Alert[], total: number, next: string | null }>({ filters, alerts: [], total: 0, next: null })
  // `attempt` asks again for the same page after a failure.
  const [cursor, setCursor] = useState<{ filters: string, after?: string, attempt?: number }>({ filters })
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<Error | null>(null)
  const after = cursor.filters === filters ? cursor.after : undefined
  const attempt = cursor.filters === filters ? cursor.attempt ?? 0 : 0
  useEffect(() => { setCursor(c => c.filters === filters ? c : { filters }) }, [filters])
  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    setError(null)
    api<AlertList>(alertsPath(state, PAGE, after), { signal: controller.signal }).then(
      page => {
        if (controller.signal.aborted) return
        setPages(p => ({ filters, alerts: after !== undefined && p.filters === filters ? [...p.alerts, ...page.alerts] : page.alerts, total: page.total, next: page.next }))
        setLoading(false)
      },
      (err: Error) => { if (!controller.signal.aborted) { setError(err); setLoading(false) } }
    )
    return () => controller.abort()
    // The request changes with the filters and the page asked for, or is asked again.
  }, [filters, after, attempt])
  const current = pages.filters === filters ? pages : { alerts: [], total: 0, next: null }
  const next = current.next
  const retry = (): void => setCursor(c => ({ ...c, attempt: (c.attempt ?? 0) + 1 }))
  return { alerts: current.alerts, total: current.total, loading, error, retry, ...(next === null || error !== null ? {} : { more: () => setCursor({ filters, after: next }) }) }
}
