/**
 * The API key lives in sessionStorage: it ends with the browser tab's session, never reaches local storage
 * or the address bar, and the strict Content-Security-Policy keeps foreign scripts from reading it.
 */
const KEY = 'sillage.apiKey'

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string): void => { sessionStorage.setItem(KEY, key) },
  signOut: (): void => { sessionStorage.removeItem(KEY) }
}
