import { connect as tcpConnect, isIP, type LookupFunction, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { receiverLookup, type ReceiverRules } from '../validation/receiver-address.ts'
import { receiverPoster, type ReceiverPost } from '../validation/receiver-agent.ts'
import type { StreamDestination } from './schema.ts'
import { frame, syslogMessage } from './syslog.ts'
import { destinationProblems, streamRecord } from './destination.ts'
import type { StoredSecrets } from '../store/system/stored-secrets.ts'

/** Sends one batch; resolves once the receiver has it (HTTP 2xx; syslog: written and the connection closed cleanly). */
export type SendBatch = (destination: StreamDestination, events: ReadonlyArray<Record<string, unknown>>, meta: { streamId: string }) => Promise<void>

/**
 * `secrets` opens HTTP tokens as stored: at each send, so that one that does not open fails its stream alone, with
 * the reason. Receivers' names are resolved through `receiverLookup`: one that leads to this host or a private
 * network (unless allowed) or to a link-local address fails the batch.
 */
export function createSender (timeoutMs: number, secrets: StoredSecrets, rules: ReceiverRules): SendBatch {
  const post = receiverPoster(rules)
  const lookup = receiverLookup(rules)
  return async (destination, events, meta) => {
    // As stored: a stream saved before a change of rules or of SILLAGE_STREAMS_ALLOW_LOOPBACK or SILLAGE_RECEIVERS_ALLOW_PRIVATE is checked again.
    const problem = destinationProblems(destination, rules)[0]
    if (problem !== undefined) throw new Error(`receiver refused: ${problem.path.slice('/destination/'.length)} ${problem.message}`)
    if (destination.type === 'http') await sendHttp(destination.token === undefined ? destination : { ...destination, token: secrets.open(destination.token, streamRecord(meta.streamId)) }, events, meta.streamId, timeoutMs, post)
    else await sendSyslog(destination, events, timeoutMs, lookup)
  }
}

/** One POST of NDJSON; anything but 2xx is a failure (the batch is sent again later, whole). */
async function sendHttp (d: Extract<StreamDestination, { type: 'http' }>, events: ReadonlyArray<Record<string, unknown>>, streamId: string, timeoutMs: number, post: (url: string, p: ReceiverPost) => Promise<number>): Promise<void> {
  const status = await post(d.url, {
    headers: { 'content-type': 'application/x-ndjson', 'x-sillage-stream': streamId, 'x-sillage-events': String(events.length), ...(d.token === undefined ? {} : { authorization: `Bearer ${d.token}` }) },
    body: events.map(e => JSON.stringify(e)).join('\n') + '\n',
    redirect: 'error',
    timeoutMs
  })
  if (status < 200 || status >= 300) throw new Error(`receiver answered ${status}`)
}

/**
 * One connection per batch: the frames, then a clean close. Syslog has no acknowledgement; a close without
 * error means the receiver's side took every byte, which is the most TCP tells.
 */
async function sendSyslog (d: Extract<StreamDestination, { type: 'syslog' }>, events: ReadonlyArray<Record<string, unknown>>, timeoutMs: number, lookup: LookupFunction): Promise<void> {
  const options = { facility: d.facility ?? 13, hostname: d.hostname ?? 'sillage' }
  const payload = Buffer.concat(events.map(e => frame(syslogMessage(e, options))))
  await new Promise<void>((resolve, reject) => {
    const socket: Socket = d.tls === false
      ? tcpConnect({ host: d.host, port: d.port, lookup })
      // SNI carries names only; an address is checked against the certificate's IP entries.
      : tlsConnect({ host: d.host, port: d.port, lookup, ...(isIP(d.host) === 0 ? { servername: d.host } : {}), ...(d.ca === undefined ? {} : { ca: d.ca }) })
    let failed = false
    const fail = (err: Error): void => { clearTimeout(deadline); failed = true; socket.destroy(); reject(err) }
    socket.setTimeout(timeoutMs, () => fail(new Error(`syslog receiver ${d.host}:${d.port} timed out`)))
    // A whole batch within the time too: a receiver reading a few bytes at a time would hold the turn of every stream.
    const deadline = setTimeout(() => fail(new Error(`syslog receiver ${d.host}:${d.port} did not take the batch within ${timeoutMs} ms`)), timeoutMs)
    socket.once('error', fail)
    socket.once(d.tls === false ? 'connect' : 'secureConnect', () => { socket.end(payload) })
    // The receiver closing first without reading everything shows as an error (reset) before this.
    socket.once('close', hadError => {
      clearTimeout(deadline)
      if (!failed) { if (hadError) reject(new Error('syslog connection closed with an error')); else resolve() }
    })
    socket.on('data', () => undefined)
  })
}
