// The API reference in docs/api: `npm run docs` writes it, `npm run docs:check` (CI) fails when an export
// or a member of one has no TSDoc or when the checked-in pages differ from what the sources give.

/** @type {Partial<import('typedoc').TypeDocOptions & import('typedoc-plugin-markdown').PluginOptions>} */
const config = {
  entryPoints: ['src/index.ts', 'store/index.ts', 'src/react/index.ts', 'src/query/index.ts'],
  tsconfig: 'tsconfig.json',
  plugin: [
    'typedoc-plugin-markdown',
    './scripts/typedoc-quiet-dependencies.mjs',
    // Members of object types inside parameters, which requiredToBeDocumented does not reach.
    './scripts/typedoc-parameter-members.mjs',
  ],
  out: 'docs/api',
  readme: 'none',
  // "Defined in" lines carry line numbers (or commit links): every edit anywhere would make the
  // checked-in pages stale. The pages name each export's entry point instead.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  suppressCommentWarningsInDeclarationFiles: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  // Every export, every member of an exported interface, class, enum or type literal (properties,
  // methods, accessors, constructors, enum members), and every call signature. Not 'TypeLiteral': an
  // object type is documented by the property, alias or function that holds it.
  requiredToBeDocumented: [
    'Enum',
    'EnumMember',
    'Variable',
    'Function',
    'Class',
    'Constructor',
    'Interface',
    'Property',
    'Method',
    'Accessor',
    'TypeAlias',
  ],
  // The object literals the slice's `prepare` callbacks return, as TypeDoc expands the action-creator types
  // RTK infers from them. They have no declaration of their own to carry a comment (one would go inside
  // the reducers' code); `signIn`, `signOut`, `AuthSession` and `SignOutReason` document them. TypeDoc
  // warns when a name here no longer exists, so the list cannot outlive what it excuses.
  intentionallyNotDocumented: [
    'redux-auth-kit.authSlice.__type.signIn.__type.prepare.__type.__type.payload',
    'redux-auth-kit.authSlice.__type.signOut.__type.prepare.__type.__type.payload',
    'redux-auth-kit.authSlice.__type.signOut.__type.prepare.__type.__type.payload.__type.reason',
    'redux-auth-kit.signOut.__type.reason',
  ],
  treatWarningsAsErrors: true,
};

export default config;
