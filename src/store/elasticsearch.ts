import { Client } from '@elastic/elasticsearch'
import { ShardWaitTransport } from './shard-wait.ts'

export type Es = Client

export function createEs (url: string): Es {
  return new Client({ node: url, requestTimeout: 60_000, maxRetries: 2, compression: false, Transport: ShardWaitTransport })
}

/** Fails fast with the address and the cause, instead of a stack trace from deep inside the client. */
export async function pingEs (es: Es, url: string): Promise<{ version: string }> {
  try {
    const info = await es.info()
    return { version: info.version.number }
  } catch (err) {
    throw new Error(`Elasticsearch at ${url} does not answer: ${(err as Error).message}`)
  }
}
