import { Client } from '@elastic/elasticsearch'
import { ShardWaitTransport } from './shard-wait.ts'

export type Es = Client

/**
 * `url`: one node, or several separated by commas (nodes of one cluster): requests go round the nodes, and a
 * node that stops answering is left out and retried later, so losing one node does not lose Elasticsearch.
 */
export function createEs (url: string): Es {
  const nodes = url.split(',').map(u => u.trim()).filter(u => u !== '')
  return new Client({ nodes, requestTimeout: 60_000, maxRetries: 2, compression: false, Transport: ShardWaitTransport })
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
