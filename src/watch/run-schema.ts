import { type Static, Type } from '@sinclair/typebox'

export const RuleRun = Type.Object({
  id: Type.String(),
  rule_id: Type.String(),
  tenant: Type.Union([Type.String(), Type.Null()]),
  job_id: Type.String(),
  attempt: Type.Integer({ description: 'From 1; a failed run is retried (attempts in docs/alerts.md)' }),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it was skipped, or the error of a failed run' }),
  will_retry: Type.Boolean({ description: 'A failed run that will be attempted again' }),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.String({ format: 'date-time' }),
  duration_ms: Type.Integer(),
  since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Events ingested after this (the previous run\'s end minus the look-back)…' }),
  until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: '…and up to this: the next run starts from here' }),
  scanned: Type.Integer({ description: 'Events read' }),
  groups: Type.Integer({ description: 'Groups (users, addresses, devices, pairs) with new events examined' }),
  findings: Type.Integer(),
  raised: Type.Integer({ description: 'New alerts' }),
  merged: Type.Integer({ description: 'Findings that joined an open alert of the same group' }),
  cooling_down: Type.Integer({ description: 'Findings held back by the rule\'s cool-down' }),
  truncated: Type.Boolean({ description: 'A per-run bound stopped the reading: some groups were not examined by this run' }),
  examined_to: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Successful runs: every group was examined for events ingested up to this, and the next run reads from here (less the look-back). `until`, unless a bound stopped this run or one it went on from'
  })),
  sequence: Type.Optional(Type.Integer({
    minimum: 1,
    description: 'Successful runs: one more than the successful run this one started from (1 for a rule\'s first). Runs of a rule take turns under its lock, so this orders them whatever the clocks of the workers that ran them'
  })),
  resume: Type.Optional(Type.Union([Type.Object({
    after: Type.Array(Type.Union([Type.String(), Type.Number()]), { description: 'The key of the last group examined (values of the group fields, in key order); empty for readers of masked data' }),
    through: Type.String({ format: 'date-time', description: 'The groups up to it were examined for events ingested up to this' }),
    rule_version: Type.String({ description: 'The rule as this run read it: a rule changed since has its groups examined again from the start' })
  }), Type.Null()], { description: 'A bound stopped this run: the next run goes on with the groups after `after`' }))
}, { $id: 'RuleRun' })
export type RuleRun = Static<typeof RuleRun>

/** What a rule's evaluation found and read, before alerts are raised. */
export interface RunFigures { scanned: number, groups: number, truncated: boolean }
