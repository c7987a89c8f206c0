import t from 'tap'
import { progressOf, startOf } from '../../../src/watch/run-progress.ts'
import type { RuleRun } from '../../../src/watch/run-schema.ts'

const at = (m: number): string => new Date(Date.UTC(2026, 11, 1, 12, m)).toISOString()
const rule = { created_at: at(0), version: '7.1' }
const run = (fields: Partial<RuleRun>): RuleRun => ({ until: at(1), ...fields }) as RuleRun

t.test('a pass over the groups that takes three runs: each goes on after the last, then every group reads from where the pass began', async t => {
  // Not stopped: the next run reads from this one's end.
  const fresh = startOf(undefined, rule)
  t.same(fresh, { from: Date.parse(at(0)), resume: null, sequence: 1 })
  t.same(progressOf(fresh, Date.parse(at(1)), undefined, rule.version), { examined_to: at(1), resume: null, sequence: 1 })

  // Stopped after u-9: the groups up to it are done to this run's end, the others still from where they were.
  const one = run({ until: at(10), examined_to: at(1), sequence: 1 })
  const s1 = startOf(one, rule)
  t.same(s1, { from: Date.parse(at(1)), resume: null, sequence: 2 })
  const p1 = progressOf(s1, Date.parse(at(20)), ['u-9'], rule.version)
  t.same(p1, { examined_to: at(1), resume: { after: ['u-9'], through: at(20), rule_version: '7.1' }, sequence: 2 })

  // Stopped again after u-19: the pass keeps its end (the groups between were read further, never less far).
  const s2 = startOf(run({ until: at(20), ...p1 }), rule)
  t.same(s2, { from: Date.parse(at(1)), resume: p1.resume, sequence: 3 })
  const p2 = progressOf(s2, Date.parse(at(30)), ['u-19'], rule.version)
  t.same(p2, { examined_to: at(1), resume: { after: ['u-19'], through: at(20), rule_version: '7.1' }, sequence: 3 })

  // The pass ends: every group was examined to where it began, at(20); the next run reads from there.
  const s3 = startOf(run({ until: at(30), ...p2 }), rule)
  t.same(progressOf(s3, Date.parse(at(40)), undefined, rule.version), { examined_to: at(20), resume: null, sequence: 4 })
})

t.test('a rule changed since the stop starts its groups again from the start, from where all were examined', async t => {
  const stopped = run({ until: at(20), examined_to: at(1), resume: { after: ['u-9'], through: at(20), rule_version: '7.1' }, sequence: 5 })
  t.same(startOf(stopped, { ...rule, version: '8.1' }), { from: Date.parse(at(1)), resume: null, sequence: 6 })
})

t.test('runs logged before examined_to and sequence read from their end and are followed by the first numbered run', async t => {
  t.same(startOf(run({ until: at(5) }), rule), { from: Date.parse(at(5)), resume: null, sequence: 1 })
})
