import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received { headers: Record<string, string | string[] | undefined>, body: string, answered: number }

/**
 * A loopback webhook receiver: answers the scripted statuses in turn (then 200), keeps every request, and
 * counts the deliveries it accepted, deduplicated on the delivery id as a receiver should.
 */
export class WebhookReceiver {
  readonly requests: Received[] = []
  readonly accepted = new Map<string, string>()
  private server: Server | undefined
  port = 0

  constructor (private readonly script: number[] = []) {}

  get url (): string {
    return `http://127.0.0.1:${this.port}/hook`
  }

  async start (): Promise<void> {
    const server = createServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', chunk => { body += chunk })
      request.on('end', () => {
        const answered = this.script.shift() ?? 200
        this.requests.push({ headers: request.headers, body, answered })
        const id = String(request.headers['sillage-delivery-id'])
        if (answered === 200 && !this.accepted.has(id)) this.accepted.set(id, body)
        response.writeHead(answered).end()
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async stop (): Promise<void> {
    const server = this.server
    if (server === undefined) return
    const closed = new Promise<void>(resolve => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
}
