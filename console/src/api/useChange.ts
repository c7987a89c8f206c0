import { useState } from 'react'

export interface Change {
  /** A change is in flight: a second one sent before the first is read back would carry a stale version. */
  busy: boolean
  /** What the last change said it did, for the page's status line. */
  notice: string
  failure: Error | undefined
  /** Runs one change: says `message` when it succeeds, keeps the error when it fails, and calls `after` either way. */
  run: (work: () => Promise<unknown>, message?: string) => Promise<void>
  /** A change made elsewhere (a form of the page) succeeded: says `message`, forgets any error, calls `after`. */
  done: (message: string) => void
}

/** The state of the changes a page makes (create, pause, delete…), one at a time; `after` reads the list again. */
export function useChange (after?: () => void): Change {
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState('')
  const [failure, setFailure] = useState<Error | undefined>(undefined)
  const run = async (work: () => Promise<unknown>, message?: string): Promise<void> => {
    setNotice('')
    setFailure(undefined)
    setBusy(true)
    try {
      await work()
      if (message !== undefined) setNotice(message)
    } catch (err) {
      setFailure(err as Error)
    } finally {
      setBusy(false)
    }
    after?.()
  }
  const done = (message: string): void => {
    setFailure(undefined)
    setNotice(message)
    after?.()
  }
  return { busy, notice, failure, run, done }
}
