import type { Es } from '../elasticsearch.ts'
import { deadLetterIndex } from './dead-letters.ts'

/** Dead letters stored in all (0 before the first: the index does not exist yet). */
export async function countDeadLetters (es: Es, prefix: string): Promise<number> {
  const r = await es.count({ index: deadLetterIndex(prefix), ignore_unavailable: true, allow_no_indices: true })
  return r.count
}
