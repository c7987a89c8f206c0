import { runGroup } from './integration/groups.ts'

runGroup(2)
