// Declared beside the rest of what we take from redux-persist (one import of it in a bundle).
export { PERSIST_ACTIONS } from './persistAuthReducer';
