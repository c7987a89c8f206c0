import t, { type Test } from 'tap'
import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpPost } from '../../../src/notify/http-post.ts'
import { createSender } from '../../../src/streams/senders.ts'
import { StoredSecrets } from '../../../src/store/system/stored-secrets.ts'
import { LOOPBACK_ALLOWED } from '../../../src/validation/receiver-address.ts'

const CAP = 256 * 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 120)

/** A receiver on loopback that answers 200 with an endless body (stopped at CAP), counting what it wrote until the client left. */
async function flooding (t: Test): Promise<{ url: string, written: () => Promise<number> }> {
  let done: (n: number) => void = () => undefined
  const finished = new Promise<number>(resolve => { done = resolve })
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      let written = 0
      const pump = (): void => {
        while (written < CAP && !res.destroyed) {
          written += CHUNK.length
          if (!res.write(CHUNK)) { res.once('drain', pump); return }
        }
        if (!res.destroyed) res.end()
      }
      res.on('close', () => { done(written) })
      pump()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, written: async () => await finished }
}

t.test('a receiver answering with an endless body: the answer is dropped unread, the send ends at once', async t => {
  const stream = await flooding(t)
  await createSender(20_000, new StoredSecrets('stored-secrets-key-for-tests-0123456789'), LOOPBACK_ALLOWED)({ type: 'http', url: stream.url }, [{ event: { id: 'e-1' } }], { streamId: 's1' })
  t.ok(await stream.written() < 32 * 1024 * 1024, 'the stream sender left before the receiver wrote 32 MB')
  const hook = await flooding(t)
  t.equal(await httpPost(20_000, LOOPBACK_ALLOWED)(hook.url, { 'content-type': 'application/json' }, '{}'), 200)
  t.ok(await hook.written() < 32 * 1024 * 1024, 'the webhook sender too')
})

t.test('a syslog receiver that never reads but keeps the connection busy: the batch fails within the time', async t => {
  // It sends a byte every 100 ms, which keeps an idle timeout from ever firing, and reads nothing.
  const server = createTcpServer(socket => {
    socket.pause()
    const beat = setInterval(() => { socket.write('.') }, 100)
    socket.on('close', () => { clearInterval(beat) })
    socket.on('error', () => undefined)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const port = (server.address() as AddressInfo).port
  // 10 MB: more than the kernel's buffers take for a reader that does not read.
  const events = Array.from({ length: 1000 }, (_, i) => ({ event: { id: `e-${i}`, action: 'login' }, message: 'x'.repeat(10_000) }))
  const send = createSender(1000, new StoredSecrets('stored-secrets-key-for-tests-0123456789'), LOOPBACK_ALLOWED)({ type: 'syslog', host: '127.0.0.1', port, tls: false }, events, { streamId: 's1' })
  const outcome = await Promise.race([send.then(() => 'sent', (err: Error) => err.message), sleep(5000, undefined, { ref: false }).then(() => 'still sending after 5 s')])
  t.match(outcome, /did not take the batch within 1000 ms/)
})
