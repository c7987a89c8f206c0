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
const IPV4_IN_TEXT = /\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}\b/g
// Runs of what an IPv6 address is written with; each character is read once (no backtracking on long runs).
const IPV6_RUN = /[0-9A-Fa-f:.]+/g
// Letters and digits of any script: `jörg.müller@exämple.de` is an address too.
const isLocal = (c: string): boolean => /[\p{L}\p{N}._%+-]/u.test(c)
const isDomain = (c: string): boolean => /[\p{L}\p{N}.-]/u.test(c)
const isLetter = (c: string): boolean => /\p{L}/u.test(c)

/** `2a01:e0a::17` → `2a01:e0a:0::x` wherever a run of the text, or the run less the punctuation ending it, is an IPv6 address. */
function maskIpv6InText (text: string): string {
  return text.replace(IPV6_RUN, run => {
    if (run.indexOf(':') === run.lastIndexOf(':')) return run // fewer than two colons: a time, a ratio, a label
    for (let end = run.length; end > 1; end--) {
      const candidate = run.slice(0, end)
      if (isIP(candidate) === 6) return maskIp(candidate) + run.slice(end)
      if (!/[.:]$/.test(candidate)) break
    }
    return run
  })
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
      : FREE_TEXT.has(path) && typeof v === 'string' ? maskText(v) : maskEvent(v, path)
  }
  return out as T
}
