import { api } from '../../api/client.ts'
import type { AggregateResponse } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'

/** The actions that occurred in the period (most frequent first), to choose steps and actions from. */
export function useActions (selection: object): string[] {
  const body = { ...selection, groupBy: [{ field: 'action', size: 200 }] }
  const value = useApi(JSON.stringify(body), signal => api<AggregateResponse>('/v1/events/aggregate', { body, signal }))
  return value.state === 'done' ? value.data.groups.map(g => String(g.key)) : []
}

/** The actions to offer in a list, in name order: those of the period, plus the chosen ones if the period lacks them. */
export const withChosen = (actions: string[], chosen: string[]): string[] => [...new Set([...actions, ...chosen.filter(c => c !== '')])].sort()
