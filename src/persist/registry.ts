import type { AuthStorage } from './storage';

// The storage each `persistAuthReducer` made, by `authName`, so a listener configured beside it
// with the same `authName` coordinates tabs through the same storage without being handed it.
// One page normally has one store per `authName`; the latest one made wins.
const made = new Map<string, AuthStorage>();

/** Records the storage `persistAuthReducer` made for `authName`. */
export function registerAuthStorage(authName: string, storage: AuthStorage): void {
  made.set(authName, storage);
}

/** The storage `persistAuthReducer` made for `authName`, if it made one. */
export const registeredAuthStorage = (authName: string): AuthStorage | undefined => made.get(authName);
