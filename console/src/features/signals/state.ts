/** The four signals, their parameters and defaults (the API's), all in the address. */
export const KINDS = ['failed-logins', 'impossible-travel', 'shared-device', 'change-then-withdraw'] as const
export type Kind = typeof KINDS[number]

export interface SignalsState {
  kind: Kind
  query: string
  from: string
  to: string
  /** The kind's parameters as typed, by name; those left out take the API's default. */
  params: Record<string, string>
}

/**
 * Each parameter: its name in the request, its control, its choices or bounds, and its default. `clear`: the
 * choices that group by a personal field, refused to masked readers.
 */
export interface Param { name: string, type: 'select' | 'number' | 'duration', choices?: string[], clear?: string[], min?: number, max?: number, fallback: string }

export const PARAMS: Record<Kind, Param[]> = {
  'failed-logins': [
    { name: 'by', type: 'select', choices: ['user', 'ip'], clear: ['ip'], fallback: 'user' },
    { name: 'threshold', type: 'number', min: 2, max: 100_000, fallback: '5' },
    { name: 'window', type: 'duration', fallback: '10m' }
  ],
  'impossible-travel': [
    { name: 'maxSpeedKmh', type: 'number', min: 1, max: 1_000_000, fallback: '1000' },
    { name: 'minDistanceKm', type: 'number', min: 0, max: 20_100, fallback: '100' }
  ],
  'shared-device': [
    { name: 'by', type: 'select', choices: ['device', 'ip'], clear: ['ip'], fallback: 'device' },
    { name: 'minUsers', type: 'number', min: 2, max: 1000, fallback: '3' }
  ],
  'change-then-withdraw': [
    { name: 'window', type: 'duration', fallback: '24h' }
  ]
}

/** The choices of a select offered to this reader. */
export const choicesFor = (def: Param, masked: boolean): string[] => (def.choices ?? []).filter(c => !masked || !(def.clear ?? []).includes(c))

/** The view in the address; a choice this reader is not offered (a link from a clear reader) is the default. */
export function readSignals (p: URLSearchParams, masked: boolean): SignalsState {
  const kind = (KINDS as readonly string[]).includes(p.get('kind') ?? '') ? p.get('kind') as Kind : 'failed-logins'
  const params: Record<string, string> = {}
  for (const def of PARAMS[kind]) {
    const value = p.get(def.name) ?? def.fallback
    params[def.name] = def.type === 'select' && !choicesFor(def, masked).includes(value) ? def.fallback : value
  }
  return { kind, query: p.get('q') ?? '', from: p.get('from') ?? 'now-7d', to: p.get('to') ?? 'now', params }
}

export function writeSignals (s: SignalsState): string {
  const p = new URLSearchParams()
  p.set('kind', s.kind)
  if (s.query !== '') p.set('q', s.query)
  p.set('from', s.from)
  p.set('to', s.to)
  for (const def of PARAMS[s.kind]) {
    const v = s.params[def.name]
    if (v !== undefined && v !== def.fallback) p.set(def.name, v)
  }
  return `/signals?${p.toString()}`
}

/** The request body: period, query and the kind's parameters, numbers as numbers. */
export function signalBody (s: SignalsState, timeZone: string): object {
  const body: Record<string, unknown> = {
    filters: { period: { from: s.from, to: s.to, timeZone } },
    ...(s.query.trim() === '' ? {} : { query: s.query }),
    timeZone
  }
  for (const def of PARAMS[s.kind]) {
    const v = s.params[def.name] ?? def.fallback
    body[def.name] = def.type === 'number' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v
  }
  return body
}
