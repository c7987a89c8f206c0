import type { Es } from '../store/elasticsearch.ts'
import type { Config } from '../config/config.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsQueue } from '../queue/events-queue.ts'
import { DurableAck } from '../queue/durable-ack.ts'
import { DeadLetterStore } from '../store/system/dead-letters.ts'
import { DeadLetterService, type LetterState } from '../ingest/dead-letter-service.ts'

export const DEAD_LETTERS_USAGE = [
  'dead-letters list [--state pending|replayed|all] [--tenant T] [--error-type E] [--event-id ID] [--size N]',
  'dead-letters show ID',
  'dead-letters replay ID [ID…] | dead-letters replay --all [--tenant T] [--error-type E] [--event-id ID]'
].join('\n  ')

/** `dead-letters …`: the same listing, reading and replay as the API's, as the platform operator. */
export async function deadLettersCommand (config: Config, es: Es, argv: string[], option: (name: string) => string | undefined): Promise<void> {
  const redis = createRedis(config.redis, 'producer')
  await connectRedis(redis, config.redis)
  const queue = createEventsQueue(redis, config.queuePrefix)
  const durable = config.durableAck ? await DurableAck.open(redis, { timeoutMs: config.durableAckTimeoutMs }) : undefined
  const service = new DeadLetterService(new DeadLetterStore(es, config.indexPrefix), queue, { retentionDays: config.retentionDays, ...(durable === undefined ? {} : { durable }) })
  const operator = { keyId: 'cli', tenant: null }
  const filter = {
    ...(option('tenant') === undefined ? {} : { tenant: option('tenant') as string }),
    ...(option('error-type') === undefined ? {} : { errorType: option('error-type') as string }),
    ...(option('event-id') === undefined ? {} : { eventId: option('event-id') as string })
  }
  const [sub, ...rest] = argv
  const ids = rest.filter((a, i) => !a.startsWith('--') && !(rest[i - 1]?.startsWith('--') ?? false))
  try {
    if (sub === 'list') {
      const state = option('state') ?? 'pending'
      if (!['pending', 'replayed', 'all'].includes(state)) throw new Error('--state pending|replayed|all')
      const size = Number(option('size') ?? 100)
      console.log(JSON.stringify(await service.list(operator, { ...filter, state: state as LetterState, size }), null, 2))
    } else if (sub === 'show' && ids[0] !== undefined) {
      console.log(JSON.stringify(await service.get(operator, ids[0]), null, 2))
    } else if (sub === 'replay' && (ids.length > 0 || rest.includes('--all'))) {
      const result = ids.length > 0 ? await service.replayMany(operator, { ids }) : await service.replayMany(operator, filter)
      console.log(JSON.stringify(result, null, 2))
      if (result.skipped.length > 0) process.exitCode = 1
    } else {
      throw new Error(DEAD_LETTERS_USAGE)
    }
  } finally {
    await queue.close()
    redis.disconnect()
  }
}
