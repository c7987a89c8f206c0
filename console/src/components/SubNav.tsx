import type { ReactNode } from 'react'
import { useLinkHandler } from '../app/router.ts'

/** Links between the panels of a view; the current one is marked for sight and for screen readers. */
export function SubNav ({ label, items }: { label: string, items: Array<{ to: string, text: string, current: boolean }> }): ReactNode {
  const onClick = useLinkHandler()
  return (
    <nav className="subnav" aria-label={label}>
      <ul>
        {items.map(i => <li key={i.to}><a href={i.to} onClick={onClick} aria-current={i.current ? 'page' : undefined}>{i.text}</a></li>)}
      </ul>
    </nav>
  )
}
