import { runGroup } from './integration/groups.ts'

runGroup(1)
