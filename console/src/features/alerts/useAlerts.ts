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
  /** Asks for the page after the last one read; absent when there is none. */
  more?: () => void
}

/** The alerts of the list's filters, page after page (`after`); read again from the first page when `reload` changes. */
export function useAlerts (state: AlertsState, reload: number): AlertPages {
  const [pages, setPages] = useState<{ alerts: Alert[], total: number, next: string | null }>({ alerts: [], total: 0, next: null })
  // The page asked for belongs to the filters it was asked under: new filters start from the first page.
  const [cursor, setCursor] = useState<{ filters: string, after?: string }>({ filters: '' })
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<Error | null>(null)
  const filters = `${state.shows}|${state.severity}|${state.rule ?? ''}|${reload}`
  const after = cursor.filters === filters ? cursor.after : undefined
  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    setError(null)
    api<AlertList>(alertsPath(state, PAGE, after), { signal: controller.signal }).then(
      page => {
        if (controller.signal.aborted) return
        setPages(p => ({ alerts: after === undefined ? page.alerts : [...p.alerts, ...page.alerts], total: page.total, next: page.next }))
        setLoading(false)
      },
      (err: Error) => { if (!controller.signal.aborted) { setError(err); setLoading(false) } }
    )
    return () => controller.abort()
    // The request changes with the filters and the page asked for.
  }, [filters, after])
  const next = pages.next
  return { ...pages, loading, error, ...(next === null || loading ? {} : { more: () => setCursor({ filters, after: next }) }) }
}
