import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/** A loopback NDJSON receiver that can be stopped (connections refused) and started again on the same port. */
export class NdjsonReceiver {
  readonly batches: Array<{ headers: Record<string, string | string[] | undefined>, events: Array<Record<string, unknown>> }> = []
  private server: Server | undefined
  port = 0

  async start (): Promise<void> {
    const server = createHttpServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', chunk => { body += chunk })
      request.on('end', () => {
        const events = body.split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>)
        this.batches.push({ headers: request.headers, events })
        response.writeHead(200).end('ok')
      })
    })
    await new Promise<void>(resolve => server.listen(this.port, '127.0.0.1', () => resolve()))
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async stop (): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    const closed = new Promise<void>(resolve => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }

  get events (): Array<Record<string, unknown>> {
    return this.batches.flatMap(b => b.events)
  }
}

/** A loopback syslog receiver over plain TCP, keeping every byte each connection sent. */
export class TcpReceiver {
  readonly connections: Buffer[] = []
  private server: TcpServer | undefined
  port = 0

  async start (): Promise<void> {
    const server = createTcpServer(socket => {
      const chunks: Buffer[] = []
      socket.on('data', chunk => chunks.push(chunk))
      socket.on('end', () => { this.connections.push(Buffer.concat(chunks)) })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async stop (): Promise<void> {
    await new Promise<void>(resolve => this.server?.close(() => resolve()) ?? resolve())
  }
}

/** Splits octet-counted frames (RFC 6587 §3.4.1): each is `<length> <message>`, the length in bytes. */
export function octetFrames (data: Buffer): string[] {
  const out: string[] = []
  let at = 0
  while (at < data.length) {
    const space = data.indexOf(0x20, at)
    if (space < 0) throw new Error(`no length at byte ${at}`)
    const length = Number(data.subarray(at, space).toString('ascii'))
    if (!Number.isInteger(length) || length <= 0) throw new Error(`bad length at byte ${at}`)
    const end = space + 1 + length
    if (end > data.length) throw new Error(`frame at byte ${at} is cut short`)
    out.push(data.subarray(space + 1, end).toString('utf8'))
    at = end
  }
  return out
}
