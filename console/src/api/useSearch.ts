import { startTransition, useCallback, useEffect, useRef, useState } from 'react'
import { api } from './client.ts'
import type { Hit, SearchRequest, SearchResponse } from './types.ts'
import { pick } from './values.ts'

/**
 * `failedShards`: the most shards any page lacked (a lost node held their only copy); 0 when complete.
 * `pageError`: the next page failed; `more` then waits for `retry` (same cursor) or `restart` (from the first page).
 */
export interface Results {
  rows: Hit[], total: number, cursor: string | null, loading: boolean, error: Error | null, pageError: Error | null, tookMs: number | null, failedShards: number
  more: () => void, retry: () => void, restart: () => void
}
type State = Omit<Results, 'more' | 'retry' | 'restart'>

const EMPTY: State = { rows: [], total: 0, cursor: null, loading: true, error: null, pageError: null, tookMs: null, failedShards: 0 }

/**
 * The first page of a search, then more pages through the API's cursor as they are asked for (Discover's table
 * as the person scrolls, Load more under a timeline). A page is appended to the same hits (the rows already
 * drawn keep their objects, so they are not drawn again). With a projection, each hit keeps its fields as one
 * flat object: thousands of them stay in memory while the person scrolls, and the nested objects of the answer
 * would cost several times as much. A new `refresh` runs the same search again (the person searched again).
 */
export function useSearch (request: SearchRequest, refresh = 0): Results {
  const key = JSON.stringify(request)
  const fields = request.fields
  const kept = (hits: Hit[]): Hit[] => fields === undefined ? hits : hits.map(h => ({ id: h.id, event: pick(h.event, fields) }))
  const [state, setState] = useState<State>(EMPTY)
  // Bumped to run the same search again (its cursor expired).
  const [run, setRun] = useState(0)
  const generation = useRef(0)
  useEffect(() => {
    const g = ++generation.current
    const controller = new AbortController()
    setState(EMPTY)
    const started = performance.now()
    api<SearchResponse>('/v1/events/search', { body: JSON.parse(key) as SearchRequest, signal: controller.signal }).then(
      r => { if (g === generation.current) setState({ ...EMPTY, rows: kept(r.events), total: r.total, cursor: r.cursor, loading: false, tookMs: Math.round(performance.now() - started), failedShards: r.failed_shards }) },
      (error: Error) => { if (g === generation.current && !controller.signal.aborted) setState(s => ({ ...s, loading: false, error })) }
    )
    return () => controller.abort()
  }, [key, run, refresh])
  const next = useCallback((afterError: boolean) => {
    const cursor = state.cursor
    // After a failed page, only the person asks again: the table would otherwise ask at once, without end.
    if (cursor === null || state.loading || (state.pageError !== null && !afterError)) return
    const g = generation.current
    setState(s => ({ ...s, loading: true, pageError: null }))
    api<SearchResponse>('/v1/events/search', { body: { cursor } }).then(
      // A transition: drawing the longer list yields to the frames of a scroll in progress.
      r => { if (g === generation.current) startTransition(() => { setState(s => ({ ...s, rows: s.rows.concat(kept(r.events)), cursor: r.cursor, loading: false, failedShards: Math.max(s.failedShards, r.failed_shards) })) }) },
      (error: Error) => { if (g === generation.current) setState(s => ({ ...s, loading: false, pageError: error })) }
    )
  }, [state.cursor, state.loading, state.pageError])
  const more = useCallback(() => next(false), [next])
  const retry = useCallback(() => next(true), [next])
  const restart = useCallback(() => setRun(r => r + 1), [])
  return { ...state, more, retry, restart }
}
