import { useEffect, useRef, useState } from 'react'

/** One page of a list read with a cursor: its items, the list's total if the API counts it, and the next cursor. */
export interface Page<T> { items: T[], total?: number, next: string | null }

export interface Pages<T> {
  items: T[]
  /** The list's total as the last page read said it, or undefined when the API does not count it. */
  total?: number
  loading: boolean
  error: Error | null
  /** Asks for the page after the last one read (while `loading`, wait); absent when there is none. */
  more?: () => void
  /** Asks again for the page that failed. */
  retry: () => void
}

/**
 * A list read page after page with the API's cursor. `key` names what is listed (filters, a reload counter):
 * pages and the page asked for belong to the key they were read under, so another key starts afresh and a slow
 * answer for an earlier key is never mixed into the list.
 */
export function usePages<T> (key: string, read: (after: string | undefined, signal: AbortSignal) => Promise<Page<T>>): Pages<T> {
  // The reader changes at each render; the key says when what it reads changes.
  const reader = useRef(read)
  reader.current = read
  const [pages, setPages] = useState<{ key: string, items: T[], total?: number, next: string | null }>({ key, items: [], next: null })
  // `attempt` asks again for the same page after a failure.
  const [cursor, setCursor] = useState<{ key: string, after?: string, attempt?: number }>({ key })
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<Error | null>(null)
  const after = cursor.key === key ? cursor.after : undefined
  const attempt = cursor.key === key ? cursor.attempt ?? 0 : 0
  useEffect(() => { setCursor(c => c.key === key ? c : { key }) }, [key])
  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    setError(null)
    reader.current(after, controller.signal).then(
      page => {
        if (controller.signal.aborted) return
        setPages(p => ({ key, items: after !== undefined && p.key === key ? [...p.items, ...page.items] : page.items, ...(page.total === undefined ? {} : { total: page.total }), next: page.next }))
        setLoading(false)
      },
      (err: Error) => { if (!controller.signal.aborted) { setError(err); setLoading(false) } }
    )
    return () => controller.abort()
    // The request changes with the key and the page asked for, or is asked again.
  }, [key, after, attempt])
  // Undefined while the pages held are another key's, before the effect has asked for the new first page: loading.
  const current = pages.key === key ? pages : undefined
  const next = current?.next ?? null
  const retry = (): void => setCursor(c => ({ ...c, attempt: (c.attempt ?? 0) + 1 }))
  return {
    items: current?.items ?? [], ...(current?.total === undefined ? {} : { total: current.total }), loading: loading || current === undefined, error, retry,
    ...(next === null || error !== null ? {} : { more: () => setCursor({ key, after: next }) })
  }
}
