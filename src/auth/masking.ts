import { isIP } from 'node:net'
import { MASKED_FIELDS } from '../events/personal-fields.ts'

const EMAIL = /^([^@\s])[^@\s]*(@[^@\s]+)$/

/** `john@example.com` → `j***@example.com` */
export function maskEmail (value: string): string {
  const m = EMAIL.exec(value)
  return m === null ? '***' : `${m[1]}***${m[2]}`
}

/** `203.0.113.7` → `203.0.113.x`; IPv6 keeps its first three groups: `2a01:e0a:1::x`, `2a01::5` → `2a01:0:0::x`. */
export function maskIp (value: string): string {
  const v = isIP(value)
  if (v === 4) return value.replace(/\.\d+$/, '.x')
  if (v === 6) return `${ipv6Groups(value).slice(0, 3).map(g => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::x`
  return '***'
}

// The eight groups of a valid IPv6 address, `::` expanded (its text alone would give a varying number of them).
function ipv6Groups (value: string): string[] {
  const [head = '', tail] = (value.split('%')[0] ?? '').split('::')
  const groups = (text: string): string[] => text === '' ? [] : text.split(':').flatMap(g => g.includes('.') ? v4Groups(g) : [g])
  const h = groups(head)
  const t = tail === undefined ? [] : groups(tail)
  return [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
}

function v4Groups (dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number)
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
}

/** `Ana María` → `A*** M***` */
export function maskName (value: string): string {
  return value.split(/\s+/).filter(Boolean).map(w => `${[...w][0] ?? ''}***`).join(' ')
}

/** Masks one value of a personal field; other fields pass unchanged. */
export function maskValue (field: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map(v => maskValue(field, v))
  if (typeof value !== 'string' || !MASKED_FIELDS.has(field)) return value
  if (field.endsWith('.ip')) return maskIp(value)
  if (field === 'user.email' || EMAIL.test(value)) return maskEmail(value)
  if (field.startsWith('audit.change.')) return '***'
  return maskName(value)
}

// Free text may quote an address or an email; those are masked in place, the rest of the text stays readable.
const FREE_TEXT = new Set(['message', 'event.reason'])
// Digits around, not word boundaries: `client_81.2.69.142` and `IP81.2.69.142` quote an address too.
const IPV4_IN_TEXT = /(?<!\d)(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}(?!\d)/g
// Runs of what an IPv6 address is written with; each character is read once (no backtracking on long runs).
const IPV6_RUN = /[0-9A-Fa-f:.]+/g
// The longest an IPv6 address is written (eight groups, or six and an IPv4 address).
const IPV6_MAX = 45
const isLocal = (c: string): boolean => /[\p{L}\p{N}._%+-]/u.test(c)
const isDomain = (c: string): boolean => /[\p{L}\p{N}.-]/u.test(c)
const isLetter = (c: string): boolean => /\p{L}/u.test(c)

/**
 * `2a01:e0a::17` → `2a01:e0a:0::x` for each IPv6 address in the text. Within a run of what addresses are written
 * with, one starts at the run's start or after a colon (a label such as `ip:` or `IPv6:` joins the run) and ends
 * at the run's end or before a colon or dot (`2001:db8::1.Denied`); the earliest start, then the longest, wins.
 * Each start tries at most IPV6_MAX characters: time grows linearly with the text.
 */
function maskIpv6InText (text: string): string {
  return text.replace(IPV6_RUN, run => {
    if (run.indexOf(':') === run.lastIndexOf(':')) return run // fewer than two colons: a time, a ratio, a label
    let out = ''
    let done = 0
    for (let start = 0; start < run.length - 1; start++) {
      if (start > done && run[start - 1] !== ':') continue
      let end = addressEnd(run, start)
      if (end === undefined) continue
      // A later start inside it may reach farther: `6:2001:db8:85a3:0:0:8a2e:370:7334` (from `IPv6:…`) holds
      // an eight-group address that stops before the real one's last group.
      let from = start
      for (let later = start + 1; later < end; later++) {
        const reach = run[later - 1] === ':' ? addressEnd(run, later) : undefined
        if (reach !== undefined && reach > end) { from = later; end = reach }
      }
      out += run.slice(done, from) + maskIp(run.slice(from, end))
      done = end
      start = end - 1
    }
    return out + run.slice(done)
  })
}

function addressEnd (run: string, start: number): number | undefined {
  for (let end = Math.min(run.length, start + IPV6_MAX); end > start + 2; end--) {
    const candidate = run.slice(start, end)
    if ((end === run.length || run[end] === ':' || run[end] === '.') && isIP(candidate) === 6 && /[0-9A-Fa-f]/.test(candidate)) return end
  }
  return undefined
}

/**
 * `j***@example.com` for every `local@domain.tld` in the text, found from each `@` outward in one pass: a
 * regular expression would try every start in a long run of letters, in time growing with its square.
 */
function maskEmailsInText (text: string): string {
  let out = ''
  let done = 0
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at
    while (start > done && isLocal(text[start - 1] as string)) start--
    let end = at + 1
    while (end < text.length && isDomain(text[end] as string)) end++
    // The domain ends after the last dot of the run followed by two letters or more, with something before it.
    let dot = end - 3
    while (dot > at + 1 && !(text[dot] === '.' && isLetter(text[dot + 1] as string) && isLetter(text[dot + 2] as string))) dot--
    if (start === at || dot <= at + 1) continue
    let stop = dot + 1
    while (stop < end && isLetter(text[stop] as string)) stop++
    out += `${text.slice(done, start + 1)}***${text.slice(at, stop)}`
    done = stop
  }
  return out + text.slice(done)
}

export function maskText (text: string): string {
  return maskIpv6InText(maskEmailsInText(text)).replace(IPV4_IN_TEXT, '$1.x')
}

/** A copy of a stored event (or part of one) with every personal field masked. */
export function maskEvent<T> (doc: T, prefix = ''): T {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix === '' ? k : `${prefix}.${k}`
    out[k] = MASKED_FIELDS.has(path)
      ? maskValue(path, v)
      : FREE_TEXT.has(path) && typeof v === 'string' ? maskText(v) : path === DETAILS ? maskDetails(v) : maskEvent(v, path)
  }
  return out as T
}

// Client-defined details (`new_email`, `login_ip`…) may hold any personal value: every text in them is masked
// as free text is.
const DETAILS = 'audit.details'
function maskDetails (v: unknown): unknown {
  if (typeof v === 'string') return maskText(v)
  if (Array.isArray(v)) return v.map(maskDetails)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDetails(x)]))
}
