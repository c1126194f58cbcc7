import { RequireAuth } from 'redux-auth-kit/react';
import { Dashboard } from './components/Dashboard';
import { LoginPage } from './components/LoginPage';
import { TopBar } from './components/TopBar';

export function App() {
  return (
    <div className="app">
      <TopBar />
      <main className="main">
        <RequireAuth
          fallback={<LoginPage />}
          loading={
            <div className="splash" data-testid="restoring">
              <span className="spinner" aria-hidden="true" /> Restoring your session…
            </div>
          }
        >
          <Dashboard />
        </RequireAuth>
      </main>
      <footer className="footer">
        Lumen Console is the example app of <strong>redux-auth-kit</strong>: JWT access tokens, rotating
        refresh tokens, Redux Toolkit and redux-persist.
      </footer>
    </div>
  );
}
