/**
 * The API key lives in sessionStorage: it ends with the browser tab's session, never reaches local storage
 * or the address bar, and the strict Content-Security-Policy keeps foreign scripts from reading it.
 * A single sign-on session needs no key: its cookie is HttpOnly (no script reads it) and its CSRF token,
 * given by /v1/me, is kept in memory only.
 */
const KEY = 'sillage.apiKey'
let csrf: string | null = null

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string): void => { sessionStorage.setItem(KEY, key) },
  signOut: (): void => { sessionStorage.removeItem(KEY); csrf = null },
  /** The CSRF token of the single sign-on session, if the console is signed in through one. */
  csrf: (): string | null => csrf,
  useSso: (token: string): void => { csrf = token }
}
