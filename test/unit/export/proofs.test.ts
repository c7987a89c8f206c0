import t from 'tap'
import { proofOf } from '../../../src/export/proofs.ts'
import { NotFoundError } from '../../../src/errors.ts'
import { IntegrityConflictError } from '../../../src/integrity/checkpoint-service.ts'

const scope = { tenant: 'brand-a', masked: false } as never

t.test('an event not sealed yet is listed without a proof; a log that contradicts its checkpoints fails the pack', async t => {
  t.same(await proofOf({ proofFor: async () => ({ seq: 1 }) }, 'e-1', scope), { proof: { seq: 1 } })
  t.same(await proofOf({ proofFor: async () => { throw new NotFoundError('event "e-1" is not in the integrity log (unknown, or not sealed yet)') } }, 'e-1', scope), { missing: 'event "e-1" is not in the integrity log (unknown, or not sealed yet)' })
  await t.rejects(proofOf({ proofFor: async () => { throw new IntegrityConflictError('the stored log of tenant "brand-a" does not lead to its signed root; run a verification') } }, 'e-1', scope), /does not lead to its signed root/)
})
