// The API reference in docs/api: `npm run docs` writes it, `npm run docs:check` (CI) fails when an export
// has no TSDoc or when the checked-in pages differ from what the sources give.

/** @type {Partial<import('typedoc').TypeDocOptions & import('typedoc-plugin-markdown').PluginOptions>} */
const config = {
  entryPoints: ['src/index.ts', 'store/index.ts', 'src/react/index.ts', 'src/query/index.ts'],
  tsconfig: 'tsconfig.json',
  plugin: ['typedoc-plugin-markdown', './scripts/typedoc-quiet-dependencies.mjs'],
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
  // Every export, and every call signature (functions and the methods of exported interfaces).
  requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias'],
  treatWarningsAsErrors: true,
};

export default config;
