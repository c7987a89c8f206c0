import t from 'tap'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import { shownError } from '../../../src/indexer/export-worker.ts'
import { UnrecoverableError } from 'bullmq'
import { ValidationError } from '../../../src/errors.ts'
import { IntegrityConflictError } from '../../../src/integrity/checkpoint-service.ts'

t.test('an export\'s owner reads the service\'s refusals with their reasons, not tried again, and only that other failures happened', async t => {
  const lines: string[] = []
  const log = pino(new Writable({ write (chunk: Buffer, _e, done) { lines.push(chunk.toString()); done() } }))
  const refusal = new ValidationError([{ index: 0, path: '/', message: 'a report holds at most 300 events' }], 'the export request is invalid')
  const refused = shownError(refusal, 'x-1', log)
  t.ok(refused instanceof UnrecoverableError, 'not retried: it would be refused again')
  t.equal(refused.message, 'the export request is invalid: a report holds at most 300 events', 'the reason, not only that it is invalid')
  const broken = shownError(new IntegrityConflictError('the stored log of tenant "a" does not lead to its signed root; run a verification'), 'x-3', log)
  t.ok(broken instanceof UnrecoverableError)
  t.match(broken.message, /does not lead to its signed root/, 'a log that contradicts its checkpoints fails the pack, with why')
  const internal = new Error('ENOTDIR: not a directory, open \'/var/lib/sillage/exports/x-2.csv\' (index sillage-events-financial-2026.11)')
  const shown = shownError(internal, 'x-2', log)
  t.notOk(shown instanceof UnrecoverableError, 'tried again')
  t.notMatch(shown.message, /ENOTDIR|\/var\/lib|sillage-events/)
  t.match(shown.message, /worker's log under export x-2/)
  t.match(lines.join(''), /ENOTDIR/, 'the cause is in the log')
})
