/** The three behaviour panels, and everything each shows, in the address. */
export const TABS = ['funnel', 'next', 'cohorts'] as const
export type Tab = typeof TABS[number]
export const WINDOWS = ['10m', '1h', '6h', '1d', '7d', '14d', '30d'] as const
export const TOPS = [5, 10, 20, 50] as const
export const WEEKS = [4, 8, 12, 26] as const

export interface BehaviourState {
  tab: Tab
  query: string
  from: string
  to: string
  /** One action per step; empty strings are steps not chosen yet. */
  steps: string[]
  window: string
  action: string
  sameSession: boolean
  top: number
  weeks: number
}

const oneOf = <T>(values: readonly T[], v: T, fallback: T): T => values.includes(v) ? v : fallback

export function readBehaviour (p: URLSearchParams): BehaviourState {
  const steps = p.get('steps')?.split(',').map(s => s.trim()) ?? ['', '']
  return {
    tab: oneOf(TABS, p.get('tab') as Tab, 'funnel'),
    query: p.get('q') ?? '',
    from: p.get('from') ?? 'now-30d',
    to: p.get('to') ?? 'now',
    steps: steps.length === 0 ? ['', ''] : steps.slice(0, 10),
    window: oneOf<string>(WINDOWS, p.get('window') ?? '', '7d'),
    action: p.get('action') ?? '',
    sameSession: p.get('same') !== '0',
    top: oneOf<number>(TOPS, Number(p.get('top')), 10),
    weeks: oneOf<number>(WEEKS, Number(p.get('weeks')), 8)
  }
}

export function writeBehaviour (s: BehaviourState): string {
  const p = new URLSearchParams()
  p.set('tab', s.tab)
  if (s.query !== '') p.set('q', s.query)
  p.set('from', s.from)
  p.set('to', s.to)
  if (s.tab === 'funnel') {
    p.set('steps', s.steps.join(','))
    if (s.window !== '7d') p.set('window', s.window)
  }
  if (s.tab === 'next') {
    if (s.action !== '') p.set('action', s.action)
    if (!s.sameSession) p.set('same', '0')
    if (s.top !== 10) p.set('top', String(s.top))
  }
  if (s.tab === 'cohorts' && s.weeks !== 8) p.set('weeks', String(s.weeks))
  return `/behaviour?${p.toString()}`
}

/** What every behaviour request shares: the period and the KQL query, in the person's zone. */
export const selection = (s: BehaviourState, timeZone: string): object => ({
  filters: { period: { from: s.from, to: s.to, timeZone } },
  ...(s.query.trim() === '' ? {} : { query: s.query }),
  timeZone
})
