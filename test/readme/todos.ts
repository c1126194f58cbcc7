// Stands for the reader's own slice: README blocks import it from './todos'.
import type { Reducer } from '@reduxjs/toolkit';

export interface Todo {
  title: string;
  done: boolean;
}

export declare const todosReducer: Reducer<Todo[]>;
