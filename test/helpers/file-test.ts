import tap, { type Test } from 'tap'

/**
 * The test an integration file adds its tests, hooks and teardowns to. A file run alone uses tap's root test. The
 * groups (test/integration-<n>.test.ts) run several files in one process, each in a subtest of its own, set here
 * just before the file is imported: an ESM export is a live binding, so each file reads the subtest set for it,
 * and a group runs its files one after another, so the binding never changes under a file still running.
 */
export let t: Test = tap

export function useFileTest (test: Test): void {
  t = test
}
