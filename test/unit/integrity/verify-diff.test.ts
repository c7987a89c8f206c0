import t from 'tap'
import { createPublicKey, randomBytes } from 'node:crypto'
import { signCheckpoint, verifyCheckpoint, type SignedCheckpoint } from '../../../src/integrity/checkpoint.ts'
import { parseSigningKey } from '../../../src/integrity/signing-key.ts'
import { checkCheckpoints, classifyMismatches, compareContents, insertions, SequenceCheck } from '../../../src/integrity/verify-diff.ts'
import type { CheckpointLine } from '../../../src/integrity/checkpoint-file.ts'
import type { LeafRecord } from '../../../src/integrity/types.ts'

const leaf = (seq: number, hash = `${seq}`.padStart(64, '0')): LeafRecord => ({ tenant: 't', seq, eventId: `e${seq}`, eventIndex: 'idx', leaf: hash, sealedAt: '' })

t.test('contents: gone is deleted, changed is modified, another leaf\'s content is reordered', async t => {
  const leaves = [leaf(0), leaf(1), leaf(2), leaf(3)]
  const { deleted, mismatches } = compareContents(leaves, [leaves[0]?.leaf, undefined, leaves[3]?.leaf, 'f'.repeat(64)])
  t.match(deleted, [{ kind: 'deleted', seq: 1, eventId: 'e1', index: 'idx' }])
  t.equal(deleted.length, 1)
  t.same(mismatches.map(m => m.seq), [2, 3])
  const problems = classifyMismatches(mismatches, new Map([[leaves[3]?.leaf as string, 3], [leaves[2]?.leaf as string, 2]]))
  t.match(problems, [{ kind: 'reordered', seq: 2, eventId: 'e2', foundSeq: 3 }, { kind: 'modified', seq: 3, eventId: 'e3' }])
})

t.test('sequence: each position holds exactly one leaf', async t => {
  const check = new SequenceCheck(10)
  t.ok(check.accept(leaf(10)))
  t.ok(check.accept(leaf(13)))
  t.notOk(check.accept(leaf(13)), 'a second leaf at one position is left out')
  check.finish(16)
  t.same(check.problems.map(p => `${p.kind}@${p.seq}`), ['leaf_log_altered@11', 'leaf_log_altered@12', 'leaf_log_altered@13', 'leaf_log_altered@14', 'leaf_log_altered@15'])
})

t.test('checkpoints: the index copy, the file copy and both signatures', async t => {
  const key = parseSigningKey(randomBytes(32).toString('base64'))
  const verifies = (cp: SignedCheckpoint): boolean => verifyCheckpoint(cp, createPublicKey(key))
  const cp = signCheckpoint({ tenant: 't', size: 10, root: 'aa'.repeat(32), time: '2026-01-01T00:00:00.000Z' }, key)
  const later = signCheckpoint({ tenant: 't', size: 12, root: 'bb'.repeat(32), time: '2026-01-01T00:01:00.000Z' }, key)
  const line = (c: SignedCheckpoint): CheckpointLine => ({ log: 'p', ...c })
  const kinds = (r: ReturnType<typeof checkCheckpoints>): string[] => r.problems.map(p => `${p.kind}/${p.source}`)

  let r = checkCheckpoints(cp, { same: line(cp), latest: line(cp) }, verifies)
  t.same(r.problems, [])
  t.equal(r.anchor?.size, 10)
  t.same(checkCheckpoints(undefined, undefined, verifies), { problems: [] }, 'no checkpoint yet, nothing to compare')

  const forged = { ...cp, root: 'cc'.repeat(32) }
  r = checkCheckpoints(forged, { same: line(cp), latest: line(cp) }, verifies)
  t.same(kinds(r), ['bad_signature/index', 'checkpoint_mismatch/file'], 'a root changed in the index')
  t.same(r.anchor, line(cp), 'the file copy, still valid, anchors the root check')

  r = checkCheckpoints(cp, { same: line(forged), latest: line(forged) }, verifies)
  t.same(kinds(r), ['checkpoint_mismatch/file', 'bad_signature/file'], 'a root changed in the file')
  t.same(r.anchor, cp)

  t.same(kinds(checkCheckpoints(cp, {}, verifies)), ['checkpoint_mismatch/file'], 'missing from the file')
  t.same(kinds(checkCheckpoints(cp, undefined, verifies)), ['checkpoint_mismatch/file'], 'no file on this host')
  r = checkCheckpoints(cp, { same: line(cp), latest: line(later) }, verifies)
  t.same(kinds(r), ['checkpoint_mismatch/index'], 'the index lost its latest checkpoint')
  t.equal(r.anchor?.size, 12, 'the largest valid checkpoint anchors')
})

t.test('insertions: stored events the log does not hold, or holds elsewhere', async t => {
  const leaves = new Map([['e1', leaf(1)], ['e2', leaf(2)]])
  t.match(insertions([{ id: 'e1', index: 'idx' }, { id: 'e2', index: 'other' }, { id: 'x', index: 'idx' }], leaves), [
    { kind: 'inserted', eventId: 'e2', index: 'other', seq: 2 },
    { kind: 'inserted', eventId: 'x', index: 'idx' }
  ])
})
