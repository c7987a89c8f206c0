/**
 * RFC 5424 syslog messages with octet-counting framing (RFC 6587 §3.4.1, the framing RFC 5425 requires over
 * TLS): `<len> <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM{event JSON}`.
 */

export interface SyslogOptions {
  facility: number
  hostname: string
  /** SD-ID of the structured data element; 32473 is the example enterprise number of RFC 5612. */
  sdId?: string
}

const SEVERITY: Record<string, number> = { critical: 2, high: 4, medium: 5, low: 6 }
const BOM = '\uFEFF'

/** PRINTUSASCII only, at most `max` characters, or the nil value. */
function header (value: unknown, max: number): string {
  const text = typeof value === 'string' ? value.replace(/[^!-~]/g, '').slice(0, max) : ''
  return text === '' ? '-' : text
}

/** SD-PARAM values escape `"`, `\` and `]` (RFC 5424 §6.3.3). */
function param (value: unknown): string {
  return String(value).slice(0, 256).replace(/["\\\]]/g, c => `\\${c}`)
}

function field (event: Record<string, unknown>, path: string): unknown {
  let v: unknown = event
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined
  return v
}

/** One event as an RFC 5424 message (without framing). */
export function syslogMessage (event: Record<string, unknown>, options: SyslogOptions): string {
  const level = String(field(event, 'audit.importance.level') ?? 'low')
  const pri = options.facility * 8 + (SEVERITY[level] ?? 6)
  const time = header(field(event, '@timestamp'), 64)
  const params: Array<[string, unknown]> = [
    ['tenant', field(event, 'audit.tenant')], ['id', field(event, 'event.id')], ['category', field(event, 'audit.category')],
    ['outcome', field(event, 'event.outcome')], ['importance', level], ['user', field(event, 'user.id')], ['ip', field(event, 'source.ip')]
  ]
  const present = params.filter(([, v]) => v !== undefined && v !== null)
  const sd = `[${options.sdId ?? 'audit@32473'}${present.map(([k, v]) => ` ${k}="${param(v)}"`).join('')}]`
  return `<${pri}>1 ${time} ${header(options.hostname, 255)} sillage - ${header(field(event, 'event.action'), 32)} ${sd} ${BOM}${JSON.stringify(event)}`
}

/** Octet counting: the message's length in bytes, a space, the message. */
export function frame (message: string): Buffer {
  const body = Buffer.from(message, 'utf8')
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body])
}
