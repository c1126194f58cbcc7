import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
import { withReauth } from 'redux-auth-kit/query';
import type { User } from './types';

export interface Project {
  id: string;
  name: string;
  status: string;
  progress: number;
}

/** `GET /api/profile`: protected; 401 without a live access token. */
export interface Profile {
  user: User;
  /** The access token the server saw: epoch ms. */
  token: { issuedAt: number; expiresAt: number };
  serverTime: number;
  requestsServed: number;
  projects: Project[];
}

/**
 * `withReauth` adds `Authorization: Bearer <token>` from the auth slice, holds a
 * request back while a refresh is in flight, and on a 401 joins the one refresh
 * (shared with the scheduler) and retries once with the new token.
 */
const baseQuery = withReauth(fetchBaseQuery({ baseUrl: '/api' }));

export const api = createApi({
  reducerPath: 'api',
  baseQuery,
  endpoints: (build) => ({
    getProfile: build.query<Profile, void>({ query: () => 'profile' }),
  }),
});

export const { useGetProfileQuery } = api;
