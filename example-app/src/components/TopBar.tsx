import { useState } from 'react';
import { selectRefreshToken } from 'redux-auth-kit';
import { useAuthUser, useSessionStatus, useSignOut } from 'redux-auth-kit/react';
import { useAppStore } from '../hooks';
import { MODE_ORDER, MODES } from '../modes';
import { logout } from '../server';
import { authType, switchStorage } from '../store';
import type { AuthType, User } from '../types';

function StorageSwitch() {
  const [switching, setSwitching] = useState<AuthType | null>(null);
  const choose = (type: AuthType) => {
    if (type === authType || switching !== null) return;
    setSwitching(type);
    void switchStorage(type);
  };
  return (
    <div className="storage" data-testid="storage-switch" data-storage={authType}>
      <span className="storage-label">Session stored in</span>
      <div className="segmented" role="group" aria-label="Session storage">
        {MODE_ORDER.map((type) => (
          <button
            key={type}
            type="button"
            className="segment"
            aria-pressed={(switching ?? authType) === type}
            disabled={switching !== null}
            onClick={() => choose(type)}
            title={
              authType === 'memory' && type !== 'memory'
                ? `${MODES[type].storedIn}. Leaving secure mode signs you out: the refresh token cannot leave its HttpOnly cookie.`
                : MODES[type].storedIn
            }
            data-testid={`storage-${type}`}
          >
            {MODES[type].label}
          </button>
        ))}
      </div>
    </div>
  );
}

/**
 * Signs out here and on the server: the refresh token's family goes on the deny-list (in secure
 * mode the server also clears the cookie; the library knows no refresh token to send).
 */
function useSignOutEverywhere(): () => void {
  const store = useAppStore();
  const signOut = useSignOut();
  return () => {
    logout(authType, selectRefreshToken(store.getState()));
    signOut();
  };
}

function UserMenu() {
  const status = useSessionStatus();
  const user = useAuthUser<User>();
  const signOut = useSignOutEverywhere();
  if (status === 'restoring') {
    return (
      <span className="pill pill-refreshing" data-testid="session-restoring">
        Restoring session…
      </span>
    );
  }
  if (status === 'signed-out' || user === null) return null;
  const initials = user.name
    .split(' ')
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <div className="user">
      <span className="avatar" aria-hidden="true">
        {initials}
      </span>
      <span className="user-text" title={`${user.name} · ${user.email}`}>
        <span className="user-name" data-testid="user-name">
          {user.name}
        </span>
        <span className="user-email">{user.email}</span>
      </span>
      <button type="button" className="button button-quiet" onClick={signOut} data-testid="sign-out">
        Sign out
      </button>
    </div>
  );
}

export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          L
        </span>
        <span className="brand-name">Lumen</span>
        <span className="brand-tag">Console</span>
      </div>
      <StorageSwitch />
      <UserMenu />
    </header>
  );
}
