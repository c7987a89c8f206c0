import { api } from '../../api/client.ts'
import type { AggregateResponse } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'

/**
 * The actions that occurred in the period (most frequent first), to choose steps and actions from, and why
 * they could not be read: empty lists alone would say that nothing happened.
 */
export function useActions (selection: object): { actions: string[], error: Error | null } {
  const body = { ...selection, groupBy: [{ field: 'action', size: 200 }] }
  const value = useApi(JSON.stringify(body), signal => api<AggregateResponse>('/v1/events/aggregate', { body, signal }))
  return { actions: value.state === 'done' ? value.data.groups.map(g => String(g.key)) : [], error: value.state === 'error' ? value.error : null }
}

/** The actions to offer in a list, in name order: those of the period, plus the chosen ones if the period lacks them. */
export const withChosen = (actions: string[], chosen: string[]): string[] => [...new Set([...actions, ...chosen.filter(c => c !== '')])].sort()
