import type { ReactNode } from 'react'
import { AlertsView } from '../features/alerts/AlertsView.tsx'
import { BehaviourView } from '../features/behaviour/BehaviourView.tsx'
import { Admin } from '../features/admin/Admin.tsx'
import { Discover } from '../features/discover/Discover.tsx'
import { GroupsView } from '../features/groups/GroupsView.tsx'
import { Integrity } from '../features/integrity/Integrity.tsx'
import { SavedList } from '../features/saved/SavedList.tsx'
import { SignalsView } from '../features/signals/SignalsView.tsx'
import { SessionView } from '../features/users/SessionView.tsx'
import { UserView } from '../features/users/UserView.tsx'
import { navigate, useRoute } from './router.ts'
import { useEffect } from 'react'

/** The view for the address: each feature owns the paths below its name. */
export function Views (): ReactNode {
  const { path } = useRoute()
  // A malformed escape in the address (`/users/100%`) names no one: it is not found, not a blank page.
  const [, section, id] = path.split('/').map(part => { try { return decodeURIComponent(part) } catch { return '\u0000' } })
  useEffect(() => { if (section === undefined || section === '') navigate('/discover', true) }, [section])
  switch (section) {
    case 'users': return id === undefined ? null : <UserView id={id} />
    case 'sessions': return id === undefined ? null : <SessionView id={id} />
    case 'groups': return <GroupsView />
    case 'behaviour': return <BehaviourView />
    case 'signals': return <SignalsView />
    case 'alerts': return <AlertsView tab={id} />
    case 'saved': return <SavedList />
    case 'integrity': return <Integrity />
    case 'admin': return <Admin tab={id} />
    default: return <Discover />
  }
}
