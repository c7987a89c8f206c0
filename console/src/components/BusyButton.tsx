import type { ButtonHTMLAttributes, ReactNode } from 'react'

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean }

/**
 * A button that waits while a change is in flight: marked `aria-disabled` and deaf to clicks rather than
 * `disabled`, since a disabled button loses the focus (the keyboard user's place on the page) and the browser
 * puts it back at the top.
 */
export function BusyButton ({ busy, onClick, type = 'button', ...rest }: Props): ReactNode {
  return <button type={type} {...rest} aria-disabled={busy} onClick={busy ? e => { e.preventDefault() } : onClick} />
}
