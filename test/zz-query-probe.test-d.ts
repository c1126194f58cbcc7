import { fetchBaseQuery, type BaseQueryFn, type BaseQueryArg, type BaseQueryResult, type BaseQueryError, type BaseQueryExtraOptions, type BaseQueryMeta } from '@reduxjs/toolkit/query';
import { createApi } from '@reduxjs/toolkit/query/react';
interface User { id: string }
declare function v1<A, R, E, D, M>(bq: BaseQueryFn<A, R, E, D, M>): BaseQueryFn<A, R, E, D, M>;
declare function v2<A, R, E, D, M>(bq: BaseQueryFn<A, R, E, D, M>, ...rest: [A] extends [string | { url: string }] ? [o?: { x?: A }] : [o: { x: A }]): BaseQueryFn<A, R, E, D, M>;
declare function v3<BQ extends BaseQueryFn>(bq: BQ): BaseQueryFn<BaseQueryArg<BQ>, BaseQueryResult<BQ>, BaseQueryError<BQ>, BaseQueryExtraOptions<BQ>, NonNullable<BaseQueryMeta<BQ>>>;
const a1 = createApi({ baseQuery: v1(fetchBaseQuery()), endpoints: (b) => ({ user: b.query<User, string>({ query: (id) => id }) }) });
export const e1: number = a1.useUserQuery('1').error;
const a2 = createApi({ baseQuery: v2(fetchBaseQuery()), endpoints: (b) => ({ user: b.query<User, string>({ query: (id) => id }) }) });
export const e2: number = a2.useUserQuery('1').error;
const a3 = createApi({ baseQuery: v3(fetchBaseQuery()), endpoints: (b) => ({ user: b.query<User, string>({ query: (id) => id }) }) });
export const e3: number = a3.useUserQuery('1').error;
