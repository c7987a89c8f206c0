import { useEffect, useRef, useState } from 'react'
import { ApiError } from './client.ts'

/** `previous`: while the same request is read again (`refresh`), what it answered last, shown meanwhile. */
export type Loadable<T> = { state: 'loading', previous?: T } | { state: 'error', error: ApiError | Error } | { state: 'done', data: T }

/**
 * Runs `load` whenever `key` or `refresh` changes; the previous call is aborted. Read again for `refresh` alone
 * (after a change made on the page), the last answer stays on screen until the new one comes, so that the
 * element that had the focus (the button of the change) keeps it.
 */
export function useApi<T> (key: string | null, load: (signal: AbortSignal) => Promise<T>, refresh = 0): Loadable<T> {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' })
  const loaded = useRef<string | null>(null)
  useEffect(() => {
    if (key === null) return
    const controller = new AbortController()
    const same = loaded.current === key
    setValue(v => !same ? { state: 'loading' } : v.state === 'done' ? { state: 'loading', previous: v.data } : v.state === 'loading' ? v : { state: 'loading' })
    load(controller.signal).then(
      data => { if (!controller.signal.aborted) { loaded.current = key; setValue({ state: 'done', data }) } },
      (error: Error) => { if (!controller.signal.aborted) setValue({ state: 'error', error }) }
    )
    return () => controller.abort()
    // `load` is recreated on each render; `key` and `refresh` say when to read again.
  }, [key, refresh])
  return value
}
