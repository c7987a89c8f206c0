import { useEffect, useState } from 'react'
import { ApiError } from './client.ts'

export type Loadable<T> = { state: 'loading' } | { state: 'error', error: ApiError | Error } | { state: 'done', data: T }

/** Runs `load` whenever `key` changes; the previous call is aborted. */
export function useApi<T> (key: string | null, load: (signal: AbortSignal) => Promise<T>): Loadable<T> {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' })
  useEffect(() => {
    if (key === null) return
    const controller = new AbortController()
    setValue({ state: 'loading' })
    load(controller.signal).then(
      data => { if (!controller.signal.aborted) setValue({ state: 'done', data }) },
      (error: Error) => { if (!controller.signal.aborted) setValue({ state: 'error', error }) }
    )
    return () => controller.abort()
    // `load` is recreated on each render; `key` says when the request changes.
  }, [key])
  return value
}
