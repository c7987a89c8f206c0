import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App.tsx'
import { I18nProvider } from './i18n/i18n.tsx'
import './styles.css'

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <I18nProvider><App /></I18nProvider>
  </StrictMode>
)
