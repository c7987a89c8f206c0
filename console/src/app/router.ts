import { useCallback, useSyncExternalStore } from 'react'

/** Where the console is mounted; every view lives below it, with its state in the query string. */
export const BASE = '/console'

const listeners = new Set<() => void>()
const notify = (): void => { for (const l of listeners) l() }
window.addEventListener('popstate', notify)

const subscribe = (l: () => void): (() => void) => { listeners.add(l); return () => listeners.delete(l) }
const snapshot = (): string => location.pathname + location.search

/** Goes to a view; `replace` updates the address without a new history entry (typing, scrolling). */
export function navigate (to: string, replace = false): void {
  const url = to.startsWith(BASE) ? to : `${BASE}${to}`
  if (url === snapshot()) return
  if (replace) history.replaceState(null, '', url)
  else history.pushState(null, '', url)
  notify()
}

export interface Route {
  /** The path below the mount point, such as `/discover` or `/users/u-1`. */
  path: string
  params: URLSearchParams
}

export function useRoute (): Route {
  const s = useSyncExternalStore(subscribe, snapshot)
  const [pathname, search = ''] = s.split('?')
  const path = (pathname ?? '').slice(BASE.length) || '/'
  return { path, params: new URLSearchParams(search) }
}

/** Builds `path?params` from a record, leaving out empty values. */
export function href (path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v)
  const s = q.toString()
  return `${BASE}${path}${s === '' ? '' : `?${s}`}`
}

/** A link that navigates inside the app (and still opens in a new tab with a modifier key). */
export function useLinkHandler (): (e: React.MouseEvent<HTMLAnchorElement>) => void {
  return useCallback((e: React.MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(e.currentTarget.getAttribute('href') ?? '/')
  }, [])
}
