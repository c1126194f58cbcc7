// Stands for the reader's own components: README blocks import them from './components'.
import type { ReactElement } from 'react';

export declare function App(): ReactElement;
export declare function Spinner(): ReactElement;
export declare function Login(): ReactElement;
export declare function Products(): ReactElement;
export declare function SecureComponent(): ReactElement;
