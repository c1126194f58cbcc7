// Stands for React Router, which the docs use in examples but this repository does not install:
// just enough of its API for the examples to be checked.
declare module 'react-router' {
  import type { ReactElement, ReactNode } from 'react';

  export function Navigate(props: { to: string; replace?: boolean }): null;
  export function Outlet(): ReactElement | null;
  export function Route(props: {
    path?: string;
    element?: ReactNode;
    children?: ReactNode;
  }): ReactElement | null;
  export function Routes(props: { children?: ReactNode }): ReactElement | null;
}
