import t from 'tap'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import { shownError } from '../../../src/indexer/export-worker.ts'
import { ValidationError } from '../../../src/errors.ts'

t.test('an export\'s owner reads the service\'s refusals, and only that other failures happened', async t => {
  const lines: string[] = []
  const log = pino(new Writable({ write (chunk: Buffer, _e, done) { lines.push(chunk.toString()); done() } }))
  const refusal = new ValidationError([{ index: 0, path: '/', message: 'a report holds at most 300 events' }], 'the export request is invalid')
  t.equal(shownError(refusal, 'x-1', log), refusal)
  const internal = new Error('ENOTDIR: not a directory, open \'/var/lib/sillage/exports/x-2.csv\' (index sillage-events-financial-2026.11)')
  const shown = shownError(internal, 'x-2', log)
  t.notMatch(shown.message, /ENOTDIR|\/var\/lib|sillage-events/)
  t.match(shown.message, /worker's log under export x-2/)
  t.match(lines.join(''), /ENOTDIR/, 'the cause is in the log')
})
