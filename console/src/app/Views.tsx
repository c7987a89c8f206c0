import type { ReactNode } from 'react'
import { Discover } from '../features/discover/Discover.tsx'
import { SessionView } from '../features/users/SessionView.tsx'
import { UserView } from '../features/users/UserView.tsx'
import { navigate, useRoute } from './router.ts'
import { useEffect } from 'react'

/** The view for the address: each feature owns the paths below its name. */
export function Views (): ReactNode {
  const { path } = useRoute()
  const [, section, id] = path.split('/').map(decodeURIComponent)
  useEffect(() => { if (section === undefined || section === '') navigate('/discover', true) }, [section])
  switch (section) {
    case 'users': return id === undefined ? null : <UserView id={id} />
    case 'sessions': return id === undefined ? null : <SessionView id={id} />
    default: return <Discover />
  }
}
