import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import type { Capabilities } from '../store/capabilities.ts'
import type { EntitiesStore } from '../store/events/entities-store.ts'
import type { MaintenanceTask } from '../indexer/maintenance-worker.ts'
import { forgetExpired } from '../indexer/entity-retention.ts'
import { sweepRetention } from '../store/events/retention-sweep.ts'
import { sweepRecords } from '../store/system/records-retention.ts'
import { backfillAccessIds } from '../store/system/access-log.ts'
import { retiredLettersKey } from './worker-monitoring.ts'

/**
 * One maintenance run: expired partitions (where ILM does not delete them), access records without their id, expired
 * dead letters and access records, and what expired events taught the entity store. Each step runs whatever the
 * others did, so that one failing (a record it cannot write) does not hold the others back; the run then fails
 * naming it, and the next run tries again.
 */
export function maintenanceTask (config: Config, es: Es, redis: Redis, caps: Capabilities, entities: EntitiesStore, log: Logger): MaintenanceTask {
  const prefix = config.indexPrefix
  return async () => {
    const done: Record<string, unknown> = {}
    const failed: string[] = []
    const step = async (name: string, run: () => Promise<unknown>): Promise<void> => {
      try {
        done[name] = await run()
      } catch (err) {
        failed.push(name)
        log.error({ err, step: name }, 'maintenance step failed; the next run tries again')
      }
    }
    await step('partitions', async () => {
      if (caps.ilm) return { skipped: 'ILM manages retention' }
      const swept = await sweepRetention(es, prefix, config.retentionDays, Date.now())
      if (swept.deleted.length > 0) log.info(swept, 'retention sweep deleted expired partitions')
      return swept
    })
    // Records an API process of an earlier version wrote during a rolling upgrade: pages need their id.
    await step('access ids', async () => await backfillAccessIds(es, prefix))
    await step('records', async () => {
      const records = await sweepRecords(es, prefix, config.retentionDays, Date.now())
      // After the deletion: the self-watch counts letters ever stored as those stored plus these.
      if (records.deadLetters > 0) await redis.incrby(retiredLettersKey(config.queuePrefix), records.deadLetters)
      if (records.accessRecords + records.deadLetters > 0) log.info(records, 'retention sweep deleted expired access records and dead letters')
      return records
    })
    if (config.entities) {
      await step('entities', async () => {
        const forgot = await forgetExpired(es, redis, config.queuePrefix, prefix, entities, line => { log.info(line) })
        if (forgot.report !== undefined) log.info({ gone: forgot.gone, forgotten: forgot.report.forgotten, seconds: forgot.report.seconds }, 'entity store rebuilt without the expired partitions')
        return forgot.gone
      })
    }
    if (failed.length > 0) throw new Error(`maintenance steps failed: ${failed.join(', ')} (the others ran)`)
    return done
  }
}
