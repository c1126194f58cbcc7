import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthProvider } from 'redux-auth-kit/react';
import { App } from './App';
import { persistor, store } from './store';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider
      store={store}
      persistor={persistor}
      loading={
        <div className="splash" data-testid="app-loading">
          <span className="spinner" aria-hidden="true" /> Loading…
        </div>
      }
    >
      <App />
    </AuthProvider>
  </StrictMode>,
);
