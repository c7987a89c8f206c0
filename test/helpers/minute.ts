import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Rate limits count per clock minute: a boundary between a test's requests resets the count. Waits for the
 * next minute unless at least `needMs` of this one is left (a loaded machine is slow to send a few requests).
 */
export async function earlyInAMinute (needMs = 20_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < needMs) await sleep(left + 200)
}
