import type { ReactNode } from 'react'
import { useLinkHandler } from '../app/router.ts'

export function Link ({ to, children, className, label }: { to: string, children: ReactNode, className?: string, label?: string }): ReactNode {
  const onClick = useLinkHandler()
  return <a href={to} onClick={onClick} className={className} aria-label={label}>{children}</a>
}
