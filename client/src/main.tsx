import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppServicesProvider } from './AppContext';
import { AuthStore } from './AuthStore';
import { ApiClient } from './api';
import { installDebug } from './debug';
import { I18nProvider } from './i18n/I18nProvider';
import './styles.css';

const auth = new AuthStore();
const api = new ApiClient({ tokens: auth });
auth.attach(api);
installDebug();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <AppServicesProvider value={{ api, auth }}>
        <App />
      </AppServicesProvider>
    </I18nProvider>
  </StrictMode>,
);
